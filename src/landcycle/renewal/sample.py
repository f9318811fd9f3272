"""The sample county's renewal projects (``build_renewal_sample``), after the registry, evaluation and rectification:

- 桥头镇东、西工业区 (1,171 mu, 退二优二): approved in March 2024, under way; monthly reports from May 2024 reach 118 mu
  demolished at the old 烟墩 waste-plastics market; the firms on the two zones listed when it started.
- 彭桥工业园区 (横河镇, 拆除重建 into a modern park with a headquarters): its 53 firms each with a fate — most stay and
  upgrade, some move to another park of 横河镇, some are merged, a few close.
- about ten more projects in other towns, in every state (draft, approved, under way, done) and colour (green,
  yellow, red, grey) on the sample's reference date.

Everything goes through the services (checked and audited as the demo county administrator and town officers would
do it). Deterministic; runs once (a second call finds the 桥头镇 project and changes nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from landcycle.accounts.models import User
from landcycle.registry.models import Enterprise, Occupancy, Park, Region
from landcycle.rules import renewal as rules
from landcycle.rules.units import m2_to_mu

from .models import RenewalProject
from .services.firms import fate_record
from .services.progress import report_progress
from .services.projects import project_approve, project_create, project_start

TODAY = dt.date(2026, 11, 29)  # the sample's reference date (sample.plan.REFERENCE_DATE)
QIAOTOU, HENGHE = "330282109", "330282114"
STORY_PARKS_ELSEWHERE = ("敦和园区", "新浦小微园区")  # the seed's vacating block and micro park keep their own story
PEOPLE = {"admin": "admin", QIAOTOU: "qiaotou", HENGHE: "henghe", "330282112": "xinpu"}


def _pdf(title: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(f"{title}.pdf", body.encode("utf-8"), content_type="application/pdf")


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, d = [], first.replace(day=1)
    while d <= last:
        out.append(d)
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


def _area_mu(parks) -> Decimal:
    total = sum((p.parcels.aggregate(s=Sum("area_m2"))["s"] or Decimal(0)) for p in parks)
    return m2_to_mu(total).quantize(Decimal("0.01"))


def _reports(
    project: RenewalProject,
    actor,
    *,
    first: dt.date,
    last: dt.date,
    percent: int,
    done: dict[str, dt.date],
    demolished: Decimal | None = None,
    removed: Decimal | None = None,
    invested: Decimal | None = None,
    texts: tuple[str, ...] = ("拆除清理", "场地平整", "主体施工"),
) -> int:
    """Monthly reports from ``first`` to ``last``, the cumulative figures rising evenly to the final ones; each
    milestone's actual date reported in the report of its month; photos of the site every third month."""
    months = _months(first, last)
    for i, month in enumerate(months, 1):
        share = Decimal(i) / Decimal(len(months))
        end = min(_months(month, month + dt.timedelta(days=31))[-1] - dt.timedelta(days=1), TODAY)
        reached = {k: d for k, d in done.items() if month <= d <= end or (i == 1 and d < month)}
        report_progress(
            actor=actor,
            project=project,
            period=month,
            percent_done=round(percent * share) if i < len(months) else percent,
            demolished_mu=(demolished * share).quantize(Decimal("0.01")) if demolished is not None else None,
            removed_m2=(removed * share).quantize(Decimal("1")) if removed is not None else None,
            investment_made=(invested * share).quantize(Decimal("1")) if invested is not None else None,
            text=f"{month:%Y年%m月}：{texts[i % len(texts)]}，按计划推进。",
            milestones_done=reached,
            files=[_pdf(f"{project.number}-{month:%Y%m}现场照片")] if i % 3 == 0 else [],
            reported_on=end,
            today=TODAY,
        )
    return len(months)


def _firms_on(parks) -> list[Enterprise]:
    ids = Occupancy.objects.filter(parcel__park__in=parks).values_list("enterprise", flat=True).distinct()
    return list(Enterprise.objects.filter(pk__in=ids).order_by("uscc"))


