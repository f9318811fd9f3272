"""The admission pages and their scope: every new URL for each role — a town officer sees and writes only their
own town (a forged URL of another town's application answers 404), the county administrator reviews and decides,
the leader and the supervisor read and never write."""

from __future__ import annotations

import pytest
from admission_data import DAY, GOOD, draft, xinpu  # noqa: F401 -- fixtures
from django.urls import reverse

from landcycle.admission.models import Application, Opinion, RuleSet
from landcycle.admission.services.applications import application_register, application_submit
from landcycle.admission.services.review import application_decide, opinion_record
from landcycle.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
QIAOTOU = "330282109"


def _body(resp) -> str:
    return (b"".join(resp.streaming_content) if resp.streaming else resp.content).decode()


@pytest.fixture
def two(draft, registry_data, personas):
    other = application_register(
        actor=personas["qiaotou"],
        number="ZR-QT-001",
        park=registry_data[QIAOTOU]["park"],
        **{**GOOD, "project": "桥头镇精密模具项目"},
    )
    return draft, other


def test_list_is_scoped_and_filters(client, two, personas):
    mine, other = two
    client.force_login(personas["xinpu"])
    html = _body(client.get(reverse("application_list")))
    assert mine.project in html and other.project not in html
    html = _body(client.get(reverse("application_list") + f"?town={QIAOTOU}"))
    assert other.project not in html
    csv = _body(client.get(reverse("application_list") + "?export=csv"))
    assert mine.number in csv and other.number not in csv
    for who in ("admin", "leader", "supervisor"):
        client.force_login(personas[who])
        html = _body(client.get(reverse("application_list")))
        assert mine.project in html and other.project in html
        assert ("登记申请" in html) == (who == "admin")


