"""Substring search's trigram indexes (kit.trigram): on PostgreSQL the migrations leave a GIN pg_trgm index over
exactly what Django's icontains compares (``UPPER(col::text)``) and the planner uses it; on SQLite nothing; the
searches return the same rows on both, through the index or not."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from tests.conftest import XINPU

PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
pg_only = pytest.mark.skipif(not PG, reason="PostgreSQL only (the PostgreSQL run covers it)")

INDEXES = {  # index -> (table, column)
    "enterprise_name_trgm": ("registry_enterprise", "name"),
    "enterprise_uscc_trgm": ("registry_enterprise", "uscc"),
    "enterprise_contact_trgm": ("registry_enterprise", "contact"),
    "parcel_number_trgm": ("registry_parcel", "number"),
    "parcel_address_trgm": ("registry_parcel", "address"),
    "park_name_trgm": ("registry_park", "name"),
    "park_code_trgm": ("registry_park", "code"),
    "contract_number_trgm": ("supervision_contract", "number"),
    "contract_holder_name_trgm": ("supervision_contract", "holder_name"),
    "contract_project_trgm": ("supervision_contract", "project"),
    "warning_subject_label_trgm": ("supervision_warning", "subject_label"),
    "warning_reason_zh_trgm": ("supervision_warning", "reason_zh"),
    "warning_reason_en_trgm": ("supervision_warning", "reason_en"),
}


def _trigram_indexes() -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, tablename, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%\\_trgm"])
        return {name: (table, definition) for name, table, definition in cursor.fetchall()}


def _force_indexes() -> None:
    """A test table of a few rows is read whole by any sane planner: turn the sequential scan and the plain index
    scans (the order's B-tree read whole, the search as a filter) off for the rest of the test's transaction, so that
    a plan or a result goes through a bitmap of the index that serves the search's condition if there is one."""
    if PG:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")


@pg_only
@pytest.mark.django_db
def test_the_migrations_leave_the_trigram_indexes():
    found = _trigram_indexes()
    assert set(INDEXES) <= set(found), sorted(set(INDEXES) - set(found))
    for name, (table, column) in INDEXES.items():
        found_table, definition = found[name]
        assert found_table == table
        # exactly the expression Django's icontains compares, with the trigram operator class (a text column's
        # ::text is no cast: PostgreSQL shows it without)
        assert f"USING gin (upper(({column})::text) gin_trgm_ops)" in definition or (
            column.startswith("reason_") and f"USING gin (upper({column}) gin_trgm_ops)" in definition
        ), definition
    from landcycle.kit.trigram import trigram_columns

    assert set(INDEXES.values()) <= trigram_columns(connection)  # what the lists read to choose the union


@pg_only
def test_the_list_and_global_searches_use_them(registry_data, supervision_data, personas):
    from landcycle.registry.models import Enterprise
    from landcycle.registry.selectors import enterprise_listing
    from landcycle.supervision.models import Contract, Warning

    with transaction.atomic():
        _force_indexes()
        listing, _qs = enterprise_listing(personas["admin"], QueryDict("q=电器有限"))
        # the list's search over the whole table (a county's scope on two towns' rows is served by the town index)
        plan = listing.ordered(listing.filtered(Enterprise.objects.all())).explain()
        # every field of the OR through its own index (one without would force the whole table again)
        for name in ("enterprise_name_trgm", "enterprise_uscc_trgm", "enterprise_contact_trgm"):
            assert f"Bitmap Index Scan on {name}" in plan, plan
        words = "HT330"
        plan = (
            Contract.objects.filter(
                Q(number__icontains=words) | Q(holder_name__icontains=words) | Q(project__icontains=words)
            )
            .order_by("number")
            .explain()
        )
        for name in ("contract_number_trgm", "contract_holder_name_trgm", "contract_project_trgm"):
            assert f"Bitmap Index Scan on {name}" in plan, plan
        # the warning board's search (supervision.board)
        plan = Warning.objects.filter(
            Q(subject_label__icontains=words) | Q(reason_zh__icontains=words) | Q(reason_en__icontains=words)
        ).explain()
        for name in ("warning_subject_label_trgm", "warning_reason_zh_trgm", "warning_reason_en_trgm"):
            assert f"Bitmap Index Scan on {name}" in plan, plan


@pg_only
def test_a_list_searching_across_a_relation_uses_them_too(registry_data, supervision_data, personas):
    """The parcel list searches its park's name, the contract list its parcels' numbers: an OR across a join reads
    the whole table; the union of each field's matches (kit.listing.search_q) reads an index per field."""
    from landcycle.registry.selectors import parcel_listing
    from landcycle.supervision.selectors import contract_listing

    with transaction.atomic():
        _force_indexes()
        listing, qs = parcel_listing(personas["admin"], QueryDict("q=0282112"))
        plan = listing.ordered(qs).explain()
        for name in ("parcel_number_trgm", "parcel_address_trgm", "park_name_trgm"):
            assert f"Bitmap Index Scan on {name}" in plan, plan
        listing, qs = contract_listing(personas["admin"], QueryDict("q=0282112"))
        plan = listing.ordered(qs).explain()
        for name in (
            "contract_number_trgm",
            "contract_holder_name_trgm",
            "contract_project_trgm",
            "parcel_number_trgm",
        ):
            assert f"Bitmap Index Scan on {name}" in plan, plan
        # two characters have no trigram: the plain OR (the union would read the table once per field)
        listing, qs = parcel_listing(personas["admin"], QueryDict("q=01"))
        assert "UNION" not in str(qs.query)


def _by_hand(model, fields: tuple[str, ...], q: str) -> set[int]:
    """The rows a case-insensitive substring search must find, decided in Python."""
    return {obj.pk for obj in model.objects.all() if any(q.upper() in (getattr(obj, f) or "").upper() for f in fields)}


@pytest.mark.parametrize(
    "q",
    [
        "电器有限",  # a name fragment (4 characters: trigrams)
        "电器",  # 2 characters: no trigram, the table is read
        "塑料",
        "92330282xp",  # a USCC fragment in lower case: icontains is case-insensitive through UPPER
        "qt00",
        "新浦镇电器有限公司X",  # nothing
    ],
)
def test_the_enterprise_search_finds_the_same_rows_through_the_index(q, registry_data, personas):
    from landcycle.registry.models import Enterprise
    from landcycle.registry.selectors import enterprise_listing

    expected = _by_hand(Enterprise, ("name", "uscc", "contact"), q)
    with transaction.atomic():
        _force_indexes()
        _listing, qs = enterprise_listing(personas["admin"], QueryDict(f"q={q}"))
        assert set(qs.values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("q", ["HT330282112", "ht3302", "-001", "0282112-0002", "电器", "新浦镇电器", "工业园区", "01"])
def test_the_contract_and_parcel_searches_find_the_same_rows(q, supervision_data, personas):
    from landcycle.registry.models import Parcel
    from landcycle.registry.selectors import parcel_listing
    from landcycle.supervision.models import Contract
    from landcycle.supervision.selectors import contract_listing

    contracts = _by_hand(Contract, ("number", "holder_name", "project"), q)
    parcels = _by_hand(Parcel, ("number", "address"), q)
    # the lists search across a relation too: a parcel's park name, a contract's parcel numbers
    listed_parcels = parcels | {p.pk for p in Parcel.objects.all() if q.upper() in p.park.name.upper()}
    listed_contracts = contracts | {
        c.pk for c in Contract.objects.all() if any(q.upper() in p.number.upper() for p in c.parcels.all())
    }
    with transaction.atomic():
        _force_indexes()
        found = Contract.objects.filter(
            Q(number__icontains=q) | Q(holder_name__icontains=q) | Q(project__icontains=q)
        ).values_list("pk", flat=True)
        assert set(found) == contracts
        found = Parcel.objects.filter(Q(number__icontains=q) | Q(address__icontains=q)).values_list("pk", flat=True)
        assert set(found) == parcels
        listing, qs = parcel_listing(personas["admin"], QueryDict(f"q={q}"))
        rows = list(listing.ordered(qs).values_list("pk", flat=True))
        assert sorted(rows) == sorted(listed_parcels)  # each once
        listing, qs = contract_listing(personas["admin"], QueryDict(f"q={q}"))
        rows = list(listing.ordered(qs).values_list("pk", flat=True))
        assert sorted(rows) == sorted(listed_contracts)


def test_the_list_pages_search_as_before(client, registry_data, supervision_data, personas):
    """Through the pages: a name fragment, a USCC fragment and a contract number fragment find their rows."""
    d = registry_data[XINPU]
    client.force_login(personas["admin"])
    page = client.get(reverse("enterprise_list"), {"q": "新浦镇电器"}).content.decode()
    assert d["owner"].name in page and d["tenant"].name not in page
    page = client.get(reverse("enterprise_list"), {"q": d["tenant"].uscc[:10].lower()}).content.decode()
    assert d["tenant"].name in page and d["owner"].name not in page
    page = client.get(reverse("contract_list"), {"q": d["contract"].number[2:9].lower()}).content.decode()
    assert d["contract"].number in page


@pg_only
@pytest.mark.django_db
def test_without_pg_trgm_the_migration_goes_on_and_search_indexes_adds_them_later():
    """A role that may not create the extension: the indexes are left out with a message, the transaction goes on;
    once it can be created, ``landcycle search-indexes`` creates every index the migrations name."""
    from landcycle.kit.trigram import TrigramIndexes
    from landcycle.registry.models import Enterprise

    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION pg_trgm CASCADE")  # the test's transaction: rolled back after it
        cursor.execute("CREATE ROLE lc_trgm_nobody NOLOGIN")
        cursor.execute("SET LOCAL ROLE lc_trgm_nobody")
    assert not any(name in _trigram_indexes() for name in INDEXES)
    said: list[str] = []
    executed: list[str] = []
    assert not TrigramIndexes("enterprise", ["name"]).create(connection, Enterprise, executed.append, said.append)
    assert executed == []
    assert "pg_trgm" in said[0] and "CREATE EXTENSION pg_trgm" in said[0] and "landcycle search-indexes" in said[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension")  # the transaction is still usable
        cursor.fetchone()
        cursor.execute("RESET ROLE")
    out = io.StringIO()
    call_command("search-indexes", stdout=out)
    assert set(INDEXES) <= set(_trigram_indexes())
    for name in INDEXES:
        assert f"✓ {name}" in out.getvalue()


@pytest.mark.skipif(PG, reason="the SQLite side")
@pytest.mark.django_db
def test_nothing_on_sqlite():
    out = io.StringIO()
    call_command("search-indexes", stdout=out)
    assert "PostgreSQL" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm'")
        assert cursor.fetchall() == []


def test_which_words_have_a_trigram():
    from landcycle.kit.trigram import has_trigram

    assert has_trigram("电器有限") and has_trigram("ht3302") and has_trigram("-001")
    assert not has_trigram("电器") and not has_trigram("01") and not has_trigram("a-b-c")


def test_the_union_only_where_every_field_has_its_index(registry_data, personas, monkeypatch):
    """A list whose search fields are not all indexed keeps the OR (the union would read the table once per field);
    SQLite has none of them."""
    from landcycle.kit import listing, trigram
    from landcycle.registry.models import Parcel

    qs = Parcel.objects.all()
    fields = ("number", "address", "park__name")
    assert listing._column(Parcel, "park__name") == ("registry_park", "name")
    union = "UNION" in str(qs.filter(listing.search_q(qs, fields, "0282112")).query)
    assert union == PG
    monkeypatch.setattr(trigram, "_COLUMNS", {"default": frozenset({("registry_parcel", "number")})})
    assert "UNION" not in str(qs.filter(listing.search_q(qs, fields, "0282112")).query)