def _qiaotou(admin, officer, regions) -> RenewalProject:
    parks = list(Park.objects.filter(name__in=["桥头镇东工业区", "桥头镇西工业区"]).order_by("code"))
    p = project_create(
        actor=admin,
        number="GZ-QT-2024-01",
        name="桥头镇东、西工业区老旧工业厂房改造提升（退二优二）",
        town=regions[QIAOTOU],
        kind=rules.RETREAT_OPTIMISE,
        planned_start=dt.date(2024, 1, 1),
        planned_end=dt.date(2027, 12, 31),
        parks=parks,
        area_mu=_area_mu(parks),
        demolish_mu="300",
        demolish_m2="210000",
        rebuild_mu="420",
        rebuild_m2="560000",
        illegal_m2="78600",
        investment="380000",
        new_floor_m2="350000",
        plot_ratio="2.0",
        target_tax_per_mu="35",
        target_firms=60,
        lead_unit="桥头镇人民政府",
        lead_person="沈海燕",
        note="东、西两个工业区共1171亩老旧工业厂房改造；先行拆除烟墩老废塑料市场老旧厂房及周边违建。",
        milestones={
            rules.M_APPROVAL: dt.date(2024, 3, 15),
            rules.M_RELOCATION: dt.date(2025, 6, 30),
            rules.M_DEMOLITION: dt.date(2026, 12, 31),
            rules.M_CONSTRUCTION: dt.date(2027, 3, 31),
            rules.M_COMPLETION: dt.date(2027, 10, 31),
            rules.M_FIRMS_IN: dt.date(2027, 12, 31),
        },
    )
    p = project_approve(actor=admin, project=p, approved_on=dt.date(2024, 3, 15), document="慈政发〔2024〕21号")
    p = project_start(actor=officer, project=p, started_on=dt.date(2024, 4, 1))
    _reports(
        p,
        officer,
        first=dt.date(2024, 5, 1),
        last=TODAY,
        percent=66,
        done={rules.M_RELOCATION: dt.date(2025, 6, 20)},
        demolished=Decimal(118),
        removed=Decimal(78600),
        invested=Decimal(152000),
        texts=("烟墩老废塑料市场厂房拆除", "周边违建拆除", "腾空地块平整", "退二优二项目招引"),
    )
    west_zone = [park for park in parks if park.name == "桥头镇西工业区"]
    for i, firm in enumerate(_firms_on(west_zone)[:24]):
        fate = (rules.F_STAYS, rules.F_STAYS, rules.F_MOVES, rules.F_CLOSED)[i % 4]
        _fate(officer, p, firm, fate, dt.date(2024, 6, 1) + dt.timedelta(days=17 * i))
    return p


def _fate(actor, project, firm, fate, day, destination=None, merged_into=None) -> None:
    if fate == rules.F_MOVES and destination is None:
        destination = (
            Park.objects.filter(town=project.town).exclude(pk__in=project.parks.all()).order_by("code").first()
        )
    fate_record(
        actor=actor,
        project=project,
        enterprise=firm,
        fate=fate,
        decided_on=day,
        destination=destination,
        merged_into=merged_into,
        note={"stays": "原址技改提升", "moves": "搬迁至镇内工业园区", "merged": "兼并重组", "closed": "关停淘汰"}.get(
            fate, ""
        ),
    )


