"""Issue 10: a property test over the date and number cells of every ledger importer. Each date or number
column of each kind (parcels, enterprises, occupancy, yearly figures, contracts; coordinates of parcel
shapes) gets extreme values — as text and as Excel numbers (an Excel date is a number of days), one value
per row of one workbook — and a list hypothesis draws, in a .csv; the import ends in a report (refused with its
problems, each naming the rule in both languages, or imported), never in an exception.

Bounded: one workbook per column with every extreme, one derandomized drawn file (``EXAMPLES``), no deadline."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import XINPU
from landcycle.ledgers.kinds import IMPORTABLE
from landcycle.ledgers.services import ledger_import
from landcycle.rules.codes import make_uscc
from landcycle.rules.ledger.result import LedgerUnusable

pytestmark = pytest.mark.django_db

EXAMPLES = 1
TEXT = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "10000-01-01",
    "1949-09-30",
    "2026-02-30",
    "",
    "-1",
    "0",
    "1e308",
    "-1e308",
    "1e309",
    "NaN",
    "inf",
    "-Infinity",
    str(10**30),
    "9" * 5000,
    "0." + "0" * 400 + "1",
    "1e-400",
    "１２",
    "²",
    "12.5%",
    "1,000,000",
]
NUMBERS = [-1, -0.5, 0, 1e308, -1e308, 10**15, 2958466, 2958465.9999, 1e-300, 60, 0.5]  # .xlsx cells
DRAWN = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="0123456789-./年月日eE+", max_size=40),
)


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[dict], header: str, values: list) -> bytes:
    """``rows`` with the cells of ``header`` set to ``values`` (one per row): text as text, numbers as Excel
    numbers (an Excel date is a number of days)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet("台账")
    heads = list(rows[0])
    ws.write_row(0, 0, heads)
    for r, (row, value) in enumerate(zip(rows, values, strict=False), 1):
        for c, h in enumerate(heads):
            v = value if h == header else row[h]
            if isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            elif v not in ("", None):
                ws.write_string(r, c, str(v))
    wb.close()
    return buf.getvalue()


def _import(actor, kind, data, filename, label):
    """An import ends in a report, or in the product's answer for a file it cannot read at all (a bilingual
    LedgerUnusable with its rule: a shapes file holding NaN is not GeoJSON)."""
    try:
        report = ledger_import(actor=actor, kind=kind, source=data, filename=filename, record=False)
    except LedgerUnusable as exc:
        assert exc.rule and exc.zh and exc.en, (label, exc)
        return None
    except Exception as exc:  # noqa: BLE001 - the point: an import ends in a report
        raise AssertionError(f"{label}: {type(exc).__name__}: {str(exc)[:200]}") from exc
    assert report.status in ("imported", "refused"), (label, report.status)
    for p in report.problems:
        assert p.rule and p.zh and p.en, (label, p)
    return report


def _ledgers(d):
    """kind -> (a good row for row number i, its date and number columns or None for all of them)."""
    town, park, (p1, p2) = d["town"], d["park"], d["parcels"]
    contract = {IMPORTABLE["contracts"].header(c): c.example or "" for c in IMPORTABLE["contracts"].columns}
    contract.update({"地块编号": p1.number, "所属镇街": town.name, "受让人统一社会信用代码": ""})
    return {
        "parcels": (
            lambda i: {
                "地块编号": f"330282112-FZ{i:02d}",
                "园区编号": park.code,
                "面积（平方米）": "1000",
                "用途": "industrial",
                "供地方式": "granted",
                "状态": "in_use",
            },
            ["面积（平方米）"],
        ),
        "enterprises": (
            lambda i: {
                "统一社会信用代码": make_uscc("91", "330282", f"FUXX{i:04d}"),
                "企业名称": f"慈溪模糊测试{i}有限公司",
                "行业代码": "3851",
                "规模": "above",
                "成立日期": "2005-03-01",
                "状态": "operating",
                "所属镇街": town.name,
            },
            ["成立日期"],
        ),
        "occupancy": (
            lambda i: {
                "统一社会信用代码": d["tenant"].uscc,
                "地块编号": p2.number,
                "使用方式": "owned",
                "使用面积（平方米）": "100",
                "起始日期": f"2021-01-{1 + i % 28:02d}",
                "终止日期": "",
            },
            ["使用面积（平方米）", "起始日期", "终止日期"],
        ),
        "figures": (
            lambda i: {
                "统一社会信用代码": d["owner"].uscc,
                "年度": str(1990 + i),
                "主营业务收入（万元）": "12000",
                "实缴税收（万元）": "600",
                "工业增加值（万元）": "3000",
                "综合能耗（吨标准煤）": "850",
                "主要污染物排放（吨）": "1.25",
                "研发经费（万元）": "420",
                "年平均职工人数": "120",
                "用电量（万千瓦时）": "560",
            },
            None,
        ),
        "contracts": (lambda i: {**contract, "合同编号": f"HT-FUZZ-{i}"}, None),
    }


def _typed_columns(kind: str, row: dict) -> list[str]:
    k = IMPORTABLE[kind]
    out = []
    for c in k.columns:
        if k.header(c) in row and k.spec(c).kind in ("date", "int", "decimal"):
            out.append(k.header(c))
    return out


def test_every_importer_answers_extreme_cells_with_a_report(registry_data, personas):
    admin = personas["admin"]
    for kind, (row, columns) in _ledgers(registry_data[XINPU]).items():
        columns = columns or _typed_columns(kind, row(0))
        assert columns, kind
        assert _import(admin, kind, _csv([row(0)]), f"{kind}.csv", f"{kind} good row").status == "imported", kind
        for header in columns:
            values = TEXT + NUMBERS  # one row each, in one workbook
            rows = [row(i) for i in range(1, len(values) + 1)]
            _import(admin, kind, _xlsx(rows, header, values), f"{kind}.xlsx", f"{kind} {header}")

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(values=st.lists(DRAWN, min_size=1, max_size=4))
            def drawn(values):
                rows = [{**row(i), header: value} for i, value in enumerate(values, 1)]
                _import(admin, kind, _csv(rows), f"{kind}.csv", f"{kind} {header}={values!r:.80}")

            drawn()


def _shape(parcel_number: str, ring) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"地块编号": parcel_number},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            ],
        },
        allow_nan=True,
    ).encode()


def test_parcel_shapes_with_extreme_coordinates_answer_with_a_report(registry_data, personas):
    parcel = registry_data[XINPU]["parcels"][0]
    good = parcel.geometry["coordinates"][0]
    bad_numbers = [1e308, -1e308, math.nan, math.inf, -math.inf, 10**30, -181, 91, 0, 1e-300]

    @settings(
        max_examples=EXAMPLES * 4,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        value=st.one_of(
            st.sampled_from(bad_numbers),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(min_value=-(10**40), max_value=10**40),
        ),
        point=st.integers(min_value=0, max_value=len(good) - 2),
        axis=st.integers(min_value=0, max_value=1),
    )
    def drawn(value, point, axis):
        ring = [list(p) for p in good]
        ring[point][axis] = value
        if point == 0:
            ring[-1] = ring[0]
        _import(
            personas["admin"],
            "parcel_shapes",
            _shape(parcel.number, ring),
            "shapes.geojson",
            f"shape point {point} axis {axis} = {value!r}",
        )

    drawn()
    for value in bad_numbers:
        ring = [list(p) for p in good]
        ring[1][0] = value
        _import(personas["admin"], "parcel_shapes", _shape(parcel.number, ring), "shapes.geojson", f"shape {value!r}")
