"""The sample county's exit stage (``build_exits_sample``, called at the end of ``sample.persist.persist_plan``).

- The seed's 敦和园区 case in full: firms whose leases had ended left rubbish, equipment and raw materials behind and
  disputed who owned what; 新浦镇 served notice, its discipline office held a talk (约谈), the task force surveyed the
  site eight times (8次前期调研) to settle the owner of each leftover item, held a special meeting (专题会议), and
  went to judicial mediation with the 慈溪市人民法院 (司法调解) before the site was cleared and handed over
  (2025-06-20) — the two lots then went to the new projects (报废机动车回收拆解, 交通新材料产业基地: sample.admission).
- About thirty more cases, every state and colour: open cases opened from the "租约到期未腾退" warnings of
  敦和园区's lots being vacated and from D-class firms' warnings of several towns (some on plan, some behind, some
  with the deadline near or past), cases handed over in each quarter of 2026 on land now in the reserve (可供地),
  two cancelled, one without a plan (grey), and two take-backs of idle land by the county (one decided and heard,
  one handed over to the land reserve with compensation).

The sample must not move what the registry's own tests compare with the plan: cases are handed over only on land
already in the reserve that nobody holds, so closing one ends no occupancy and changes no parcel or warning.
Everything goes through the services (checked, scoped, audited). Deterministic; runs once (a second call adds
nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef

from landcycle.accounts.models import User
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.registry.selectors import held_q
from landcycle.supervision.models import Contract, Warning

from .models import Case
from .services.cases import case_cancel, case_close, case_update, open_case
from .services.records import files_attach, item_add, item_update, money_add, step_add

D = dt.date
SAMPLE_TODAY = D(2026, 11, 29)  # the sample's reference date (sample.plan.REFERENCE_DATE)
XINPU = "330282112"
OFFICERS = {"330282112": "xinpu", "330282109": "qiaotou", "330282114": "henghe"}
STORY_NUMBER = "TT2024-112-001"


def _jpg(title: str) -> SimpleUploadedFile:
    body = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + title.encode("utf-8") + b"\xff\xd9"
    return SimpleUploadedFile(f"{title}.jpg", body, content_type="image/jpeg")


def _pdf(title: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(f"{title}.pdf", body.encode("utf-8"), content_type="application/pdf")


def _people(actor: User) -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(username__in=[*OFFICERS.values(), "admin"])}
    out = {code: users.get(name, actor) for code, name in OFFICERS.items()}
    out["county"] = users.get("admin", actor)
    return out


def _officer(people: dict, town: Region, actor: User) -> User:
    return people.get(town.code, actor)


def _free_reserve(town_ids: Iterable[int] | None = None, on: dt.date = SAMPLE_TODAY):
    """Reserve parcels nobody holds and no contract covers: where a handed-over case's land sits."""
    held = Occupancy.objects.filter(parcel_id=OuterRef("pk")).filter(held_q(on))
    qs = (
        Parcel.objects.filter(status=Parcel.Status.RESERVE)
        .exclude(Exists(held))
        .exclude(contracts__isnull=False)
        .select_related("park__town")
        .order_by("number")
    )
    return qs.filter(park__town_id__in=list(town_ids)) if town_ids is not None else qs


# ------------------------------------------------------------------ the seed's case
STORY_SURVEYS = [
    (D(2024, 9, 20), "首次踏勘：清点各厂房遗留物，拍照编号"),
    (D(2024, 10, 22), "逐户核对租赁合同和遗留物清单，企业对注塑机、冲床归属提出异议"),
    (D(2024, 11, 12), "与园区原管理方核对厂房附属设施、简易钢棚的建造方"),
    (D(2024, 12, 3), "会同融资租赁公司核对注塑机铭牌和租赁合同"),
    (D(2025, 1, 8), "复核垃圾堆放量，委托第三方测量"),
    (D(2025, 2, 19), "核查危险废物（废机油）存放和包装情况"),
    (D(2025, 3, 11), "梳理矛盾症结，形成遗留物归属争议清单提交专题会议"),
    (D(2025, 4, 8), "调解前现场复核，争议物品封存"),
]