def _pengqiao(admin, officer, regions) -> RenewalProject:
    park = Park.objects.get(name="彭桥工业园区")
    p = project_create(
        actor=admin,
        number="GZ-HH-2024-01",
        name="彭桥工业园区改造提升（现代化园区及总部）",
        town=regions[HENGHE],
        kind=rules.DEMOLISH_REBUILD,
        planned_start=dt.date(2024, 3, 1),
        planned_end=dt.date(2027, 6, 30),
        parks=[park],
        area_mu=_area_mu([park]),
        demolish_mu="120",
        demolish_m2="96000",
        rebuild_mu="150",
        rebuild_m2="240000",
        illegal_m2="21000",
        investment="160000",
        new_floor_m2="180000",
        plot_ratio="2.2",
        target_tax_per_mu="40",
        target_firms=45,
        lead_unit="横河镇彭桥工业园区改造提升指挥部",
        lead_person="岑伟明",
        note="组建改造提升指挥部，对涉及的53家企业逐一制定去向，建成现代化园区和企业总部。",
        milestones={
            rules.M_APPROVAL: dt.date(2024, 4, 30),
            rules.M_RELOCATION: dt.date(2025, 3, 31),
            rules.M_DEMOLITION: dt.date(2025, 9, 30),
            rules.M_CONSTRUCTION: dt.date(2025, 11, 30),
            rules.M_COMPLETION: dt.date(2027, 3, 31),
            rules.M_FIRMS_IN: dt.date(2027, 6, 30),
        },
    )
    p = project_approve(actor=admin, project=p, approved_on=dt.date(2024, 4, 28), document="慈政发〔2024〕35号")
    p = project_start(actor=officer, project=p, started_on=dt.date(2024, 6, 1))
    firms = _firms_on([park])
    stays: list[Enterprise] = []
    for i, firm in enumerate(firms):
        fate = (
            rules.F_STAYS,
            rules.F_STAYS,
            rules.F_STAYS,
            rules.F_MOVES,
            rules.F_STAYS,
            rules.F_MERGED,
            rules.F_STAYS,
            rules.F_MOVES,
            rules.F_STAYS,
            rules.F_CLOSED,
        )[i % 10]
        day = dt.date(2024, 7, 1) + dt.timedelta(days=6 * i)
        if fate == rules.F_MERGED and not stays:
            fate = rules.F_STAYS
        _fate(officer, p, firm, fate, day, merged_into=stays[-1] if fate == rules.F_MERGED else None)
        if fate == rules.F_STAYS:
            stays.append(firm)
    _reports(
        p,
        officer,
        first=dt.date(2024, 7, 1),
        last=TODAY,
        percent=64,
        done={
            rules.M_RELOCATION: dt.date(2025, 4, 18),
            rules.M_DEMOLITION: dt.date(2025, 10, 20),
            rules.M_CONSTRUCTION: dt.date(2025, 12, 8),
        },
        demolished=Decimal(120),
        removed=Decimal(96000),
        invested=Decimal(98000),
        texts=("企业搬迁腾空", "厂房拆除", "总部大楼主体施工", "园区道路管网施工"),
    )
    return p


# state, title, kind, planned start, planned end, points behind the time-proportional plan on the reference date
OTHERS = (
    ("draft", "老旧厂房综合整治方案", rules.UPGRADE, (2027, 1, 1), (2028, 6, 30), 0),
    ("draft", "退二进三片区更新方案", rules.RETREAT_TERTIARY, (2027, 3, 1), (2029, 12, 31), 0),
    ("approved", "小微企业园提升", rules.UPGRADE, (2026, 12, 1), (2028, 6, 30), 0),
    ("approved", "低效工业用地归并重建", rules.MERGE_REBUILD, (2027, 1, 1), (2028, 12, 31), 0),
    ("green", "老工业点原址提升", rules.UPGRADE, (2025, 6, 1), (2027, 6, 30), 4),
    ("green", "退二优二标准厂房", rules.RETREAT_OPTIMISE, (2025, 3, 1), (2027, 2, 28), -3),
    ("yellow", "工业区块拆除重建", rules.DEMOLISH_REBUILD, (2025, 1, 1), (2027, 12, 31), 18),
    ("yellow_late", "老旧工业区块整治", rules.UPGRADE, (2025, 9, 1), (2027, 8, 31), 2),
    ("red", "低效用地归并重建", rules.MERGE_REBUILD, (2024, 6, 1), (2026, 12, 31), 36),
    ("red_late", "老厂区拆除重建", rules.DEMOLISH_REBUILD, (2025, 1, 1), (2027, 6, 30), 5),
    ("done", "工业区块有机更新", rules.UPGRADE, (2023, 9, 1), (2025, 12, 31), 0),
    ("done", "退二优二示范项目", rules.RETREAT_OPTIMISE, (2023, 6, 1), (2025, 9, 30), 0),
)


def _plan_dates(start: dt.date, end: dt.date) -> dict[str, dt.date]:
    span = (end - start).days
    shares = (0.05, 0.25, 0.4, 0.5, 0.9, 1.0)
    return {k: start + dt.timedelta(days=int(span * s)) for k, s in zip(rules.MILESTONES, shares, strict=True)}


