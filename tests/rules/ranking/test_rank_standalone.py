"""`landcycle rank` on any table: the defaults it says it used, reversed headers, JSON in the issue's shape, the
workbook, a policy's columns found by name, exit 2 on unusable input, and no Django in the process."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import xlsxwriter
from openpyxl import load_workbook

from landcycle.cli import main
from landcycle.rules.policy import read_policy
from landcycle.rules.ranking.engine import Table, compute
from landcycle.rules.ranking.policy import load_policy
from landcycle.rules.ranking.table import default_policy, read_any

CSV = """乡镇,亩均税收（万元/亩）,D类企业占比（%）（逆向）,备注,腾退面积,整改反弹数 (lower is better)
观海卫镇,30.5,12,好,10,2
周巷镇,25.1,8,,12,1
浒山街道,40.2,20,,/,4
坎墩街道,18.0,5,,3,0
龙山镇,22.0,x,,8,3
合计,135.8,45,,33,10
"""


def run(*args):
    try:
        main(["landcycle", "rank", *map(str, args)])
    except SystemExit as e:
        return e.code
    return 0


@pytest.fixture
def table_csv(tmp_path):
    path = tmp_path / "指标.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_without_a_policy_the_defaults_are_used_and_said(table_csv, tmp_path, capsys):
    out = tmp_path / "r.json"
    assert run(table_csv, "--runs", 200, "--out", out) == 0
    assert "默认方法：5个单位、4个指标，蒙特卡洛200次" in capsys.readouterr().out
    d = json.loads(out.read_text("utf-8"))
    assert set(d) == {"units", "method", "problems"}
    u = d["units"][0]
    assert {"unit", "score", "rank", "rank_low", "rank_high", "indicators"} <= set(u)
    assert set(u["indicators"]["腾退面积"]) >= {"value", "normalised"}
    assert [x["name"] for x in d["method"]["indicators"]] == [
        "亩均税收（万元/亩）",
        "D类企业占比（%）",
        "腾退面积",
        "整改反弹数",
    ]
    assert [x["direction"] for x in d["method"]["indicators"]] == [1, -1, 1, -1]
    assert d["method"]["policy"] is None and any("等权" in x["zh"] for x in d["method"]["defaults"])
    assert (d["method"]["normalise"], d["method"]["weights"]) == ("minmax", "equal")
    assert d["method"]["aggregate"] == {"indicators": "arithmetic", "dimensions": "arithmetic"}
    assert d["method"]["monte_carlo"]["runs"] == 200
    # the totals row is not a unit; the bad cell is a problem naming its row and column
    assert [x["unit"] for x in d["units"]].count("合计") == 0 and len(d["units"]) == 5
    assert [(p["row"], p["column"], p["rule"]) for p in d["problems"]] == [
        (6, "D类企业占比（%）（逆向）", "ledger.not_number")
    ]
    # by hand: equal weights, min-max, missing values left out
    scores = {x["unit"]: x["score"] for x in d["units"]}
    tax = (25.1 - 18.0) / (40.2 - 18.0) * 100
    assert scores["周巷镇"] == pytest.approx((tax + (20 - 8) / 15 * 100 + 100 + 75) / 4, abs=1e-6)
    assert scores["浒山街道"] == pytest.approx((100 + 0 + 0) / 3, abs=1e-6)  # 腾退面积 missing: left out
    for x in d["units"]:
        assert x["rank_low"] <= x["rank_high"]
    assert d["units"][1]["gain_a_place"] is not None


def test_json_equals_the_engine(table_csv, tmp_path):
    out = tmp_path / "r.json"
    assert run(table_csv, "--runs", 50, "--out", out) == 0
    d = json.loads(out.read_text("utf-8"))
    read = read_any(table_csv)
    c = compute(read.table, default_policy(read.columns))
    for u in d["units"]:
        i = read.table.units.index(u["unit"])
        assert u["rank"] == c.rank[i] and u["score"] == pytest.approx(c.score[i], abs=1e-6)


def test_gain_is_not_searched_for_many_units(table_csv, tmp_path, monkeypatch):
    monkeypatch.setattr("landcycle.rules.ranking.report.GAIN_LIMIT", 3)
    out = tmp_path / "r.json"
    assert run(table_csv, "--runs", 20, "--out", out) == 0
    d = json.loads(out.read_text("utf-8"))
    assert all(u["gain_a_place"] is None for u in d["units"])
    assert "3" in d["method"]["gain_a_place"]["zh"]


def test_workbook(table_csv, tmp_path):
    out = tmp_path / "r.xlsx"
    assert run(table_csv, "--runs", 50, "--out", out) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["排名", "指标", "方法", "问题"]
    rows = list(wb["排名"].iter_rows(values_only=True))
    assert rows[0][:4] == ("名次", "单位", "得分", "名次区间（5%–95%）")
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4, 5]
    assert any("默认设置" == r[0] for r in wb["方法"].iter_rows(values_only=True))


def test_with_the_shipped_policy_on_a_workbook(tmp_path):
    policy = load_policy()
    rng = np.random.default_rng(9)
    towns = [f"镇{i}" for i in range(10)]
    header = ["乡镇", *[i.name_zh for i in policy.indicators], *policy.denominators.values()]
    header[1] = "policy_score"  # a column may be named by the key too
    values = rng.lognormal(2, 0.5, size=(10, len(header) - 1))
    path = tmp_path / "季度指标.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("2025Q4")
    ws.write_row(0, 0, header)
    for r, t in enumerate(towns, start=1):
        ws.write_row(r, 0, [t, *values[r - 1]])
    wb.close()
    toml = tmp_path / "p.toml"
    toml.write_text(read_policy("ranking").text, encoding="utf-8")
    out = tmp_path / "r.json"
    assert run(path, "--policy", toml, "--runs", 100, "--out", out) == 0
    d = json.loads(out.read_text("utf-8"))
    assert d["method"]["policy"]["version"] == "2026.1" and d["problems"] == []
    assert set(d["units"][0]["dimensions"]) == {"政策", "产业", "企业", "空间", "落实"}
    n = len(policy.indicators)
    table = Table(tuple(towns), values[:, :n], values[:, n:])
    c = compute(table, policy)
    for u in d["units"]:
        i = towns.index(u["unit"])
        assert u["rank"] == c.rank[i] and u["score"] == pytest.approx(c.score[i], abs=1e-6)


@pytest.mark.parametrize(
    ("content", "args", "said"),
    [
        (CSV, ["--out", "r.txt"], ".json 或 .xlsx"),
        (CSV, ["--runs", "0", "--out", "r.json"], "--runs"),
        (CSV, ["--policy", "p.toml", "--out", "r.json"], "rank.missing_denominator"),
        ("单位,名称\n甲,一\n乙,二\n", ["--out", "r.json"], "rank.no_indicators"),
        ("乡镇,得分\n甲,1\n", ["--out", "r.json"], "少于两个单位"),
    ],
)
def test_unusable_input_exits_2(tmp_path, capsys, content, args, said):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    (tmp_path / "p.toml").write_text(read_policy("ranking").text, encoding="utf-8")
    args = [str(tmp_path / a) if a.endswith((".json", ".txt", ".toml")) else a for a in args]
    assert run(path, *args) == 2
    assert said in capsys.readouterr().err


def test_a_broken_policy_lists_its_problems(table_csv, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "1"\n[methods]\nnormalise = "softmax"\n', encoding="utf-8")
    assert run(table_csv, "--policy", bad, "--out", tmp_path / "r.json") == 2
    err = capsys.readouterr().err
    assert "methods.normalise" in err and "dimensions" in err


def test_no_django_in_the_process(table_csv, tmp_path):
    out = tmp_path / "r.xlsx"
    code = (
        "import sys; from landcycle.cli import main\n"
        "try:\n    main(['landcycle', 'rank', sys.argv[1], '--runs', '20', '--out', sys.argv[2]])\n"
        "except SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code, str(table_csv), str(out)], check=True)
    assert out.stat().st_size > 0
