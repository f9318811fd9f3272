"""The stand-alone engines on real ledgers (issue 11): the year from the title or the sheet name, a column
the whole ledger lacks, a shipped layout recognised from its header, and no Django in the process.

Ledgers are built here, small: a title row, a header, 规上 and 规下 firms."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import xlsxwriter

from landcycle.cli import main
from landcycle.rules.codes import make_uscc

GD = Path(__file__).resolve().parents[1] / "data" / "land_supply_results_gd.csv"
TITLE = "2025年度慈溪市新浦镇工业企业亩均效益评价基础数据表"
BASE = [
    "统一社会信用代码",
    "企业名称",
    "所属镇街",
    "行业代码",
    "规模",
    "成立日期",
    "主营业务收入（万元）",
    "实缴税收（万元）",
    "工业增加值（万元）",
    "综合能耗（吨标准煤）",
    "主要污染物排放（吨）",
    "研发经费（万元）",
    "年平均职工人数",
    "用电量（万千瓦时）",
    "自有用地（亩）",
]


def code(i: int) -> str:
    return make_uscc("91", "330282", f"{i:08d}")


def firm(i: int, scale: str) -> dict:
    above = scale == "规上"
    revenue = 12000.0 + 500 * i if above else 900.0 + 20 * i
    return {
        "统一社会信用代码": code(i),
        "企业名称": f"企业{i}",
        "所属镇街": "新浦镇",
        "行业代码": "3851",
        "规模": scale,
        "成立日期": dt.date(2010, 5, 1),
        "主营业务收入（万元）": revenue,
        "实缴税收（万元）": revenue * (0.02 + i / 1000),
        "工业增加值（万元）": revenue * 0.25,
        "综合能耗（吨标准煤）": 800.0,
        "主要污染物排放（吨）": 0.5,
        "研发经费（万元）": revenue * 0.03,
        "年平均职工人数": 120,
        "用电量（万千瓦时）": 200.0 + 3 * i,
        "自有用地（亩）": 10.0 if above else 4.0 + i / 10,
    }


def firms() -> list[dict]:
    return [firm(i, "规上") for i in range(1, 9)] + [firm(20 + i, "规下") for i in range(8)]


def write(path: Path, *, header=BASE, rows=None, title: str | None = TITLE, sheet="亩均数据", year=None) -> Path:
    header = list(header) + (["年度"] if year is not None else [])
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    top = 0
    if title:
        ws.write_string(0, 0, title)
        top = 1
    for c, h in enumerate(header):
        ws.write_string(top, c, h)
    for r, row in enumerate(firms() if rows is None else rows, top + 1):
        row = {**row, "年度": year}
        for c, h in enumerate(header):
            v = row.get(h)
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    wb.close()
    return path


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:  # as a user types it: `landcycle evaluate …`
            main(["landcycle", *[str(a) for a in args]])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def evaluate(ledger: Path, tmp_path: Path, *more) -> tuple[int, str, str, dict | None]:
    out = tmp_path / "out.json"
    if out.exists():
        out.unlink()
    code, stdout, stderr = run("evaluate", ledger, "--out", out, *more)
    return code, stdout, stderr, json.loads(out.read_text("utf-8")) if out.exists() else None


# ---- the year -------------------------------------------------------------------------------------------


def test_the_year_comes_from_the_title_when_there_is_no_year_column(tmp_path):
    code, stdout, stderr, data = evaluate(write(tmp_path / "l.xlsx"), tmp_path)
    assert code == 0, stderr
    assert data["policy"]["year"] == 2025 and len(data["enterprises"]) == 16
    assert stdout.startswith("2025年度") and "参评 16 家" in stdout


def test_the_year_comes_from_the_sheet_name(tmp_path):
    for sheet, year in (("2024", 2024), ("2023年亩均数据", 2023)):
        code, _out, stderr, data = evaluate(
            write(tmp_path / "l.xlsx", title="工业企业亩均效益评价基础数据表", sheet=sheet), tmp_path
        )
        assert code == 0, stderr
        assert data["policy"]["year"] == year


def test_year_overrides_the_title(tmp_path):
    code, _out, stderr, data = evaluate(write(tmp_path / "l.xlsx"), tmp_path, "--year", 2026)
    assert code == 0, stderr
    assert data["policy"]["year"] == 2026


def test_a_date_in_the_title_rows_is_not_the_year(tmp_path):
    code, _out, stderr, data = evaluate(write(tmp_path / "l.xlsx", title="填报日期：2026年1月15日"), tmp_path)
    assert code == 2 and data is None
    assert "evaluate.year" in stderr and "--year" in stderr


@pytest.mark.parametrize(
    "title, sheet, year, fragment",
    [
        (TITLE, "2024年", None, "工作表名称"),  # the title says 2025, the sheet 2024
        (TITLE, "亩均数据", 2024, "“年度”列中只有 2024"),  # the title says 2025, the year column 2024
    ],
)
def test_contradicting_years_are_a_clear_error(tmp_path, title, sheet, year, fragment):
    code, _out, stderr, data = evaluate(write(tmp_path / "l.xlsx", title=title, sheet=sheet, year=year), tmp_path)
    assert code == 2 and data is None
    assert "evaluate.year" in stderr and fragment in stderr and "--year" in stderr


def test_the_year_column_still_decides_when_it_agrees(tmp_path):
    code, _out, stderr, data = evaluate(write(tmp_path / "l.xlsx", year=2025), tmp_path)
    assert code == 0, stderr
    assert data["policy"]["year"] == 2025 and len(data["enterprises"]) == 16


# ---- a column the whole ledger lacks --------------------------------------------------------------------

NO_POWER = [h for h in BASE if h != "用电量（万千瓦时）"]


def test_a_ledger_without_electricity_evaluates_small_firms_on_tax_per_mu_alone(tmp_path):
    code, stdout, stderr, data = evaluate(write(tmp_path / "l.xlsx", header=NO_POWER, year=2025), tmp_path)
    assert code == 0, stderr
    below = [e for e in data["enterprises"] if e["group"] != "above"]
    assert len(below) == 8 and not data["problems"]
    for e in below:  # tax per kWh (50) is not scored; tax per mu carries the whole 100
        assert set(e["indicators"]) == {"tax_per_mu"}
        assert e["reasons"]["zh"].startswith("台账缺少“用电量（万千瓦时）”列，单位电耗税收（权重50）未评")
        assert "亩均税收 100" in e["reasons"]["zh"] and "rescaled to 100" in e["reasons"]["en"]
        ind = e["indicators"]["tax_per_mu"]
        assert abs(ind["contribution"] - min(100 * ind["value"] / ind["benchmark"], 150)) < 0.01
    above = [e for e in data["enterprises"] if e["group"] == "above"]
    assert len(above) == 8 and not any("用电量" in e["reasons"]["zh"] for e in above)
    # named once at the top of the result and of the summary line, with the indicators and weights
    assert len(data["notes"]) == 1 and "用电量" in data["notes"][0]["zh"] and "权重50" in data["notes"][0]["zh"]
    assert stdout.startswith("【台账缺少“用电量（万千瓦时）”列") and stdout.count("用电量") == 1
    assert "参评 16 家" in stdout


def test_the_note_is_in_the_workbook_and_every_affected_csv_row(tmp_path):
    import polars as pl
    from python_calamine import CalamineWorkbook

    ledger = write(tmp_path / "l.xlsx", header=NO_POWER, year=2025)
    code, _o, stderr = run("evaluate", ledger, "--out", tmp_path / "r.xlsx")
    assert code == 0, stderr
    info = CalamineWorkbook.from_path(str(tmp_path / "r.xlsx")).get_sheet_by_name("评价办法").to_python()
    assert any("用电量" in str(c) for row in info for c in row)
    code, _o, stderr = run("evaluate", ledger, "--out", tmp_path / "r.csv")
    assert code == 0, stderr
    table = pl.read_csv(tmp_path / "r.csv")
    small = table.filter(pl.col("group") != "above")
    assert small.height == 8 and small["reason_zh"].str.starts_with("台账缺少“用电量").all()


def test_a_policy_can_refuse_a_ledger_without_a_column(tmp_path):
    from importlib import resources

    text = resources.files("landcycle.policies").joinpath("evaluation.toml").read_text("utf-8")
    assert 'rule = "rescale"' in text
    policy = tmp_path / "p.toml"
    policy.write_text(text.replace('rule = "rescale"', 'rule = "refuse"'), "utf-8")
    ledger = write(tmp_path / "l.xlsx", header=NO_POWER, year=2025)
    code, _out, stderr, data = evaluate(ledger, tmp_path, "--policy", policy)
    assert code == 2 and data is None
    assert "evaluate.missing_column" in stderr and "用电量" in stderr and "单位电耗税收（权重50）" in stderr


def test_a_ledger_without_tax_says_which_group_cannot_be_evaluated(tmp_path):
    header = [h for h in BASE if h != "实缴税收（万元）"]
    code, _out, stderr, data = evaluate(write(tmp_path / "l.xlsx", header=header, year=2025), tmp_path)
    assert code == 2 and data is None
    assert "实缴税收" in stderr and "全部指标都需要该列" in stderr


def test_nothing_evaluated_says_why_in_one_line(tmp_path):
    rows = [{**firm(i, "规上"), "自有用地（亩）": 0.0} for i in range(1, 4)]
    code, stdout, stderr, data = evaluate(write(tmp_path / "l.xlsx", rows=rows, year=2025), tmp_path)
    assert code == 0, stderr
    assert not data["enterprises"] and len(stdout.splitlines()) == 1
    assert "参评 0 家" in stdout and "没有可评价的企业" in stdout and "不大于0" in stdout


# ---- layouts ----------------------------------------------------------------------------------------


def test_the_guangdong_export_is_recognised_without_a_mapping(tmp_path):
    a, b = tmp_path / "auto.json", tmp_path / "mapped.json"
    code, stdout, stderr = run("supervise", GD, "--as-of", "2020-04-15", "--out", a)
    assert code == 0, stderr
    assert "land_supply_gd" in stdout
    code, _o, stderr = run("supervise", GD, "--as-of", "2020-04-15", "--out", b, "--mapping", "land_supply_gd")
    assert code == 0, stderr
    auto, mapped = json.loads(a.read_text("utf-8")), json.loads(b.read_text("utf-8"))
    assert auto["summary"] == mapped["summary"] and auto["summary"]["supervised"] > 1000
    assert auto["contracts"] == mapped["contracts"]


def test_an_unknown_layout_lists_the_columns_expected_and_found(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("宗地名称,用地单位名称,地块面积（亩）\n甲,乙,3\n", "utf-8")
    code, _o, stderr = run("supervise", odd, "--as-of", "2020-04-15", "--out", tmp_path / "o.json")
    assert code == 2
    assert (
        "应有的列" in stderr and "宗地坐落" in stderr and "文件中的列：宗地名称、用地单位名称、地块面积（亩）" in stderr
    )
    assert "land_supply_gd" in stderr and "columns found" in stderr
    code, _o, stderr, _d = evaluate(odd, tmp_path)
    assert code == 2
    assert "统一社会信用代码" in stderr and "实缴税收（万元）" in stderr and "用电量（万千瓦时）" in stderr
    assert "文件中的列：宗地名称、用地单位名称、地块面积（亩）" in stderr


# ---- no Django ----------------------------------------------------------------------------------------

CHECK = """
import sys
from landcycle.cli import main
sys.argv = ["landcycle", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("DJANGO" if any(m == "django" or m.startswith("django.") for m in sys.modules) else "NO-DJANGO", code)
"""


@pytest.mark.parametrize("command", ["evaluate", "supervise"])
def test_the_stand_alone_commands_never_import_django(tmp_path, command):
    if command == "evaluate":
        args = [str(write(tmp_path / "l.xlsx")), "--out", str(tmp_path / "o.xlsx")]  # its chart (PNG) too
    else:
        args = [str(GD), "--as-of", "2020-04-15", "--out", str(tmp_path / "o.json")]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    p = subprocess.run(
        [sys.executable, "-c", CHECK, command, *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "NO-DJANGO 0", p.stdout
