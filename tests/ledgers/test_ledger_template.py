"""Templates (a filled template imports without a mapping) and problem reports (bad cells marked)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from import_books import XINPU, fill_first_sheet, read_book, sheet_xml, uscc, write_xlsx, wrong_check, zip_text

from landcycle.ledgers.kinds import KINDS
from landcycle.ledgers.report import problem_report_xlsx
from landcycle.ledgers.services import import_preview, ledger_import
from landcycle.ledgers.template import ledger_template
from landcycle.rules.ledger import read_ledger

pytestmark = pytest.mark.django_db


def exit_rows(kind: str, xp) -> list[list]:
    """Rows of the exit ledgers (exits.ledger): a new case; a step and an item of a case opened for them."""
    if kind == "vacating_cases":
        return [
            ["TT2026-112-099", "腾退", "租约到期未续租", "330282112", xp["parcels"][0].number, xp["tenant"].uscc]
            + ["新浦镇经发办", "胡晓东", "2026-07-01", "2026-07-01", "2026-12-31", "", "", "租约到期未腾退"]
        ]
    from landcycle.accounts.services import system_user
    from landcycle.exits.services.cases import open_case

    case = open_case(
        system_user(), ground="lease_ended", town=xp["town"], parcels=[xp["parcels"][0]], opened_on=dt.date(2026, 7, 1)
    )
    if kind == "case_steps":
        return [[case.number, "踏勘", "2026-08-05", "镇经发办", "现场", "清点遗留物", "", "", "", ""]]
    return [[case.number, "生产垃圾", "垃圾", 25, "吨", "2号厂房", "不明", "", "", "", "", "", "", "", "", "", "", ""]]


def renewal_rows(kind: str, data) -> list[list]:
    """A filled row of a renewal ledger; progress and fates need a project under way (made here by the county)."""
    import datetime as dt

    from landcycle.accounts.models import User
    from landcycle.renewal.services.projects import project_approve, project_create, project_start

    xp = data[XINPU]
    if kind == "renewal_projects":
        return [
            [
                "GZ-T-1",
                "新浦镇老厂区改造",
                "新浦镇",
                xp["park"].code,
                "退二优二",
                None,
                "新浦镇人民政府",
                "胡晓东",
                None,
            ]
            + ["2026-01-01", "2027-12-31", 30, 10]
            + [None] * 9
            + ["2026-02-01"]
            + [None] * 5
        ]
    admin = User.objects.get(username="p_admin")
    p = project_create(
        actor=admin,
        number="GZ-T-2",
        name="改造",
        town=xp["town"],
        kind="upgrade",
        parks=[xp["park"]],
        planned_start=dt.date(2025, 1, 1),
        planned_end=dt.date(2026, 12, 31),
        area_mu=30,
    )
    p = project_approve(actor=admin, project=p, approved_on=dt.date(2025, 1, 5), document="批复")
    p = project_start(actor=admin, project=p, started_on=dt.date(2025, 2, 1))
    if kind == "renewal_progress":
        return [["GZ-T-2", None, "2025-03-01", "2025-03-28", 10, 2, 500, 300, "拆除中"] + [None] * 5]
    return [["GZ-T-2", xp["owner"].uscc, None, "留存提升", None, None, "2025-03-01", "原址技改"]]


def filled_rows(kind: str, data) -> list[list]:
    if kind.startswith("renewal_"):
        return renewal_rows(kind, data)
    xp = data[XINPU]
    if kind in ("vacating_cases", "case_steps", "leftover_items"):
        return exit_rows(kind, xp)
    owner, parcel, park = xp["owner"], xp["parcels"][0], xp["park"]
    return {
        "regions": [["330282902", "慈溪滨海新区"]],
        "parks": [["XP-02", "新浦小微企业园", "小微园区", "新浦镇", "2024年新建"]],
        "parcels": [
            ["330282112-0009", park.code, 1500.5, "工业用地", "出让", "在用", "纬三路1号"],
            ["330282112-0010", park.code, "2,000", "仓储用地", "租赁", "储备", ""],
        ],
        "enterprises": [
            [uscc(800), "慈溪市新浦五金有限公司", "3311", "规下", "2019-11-13", "在营", "新浦镇", "王五"],
            [uscc(801), "慈溪市新浦模具有限公司", "C3525", "规上", "2020/1/2", "停产", XINPU, ""],
        ],
        "occupancy": [
            [xp["tenant"].uscc, xp["tenant"].name, parcel.number, "租赁", owner.uscc, 1000, "2024-01-01", "2026-12-31"]
        ],
        "evaluation_facts": [
            [owner.uscc, owner.name, 2024, "存在违法用地", None, "2024-07-01", "慈自然资罚〔2024〕5号", "未批先建"],
            [owner.uscc, owner.name, 2024, "合并评价", "XP-2024-01", None, "同地块合并评价", None],
        ],
        "figures": [
            [owner.uscc, owner.name, 2024, 11000, 550.5, 2800, 900, 1.25, 300, 118, 520],
            [xp["tenant"].uscc, xp["tenant"].name, 2024, 800, 20, None, None, None, None, 15, 30],
        ],
        # number, project, applicant, credit code, park, kind of park, industry, land, investments, the figures
        # at full production, plot ratio, shares, application date
        "applications": [
            ["ZR-XP-2026-009", "智能家电项目", "慈溪市新浦智能家电有限公司", uscc(802), park.code, "工业园区", "3851"]
            + [20, 5000, 4000, 6000, 200, 3000, 1000, 2, 180, 120, 1.5, 40, 15, 5, "2026-03-02"]
        ],
        # town, quarter, indicator (key or name), value, source: the ranking's hand-entered figures
        "ranking_inputs": [
            ["新浦镇", "2025Q3", "policy_score", 88.5, "县考核办"],
            [XINPU, "2025年第三季度", "招商引资实际到位资金", "12,500", ""],
        ],
        # number, parcels, town, holder, credit code, project, location, land use, kind, price, area, term,
        # signed, agreed/actual delivery, start, completion, production, extended start/completion/production,
        # shares, stopped since, government cause + evidence, committed/measured investment intensity, plot ratio,
        # tax per mu (the rest empty)
        "contracts": [
            [
                "3302822024A00009",
                parcel.number,
                "新浦镇",
                owner.name,
                owner.uscc,
                "智能家电项目",
                "纬二路北侧",
                "工业用地",
                "标准地",
                480,
                20000,
                "50",
                "2024-01-10",
                "2024-02-01",
                "2024-01-30",
                "2024-06-30",
                "2024-07-15",
                "2026-06-30",
                None,
                "2027-06-30",
                None,
                None,
                "2026-12-31",
                None,
                "35%",
                0.3,
                None,
                None,
                None,
                300,
                None,
                1.2,
                None,
                30,
                None,
            ]
        ],
    }[kind]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_filled_template_imports_without_a_mapping(registry_data, personas, kind):
    template = ledger_template(kind, user=personas["admin"])
    title = KINDS[kind].schema.title_zh
    blank = read_ledger(template, KINDS[kind].schema)
    assert blank.sheet == title and blank.rows == [] and blank.problems == []
    rows = filled_rows(kind, registry_data)
    filled = fill_first_sheet(template, rows)
    report = ledger_import(actor=personas["admin"], kind=kind, source=filled, filename=f"{kind}模板.xlsx")
    assert report.ok, report.problems
    assert report.result.sheet == title and report.created + report.updated == len(rows)
    assert report.imported


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_layout(kind):
    k = KINDS[kind]
    data = ledger_template(kind)
    book = read_book(data)
    assert list(book) == [k.schema.title_zh, "说明"]
    assert book[k.schema.title_zh][0] == k.headers
    xml = sheet_xml(data)
    assert 'state="frozen"' in xml and 'ySplit="1"' in xml
    enums = [c for c in k.columns if k.spec(c).kind == "enum"]
    assert xml.count('<dataValidation type="list"') == len(enums)
    for column in enums:
        for label in k.spec(column).enum_labels:
            assert label in xml
    notes = book["说明"]
    text = repr(notes)
    for header in k.headers:
        assert header in text
    table = next(i for i, r in enumerate(notes) if r[:3] == ["列名", "必填", "单位"])
    required = {r[0] for r in notes[table + 1 : table + 1 + len(k.columns)] if r[1] == "是"}
    assert required == {k.header(c) for c in k.columns if k.spec(c).required}
    assert "必填" in zip_text(data, r"comments\d+\.xml")


def test_enterprise_template_offers_units_codes_as_text_and_the_users_towns(personas):
    data = ledger_template("enterprises", user=personas["admin"])
    book = read_book(data)
    notes = book["说明"]
    example = notes[-1]
    assert len(example[0]) == 18 and example[3] == "规上"
    assert "规上" in sheet_xml(data) and "选项!$A$1" in sheet_xml(data)
    figures = read_book(ledger_template("figures"))["企业年度数据"][0]
    assert "实缴税收（万元）" in figures and "综合能耗（吨标准煤）" in figures and "用电量（万千瓦时）" in figures
    assert 'numFmtId="49"' in zip_text(data, r"styles\.xml")  # the text format "@" for code columns


# ---------------------------------------------------------------------- problem reports
def messy_enterprises() -> bytes:
    rows = [
        ["2025年新浦镇企业名录"],
        ["填报单位：新浦镇"],
        ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街"],
        [uscc(900), "甲公司", "3311", "规下", "2019-11-13", "新浦镇"],
        [wrong_check(uscc(901)), "乙公司", "9999", "中型", "2019-13-45", "桥头镇"],
        [],
        ["合计"],
        [uscc(902), "丙公司", "3311", "规下", "2019-11-13", "不存在镇"],
    ]
    return write_xlsx({"企业": rows})


def test_problem_report_marks_every_bad_cell(registry_data, personas):
    report = ledger_import(
        actor=personas["xinpu"], kind="enterprises", source=messy_enterprises(), filename="企业.xlsx"
    )
    got = [(p.row, p.column, p.rule) for p in report.problems]
    assert got == [
        (5, "统一社会信用代码", "uscc.check"),
        (5, "行业代码", "industry.unknown"),
        (5, "规模", "ledger.bad_enum"),
        (5, "成立日期", "ledger.not_date"),
        (5, "所属镇街", "scope.town"),
        (8, "所属镇街", "town.unknown"),
    ]
    data = problem_report_xlsx(report)
    book = read_book(data)
    assert list(book) == ["企业", "问题清单", "跳过的行"]
    assert book["企业"][4][:3] == [wrong_check(uscc(901)), "乙公司", "9999"]  # the row as it was sent
    listed = book["问题清单"]
    assert listed[0] == ["工作表", "行", "列", "值", "问题", "规则代码"]  # the user's language only
    assert [(r[1], r[2], r[5]) for r in listed[1:]] == got
    assert [r[1] for r in book["跳过的行"][1:]] == ["空行", "小计/合计行"]
    comments = zip_text(data, r"comments\d+\.xml")
    for ref in ("A5", "C5", "D5", "E5", "F5", "F8"):
        assert f'ref="{ref}"' in comments
    assert "GB 32100-2015" in comments and "本辖区" in comments
    styles = zip_text(data, r"styles\.xml")
    assert "FFFFC7CE" in styles


def test_problem_report_of_a_batch_and_of_a_bare_result(registry_data, personas, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path
    batch = import_preview(
        actor=personas["xinpu"],
        kind="enterprises",
        uploaded_file_bytes=messy_enterprises(),
        filename="企业.xlsx",
        mapping=None,
    )
    assert batch.status == "refused" and batch.problem_count == 6
    book = read_book(problem_report_xlsx(batch))
    assert len(book["问题清单"]) == 7 and book["企业"][0][0] == "2025年新浦镇企业名录"
    result = read_ledger(io.BytesIO(messy_enterprises()), "enterprises", filename="企业.xlsx")
    bare = read_book(problem_report_xlsx(result))
    assert (
        bare["企业"][2][:2] == ["统一社会信用代码", "企业名称"]
        and len(bare["问题清单"]) == 1 + len(result.problems) == 5
    )