def _story_items(actor: User, case: Case) -> None:
    rows = [
        dict(
            category="rubbish",
            description="生活垃圾及建筑垃圾（各厂房内外堆放）",
            quantity="320",
            unit="吨",
            location="1号至4号厂房及南侧空地",
            claimed_owner="unknown",
            determined_owner="firm",
            determined_owner_name="原承租企业（按租赁合同约定由承租方清理）",
            determined_how="mediation",
            determined_on=D(2025, 4, 28),
            disposal="scrapped",
            disposal_date=D(2025, 5, 26),
            disposal_cost_wan="9.60",
            cost_payer="新浦镇人民政府先行垫付，向企业追偿",
        ),
        dict(
            category="equipment",
            description="注塑机（海天HTF-530）",
            quantity="6",
            unit="台",
            location="2号厂房",
            claimed_owner="firm",
            claimed_owner_name="承租企业；融资租赁公司另行主张所有权",
            determined_owner="third",
            determined_owner_name="宁波某融资租赁有限公司",
            determined_how="mediation",
            determined_on=D(2025, 4, 28),
            disposal="taken",
            disposal_date=D(2025, 5, 15),
        ),
        dict(
            category="equipment",
            description="冲床（J23-63）",
            quantity="4",
            unit="台",
            location="3号厂房",
            claimed_owner="firm",
            claimed_owner_name="承租企业；出租方主张抵扣欠缴租金",
            determined_owner="landlord",
            determined_owner_name="新浦镇（园区业主）",
            determined_how="mediation",
            determined_on=D(2025, 4, 28),
            disposal="sold",
            disposal_date=D(2025, 5, 20),
            cost_payer="变卖所得抵扣欠缴租金",
        ),
        dict(
            category="raw",
            description="塑料粒子原料（PP、ABS，袋装）",
            quantity="18",
            unit="吨",
            location="4号厂房仓库",
            claimed_owner="firm",
            determined_owner="firm",
            determined_owner_name="原承租企业",
            determined_how="agreement",
            determined_on=D(2025, 3, 25),
            disposal="taken",
            disposal_date=D(2025, 4, 15),
        ),
        dict(
            category="hazardous",
            description="废机油（HW08），桶装",
            quantity="1.2",
            unit="吨",
            location="2号厂房东北角",
            claimed_owner="unknown",
            determined_owner="firm",
            determined_owner_name="原承租企业",
            determined_how="mediation",
            determined_on=D(2025, 4, 28),
            disposal="contractor",
            disposal_date=D(2025, 5, 28),
            disposal_cost_wan="2.40",
            cost_payer="原承租企业",
            contractor="宁波某环保科技有限公司（危险废物经营许可证持证单位）",
            manifest_number="3302822025052800118",
        ),
        dict(
            category="structure",
            description="简易钢棚（违章搭建）",
            quantity="1",
            unit="处",
            location="南侧空地",
            claimed_owner="landlord",
            determined_owner="landlord",
            determined_owner_name="新浦镇（园区业主）",
            determined_how="agreement",
            determined_on=D(2025, 3, 25),
            disposal="scrapped",
            disposal_date=D(2025, 6, 5),
            disposal_cost_wan="1.80",
            cost_payer="新浦镇人民政府",
        ),
    ]
    for i, row in enumerate(rows):
        item = item_add(actor=actor, case=case, **row)
        files_attach(actor=actor, case=case, item=item, files=[_jpg(f"遗留物{i + 1}-{row['description'][:8]}")])


