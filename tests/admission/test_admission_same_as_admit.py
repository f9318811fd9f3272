"""The database check equals ``landcycle admit`` on the same rows: applications registered and submitted in the
product, and the same figures written as a ledger and checked without a database, give the same rule table
(value, threshold, pass / fail / not given, reasons, source) and the same verdict."""

from __future__ import annotations

import csv
import json

import pytest
from admission_data import DAY, GOOD, xinpu  # noqa: F401 -- fixtures

from landcycle.admission.services.applications import application_register, application_submit
from landcycle.standalone import admit_ledger

pytestmark = pytest.mark.django_db

COLUMNS = {
    "number": "申请编号",
    "project": "项目名称",
    "park": "园区编号",
    "park_kind": "园区类型",
    "industry_code": "行业代码",
    "land_mu": "申请用地面积（亩）",
    "total_investment": "总投资（万元）",
    "fixed_investment": "固定资产投资（万元）",
    "revenue": "达产年营业收入（万元）",
    "tax": "达产年税收（万元）",
    "value_added": "达产年增加值（万元）",
    "energy_tce": "达产年综合能耗（吨标准煤）",
    "plot_ratio": "容积率",
    "building_density": "建筑系数（%）",
    "green_share": "绿地率（%）",
    "office_share": "行政办公及生活服务设施用地比例（%）",
}
VARIANTS = {
    "ZR-S-1": {},  # passes
    "ZR-S-2": {"tax": "159.99"},  # 7.9995 万元/亩: just under 8
    "ZR-S-3": {"tax": "160"},  # exactly 8: passes
    "ZR-S-4": {"industry_code": "2511", "plot_ratio": "3.2"},  # negative list, plot ratio above 3
    "ZR-S-5": {"energy_tce": "", "green_share": ""},  # not given: never a pass
    "ZR-S-6": {"fixed_investment": "2000", "revenue": "4000"},  # investment 100 < 150, output 200 < 250
}


def test_database_check_equals_landcycle_admit(xinpu, personas, tmp_path):
    park = xinpu["park"]
    revisions = {}
    rows = []
    for number, change in VARIANTS.items():
        values = {**GOOD, **change}
        a = application_register(actor=personas["xinpu"], number=number, park=park, **values)
        revisions[number] = application_submit(actor=personas["xinpu"], application=a, on=DAY)
        row = {k: values.get(k, "") for k in COLUMNS}
        row.update(number=number, park=park.code, park_kind="工业园区")
        rows.append([row[k] for k in COLUMNS])
    ledger = tmp_path / "准入申请.csv"
    with ledger.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS.values())
        w.writerows(rows)
    out = tmp_path / "out.json"
    admit_ledger(applications=str(ledger), out=str(out))
    checked = {a["number"]: a for a in json.loads(out.read_text(encoding="utf-8"))["applications"]}
    assert set(checked) == set(VARIANTS)
    for number, rev in revisions.items():
        a = checked[number]
        assert a["checked"] and a["passed"] == rev.passed, number
        assert a["rules"] == rev.results, number
    assert [n for n, r in revisions.items() if r.passed] == ["ZR-S-1", "ZR-S-3"]
    assert {r["rule"] for r in revisions["ZR-S-4"].failed} == {"industry", "plot_ratio"}
    assert {r["status"] for r in revisions["ZR-S-5"].failed} == {"missing"}
