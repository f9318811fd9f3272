"""``landcycle evaluate``: a town's ledger built here (title row, header with units, bad rows), evaluated
without any database — in process (no test here may touch the database: pytest-django refuses any query
outside a ``db`` test) and as a user types it, in a subprocess whose only database is Django's dummy
backend (any connection fails)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from landcycle.rules.codes import make_uscc

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "年度",
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
    "租赁用地（平方米）",
    "出租用地（亩）",
    "违法用地",
]
D = dt.date


def code(i: int) -> str:
    return make_uscc("91", "330282", f"{i:08d}")


def firm(
    i: int,
    *,
    scale="规上",
    tax=300.0,
    owned=10.0,
    leased_m2=None,
    registered=D(2010, 5, 1),
    emissions=0.5,
    industry="3851",
    year=2025,
    illegal=None,
):
    revenue = 12000.0 if scale == "规上" else 900.0
    return [
        code(i),
        f"企业{i}",
        year,
        "新浦镇",
        industry,
        scale,
        registered,
        revenue,
        tax,
        revenue * 0.25,
        800.0,
        emissions,
        revenue * 0.03,
        120,
        200.0,
        owned,
        leased_m2,
        None,
        illegal,
    ]


def rows() -> list[list]:
    """Sheet rows 3.. (row 1 a title, row 2 the header)."""
    out = [firm(i, tax=200.0 + 40 * i) for i in range(1, 9)]  # rows 3-10: 规上
    out += [firm(20 + i, scale="规下", tax=20.0 + 5 * i, owned=4.0) for i in range(6)]  # rows 11-16: 规下 ≥ 3 mu
    out += [firm(40, tax="一千")]  # row 17: not a number
    out += [firm(41, owned=None)]  # row 18: no land at all
    out += [firm(42), firm(42, tax=999.0)]  # rows 19-20: duplicate code
    out += [firm(43, industry="9999")]  # row 21: unknown industry
    out += [firm(44, emissions=None)]  # row 22: no emission data
    out += [firm(45, registered=D(2025, 3, 1))]  # row 23: new firm, exempt
    out += [firm(46, illegal="是", tax=5000.0)]  # row 24: vetoed
    out += [firm(47, year=2024)]  # row 25: another year
    out += [firm(48, scale="规下", owned=None, leased_m2=2000.0, tax=30.0)]  # row 26: tenant, 3 mu leased
    return out


def write_ledger(path: Path, extra: list[list] | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("2025年亩均数据")
    ws.write_string(0, 0, "2025年度工业企业亩均效益评价基础数据")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(HEADER):
        ws.write_string(1, c, h)
    for r, row in enumerate(rows() + (extra or []), 2):
        for c, v in enumerate(row):
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


@pytest.fixture
def ledger(tmp_path) -> Path:
    return write_ledger(tmp_path / "亩均台账.xlsx")


def run(*args) -> None:
    call_command("evaluate", *[str(a) for a in args])


def test_json_has_the_shape_of_the_issue(ledger, tmp_path):
    out = tmp_path / "out.json"
    run(ledger, "--out", out)
    data = json.loads(out.read_text("utf-8"))
    assert set(data) == {"policy", "enterprises", "problems"}
    assert (
        data["policy"]["version"] == "2026.1" and len(data["policy"]["hash"]) == 16 and data["policy"]["year"] == 2025
    )
    ents = data["enterprises"]
    for e in ents:
        assert set(e) == {
            "row",
            "name",
            "uscc",
            "group",
            "land_mu",
            "indicators",
            "score",
            "rank",
            "percentile",
            "class",
            "flags",
            "reasons",
        }
        for ind in e["indicators"].values():
            assert set(ind) == {"value", "benchmark", "contribution"}
        assert set(e["reasons"]) == {"zh", "en"}
    for p in data["problems"]:
        assert set(p) == {"sheet", "row", "column", "value", "message"}
    by_row = {e["row"]: e for e in ents}
    assert [e["row"] for e in ents] == sorted(by_row)  # in the order of the ledger
    assert by_row[3]["name"] == "企业1" and by_row[3]["group"] == "above" and by_row[3]["land_mu"] == 10.0
    assert set(by_row[3]["indicators"]) == {
        "tax_per_mu",
        "value_added_per_mu",
        "value_added_per_energy",
        "value_added_per_emission",
        "labour_productivity",
        "rnd_share",
    }
    assert by_row[11]["group"] == "below_large" and set(by_row[11]["indicators"]) == {"tax_per_mu", "tax_per_kwh"}
    assert by_row[26]["group"] == "tenant" and by_row[26]["land_mu"] == 3.0  # 2,000 m² converted to mu
    assert by_row[22]["flags"]["imputed"] == ["value_added_per_emission"]
    assert by_row[23]["flags"]["exempt"] and by_row[23]["class"] is None and by_row[23]["score"] is None
    assert by_row[24]["flags"]["vetoed"] and by_row[24]["class"] == "C" and by_row[24]["rank"] == 1
    assert "一票否决" in by_row[24]["reasons"]["zh"]
    assert 25 not in by_row  # 2024 is another year


def test_rows_that_cannot_be_evaluated_are_problems_with_their_source_row(ledger, tmp_path):
    out = tmp_path / "out.json"
    run(ledger, "--out", out)
    data = json.loads(out.read_text("utf-8"))
    evaluated = {e["row"] for e in data["enterprises"]}
    problems = {}
    for p in data["problems"]:
        problems.setdefault(p["row"], []).append(p)
    assert set(problems) == {17, 18, 19, 20, 21}
    assert not evaluated & set(problems)  # never a zero: a problem row has no result at all
    assert problems[17][0]["column"] == "实缴税收（万元）" and problems[17][0]["value"] == "一千"
    assert problems[18][0]["column"] == "自有用地（亩）、租赁用地（平方米）、出租用地（亩）"
    assert "用地" in problems[18][0]["message"]
    assert all("19, 20" in p["message"] for p in problems[19] + problems[20])  # both rows of the duplicate
    assert problems[21][0]["column"] == "行业代码" and problems[21][0]["value"] == "9999"
    assert all(p["sheet"] == "2025年亩均数据" for p in data["problems"])


def test_a_below_size_row_without_land_is_a_problem_too(tmp_path):
    ledger = write_ledger(tmp_path / "l.xlsx", [firm(60, scale="规下", owned=None)])  # row 27
    out = tmp_path / "out.json"
    run(ledger, "--out", out)
    data = json.loads(out.read_text("utf-8"))
    assert 27 in {p["row"] for p in data["problems"]}


def test_csv_parquet_and_xlsx_hold_one_row_per_source_row(ledger, tmp_path):
    for fmt in ("csv", "parquet", "xlsx"):
        run(ledger, "--out", tmp_path / f"out.{fmt}")
    csv = pl.read_csv(tmp_path / "out.csv")
    assert csv["row"].to_list() == sorted(csv["row"].to_list()) and csv.height == 23  # 24 rows less 2024's
    problem = csv.filter(pl.col("outcome") == "problem")
    assert problem["row"].to_list() == [17, 18, 19, 20, 21]
    assert problem["score"].null_count() == 5 and problem["class"].null_count() == 5
    assert problem.filter(pl.col("row") == 17)["name"][0] == "企业40"
    parquet = pl.read_parquet(tmp_path / "out.parquet")
    assert parquet.select("row", "outcome", "class").equals(csv.select("row", "outcome", "class"))
    book = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx"))
    assert book.sheet_names == ["评价结果", "问题", "评价办法", "得分分布"]
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:  # the histogram of the pages, as a PNG picture
        assert [n for n in z.namelist() if n.startswith("xl/media/")] == ["xl/media/image1.png"]
    table = book.get_sheet_by_name("评价结果").to_python()
    assert table[0][:3] == ["行号", "工作表", "评价情况"] and "亩均税收（万元/亩）" in table[0]
    assert len(table) == 24 and "无法评价" in {r[2] for r in table[1:]}
    listed = book.get_sheet_by_name("问题").to_python()
    assert [int(r[1]) for r in listed[1:]] == [17, 18, 19, 20, 21] and listed[1][2] == "实缴税收（万元）"


def test_a_mapping_names_columns_the_reader_does_not_know(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "信用代码,单位名称,统计年度,行业代码,规模,纳税额（万元）,用电量（万千瓦时）,自有用地（亩）\n"
        f"{code(1)},甲厂,2025,3851,规下,50,20,4\n{code(2)},乙厂,2025,3851,规下,30,25,5\n",
        "utf-8",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('schema = "figures"\ntax = "纳税额（万元）"\n', "utf-8")
    out = tmp_path / "out.json"
    run(path, "--mapping", mapping, "--out", out)
    data = json.loads(out.read_text("utf-8"))
    assert [e["row"] for e in data["enterprises"]] == [2, 3] and not data["problems"]
    assert data["enterprises"][0]["indicators"]["tax_per_mu"]["value"] == 12.5


def test_a_custom_policy_and_an_explicit_year(ledger, tmp_path):
    from landcycle.evaluation.policy import shipped_policy_text

    policy = tmp_path / "p.toml"
    policy.write_text(shipped_policy_text().replace('version = "2026.1"', 'version = "县2026"'), "utf-8")
    out = tmp_path / "out.json"
    run(ledger, "--policy", policy, "--year", 2024, "--out", out)
    data = json.loads(out.read_text("utf-8"))
    assert data["policy"]["version"] == "县2026" and data["policy"]["year"] == 2024
    assert [e["row"] for e in data["enterprises"]] == [25] and not data["problems"]


@pytest.mark.parametrize("case", ["no_file", "not_a_ledger", "bad_policy", "bad_out", "no_such_year", "no_year"])
def test_unusable_input_exits_2(ledger, tmp_path, case):
    out = tmp_path / "out.json"
    args = [ledger, "--out", out]
    if case == "no_file":
        args[0] = tmp_path / "missing.xlsx"
    elif case == "not_a_ledger":
        args[0] = tmp_path / "x.csv"
        args[0].write_text("名称,地址\n甲,乙\n", "utf-8")
    elif case == "bad_policy":
        (tmp_path / "p.toml").write_text('version = "x"\n[classes]\nmethod = "lottery"\n', "utf-8")
        args += ["--policy", tmp_path / "p.toml"]
    elif case == "bad_out":
        args[2] = tmp_path / "out.txt"
    elif case == "no_such_year":
        args += ["--year", "2019"]
    else:
        args[0] = tmp_path / "y.csv"
        args[0].write_text(f"统一社会信用代码,实缴税收（万元）\n{code(1)},5\n", "utf-8")
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert exc.value.returncode == 2
    assert not out.exists()


def test_the_installed_command_runs_without_a_database(ledger, tmp_path):
    """As a user types it, with a settings module whose only database is Django's dummy backend."""
    (tmp_path / "nodb_ev_settings.py").write_text(
        "from landcycle.settings import *  # noqa\nDATABASES = {'default': {'ENGINE': 'django.db.backends.dummy'}}\n",
        "utf-8",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nodb_ev_settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/x",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    }
    exe = Path(sys.executable).with_name("landcycle")
    out = tmp_path / "out.json"
    p = subprocess.run(
        [str(exe), "evaluate", str(ledger), "--out", str(out)], env=env, capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text("utf-8"))
    assert len(data["enterprises"]) == 18 and {p["row"] for p in data["problems"]} == {17, 18, 19, 20, 21}
    assert "参评 17 家" in p.stdout
    p = subprocess.run(
        [str(exe), "evaluate", str(tmp_path / "missing.csv"), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2 and "file not found" in p.stderr
