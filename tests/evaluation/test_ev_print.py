"""The evaluation notice (亩均效益综合评价结果告知书): published runs only, the enterprise's class, score, figures
and policy version, the issuer and seal; scoped (another town's enterprise → 404)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from conftest import QIAOTOU, XINPU
from print_support import needs_pdf, pdf_pages

pytestmark = pytest.mark.django_db


def _url(ent, **q):
    query = "&".join(f"{k}={v}" for k, v in q.items())
    return f"/evaluation/enterprises/{ent.pk}/notice/" + (f"?{query}" if query else "")


def test_the_notice_has_its_parts(client, evaluation_data, personas):
    d = evaluation_data[XINPU]
    client.force_login(personas["xinpu"])
    resp = client.get(_url(d["owner"], number="慈亩均办〔2026〕8号", date="2026-12-02"))
    assert resp.status_code == 200
    html = resp.content.decode()
    r = d["result"]
    assert "2025年度亩均效益综合评价结果告知书" in html and "慈亩均办〔2026〕8号" in html and "2026年12月2日" in html
    assert d["owner"].name in html and d["owner"].uscc in html
    assert f"{r.evaluation_class} 类" in html and f"{r.score:,.2f} 分" in html
    assert d["run"].policy_version in html
    assert 'id="indicators"' in html and "亩均税收" in html
    assert 'id="figures"' in html and "12,000.00" in html  # the 2025 revenue the run read
    assert "亩均效益综合评价工作领导小组办公室" in html and "（盖章）" in html


def test_the_button_is_on_the_enterprise_page(client, evaluation_data, personas):
    d = evaluation_data[XINPU]
    client.force_login(personas["xinpu"])
    html = client.get(f"/evaluation/enterprises/{d['owner'].pk}/").content.decode()
    assert f"/evaluation/enterprises/{d['owner'].pk}/notice/?run={d['run'].pk}" in html


def test_drafts_are_not_notified(client, evaluation_data, personas):
    from landcycle.evaluation import services

    d = evaluation_data[XINPU]
    draft = services.run_create(actor=personas["analyst"], year=2025)
    client.force_login(personas["admin"])
    assert client.get(_url(d["owner"], run=draft.pk)).status_code == 404
    html = client.get(f"/evaluation/enterprises/{d['owner'].pk}/?run={draft.pk}").content.decode()
    assert "/notice/" not in html  # no button on a draft's result
    assert client.get(_url(d["owner"], run=d["run"].pk)).status_code == 200


def test_another_towns_enterprise_is_404(client, evaluation_data, personas):
    other = evaluation_data[QIAOTOU]
    client.force_login(personas["xinpu"])
    assert client.get(_url(other["owner"])).status_code == 404
    assert client.get(_url(other["owner"], format="pdf")).status_code == 404


@needs_pdf
def test_the_notice_as_pdf(client, evaluation_data, personas):
    d = evaluation_data[XINPU]
    client.force_login(personas["leader"])
    resp = client.get(_url(d["owner"], format="pdf"))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF") and 1 <= pdf_pages(resp.content) <= 2
    name = f"2025年度亩均效益综合评价结果告知书_{d['owner'].name}.pdf"
    assert resp["Content-Disposition"].endswith("filename*=UTF-8''" + quote(name, safe=""))
