"""Idle-land papers (闲置土地认定书 / 征缴土地闲置费决定书), drafts for a contract flagged idle: the facts, the
policy's rules (53号令), the fee, the draft mark, signature and seal boxes; none for a contract that is not idle;
scoped (another town's contract → 404)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from conftest import QIAOTOU, XINPU
from print_support import needs_pdf, pdf_pages

pytestmark = pytest.mark.django_db


def _url(c, **q):
    query = "&".join(f"{k}={v}" for k, v in q.items())
    return f"/contracts/{c.pk}/idle-notice/" + (f"?{query}" if query else "")


def test_the_finding_draft_has_its_parts(client, supervision_data, personas):
    from landcycle.supervision.convert import policy

    c = supervision_data[XINPU]["contract"]
    client.force_login(personas["xinpu"])
    resp = client.get(_url(c))
    assert resp.status_code == 200
    html = resp.content.decode()
    rule = policy().idle_land
    assert "闲置土地认定书" in html and "草稿" in html and 'class="draft-mark"' in html
    assert c.number in html and c.holder_name in html and "480.00 万元" in html
    assert "第二条" in html and "第十四条" in html
    assert f"未动工开发满{rule.take_back_after_years}年" in html and "无偿收回" in html
    assert f"{int(rule.fee_share * 100)}%" in html
    assert "承办单位（盖章）" in html and "国有建设用地使用权人签收" in html and "（签字）" in html
    assert "自然资源和规划局" in html and "【待填写" in html


def test_the_fee_draft(client, supervision_data, personas):
    from landcycle.supervision.models import Warning

    c = supervision_data[XINPU]["contract"]
    fee = Warning.objects.get(subject_type="contract", subject_id=c.pk, rule="idle.not_started").fee_wan
    client.force_login(personas["admin"])
    html = client.get(_url(c, doc="fee")).content.decode()
    assert "征缴土地闲置费决定书" in html and f"{fee:,.2f} 万元" in html and "土地闲置费不得列入生产成本" in html
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert _url(c) in page and _url(c, doc="fee") in page


def test_no_paper_for_a_contract_that_is_not_idle(client, supervision_data, personas):
    from landcycle.supervision.models import Warning

    c = supervision_data[XINPU]["contract"]
    Warning.objects.filter(subject_type="contract", subject_id=c.pk, rule__startswith="idle.").update(
        status=Warning.Status.CLOSED
    )
    client.force_login(personas["admin"])
    assert client.get(_url(c)).status_code == 404
    assert client.get(_url(c, doc="fee")).status_code == 404
    assert "/idle-notice/" not in client.get(f"/contracts/{c.pk}/").content.decode()


def test_another_towns_contract_is_404(client, supervision_data, personas):
    other = supervision_data[QIAOTOU]["contract"]
    client.force_login(personas["xinpu"])
    assert client.get(_url(other)).status_code == 404
    assert client.get(_url(other, doc="fee", format="pdf")).status_code == 404
    assert client.get(_url(supervision_data[XINPU]["contract"], doc="other")).status_code == 404


@needs_pdf
def test_the_drafts_as_pdf(client, supervision_data, personas):
    c = supervision_data[XINPU]["contract"]
    client.force_login(personas["xinpu"])
    for doc, title in (("finding", "闲置土地认定书"), ("fee", "征缴土地闲置费决定书")):
        resp = client.get(_url(c, doc=doc, format="pdf"))
        assert resp.status_code == 200 and resp.content.startswith(b"%PDF") and 1 <= pdf_pages(resp.content) <= 3
        name = f"{title}（草稿）_{c.holder_name}_{c.number}.pdf"
        assert resp["Content-Disposition"].endswith("filename*=UTF-8''" + quote(name, safe=""))
