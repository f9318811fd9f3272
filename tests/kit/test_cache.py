"""Cached figures (kit.cache) follow the writes that change them and never cross a scope: the town overview after a
registry write and after an import, the dashboard after a rectification write, one town's figures never shown to
another; an app's head moves with the write's transaction; the cache setting; the same against the local Redis when
it answers."""

from __future__ import annotations

import datetime as dt
import socket
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.kit import cache as kit_cache
from landcycle.registry.models import Enterprise
from landcycle.registry.selectors import town_overview
from landcycle.rules.codes import make_uscc
from landcycle.settings import cache_settings

pytestmark = pytest.mark.django_db


def _queries(fn):
    with CaptureQueriesContext(connection) as seen:
        value = fn()
    return value, len(seen)


def _firms(rows, code) -> int:
    return next(r["enterprises"] for r in rows if r["town"].code == code)


def test_the_overview_is_cached_until_a_registry_write_changes_it(personas, registry_data, regions):
    from landcycle.registry.services import enterprise_create

    admin = personas["admin"]
    first, n = _queries(lambda: town_overview(admin))
    assert n > 1
    again, n = _queries(lambda: town_overview(admin))
    assert n == 1 and again == first  # from the cache: one query, for the registry's head
    before = _firms(first, XINPU)
    enterprise_create(
        actor=personas["xinpu"], uscc=make_uscc("91", "330282", "CACHE001"), name="新开的公司", industry_code="3311",
        scale=Enterprise.Scale.BELOW, registered_on=dt.date(2024, 3, 1), town=regions[XINPU],
    )  # fmt: skip
    after, n = _queries(lambda: town_overview(admin))
    assert n > 1 and _firms(after, XINPU) == before + 1 and _firms(after, QIAOTOU) == _firms(first, QIAOTOU)


def test_the_overview_follows_an_import(personas, registry_data):
    from landcycle.ledgers.services import ledger_import

    officer = personas["qiaotou"]
    before = _firms(town_overview(officer), QIAOTOU)
    assert _queries(lambda: town_overview(officer))[1] == 1
    rows = [f"{make_uscc('91', '330282', f'CACHE{i:03d}')},导入的公司{i},3311,规下,2020-05-0{i},桥头镇" for i in (1, 2)]
    data = "\n".join(["统一社会信用代码,企业名称,行业代码,规模,成立日期,所属镇街", *rows]).encode()
    report = ledger_import(actor=officer, kind="enterprises", source=data, filename="企业.csv")
    assert report.ok, report.summary()
    assert _firms(town_overview(officer), QIAOTOU) == before + 2


def test_a_town_never_reads_another_towns_cached_figures(client, personas, registry_data):
    xinpu, qiaotou = personas["xinpu"], personas["qiaotou"]
    assert [r["town"].code for r in town_overview(xinpu)] == [XINPU]  # cached for 新浦镇
    assert [r["town"].code for r in town_overview(qiaotou)] == [QIAOTOU]
    for who, other in ((xinpu, QIAOTOU), (qiaotou, XINPU)):
        client.force_login(who)
        for _ in range(2):  # computed, then from the cache
            body = client.get("/overview/").content.decode()
            assert registry_data[other]["town"].name not in body and registry_data[other]["park"].code not in body
    assert kit_cache.scope_key(xinpu) != kit_cache.scope_key(qiaotou)


def test_the_dashboard_is_recomputed_after_a_write_of_an_area_it_reads(personas, rectification_data):
    from landcycle.rectification.services.edit import task_update
    from landcycle.web.dashboard import dashboard_charts

    leader, on = personas["leader"], dt.date(2026, 11, 20)
    first, n = _queries(lambda: dashboard_charts(leader, on))
    assert n > 1 and _queries(lambda: dashboard_charts(leader, on))[1] == 1  # the heads only
    assert _queries(lambda: dashboard_charts(personas["xinpu"], on))[1] > 1  # another scope: its own entry
    task = rectification_data[XINPU]["task"]
    task_update(
        actor=personas["supervisor"], task=task, version=task.version, title="改过的标题", town=task.town,
        department=task.department, person=task.person, measures=task.measures, assigned_on=task.assigned_on,
        deadline=task.deadline + dt.timedelta(days=30), note="延期",
    )  # fmt: skip
    assert _queries(lambda: dashboard_charts(leader, on))[1] > 1
    assert _queries(lambda: dashboard_charts(leader, on + dt.timedelta(days=1)))[1] > 1  # another day


def test_a_write_moves_its_apps_head_in_its_transaction_and_a_rollback_does_not(personas, registry_data, regions):
    from landcycle.registry.services import enterprise_create

    before, registry_before = kit_cache.heads(["registry", "rectification"]), kit_cache.heads(["registry"])
    with pytest.raises(RuntimeError), transaction.atomic():
        enterprise_create(
            actor=personas["xinpu"], uscc=make_uscc("91", "330282", "CACHE003"), name="回滚的公司",
            industry_code="3311", scale=Enterprise.Scale.BELOW, registered_on=dt.date(2024, 3, 1), town=regions[XINPU],
        )  # fmt: skip
        assert kit_cache.heads(["registry"]) != registry_before  # inside the write's transaction: moved
        raise RuntimeError("roll back")
    assert kit_cache.heads(["registry", "rectification"]) == before  # rolled back with the write
    entry = AuditEntry.objects.order_by("-seq").first()
    assert kit_cache.heads(["registry"]) == f"registry@{entry.seq}:{entry.hash[:16]}"
    assert kit_cache.heads(["nothing_written"]) == "nothing_written@0"


def test_the_cache_setting():
    assert cache_settings({})["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = cache_settings({"LANDCYCLE_CACHE_URL": "redis://127.0.0.1:6379/1"})["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1" and redis["KEY_PREFIX"] == "landcycle"
    with pytest.raises(Exception, match="LANDCYCLE_CACHE_URL"):
        cache_settings({"LANDCYCLE_CACHE_URL": "memcached://x"})


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_against_redis(settings, personas, registry_data, regions):
    import redis

    from landcycle.registry.services import enterprise_create

    url, prefix = "redis://127.0.0.1:6379/0", f"lc-test-{uuid.uuid4().hex}"
    settings.CACHES = cache_settings({"LANDCYCLE_CACHE_URL": url, "LANDCYCLE_CACHE_PREFIX": prefix})
    try:
        admin = personas["admin"]
        before = _firms(town_overview(admin), XINPU)
        assert _queries(lambda: town_overview(admin))[1] == 1  # the registry's head only
        enterprise_create(
            actor=personas["xinpu"], uscc=make_uscc("91", "330282", "CACHE002"), name="新开的公司",
            industry_code="3311", scale=Enterprise.Scale.BELOW, registered_on=dt.date(2024, 3, 1), town=regions[XINPU],
        )  # fmt: skip
        assert _firms(town_overview(admin), XINPU) == before + 1
    finally:  # this run's keys only (the cache's clear() would empty the whole Redis database)
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"{prefix}:*"))
        assert keys  # the figures and the versions were in Redis
        client.delete(*keys)