def _story(actor: User, people: dict) -> Case | None:
    dunhe = Park.objects.filter(name="敦和园区").select_related("town").first()
    if dunhe is None:
        return None
    officer = _officer(people, dunhe.town, actor)
    lots = list(Parcel.objects.filter(park=dunhe, status=Parcel.Status.RESERVE).order_by("number")[:2])
    firms = list(
        Enterprise.objects.filter(occupancies__parcel__park=dunhe, status=Enterprise.Status.RELOCATED)
        .distinct()
        .order_by("uscc")[:3]
    )
    case = open_case(
        officer,
        ground="lease_ended",
        town=dunhe.town,
        parcels=lots,
        enterprises=firms,
        responsible_unit="新浦镇老旧工业区块改造提升工作专班",
        responsible_person="胡晓东",
        planned_start=D(2024, 9, 2),
        deadline=D(2025, 6, 30),
        reason="敦和园区租约到期，企业以清理费用过高等理由迟迟不腾退，遗留大量垃圾、生产设备和原料，归属存在争议。",
        opened_on=D(2024, 9, 2),
        number=STORY_NUMBER,
    )
    step_add(
        actor=officer,
        case=case,
        kind="notice",
        date=D(2024, 9, 5),
        people="新浦镇经发办、财办",
        place="敦和园区",
        minutes="向各承租企业送达租约到期腾退告知书，限期清理遗留物。",
    )
    step_add(
        actor=officer,
        case=case,
        kind="talk",
        date=D(2024, 10, 15),
        people="新浦镇纪委监察办负责人；经发办、园区管理方",
        place="新浦镇人民政府",
        minutes="服务可以外包，管理不能缺位，责任更不能转移：约谈职能部门，指出园区管理松散、基础工作薄弱。",
    )
    for i, (day, text) in enumerate(STORY_SURVEYS, 1):
        step = step_add(
            actor=officer, case=case, kind="survey", date=day, people="工作专班", place="敦和园区", minutes=text
        )
        files_attach(actor=officer, case=case, step=step, files=[_jpg(f"第{i}次踏勘-{day.isoformat()}")])
    _story_items(officer, case)
    step_add(
        actor=officer,
        case=case,
        kind="meeting",
        date=D(2025, 3, 25),
        people="镇党委、经发办、财办、司法所、园区管理方、承租企业代表",
        place="新浦镇人民政府三楼会议室",
        minutes="专题会议多方协商研判：原材料、钢棚归属协商一致；垃圾、注塑机、冲床、废机油归属争议提交司法调解。",
    )
    meeting = step_add(
        actor=officer,
        case=case,
        kind="mediation",
        date=D(2025, 4, 28),
        mediation="judicial",
        court="慈溪市人民法院",
        court_case_number="（2025）浙0282民调字第128号",
        people="慈溪市人民法院法官；新浦镇；承租企业；融资租赁公司",
        place="慈溪市人民法院诉讼服务中心",
        minutes="法院释法说理，各方达成调解协议：注塑机归融资租赁公司，冲床抵扣欠缴租金，垃圾和废机油由企业承担清运处置。",
        outcome="达成调解协议，司法确认",
    )
    files_attach(actor=officer, case=case, step=meeting, files=[_pdf("民事调解书（2025）浙0282民调字第128号")])
    step_add(actor=officer, case=case, kind="agreement", date=D(2025, 5, 10), minutes="各企业签订腾退协议。")
    step_add(
        actor=officer, case=case, kind="cleared", date=D(2025, 6, 10), minutes="遗留物全部处置完毕，场地清理完成。"
    )
    for kind, amount, payer, paid, day, note in (
        ("clearing", "9.60", "新浦镇人民政府", True, D(2025, 5, 26), "垃圾清运"),
        ("disposal", "2.40", "原承租企业", True, D(2025, 5, 28), "废机油委托处置"),
        ("disposal", "1.80", "新浦镇人民政府", True, D(2025, 6, 5), "简易钢棚拆除"),
        ("court_fee", "0.35", "新浦镇人民政府", True, D(2025, 4, 28), "调解费用"),
        ("recovery", "6.20", "原承租企业", True, D(2025, 6, 18), "按调解协议追偿垃圾清运费用"),
    ):
        money_add(actor=officer, case=case, kind=kind, amount_wan=amount, payer=payer, paid=paid, date=day, note=note)
    return case_close(
        actor=officer,
        case=case,
        on=D(2025, 6, 20),
        handover_to="慈溪市绿循再生资源有限公司（报废机动车回收拆解项目）、宁波甬通新材料科技有限公司（交通新材料产业基地）",
        people="新浦镇、慈溪市自然资源和规划局",
        minutes="现场验收合格，移交新引进项目。",
    )


# ------------------------------------------------------------------ open cases from warnings
# (steps done, planned start, deadline): on plan, behind, far behind, deadline near, overdue
PLANS = [
    (["notice", "survey", "talk", "meeting", "mediation"], D(2026, 7, 10), D(2027, 3, 31)),  # green
    (["notice"], D(2026, 7, 10), D(2026, 12, 31)),  # red: far behind
    (["notice", "survey", "survey", "talk"], D(2026, 7, 15), D(2027, 1, 31)),  # yellow
    (["notice", "survey", "talk", "meeting", "agreement"], D(2026, 7, 15), D(2026, 12, 15)),  # deadline near
    (["notice", "survey"], D(2026, 6, 1), D(2026, 10, 31)),  # overdue, red
    (["notice", "survey", "meeting", "mediation", "agreement", "cleared"], D(2026, 7, 1), D(2026, 12, 31)),
    (["notice", "survey", "talk"], D(2026, 8, 1), D(2027, 6, 30)),
]
STEP_TEXT = {
    "notice": "送达腾退告知书",
    "survey": "现场踏勘，清点遗留物",
    "talk": "约谈企业负责人",
    "meeting": "召开专题会议协调",
    "mediation": "人民调解委员会主持调解",
    "agreement": "签订腾退协议",
    "cleared": "场地清理完毕",
}


