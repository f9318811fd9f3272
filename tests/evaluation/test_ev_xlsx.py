"""The official result table as .xlsx, read back with python-calamine: title, Chinese headers with units,
the rows in scope, codes as text, numbers as numbers, the policy sheet; frozen header and class colours
from the house palette (never the warning colours) checked in the workbook's XML."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import QIAOTOU, XINPU
from landcycle.kit.palette import HEX

pytestmark = pytest.mark.django_db
WARNING_COLOURS = ("D93B3B", "E0A100", "2E9D5B")


def _export(client, user, run, query=""):
    client.force_login(user)
    resp = client.get(reverse("evaluation_run_results", args=[run.pk]) + "?export=xlsx" + query)
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(resp.streaming_content)


def test_the_county_table_reads_back(client, personas, evaluation_data):
    run = evaluation_data[XINPU]["run"]
    data = _export(client, personas["leader"], run)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["评价结果", "说明", "基准值", "图表"]
    charts = book.get_sheet_by_name("图表").to_python()
    assert charts[0][0].startswith("得分分布") and any(r and str(r[0]).startswith("各镇街类别分布") for r in charts)
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the page's charts as PNG pictures (kit.charts.png)
        pictures = [n for n in z.namelist() if n.startswith("xl/media/")]
        assert len(pictures) == 2 and all(z.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in pictures)
    rows = book.get_sheet_by_name("评价结果").to_python()
    assert rows[0][0] == "2025年度亩均效益评价结果（全县）"
    assert "2026.1" in rows[1][0] and run.policy_hash in rows[1][0]
    header = rows[2]
    for title in (
        "镇街",
        "企业名称",
        "统一社会信用代码",
        "用地面积（亩）",
        "亩均税收（万元/亩）",
        "亩均税收得分（分）",
        "得分（分）",
        "组内名次",
        "百分位（%）",
        "类别",
        "类别名称",
        "评价说明",
    ):
        assert title in header, title
    body = [dict(zip(header, r, strict=False)) for r in rows[3:]]
    assert len(body) == 4
    by_code = {r["统一社会信用代码"]: r for r in body}
    for d in evaluation_data.values():
        owner = by_code[d["owner"].uscc]  # the credit code stays text
        result = d["result"]
        assert owner["企业名称"] == d["owner"].name and owner["镇街"] == d["town"].name
        assert owner["类别"] == result.evaluation_class and owner["得分（分）"] == pytest.approx(result.score)
        assert owner["组内名次"] == result.rank and isinstance(owner["用地面积（亩）"], float)
        assert owner["亩均税收（万元/亩）"] == pytest.approx(result.indicators["tax_per_mu"]["value"])
        assert owner["评价说明"] == result.reason_zh
    about = dict((r[0], r[1]) for r in book.get_sheet_by_name("说明").to_python() if len(r) > 1 and r[0])
    assert about["办法版本"] == "2026.1" and about["办法哈希"] == run.policy_hash and about["状态"] == "已发布"


def test_a_town_officer_exports_only_their_town(client, personas, evaluation_data):
    run = evaluation_data[XINPU]["run"]
    data = _export(client, personas["xinpu"], run, f"&town={QIAOTOU}")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("评价结果").to_python()
    assert rows[0][0] == "2025年度亩均效益评价结果（新浦镇）"
    codes = {r[3] for r in rows[3:]}
    assert codes == {evaluation_data[XINPU]["owner"].uscc, evaluation_data[XINPU]["tenant"].uscc}


def test_frozen_header_and_class_colours_from_the_palette(client, personas, evaluation_data):
    data = _export(client, personas["admin"], evaluation_data[XINPU]["run"])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode().upper()
    assert 'ySplit="3"' in sheet and 'state="frozen"' in sheet and "<autoFilter" in sheet
    present = set(evaluation_data[XINPU]["run"].results.values_list("evaluation_class", flat=True))
    assert present == {"B", "C"}  # two firms per group: ranks 1 and 2
    for klass, name in (("A", "class-green"), ("B", "class-blue"), ("C", "class-orange"), ("D", "class-red")):
        assert (HEX[name].lstrip("#").upper() in styles) == (klass in present)
    assert not any(c in styles for c in WARNING_COLOURS)
