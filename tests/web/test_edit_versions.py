"""Lost updates (issue 10, item 8): every edit form carries the version it was read at. Two users load the
same form; A saves; B's stale save is refused with A's name, the time and the fields A changed (in the
reader's language), and B's values are not written, nor an audit row. An import between loading and saving
refuses the same way. A save with the right version passes and bumps the version."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading

import pytest
from django import forms
from django.db import models
from django.urls import reverse
from django.utils import translation

from conftest import COUNTY, XINPU
from landcycle.accounts.models import Role, User
from landcycle.audit.models import AuditEntry
from landcycle.audit.versions import EditConflict
from landcycle.registry import services as registry_services
from landcycle.registry.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(regions):
    """A second county administrator: the one who saves first."""
    return User.objects.create_user(
        username="p_admin_wang", password="x", role=Role.COUNTY_ADMIN, region=regions[COUNTY], display_name="王建国"
    )


def _posted(form) -> dict:
    """What the browser posts for an untouched form (its initial values, as text)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v.pk if isinstance(v, models.Model) else v) for v in value]
            continue
        if isinstance(value, models.Model):
            value = value.pk
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        data[name] = "" if value is None else str(value)
    return data


def _load(client, user, url) -> dict:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    data = _posted(response.context["form"])
    assert re.search(r'<input type="hidden" name="version" value="\d+"', response.content.decode())
    return data


# case: (url name, how to find the object, its model, A's change, B's change, the model field A changed)
def _cases(d):
    x = d[XINPU]
    return {
        "enterprise": (
            "enterprise_edit",
            x["owner"],
            {"name": "慈溪市新浦镇电器股份有限公司"},
            {"contact": "李四"},
            "name",
        ),
        "park": ("park_edit", x["park"], {"name": "新浦镇智能制造园"}, {"note": "二期规划中"}, "name"),
        "parcel": ("parcel_edit", x["parcels"][1], {"address": "新浦镇工业路8号"}, {"status": "idle"}, "address"),
        "occupancy": ("occupancy_end", x["occupancies"][1], {"end": "2026-06-30"}, {"end": "2026-09-30"}, "end"),
        "contract": (
            "contract_edit",
            x.get("contract"),
            {"project": "年产十万台电机项目"},
            {"note": "已约谈"},
            "project",
        ),
        "commitment": ("commitment_edit", x.get("commitment"), {"measured": "35"}, {"measured": "20"}, "measured"),
        "inspection": (
            "inspection_edit",
            x.get("inspection"),
            {"title": "新浦镇老旧工业区块专项检查"},
            {"summary": "已反馈"},
            "title",
        ),
        "finding": (
            "finding_edit",
            x.get("finding"),
            {"summary": "低效企业腾退严重滞后"},
            {"source_text": "补充"},
            "summary",
        ),
        "suggestion": (
            "suggestion_edit",
            x.get("suggestion"),
            {"text": "建立腾退联席会议制度"},
            {"text": "引入第三方评估"},
            "text",
        ),
    }


REGISTRY = ["enterprise", "park", "parcel", "occupancy"]
SUPERVISION = ["contract", "commitment"]
RECTIFICATION = ["inspection", "finding", "suggestion"]


def _audit_rows(obj) -> int:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).count()


def _two_users_one_form(client, first, second, data_fixture, case):
    url_name, obj, a_change, b_change, field = _cases(data_fixture)[case]
    url = reverse(url_name, args=[obj.pk])
    model = type(obj)
    seen = model.objects.get(pk=obj.pk).version
    a_form = _load(client, first, url)
    b_form = _load(client, second, url)
    assert a_form["version"] == b_form["version"] == str(seen)

    client.force_login(first)
    response = client.post(url, a_form | a_change)
    assert response.status_code == 302, getattr(response, "context", {}) and response.context["form"].top_problems
    saved = model.objects.get(pk=obj.pk)
    assert saved.version == seen + 1  # the right version passes and bumps
    a_value = getattr(saved, field)
    rows, state = _audit_rows(obj), model.objects.filter(pk=obj.pk).values().get()

    client.force_login(second)
    response = client.post(url, b_form | b_change)
    assert response.status_code == 200  # the form again, with the conflict
    form = response.context["form"]
    (problem,) = [p for p in form.top_problems if p.rule == "edit.conflict"]
    with translation.override("zh-hans"):
        label_zh = str(model._meta.get_field(field).verbose_name)
    with translation.override("en"):
        label_en = str(model._meta.get_field(field).verbose_name)
    assert "王建国" in problem.zh and label_zh in problem.zh and "未保存" in problem.zh
    assert "王建国" in problem.en and label_en in problem.en and "not saved" in problem.en
    assert field in [f.name for f in form.conflict.fields]
    html = response.content.decode()
    assert 'class="edit-conflict"' in html and f'href="{url}"' in html  # the panel and the reload link
    assert label_zh in html and "王建国" in html
    # nothing of B's is written, no audit row; A's change stands
    assert model.objects.filter(pk=obj.pk).values().get() == state
    assert _audit_rows(obj) == rows
    assert getattr(model.objects.get(pk=obj.pk), field) == a_value
    # reloading shows A's values and the new version; saved from there, B's change goes in
    b_again = _load(client, second, url)
    assert b_again["version"] == str(seen + 1)
    response = client.post(url, b_again | b_change)
    assert response.status_code == 302
    assert model.objects.get(pk=obj.pk).version == seen + 2


@pytest.mark.parametrize("case", REGISTRY)
def test_a_stale_registry_form_is_refused(client, personas, registry_data, colleague, case):
    _two_users_one_form(client, colleague, personas["admin"], registry_data, case)