def _run_steps(officer: User, case: Case, kinds: list[str], start: dt.date) -> None:
    day = start
    for kind in kinds:
        day = min(day + dt.timedelta(days=18), SAMPLE_TODAY)
        extra = {"mediation": "people", "outcome": "达成调解协议"} if kind == "mediation" else {}
        if kind == "cleared":
            for item in case.items.filter(disposal=""):
                item_update(actor=officer, item=item, disposal="taken", disposal_date=day)
        step_add(actor=officer, case=case, kind=kind, date=day, people="镇经发办", minutes=STEP_TEXT[kind], **extra)
        if kind == "survey" and not case.items.exists():
            item_add(
                actor=officer,
                case=case,
                category="equipment",
                description="生产设备（待认定归属）",
                quantity="3",
                unit="台",
                claimed_owner="firm",
            )
            item_add(actor=officer, case=case, category="rubbish", description="生产垃圾", quantity="25", unit="吨")


def _overstay_firms(parcel: Parcel) -> list[Enterprise]:
    held = Occupancy.objects.filter(parcel=parcel).filter(held_q(SAMPLE_TODAY))
    return list(Enterprise.objects.filter(occupancies__in=held).distinct().order_by("uscc"))


def _from_warnings(actor: User, people: dict) -> int:
    """Open cases from the "租约到期未腾退" warnings on parcels and from D-class firms' warnings."""
    n = 0
    lease = Warning.objects.filter(subject_type="parcel", rule="lease.ended_not_vacated").select_related("town")
    d_class = Warning.objects.filter(subject_type="enterprise", rule="enterprise.class", colour="red")
    dunhe = list(lease.filter(park__name="敦和园区").order_by("subject_id"))  # the seed's lots being vacated first
    others = list(lease.exclude(park__name="敦和园区").order_by("town__code", "subject_id")[: max(0, 9 - len(dunhe))])
    chosen = dunhe + others + list(d_class.select_related("town").order_by("town__code", "subject_id")[:13])
    for i, w in enumerate(chosen):
        if w.subject_type == "parcel":
            parcels = list(Parcel.objects.filter(pk=w.subject_id))
            firms = _overstay_firms(parcels[0]) if parcels else []
            ground = "lease_ended"
        else:
            firms = list(Enterprise.objects.filter(pk=w.subject_id))
            held = Occupancy.objects.filter(enterprise__in=firms, parcel__park__town=w.town).filter(
                held_q(SAMPLE_TODAY)
            )
            parcels = list(Parcel.objects.filter(occupancies__in=held).distinct().order_by("number")[:2])
            ground = "d_class"
        if not parcels:
            continue
        kinds, start, deadline = PLANS[i % len(PLANS)]
        officer = _officer(people, w.town, actor)
        case = open_case(
            officer,
            ground=ground,
            town=w.town,
            parcels=parcels,
            enterprises=firms,
            responsible_unit=f"{w.town.name}经济发展办公室",
            responsible_person="经办人",
            planned_start=start,
            deadline=deadline,
            reason=f"{w.subject_label}：{w.reason_zh}"[:1000],
            source=w,
            opened_on=start,
        )
        _run_steps(officer, case, kinds, start)
        n += 1
    return n


# ------------------------------------------------------------------ handed over, cancelled, unplanned
HANDOVERS = [D(2025, 11, 20), D(2026, 2, 26), D(2026, 3, 30), D(2026, 5, 18), D(2026, 8, 21), D(2026, 10, 16)]


def _handed_over(actor: User, people: dict) -> int:
    """Cases handed over on land now in the reserve, one town after another, in each quarter."""
    towns = list(Region.objects.filter(level=Region.Level.TOWN, code__startswith="330282").order_by("code"))
    n = 0
    for i, on in enumerate(HANDOVERS):
        town = towns[(i * 3 + 1) % len(towns)]
        lot = _free_reserve([town.pk], on).exclude(exit_cases__isnull=False).first()
        if lot is None:
            continue
        officer = _officer(people, town, actor)
        start = on - dt.timedelta(days=150 + 20 * i)
        case = open_case(
            officer,
            ground=["lease_ended", "voluntary", "d_class", "renewal", "court_order", "lease_ended"][i],
            town=town,
            parcels=[lot],
            responsible_unit=f"{town.name}经济发展办公室",
            planned_start=start,
            deadline=on + dt.timedelta(days=10),
            reason="低效工业用地整治：腾退收回",
            opened_on=start,
        )
        _run_steps(officer, case, ["notice", "survey", "talk", "agreement", "cleared"], start)
        case_close(actor=officer, case=case, on=on, handover_to="镇土地储备")
        n += 1
    return n


