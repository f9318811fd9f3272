"""`landcycle admit` on a small ledger: every row checked with its reasons, the same rule table as the pure check,
bad rows reported with their field, exit 2 on unusable input, no Django in the process."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D

import xlsxwriter
from openpyxl import load_workbook

from landcycle.cli import main
from landcycle.rules.admission.check import check
from landcycle.rules.admission.ledger import application_of
from landcycle.rules.admission.policy import load_policy, rules_for

HEADER = [
    "申请编号",
    "项目名称",
    "园区编号",
    "园区类型",
    "行业代码",
    "申请用地面积（亩）",
    "总投资（万元）",
    "固定资产投资（万元）",
    "达产年营业收入（万元）",
    "达产年税收（万元）",
    "达产年增加值（万元）",
    "达产年综合能耗（吨标准煤）",
    "容积率",
    "建筑系数（%）",
    "绿地率（%）",
    "行政办公及生活服务设施用地比例（%）",
]
ROWS = [
    # passes every default rule: 150 万元/亩 investment, 10 万元/亩 tax, 300 output, plot 1.6, 40 %, 15 %, 5 %
    ["SQ-1", "新能源汽车零部件项目", "P-1", "工业园区", "3670", 50, 9000, 7500, 15000, 500, 4000, 800, 1.6, 40, 15, 5],
    # a micro park: plating is on the negative list, tax 8 < 10
    ["SQ-2", "五金电镀项目", "P-2", "小微园区", "3360", 10, 2000, 1600, 3000, 80, 600, 100, 2.2, 45, 10, 5],
    # negative investment: not checked, the field named
    ["SQ-3", "错误数据项目", "P-1", "工业园区", "3670", 20, 1000, -5, 4000, 200, 900, 100, 1.5, 40, 15, 5],
    # no park kind: not checked
    ["SQ-4", "无园区项目", "", "", "3670", 20, 4000, 3000, 6000, 200, 1500, 100, 1.5, 40, 15, 5],
]


def ledger(tmp_path):
    path = tmp_path / "准入申请.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("项目准入申请")
    ws.write_row(0, 0, HEADER)
    for i, row in enumerate(ROWS, start=1):
        ws.write_row(i, 0, row)
    wb.close()
    return path


def run(*args):
    try:
        main(["landcycle", "admit", *map(str, args)])
    except SystemExit as e:
        return e.code
    return 0


def test_admit_writes_every_verdict_with_reasons(tmp_path, capsys):
    out = tmp_path / "结果.json"
    assert run(ledger(tmp_path), "--out", out) == 0
    line = capsys.readouterr().out
    assert "审查2个项目，符合1个，不符合1个；无法审查2行" in line
    d = json.loads(out.read_text("utf-8"))
    apps = {a["number"]: a for a in d["applications"]}
    assert apps["SQ-1"]["passed"] and all(r["status"] == "pass" for r in apps["SQ-1"]["rules"])
    two = apps["SQ-2"]
    assert not two["passed"] and two["failed_rules"] == ["industry", "tax_per_mu"]
    reasons = " ".join(r["reason_zh"] for r in two["rules"] if r["status"] == "fail")
    assert "负面清单" in reasons and "低于要求（≥ 10万元/亩）" in reasons
    assert [p["field"] for p in apps["SQ-3"]["problems"]] == ["fixed_investment"]
    assert apps["SQ-4"]["problems"][0]["rule"] == "admission.no_rules"
    # the percentages are read as percentages
    density = next(r for r in apps["SQ-1"]["rules"] if r["rule"] == "building_density")
    assert density["value"] == "40"


def test_the_ledger_check_equals_the_pure_check(tmp_path):
    out = tmp_path / "r.json"
    assert run(ledger(tmp_path), "--out", out) == 0
    d = json.loads(out.read_text("utf-8"))
    policy = load_policy()
    by_number = {a["number"]: a for a in d["applications"]}
    fields = {
        "industry_code": "3360",
        "land_mu": D(10),
        "total_investment": D(2000),
        "fixed_investment": D(1600),
        "revenue": D(3000),
        "tax": D(80),
        "value_added": D(600),
        "energy_tce": D(100),
        "plot_ratio": D("2.2"),
        "building_density": D(45),
        "green_share": D(10),
        "office_share": D(5),
    }
    pure = check(application_of(fields), rules_for(policy, "P-2", "micro"))
    assert [(r.rule, r.status) for r in pure.results] == [(r["rule"], r["status"]) for r in by_number["SQ-2"]["rules"]]


def test_admit_xlsx_and_park_override(tmp_path):
    out = tmp_path / "r.xlsx"
    assert run(ledger(tmp_path), "--out", out, "--kind", "micro", "--park", "P-2") == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["审查结论", "逐条审查", "问题"]
    rows = list(wb["审查结论"].iter_rows(values_only=True))
    assert rows[0][5] == "审查结论"
    first = rows[1]
    assert first[1] == "SQ-1" and first[5] == "不符合准入条件"  # a micro park wants 10 万元/亩 and at most 30 mu
    assert "用地面积" in first[6]


def test_unusable_input_exits_2(tmp_path, capsys):
    assert run(tmp_path / "none.xlsx", "--out", tmp_path / "r.json") == 2
    bad = tmp_path / "bad.toml"
    bad.write_text('[default.rules.tax_per_mu]\nmin = -1\nsource = "x"\n', "utf-8")
    assert run(ledger(tmp_path), "--out", tmp_path / "r.json", "--rules", bad) == 2
    assert "准入规则无法使用" in capsys.readouterr().err


def test_no_django_in_the_process(tmp_path):
    path = ledger(tmp_path)
    code = (
        "import sys; from landcycle.cli import main\n"
        f"try: main(['landcycle', 'admit', {str(path)!r}, '--out', {str(tmp_path / 'x.json')!r}])\n"
        "except SystemExit: pass\n"
        "assert 'django' not in sys.modules, 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