def _done(state: str, plan: dict[str, dt.date], last: dt.date) -> dict[str, dt.date]:
    """The milestones reached by ``last``: all those planned by then, except that a yellow_late project has not
    started construction (planned 45 days before the reference date) and a red_late one has not finished demolition
    (more than three months late), nor anything after them."""
    stop = {"yellow_late": rules.M_CONSTRUCTION, "red_late": rules.M_DEMOLITION}.get(state)
    out = {}
    for k in rules.MILESTONES[1:]:
        if k == stop:
            break
        if plan[k] <= last:
            out[k] = plan[k]
    return out


def _other(admin, i, spec, town, park) -> RenewalProject:
    state, title, kind, start, end, behind = spec
    start_d, end_d = dt.date(*start), dt.date(*end)
    plan = _plan_dates(start_d, end_d)
    if state == "yellow_late":
        plan[rules.M_CONSTRUCTION] = TODAY - dt.timedelta(days=45)
    area = _area_mu([park])
    p = project_create(
        actor=admin,
        number=f"GZ-{town.code[-3:]}-{start_d.year}-{i:02d}",
        name=f"{park.name}{title}",
        town=town,
        kind=kind,
        planned_start=start_d,
        planned_end=end_d,
        parks=[park],
        area_mu=area,
        demolish_mu=(area * Decimal("0.3")).quantize(Decimal("0.01")),
        illegal_m2=Decimal(1500 * (i + 1)),
        investment=Decimal(8000 + 1500 * i),
        new_floor_m2=Decimal(12000 + 3000 * i),
        plot_ratio=Decimal("1.8"),
        target_tax_per_mu=Decimal(25 + i),
        target_firms=5 + i,
        lead_unit=f"{town.name}人民政府",
        milestones=plan,
    )
    if state == "draft":
        return p
    approved_on = plan[rules.M_APPROVAL]
    p = project_approve(
        actor=admin, project=p, approved_on=approved_on, document=f"慈政发〔{approved_on.year}〕{40 + i}号"
    )
    if state == "approved":
        return p
    p = project_start(actor=admin, project=p, started_on=approved_on)
    last = min(TODAY, end_d + dt.timedelta(days=20))
    planned = rules.planned_share(start_d, end_d, TODAY) * 100
    percent = 100 if state == "done" else max(0, min(99, round(planned) - behind))
    _reports(
        p,
        admin,
        first=approved_on.replace(day=1),
        last=last,
        percent=percent,
        done=_done(state, plan, last),
        demolished=(p.demolish_mu or Decimal(0)) * Decimal(percent) / 100,
        invested=(p.investment or Decimal(0)) * Decimal(percent) / 100,
    )
    return p


def build_renewal_sample(*, actor) -> dict[str, int]:
    if RenewalProject.objects.filter(number="GZ-QT-2024-01").exists():
        return {"renewal_projects": 0}
    users = {u.username: u for u in User.objects.filter(username__in=PEOPLE.values())}
    admin = users.get("admin", actor)
    regions = {r.code: r for r in Region.objects.filter(level=Region.Level.TOWN, code__startswith="330282")}
    if not Park.objects.filter(name="彭桥工业园区").exists():  # a registry without the seed story
        return {"renewal_projects": 0}
    _qiaotou(admin, users.get("qiaotou", admin), regions)
    _pengqiao(admin, users.get("henghe", admin), regions)
    taken = {QIAOTOU, HENGHE}
    towns = [t for code, t in sorted(regions.items()) if code not in taken]
    n = 2
    for i, spec in enumerate(OTHERS):
        town = towns[i % len(towns)]
        park = (
            Park.objects.filter(town=town, renewal_projects__isnull=True, parcels__isnull=False)
            .exclude(name__in=STORY_PARKS_ELSEWHERE)
            .order_by("-kind", "code")
            .first()
        )
        if park is None:
            continue
        _other(admin, i + 1, spec, town, park)
        n += 1
    return {"renewal_projects": n}