@pytest.mark.parametrize("case", SUPERVISION)
def test_a_stale_contract_form_is_refused(client, personas, supervision_data, colleague, case):
    _two_users_one_form(client, colleague, personas["admin"], supervision_data, case)


@pytest.mark.parametrize("case", RECTIFICATION)
def test_a_stale_rectification_form_is_refused(client, personas, rectification_data, regions, case):
    first = User.objects.create_user(
        username="p_sup_wang", password="x", role=Role.SUPERVISOR, region=regions[COUNTY], display_name="王建国"
    )
    _two_users_one_form(client, first, personas["supervisor"], rectification_data, case)


def test_the_english_page_names_the_field_in_english(client, personas, registry_data, colleague):
    owner = registry_data[XINPU]["owner"]
    url = reverse("enterprise_edit", args=[owner.pk])
    stale = _load(client, personas["admin"], url)
    registry_services.enterprise_update(
        actor=colleague,
        enterprise=Enterprise.objects.get(pk=owner.pk),
        expected_version=owner.version,
        name="慈溪市新浦镇电器股份有限公司",
    )
    client.force_login(personas["admin"])
    client.cookies["django_language"] = "en"
    response = client.post(url, stale | {"contact": "李四"})
    html = response.content.decode()
    assert response.context["form"].conflict.fields[0].label == "Enterprise name"
    assert "Enterprise name" in html and "慈溪市新浦镇电器股份有限公司" in html


def test_an_import_between_loading_and_saving_refuses_the_save(client, personas, registry_data):
    from landcycle.ledgers.services import ledger_import

    owner = Enterprise.objects.get(pk=registry_data[XINPU]["owner"].pk)
    url = reverse("enterprise_edit", args=[owner.pk])
    stale = _load(client, personas["xinpu"], url)
    ledger = (
        "统一社会信用代码,企业名称,行业代码,规模,成立日期,状态,所属镇街,联系人\n"
        f"{owner.uscc},{owner.name},{owner.industry_code},规上,2005-03-01,在营,新浦镇,赵六\n"
    )
    report = ledger_import(
        actor=personas["admin"], kind="enterprises", source=ledger.encode("utf-8"), filename="企业.csv"
    )
    assert report.ok, report
    owner.refresh_from_db()
    assert owner.contact == "赵六" and owner.version == 2  # the import bumped the version
    rows = AuditEntry.objects.count()
    client.force_login(personas["xinpu"])
    response = client.post(url, stale | {"name": "慈溪市新浦镇电器股份有限公司"})
    assert response.status_code == 200
    (problem,) = [p for p in response.context["form"].top_problems if p.rule == "edit.conflict"]
    assert "p_admin" in problem.zh and "联系人" in problem.zh
    owner.refresh_from_db()
    assert owner.name != "慈溪市新浦镇电器股份有限公司" and owner.contact == "赵六" and owner.version == 2
    assert AuditEntry.objects.count() == rows


def test_the_service_refuses_a_stale_version_and_names_who_and_what(personas, registry_data, colleague):
    owner = registry_data[XINPU]["owner"]
    seen = owner.version
    registry_services.enterprise_update(
        actor=colleague,
        enterprise=Enterprise.objects.get(pk=owner.pk),
        expected_version=seen,
        contact="王五",
        scale="below",
    )
    stale = Enterprise.objects.get(pk=owner.pk)
    with pytest.raises(EditConflict) as exc:
        registry_services.enterprise_update(
            actor=personas["admin"], enterprise=stale, expected_version=seen, contact="李四"
        )
    detail = exc.value.detail
    assert detail.by == "王建国" and detail.seen == seen and detail.current_version == seen + 1
    assert {f.name: f.current for f in detail.fields} == {"contact": "王五", "scale": "规下"}
    assert Enterprise.objects.get(pk=owner.pk).contact == "王五"
    # no version (an import, a command): no comparison, but the version still moves on
    registry_services.enterprise_update(
        actor=personas["admin"], enterprise=Enterprise.objects.get(pk=owner.pk), contact="李四"
    )
    assert Enterprise.objects.get(pk=owner.pk).version == seen + 2


def test_a_form_without_its_version_is_refused(client, personas, registry_data):
    park = registry_data[XINPU]["park"]
    url = reverse("park_edit", args=[park.pk])
    data = _load(client, personas["admin"], url)
    del data["version"]
    rows = AuditEntry.objects.count()
    response = client.post(url, data | {"name": "新浦镇智能制造园"})
    assert response.status_code == 200
    assert [p.rule for p in response.context["form"].top_problems] == ["edit.version_missing"]
    assert AuditEntry.objects.count() == rows


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite serialises writers; the row lock is exercised on PostgreSQL",
)
def test_two_threads_saving_the_same_version_on_postgresql(personas, registry_data, colleague):
    """Both read version v; both save at once. The row lock makes exactly one win; the other is refused."""
    from django.db import connection

    owner_id = registry_data[XINPU]["owner"].pk
    seen = Enterprise.objects.get(pk=owner_id).version
    barrier, results = threading.Barrier(2), {}

    def run(user, contact):
        try:
            ent = Enterprise.objects.select_related("town").get(pk=owner_id)
            barrier.wait(timeout=10)
            registry_services.enterprise_update(actor=user, enterprise=ent, expected_version=seen, contact=contact)
            results[contact] = "saved"
        except EditConflict as exc:
            results[contact] = exc.problems[0].rule
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=a) for a in ((colleague, "王五"), (personas["admin"], "李四"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["edit.conflict", "saved"]
    ent = Enterprise.objects.get(pk=owner_id)
    (winner,) = [c for c, r in results.items() if r == "saved"]
    assert ent.version == seen + 1 and ent.contact == winner
    assert AuditEntry.objects.filter(action="enterprise.update", object_id=str(owner_id)).count() == 1