@pytest.mark.parametrize("action", ["submit", "opinion", "decide", "sign", "upload", "nonsense"])
def test_forged_out_of_town_url_is_404(client, two, personas, settings, tmp_path, action):
    settings.UPLOADS_DIR = tmp_path
    mine, other = two
    from landcycle.admission.services.applications import document_attach

    doc = document_attach(actor=personas["qiaotou"], application=other, name="a.pdf", content=b"%PDF-1")
    client.force_login(personas["xinpu"])
    for name in ("application_detail", "application_edit"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    url = reverse("application_detail", args=[other.pk])
    post = {"action": action, "outcome": "rejected", "reason": "x", "department": "land", "opinion": "agree"}
    assert client.post(url, post).status_code == 404
    assert client.get(reverse("admission_document", args=[doc.pk])).status_code == 404
    assert Application.objects.get(pk=other.pk).status == Application.Status.DRAFT
    client.force_login(personas["qiaotou"])
    assert client.get(reverse("admission_document", args=[doc.pk])).status_code == 200


def test_park_rules_page_scoped(client, two, registry_data, personas):
    client.force_login(personas["xinpu"])
    own, other = registry_data["330282112"]["park"], registry_data[QIAOTOU]["park"]
    html = _body(client.get(reverse("admission_park_rules", args=[own.pk])))
    assert "亩均税收" in html and "隆府办发" in html
    assert client.get(reverse("admission_park_rules", args=[other.pk])).status_code == 404
    assert client.get(reverse("admission_whatif") + f"?park={other.code}&land_mu=10").status_code == 200
    resp = client.get(reverse("admission_whatif") + f"?park={own.code}&land_mu=10")
    assert "80" in _body(resp)  # 8 万元/亩 × 10 亩
    html = _body(client.get(reverse("admission_rules")))
    assert own.name in html and other.name not in html and "修改准入规则" not in html
    assert client.post(reverse("admission_rules"), {"text": "x"}).status_code == 404


def test_readers_cannot_write(client, two, personas):
    mine, _other = two
    application_submit(actor=personas["xinpu"], application=mine, on=DAY)
    n = AuditEntry.objects.count()
    for who in ("leader", "supervisor"):
        client.force_login(personas[who])
        html = _body(client.get(reverse("application_detail", args=[mine.pk])))
        assert "逐条审查" in html and "记录决定" not in html
        assert client.post(reverse("application_edit", args=[mine.pk]), {}).status_code == 404
        for action in ("submit", "opinion", "decide", "sign", "upload"):
            post = {"action": action, "outcome": "admitted", "reason": "x", "department": "land", "opinion": "agree"}
            assert client.post(reverse("application_detail", args=[mine.pk]), post).status_code == 404
        assert client.get(reverse("admission_summary")).status_code == 200
    assert AuditEntry.objects.count() == n
    client.force_login(personas["xinpu"])  # the town officer does not review
    post = {"action": "opinion", "department": "land", "opinion": "agree"}
    assert client.post(reverse("application_detail", args=[mine.pk]), post).status_code == 404


def test_officer_registers_submits_and_admin_reviews_through_the_pages(client, xinpu, personas):
    client.force_login(personas["xinpu"])
    data = {**GOOD, "number": "ZR-WEB-1", "park": xinpu["park"].code, "tax": "-5"}
    resp = client.post(reverse("application_create"), data)
    assert resp.status_code == 200 and "不能为负数" in _body(resp) and not Application.objects.exists()
    resp = client.post(reverse("application_create"), {**data, "tax": "200"})
    a = Application.objects.get(number="ZR-WEB-1")
    assert resp.status_code == 302
    detail = reverse("application_detail", args=[a.pk])
    client.post(detail, {"action": "submit"})
    a.refresh_from_db()
    assert a.status == "submitted" and a.revisions.count() == 1
    client.force_login(personas["admin"])
    for dep in Opinion.Department.values:
        client.post(detail, {"action": "opinion", "department": dep, "opinion": "agree"})
    client.post(detail, {"action": "decide", "outcome": "admitted", "reason": "符合准入条件"})
    a.refresh_from_db()
    assert a.status == "admitted"
    resp = client.post(detail, {"action": "sign", "number": "HT-WEB-1", "signed_on": "2026-04-01"})
    a.refresh_from_db()
    assert a.contract is not None and resp.url == reverse("contract_detail", args=[a.contract.pk])
    assert a.number in _body(client.get(resp.url))  # the contract page links back


def test_admin_edits_rules_and_sees_problems(client, personas, registry_data):
    client.force_login(personas["admin"])
    resp = client.post(
        reverse("admission_rules"), {"text": "[default.rules.tax_per_mu]\nmin = -1\n", "effective_from": "2026-01-01"}
    )
    assert resp.status_code == 200 and "tax_per_mu" in _body(resp) and not RuleSet.objects.exists()
    from landcycle.admission.services.rules import shipped_text

    resp = client.post(
        reverse("admission_rules"), {"text": shipped_text(), "effective_from": "2026-01-01", "note": "首版"}
    )
    assert resp.status_code == 302 and RuleSet.objects.get().note == "首版"


def test_summary_counts_and_chart(client, two, personas):
    mine, _other = two
    application_submit(actor=personas["xinpu"], application=mine, on=DAY)
    for dep in Opinion.Department.values:
        opinion_record(actor=personas["admin"], application=mine, department=dep, opinion="agree")
    application_decide(actor=personas["admin"], application=mine, outcome="admitted", reason="符合")
    client.force_login(personas["leader"])
    html = _body(client.get(reverse("admission_summary")))
    assert "<svg" in html and mine.project in html
    client.force_login(personas["qiaotou"])
    assert mine.project not in _body(client.get(reverse("admission_summary")))


def test_park_page_shows_its_entry_rules(client, registry_data, personas):
    park = registry_data["330282112"]["park"]
    client.force_login(personas["leader"])
    html = _body(client.get(reverse("park_detail", args=[park.pk])))
    assert "准入规则" in html and "亩均税收" in html and "隆府办发" in html
    assert reverse("admission_park_rules", args=[park.pk]) in html
