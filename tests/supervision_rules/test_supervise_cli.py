"""``landcycle supervise``: a small town ledger built here (with a bad row and contradicting dates), and the
real Guangdong land-market export (industrial contracts, as of the day it was taken, 2020-04-15).

No test here asks for the database: pytest-django refuses any query outside a ``db`` test, and the
subprocess test runs with Django's dummy database backend, which fails on any connection."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from landcycle.web.management.commands.supervise import Command

ROOT = Path(__file__).resolve().parents[2]
GD = ROOT / "tests" / "data" / "land_supply_results_gd.csv"
GD_MAPPING = ROOT / "src" / "landcycle" / "rules" / "ledger" / "mappings" / "land_supply_gd.toml"
D = dt.date

HEADER = [
    "合同编号",
    "土地使用权人",
    "宗地坐落",
    "土地用途",
    "合同类型",
    "面积（亩）",
    "成交价格（万元）",
    "合同签订日期",
    "约定开工日期",
    "实际开工日期",
    "约定竣工日期",
    "实际竣工日期",
    "实际达产日期",
    "已开发面积占比",
    "停工日期",
    "政府原因",
    "政府原因佐证",
    "承诺亩均税收（万元/亩）",
    "达产复核亩均税收（万元/亩）",
]
ROWS = [  # sheet rows 4.. (title row 1, 填报单位 row 2, header row 3)
    [
        "CX-01",
        "慈溪市甲电器有限公司",
        "新浦镇工业园区1号",
        "工业用地",
        "标准地",
        30,
        600,
        D(2023, 12, 1),
        D(2024, 3, 1),
        None,
        D(2026, 3, 1),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],  # idle
    [
        "CX-02",
        "慈溪市乙塑料有限公司",
        "新浦镇工业园区2号",
        "工业用地",
        "出让",
        20,
        400,
        "2023-01-05",
        "2023-04-01",
        "2023-03-20",
        "2026-04-01",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],  # green
    [
        "CX-03",
        "慈溪市丙五金厂",
        "桥头镇3号",
        "工业用地",
        "出让",
        10,
        "一千万",
        "2023-02-01",
        "2023-05-01",
        None,
        "2025-05-01",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],  # bad price
    [
        "CX-04",
        "慈溪市丁机械有限公司",
        "桥头镇4号",
        "工业用地",
        "出让",
        12,
        300,
        "2023-02-01",
        "2023-05-01",
        "2023-05-02",
        "2023-04-01",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],  # completion < start
    [
        "CX-05",
        "慈溪市戊科技有限公司",
        "敦和园区5号",
        "工业用地",
        "出让",
        40,
        1000,
        "2022-06-01",
        "2023-01-01",
        None,
        "2025-01-01",
        None,
        None,
        None,
        None,
        "late_delivery",
        "镇政府2023-02-10交地延期函",
        None,
        None,
    ],  # exempt
    [
        "CX-06",
        "慈溪市己新材料有限公司",
        "横河镇6号",
        "工业用地",
        "标准地",
        50,
        2500,
        "2020-03-01",
        "2020-06-01",
        "2020-05-20",
        "2022-06-01",
        "2022-05-01",
        "2023-12-01",
        None,
        None,
        None,
        None,
        30,
        18,
    ],  # 60 %
    [
        "CX-07",
        "慈溪市庚纺织有限公司",
        "横河镇7号",
        "工业用地",
        "出让",
        15,
        450,
        "2021-01-01",
        "2021-06-01",
        "2021-05-01",
        "2027-06-01",
        None,
        None,
        "20%",
        "2024-03-01",
        None,
        None,
        None,
        None,
    ],  # stalled
    [
        "CX-08",
        "某商贸公司",
        "宗汉街道8号",
        "商服用地",
        "出让",
        5,
        800,
        "2021-01-01",
        "2021-06-01",
        None,
        "2023-06-01",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],  # not industrial
    ["合计", None, None, None, None, 182, None, None, None, None, None, None, None, None, None, None, None, None, None],
]


def build_ledger(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("供地合同")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(0, 0, "慈溪市工业用地供后监管台账")
    ws.write(1, 0, "填报单位：慈溪市自然资源和规划局        填报日期：2025-07-01")
    for c, h in enumerate(HEADER):
        ws.write(2, c, h)
    for r, row in enumerate(ROWS, start=3):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, v, date)
            elif v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command(Command(), *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("town")
    ledger = build_ledger(tmp / "合同台账.xlsx")
    out = tmp / "result.json"
    text = run(ledger, "--as-of", "2025-06-30", "--out", out, "--industrial-only")
    return json.loads(out.read_text("utf-8")), text, ledger


def by_row(d):
    return {c["row"]: c for c in d["contracts"]}


def test_town_ledger_is_supervised_row_by_row(town):
    d, text, _ = town
    rows = by_row(d)
    assert sorted(rows) == [4, 5, 8, 9, 10]  # sheet rows as the clerk sees them; 6 and 7 are problems, 11 is 商服
    assert d["summary"]["rows_read"] == 8 and d["summary"]["selected"] == 7 and d["summary"]["supervised"] == 5
    idle = rows[4]
    assert idle["holder"] == "慈溪市甲电器有限公司" and idle["colour"] == "red" and idle["idle"]
    assert idle["idle_fee_wan"] == "120.00" and idle["area_m2"] == "20000" and idle["kind"] == "standard"
    assert idle["rules"] == ["idle.not_started", "start.overdue"]
    assert idle["findings"][0]["reason_zh"].startswith("约定开工日2024-03-01已过1年零121天仍未开工，属闲置土地")
    assert idle["days_overdue"] == (D(2025, 6, 30) - D(2024, 3, 1)).days
    assert rows[5]["colour"] == "green" and rows[5]["findings"] == []
    moved = rows[8]  # a government cause moves the start by its length (here unrecorded: Art. 12's one year)
    assert moved["colour"] == "red" and moved["idle"] and not moved["exempt"] and moved["idle_fee_wan"] == "200.00"
    assert "镇政府2023-02-10交地延期函" in moved["findings"][0]["reason_zh"]
    assert "2023-01-01→2024-01-01" in moved["findings"][0]["reason_zh"]
    tax = rows[9]
    assert tax["colour"] == "red" and tax["rules"] == ["commitment.tax_per_mu"]
    assert tax["findings"][0]["reason_zh"] == "达产复核亩均税收18万元/亩，为承诺值30万元/亩的60.0%（低于80%）"
    stalled = rows[10]
    assert stalled["colour"] == "red" and "idle.stalled" in stalled["rules"] and stalled["idle_fee_wan"] == "90.00"
    s = d["summary"]
    assert (s["red"], s["yellow"], s["green"], s["idle"], s["idle_exempt"], s["fees_wan"]) == (4, 0, 1, 3, 0, "410.00")
    assert "监管5份合同：红4 黄0 绿1 提醒0 未能判定0" in text and "应征闲置费410.00万元" in text


def test_bad_rows_land_in_problems(town):
    d, _, _ = town
    got = [(p["sheet"], p["row"], p["column"], p["value"], p["rule"]) for p in d["problems"]]
    assert got == [
        ("供地合同", 6, "成交价格（万元）", "一千万", "ledger.not_number"),
        ("供地合同", 7, "约定竣工日期", "2023-04-01", "contract.completion_before_start"),
    ]
    assert d["problems"][1]["message"] == (
        "约定竣工日期（2023-04-01）早于约定开工日期（2023-05-01） / "
        "agreed completion (2023-04-01) is before the agreed start (2023-05-01)"
    )


def test_xlsx_output_for_a_clerk(town, tmp_path):
    from python_calamine import CalamineWorkbook

    _, _, ledger = town
    out = tmp_path / "监管结果.xlsx"
    run(ledger, "--as-of", "2025-06-30", "--out", out)
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == ["监管结果", "预警明细", "问题", "说明"]
    res = wb.get_sheet_by_name("监管结果").to_python()
    head = res[0]
    assert head[:3] == ["行号", "合同编号", "土地使用权人"] and "预警颜色" in head and "闲置费（万元）" in head
    colour = {int(r[0]): r[head.index("预警颜色")] for r in res[1:]}
    assert colour == {4: "红", 5: "绿", 8: "红", 9: "红", 10: "红", 11: "红"}  # without the filter 商服 is in
    assert res[1][head.index("闲置费（万元）")] == 120.0
    problems = wb.get_sheet_by_name("问题").to_python()
    assert problems[0][:3] == ["工作表", "行号", "列"] and [int(r[1]) for r in problems[1:]] == [6, 7]
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert 'state="frozen"' in sheet and "<autoFilter" in sheet and "<cols>" in sheet
    assert all(c in styles for c in ("FFC7CE", "C6EFCE"))  # the colours of the cells written: red, green


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--as-of", "2025-13-01"], "不是日期"),
        (["--as-of", "2025-06-30", "--out", "x.csv"], ".json 或 .xlsx"),
        (["--as-of", "2025-06-30", "--policy", "MISSING.toml"], "policy.unreadable"),
    ],
)
def test_unusable_arguments_exit_2(town, tmp_path, args, fragment):
    _, _, ledger = town
    if "--out" not in args:
        args = [*args, "--out", tmp_path / "o.json"]
    with pytest.raises(CommandError) as exc:
        run(ledger, *args)
    assert exc.value.returncode == 2 and fragment in str(exc.value)


def test_a_file_that_is_no_contract_ledger_exits_2(tmp_path):
    bad = tmp_path / "names.csv"
    bad.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run(bad, "--as-of", "2025-06-30", "--out", tmp_path / "o.json")
    assert exc.value.returncode == 2 and "ledger." in str(exc.value)
    with pytest.raises(CommandError) as exc:
        run(tmp_path / "missing.xlsx", "--as-of", "2025-06-30", "--out", tmp_path / "o.json")
    assert exc.value.returncode == 2


def test_a_county_policy_file(town, tmp_path):
    from importlib import resources

    _, _, ledger = town
    text = resources.files("landcycle.policies").joinpath("warnings.toml").read_text("utf-8")
    policy = tmp_path / "county.toml"
    policy.write_text(
        text.replace('version = "2026.2"', 'version = "330282.1"').replace("fee_share = 0.20", "fee_share = 0.10"),
        "utf-8",
    )
    out = tmp_path / "o.json"
    run(ledger, "--as-of", "2025-06-30", "--out", out, "--policy", policy, "--industrial-only")
    d = json.loads(out.read_text("utf-8"))
    assert d["policy"]["version"] == "330282.1" and by_row(d)[4]["idle_fee_wan"] == "60.00"
    policy.write_text(text.replace('colour = "red"', 'colour = "purple"', 1), "utf-8")
    with pytest.raises(CommandError) as exc:
        run(ledger, "--as-of", "2025-06-30", "--out", out, "--policy", policy)
    assert exc.value.returncode == 2 and "idle_land.colour" in str(exc.value)


# --- the real export -------------------------------------------------------------------------------

AS_OF = D(2020, 4, 15)


@pytest.fixture(scope="module")
def gd(tmp_path_factory):
    out = tmp_path_factory.mktemp("gd") / "gd.json"
    run(GD, "--mapping", GD_MAPPING, "--as-of", AS_OF.isoformat(), "--out", out, "--industrial-only")
    return json.loads(out.read_text("utf-8"))


@pytest.fixture(scope="module")
def raw():
    """The CSV as the crawler wrote it: line number (header = 1) -> row."""
    rows = list(csv.DictReader(io.StringIO(GD.read_bytes().decode("gb18030"))))
    return {i + 2: r for i, r in enumerate(rows)}


def test_real_export_counts(gd):
    s = gd["summary"]
    # rows 403, 637 and 1705 start before signing (补办出让): supervised and flagged, no longer dropped
    assert (s["rows_read"], s["selected"], s["supervised"], s["not_supervised"]) == (1838, 508, 506, 2)
    # 7 dates near are reminders (blue), not yellow; 15 without an agreed start and 2 with flagged dates only are
    # "not judged" (grey), not green
    assert (s["red"], s["yellow"], s["green"], s["blue"], s["grey"]) == (202, 22, 260, 7, 15)
    assert (s["idle"], s["idle_exempt"], s["take_back"], s["fee_due_count"], s["fee_unknown"]) == (27, 0, 6, 26, 1)
    assert s["fees_wan"] == "6638.02"
    assert gd["source"]["encoding"] == "gb18030" and gd["notes"]  # no measured values: commitments unchecked


def test_real_export_problem_rows(gd, raw):
    got = [(p["row"], p["column"], p["rule"]) for p in gd["problems"]]
    assert got == [
        (576, "contractTime", "contract.signed_after_as_of"),
        (888, "actualCompletionTime", "contract.completion_before_start"),
    ]
    flagged = by_row(gd)[1705]  # agreed start 2007-09-19, signed 2014-12-12: its completion is supervised anyway
    assert flagged["rules"] == ["completion.overdue", "contract.not_judged"]
    assert "约定开工日期2007-09-19早于合同签订日期2014-12-12（补办出让常见）" in flagged["findings"][1]["reason_zh"]
    assert raw[888]["actualCompletionTime"] == "2005-04-21" and raw[888]["actualStartTime"] == "2011-04-30"
    assert raw[576]["contractTime"] == "2020-04-16"


def _same_day(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return dt.date(d.year + years, 2, 28)


def test_real_export_idle_land_recomputed_from_the_raw_rows(gd, raw):
    """Idle = industrial, agreed start on record, no actual start and no actual completion on the crawl day,
    and the crawl day after the agreed start's same date one year later (two years: take-back)."""
    problems = {p["row"] for p in gd["problems"]}
    idle, back, fees = set(), set(), Decimal(0)
    for n, r in raw.items():
        if "工业" not in r["landPurpose"] or n in problems or not r["agreedStartTime"]:
            continue
        if r["actualStartTime"] or r["actualCompletionTime"]:
            continue
        start = dt.date.fromisoformat(r["agreedStartTime"])
        if AS_OF > _same_day(start, 1):
            idle.add(n)
            if r["transferPrice"]:
                fees += (Decimal(r["transferPrice"]) * Decimal("0.2")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if AS_OF > _same_day(start, 2):
            back.add(n)
    rows = by_row(gd)
    assert {n for n, c in rows.items() if c["idle"]} == idle and len(idle) == 27
    assert {n for n, c in rows.items() if c["take_back"]} == back and len(back) == 6
    assert str(fees) == gd["summary"]["fees_wan"]
    overdue = {
        n
        for n, r in raw.items()
        if "工业" in r["landPurpose"]
        and n not in problems
        and r["agreedCompletionTime"]
        and not r["actualCompletionTime"]
        and dt.date.fromisoformat(r["agreedCompletionTime"]) < AS_OF
    }
    assert {n for n, c in rows.items() if "completion.overdue" in c["rules"]} == overdue


def test_real_export_contracts_read_by_hand(gd, raw):
    rows = by_row(gd)
    # 378: 广州呈和塑料, 协议出让 64.7638 万元, agreed start 2011-05-09, no start reported by 2020-04-15
    assert raw[378]["landHolder"] == "广州呈和塑料新材料有限公司" and raw[378]["actualStartTime"] == ""
    c = rows[378]
    assert c["colour"] == "red" and c["idle_fee_wan"] == "12.95" and c["take_back"] and c["days_overdue"] == 3264
    assert c["findings"][0]["reason_zh"] == (
        "约定开工日2011-05-09已过8年零342天仍未开工，属闲置土地，"
        "应征收闲置费=出让价款×20%=64.76万元×20%=12.95万元"
        "（所依据的日期存疑：约定开工、竣工日期均为合同签订当日，疑为占位日期）"
    )
    # 343: 韶关市宝铁, 361 万元, agreed start 2019-03-27: idle since 2020-03-28, not yet two years
    c = rows[343]
    assert c["idle"] and c["idle_fee_wan"] == "72.20" and not c["take_back"] and c["days_overdue"] == 385
    # 1785: 韶关市米格电力, 350 万元, agreed start 2017-04-02: three years and 13 days
    c = rows[1785]
    assert c["idle_fee_wan"] == "70.00" and c["take_back"] and "3年零13天" in c["findings"][0]["reason_zh"]
    # 255: 肇庆维龙仓储, agreed start 2019-04-20: the full year ends 2020-04-20, so not idle on 04-15
    c = rows[255]
    assert not c["idle"] and c["rules"] == ["start.overdue"] and c["colour"] == "red"
    assert "2020-04-20后仍未开工将认定为闲置土地" in c["findings"][0]["reason_zh"]
    # 726: 划拨 without a price: idle, fee not computable
    c = rows[726]
    assert c["kind"] == "allocation" and c["idle"] and c["idle_fee_wan"] is None
    assert "划拨价款未填，无法计算" in c["findings"][0]["reason_zh"]
    # 59: 协议出让 of existing land without agreed dates: nothing to judge, said so — grey, not green
    assert rows[59]["colour"] == "grey" and rows[59]["unchecked"][0]["rule"] == "idle.not_started"
    assert rows[59]["rules"] == ["contract.not_judged"] and "无约定开工日期" in rows[59]["findings"][0]["reason_zh"]


def test_the_installed_command_runs_without_a_database(tmp_path):
    """`landcycle supervise` as a user types it, with a settings module whose only database is Django's
    dummy backend (any query fails) and the app added to INSTALLED_APPS."""
    (tmp_path / "nodb_settings.py").write_text(
        "from landcycle.settings import *  # noqa\n"
        "if 'landcycle.supervision' not in INSTALLED_APPS:\n"
        "    INSTALLED_APPS = [*INSTALLED_APPS, 'landcycle.supervision']\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.dummy'}}\n",
        "utf-8",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nodb_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    }
    exe = Path(sys.executable).with_name("landcycle")
    out = tmp_path / "gd.json"
    p = subprocess.run(
        [
            str(exe),
            "supervise",
            str(GD),
            "--mapping",
            "land_supply_gd",
            "--as-of",
            "2020-04-15",
            "--out",
            str(out),
            "--industrial-only",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(out.read_text("utf-8"))["summary"]["idle"] == 27
    # without --mapping the shipped Guangdong layout is recognised from its header (issue 11)
    auto = tmp_path / "gd_auto.json"
    p = subprocess.run(
        [str(exe), "supervise", str(GD), "--as-of", "2020-04-15", "--out", str(auto), "--industrial-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "land_supply_gd" in p.stdout
    assert json.loads(auto.read_text("utf-8"))["summary"] == json.loads(out.read_text("utf-8"))["summary"]
