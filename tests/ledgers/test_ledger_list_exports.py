"""Every list exports what the user sees (scope, filters) as the ledger the importer reads: .xlsx and CSV with
BOM, read back with calamine; export -> import of a list changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from import_books import QIAOTOU, XINPU, read_book

from landcycle.audit.models import AuditEntry
from landcycle.ledgers.kinds import KINDS
from landcycle.ledgers.services import ledger_import

pytestmark = pytest.mark.django_db
LISTS = {"park_list": "parks", "parcel_list": "parcels", "enterprise_list": "enterprises"}


def export(client, name: str, fmt: str, **params) -> tuple[list[list], bytes]:
    response = client.get(reverse(name), {"export": fmt, **params})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv") and data.startswith("\ufeff".encode())
        import csv
        import io

        return list(csv.reader(io.StringIO(data.decode("utf-8-sig")))), data
    return read_book(data)[KINDS[LISTS[name]].schema.title_zh], data


def keys(rows) -> set:
    return {str(r[0]) for r in rows[1:]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", list(LISTS))
def test_each_list_exports_its_filters_and_scope(client, registry_data, personas, name, fmt):
    kind = KINDS[LISTS[name]]
    own, other = registry_data[XINPU], registry_data[QIAOTOU]
    key = {
        "park_list": lambda d: [d["park"].code],
        "parcel_list": lambda d: [p.number for p in d["parcels"]],
        "enterprise_list": lambda d: [d["owner"].uscc, d["tenant"].uscc],
    }[name]
    client.force_login(personas["admin"])
    rows, _ = export(client, name, fmt)
    assert rows[0] == kind.headers and keys(rows) == set(key(own)) | set(key(other))
    rows, _ = export(client, name, fmt, town=QIAOTOU)
    assert keys(rows) == set(key(other))
    client.force_login(personas["xinpu"])
    rows, data = export(client, name, fmt)
    assert keys(rows) == set(key(own))
    rows, data = export(client, name, fmt, town=QIAOTOU, q=other["owner"].uscc)  # not widened by the URL
    assert all(k not in data.decode("utf-8", "replace") for k in key(other))


def test_filters_narrow_the_export(client, registry_data, personas):
    client.force_login(personas["admin"])
    parcels = registry_data[XINPU]["parcels"]
    rows, _ = export(client, "parcel_list", "xlsx", q=parcels[1].number)
    assert keys(rows) == {parcels[1].number}
    rows, _ = export(client, "enterprise_list", "xlsx", scale="below")
    assert keys(rows) == {d["tenant"].uscc for d in registry_data.values()}
    rows, _ = export(client, "enterprise_list", "csv", sort="-registered", town=XINPU)
    assert [r[0] for r in rows[1:]] == [registry_data[XINPU]["tenant"].uscc, registry_data[XINPU]["owner"].uscc]


def test_the_xlsx_reads_back_with_the_right_types(client, registry_data, personas):
    client.force_login(personas["xinpu"])
    rows, _ = export(client, "enterprise_list", "xlsx", scale="above")
    head, row = rows[0], rows[1]
    owner = registry_data[XINPU]["owner"]
    value = dict(zip(head, row, strict=False))
    assert value["统一社会信用代码"] == owner.uscc and isinstance(value["统一社会信用代码"], str)
    assert value["企业名称"] == owner.name and value["规模"] == "规上" and value["所属镇街"] == "新浦镇"
    assert value["行业代码"] == "3851" and value["成立日期"] == dt.date(2005, 3, 1)
    rows, _ = export(client, "parcel_list", "xlsx")
    value = dict(zip(rows[0], rows[1], strict=False))
    parcel = registry_data[XINPU]["parcels"][0]
    assert value["地块编号"] == parcel.number and value["园区编号"] == parcel.park.code
    assert value["面积（平方米）"] == pytest.approx(float(parcel.area_m2)) and value["供地方式"] == "出让"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_export_imports_back_without_change(client, registry_data, personas, name, fmt):
    officer = personas["xinpu"]
    client.force_login(officer)
    _, data = export(client, name, fmt)
    audit = AuditEntry.objects.count()
    report = ledger_import(actor=officer, kind=LISTS[name], source=data, filename=f"list.{fmt}")
    assert report.ok and report.changed == 0 and report.unchanged > 0, report.problems
    assert AuditEntry.objects.count() == audit