def _others(actor: User, people: dict) -> int:
    xinpu = Region.objects.filter(code=XINPU).first()
    if xinpu is None:
        return 0
    officer = _officer(people, xinpu, actor)
    lots = list(Parcel.objects.filter(park__town=xinpu, status=Parcel.Status.VACATING).order_by("-number")[:3])
    if len(lots) < 3:
        return 0
    made = 0
    for lot, reason in ((lots[0], "企业已与出租方续签租赁合同"), (lots[1], "企业经整改亩均税收达标，不再腾退")):
        case = open_case(officer, ground="lease_ended", town=xinpu, parcels=[lot], opened_on=D(2026, 7, 20))
        step_add(actor=officer, case=case, kind="notice", date=D(2026, 7, 25), minutes=STEP_TEXT["notice"])
        case_cancel(actor=officer, case=case, on=D(2026, 9, 10), reason=reason)
        made += 1
    open_case(
        officer,
        ground="voluntary",
        town=xinpu,
        parcels=[lots[2]],
        opened_on=D(2026, 11, 2),
        reason="企业申请自愿退出，计划待定",
    )
    return made + 1


# ------------------------------------------------------------------ take-backs of idle land (the county)
def _takebacks(actor: User, people: dict) -> int:
    county = people["county"]
    made = 0
    w = (
        Warning.objects.filter(rule="idle.take_back", subject_type="contract")
        .select_related("town")
        .order_by("town__code", "subject_id")
        .first()
    )
    contract = Contract.objects.filter(pk=w.subject_id).first() if w else None
    if w is not None and contract is not None:
        case = open_case(
            county,
            kind="takeback",
            ground="idle_land",
            town=w.town,
            parcels=list(contract.parcels.filter(park__town=w.town)),
            enterprises=[contract.holder] if contract.holder_id else [],
            responsible_unit="慈溪市自然资源和规划局",
            planned_start=D(2026, 9, 1),
            deadline=D(2027, 3, 31),
            reason=f"{w.subject_label}：{w.reason_zh}"[:1000],
            source=w,
            opened_on=D(2026, 9, 1),
        )
        case_update(
            actor=county,
            case=case,
            decision_number="慈政土收〔2026〕3号",
            decision_date=D(2026, 9, 20),
            notice_date=D(2026, 9, 22),
            hearing_date=D(2026, 10, 15),
            paid="free",
        )
        step_add(actor=county, case=case, kind="decision", date=D(2026, 9, 20), minutes="作出无偿收回决定")
        step_add(actor=county, case=case, kind="notice", date=D(2026, 9, 22), minutes="送达收回决定书，告知听证权利")
        step_add(
            actor=county, case=case, kind="hearing", date=D(2026, 10, 15), minutes="土地使用权人申请听证，维持决定"
        )
        made += 1
    town = Region.objects.filter(code=XINPU).first()
    lot = _free_reserve([town.pk], D(2026, 4, 30)).exclude(exit_cases__isnull=False).first() if town else None
    if town is not None and lot is not None:
        case = open_case(
            county,
            kind="takeback",
            ground="idle_land",
            town=town,
            parcels=[lot],
            responsible_unit="慈溪市自然资源和规划局",
            planned_start=D(2025, 12, 1),
            deadline=D(2026, 6, 30),
            reason="闲置满两年，因政府规划调整有偿收回",
            opened_on=D(2025, 12, 1),
        )
        case_update(
            actor=county,
            case=case,
            decision_number="慈政土收〔2026〕1号",
            decision_date=D(2026, 1, 12),
            notice_date=D(2026, 1, 15),
            paid="paid",
            compensation_wan="186.00",
            reserve_date=D(2026, 4, 30),
        )
        step_add(actor=county, case=case, kind="decision", date=D(2026, 1, 12), minutes="作出有偿收回决定")
        step_add(actor=county, case=case, kind="notice", date=D(2026, 1, 15), minutes="送达收回决定书")
        step_add(actor=county, case=case, kind="cleared", date=D(2026, 4, 20), minutes="地上物清理完毕")
        money_add(actor=county, case=case, kind="compensation", amount_wan="186.00", payer="县土地储备中心", paid=True)
        case_close(actor=county, case=case, on=D(2026, 4, 30), handover_to="慈溪市土地储备中心")
        made += 1
    return made


def build_exits_sample(*, actor: User) -> int:
    """The sample's cases (see the module's docstring); the number made. Runs once."""
    if Case.objects.filter(number=STORY_NUMBER).exists():
        return 0
    people = _people(actor)
    made = 1 if _story(actor, people) is not None else 0
    made += _from_warnings(actor, people)
    made += _handed_over(actor, people)
    made += _others(actor, people)
    made += _takebacks(actor, people)
    return made
