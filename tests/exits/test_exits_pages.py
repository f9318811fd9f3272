"""The exits pages and their scope: every URL for each role — the town officer reads and writes only their own
town's cases (another town's case answers 404), the county decides take-backs, the supervisor and the leader
read and never write; the forms write through the services (problems beside the fields, nothing written)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from exits_data import OPENED, case, xp  # noqa: F401 -- fixtures

from landcycle.exits.models import Case, CaseFile
from landcycle.exits.services.cases import open_case
from landcycle.exits.services.records import files_attach, item_add, step_add

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _body(resp) -> str:
    return (b"".join(resp.streaming_content) if resp.streaming else resp.content).decode()


def _png(name="site.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def full(case, personas, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path
    officer = personas["xinpu"]
    step = step_add(actor=officer, case=case, kind="survey", date=dt.date(2026, 3, 5), place="敦和园区")
    photo = files_attach(actor=officer, case=case, files=[_png()], step=step)[0]
    item = item_add(actor=officer, case=case, category="rubbish", description="建筑垃圾", quantity=40, unit="吨")
    return {"case": case, "photo": photo, "item": item}


def read_urls(full):
    c = full["case"]
    return [
        reverse("exit_case_detail", args=[c.pk]),
        reverse("exit_file", args=[full["photo"].pk]),
    ]


def write_urls(full):
    c = full["case"]
    return [
        reverse("exit_case_edit", args=[c.pk]),
        reverse("exit_case_close", args=[c.pk]),
        reverse("exit_case_cancel", args=[c.pk]),
        reverse("exit_step_new", args=[c.pk]),
        reverse("exit_item_new", args=[c.pk]),
        reverse("exit_money_new", args=[c.pk]),
        reverse("exit_item_edit", args=[full["item"].pk]),
    ]


def test_every_url_by_role(client, full, personas):
    lists = [reverse(n) for n in ("exit_case_list", "exit_summary", "exit_free_land")]
    for who in ("xinpu", "admin"):
        client.force_login(personas[who])
        for url in lists + read_urls(full) + write_urls(full) + [reverse("exit_case_new")]:
            assert client.get(url).status_code == 200, (who, url)
    for who in ("supervisor", "leader"):
        client.force_login(personas[who])
        for url in lists + read_urls(full):
            assert client.get(url).status_code == 200, (who, url)
        for url in write_urls(full) + [reverse("exit_case_new")]:
            assert client.get(url).status_code == 404, (who, url)
    client.force_login(personas["qiaotou"])
    for url in lists:
        assert client.get(url).status_code == 200
    assert full["case"].number not in _body(client.get(lists[0]))
    for url in read_urls(full) + write_urls(full):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert client.get(reverse("exit_case_new") + "?kind=takeback").status_code == 404
    client.force_login(personas["xinpu"])
    assert client.get(reverse("exit_case_new") + "?kind=takeback").status_code == 404  # the county decides
    client.force_login(personas["admin"])
    assert client.get(reverse("exit_case_new") + "?kind=takeback").status_code == 200


def test_case_page_shows_timeline_thumbnail_inventory(client, full, personas):
    client.force_login(personas["leader"])
    html = _body(client.get(reverse("exit_case_detail", args=[full["case"].pk])))
    assert 'data-step="survey"' in html and "建筑垃圾" in html
    assert f'<img src="{reverse("exit_file", args=[full["photo"].pk])}"' in html
    assert "登记环节" not in html  # the leader reads only
    f = CaseFile.objects.get()
    assert len(f.sha256) == 64 and f.path.startswith("exits/")


def test_open_a_case_by_form_and_refusals(client, xp, registry_data, personas):
    client.force_login(personas["xinpu"])
    url = reverse("exit_case_new")
    data = {
        "town": xp["town"].code,
        "ground": "lease_ended",
        "parcels": f"{xp['parcels'][0].number} {registry_data['330282109']['parcels'][0].number}",
        "enterprises": xp["tenant"].uscc,
        "opened_on": "2026-03-01",
        "planned_start": "2026-03-01",
        "deadline": "2026-12-31",
    }
    html = _body(client.post(url, data))
    assert "不在本案所属镇街" in html and Case.objects.count() == 0
    data["parcels"] = xp["parcels"][0].number
    resp = client.post(url, data)
    case = Case.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("exit_case_detail", args=[case.pk])
    assert list(case.enterprises.all()) == [xp["tenant"]]


def test_step_form_with_photos_and_item_refusal(client, case, personas, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path
    client.force_login(personas["xinpu"])
    resp = client.post(
        reverse("exit_step_new", args=[case.pk]),
        {"kind": "survey", "date": "2026-03-10", "place": "敦和园区", "files": [_png("a.png"), _png("b.png")]},
    )
    assert resp.status_code == 302
    assert case.steps.get().files.count() == 2
    html = _body(
        client.post(
            reverse("exit_item_new", args=[case.pk]),
            {"category": "rubbish", "description": "垃圾", "quantity": "5", "claimed_owner": "unknown"},
        )
    )
    assert "缺少单位" in html and not case.items.exists()


def test_close_by_form_frees_the_parcel(client, case, xp, personas):
    client.force_login(personas["xinpu"])
    url = reverse("exit_case_close", args=[case.pk])
    assert "场地清理完毕之前不能验收移交" in _body(client.post(url, {"on": "2026-06-30"}))
    step_add(actor=personas["xinpu"], case=case, kind="cleared", date=dt.date(2026, 6, 20))
    assert client.post(url, {"on": "2026-06-30", "handover_to": "县土地储备中心"}).status_code == 302
    html = _body(client.get(reverse("exit_free_land")))
    assert xp["parcels"][0].number in html and case.number in html
    assert client.get(url).status_code == 404  # a closed case is not written any more


def test_list_filters_colour_and_exports(client, case, xp, personas, monkeypatch):
    from landcycle.exits import selectors

    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 7, 2))
    from landcycle.exits.views import cases as views

    monkeypatch.setattr(views, "today", lambda: dt.date(2026, 7, 2))
    open_case(personas["admin"], ground="voluntary", town=xp["town"], opened_on=OPENED)  # unplanned: grey
    client.force_login(personas["xinpu"])
    url = reverse("exit_case_list")
    red = _body(client.get(url + "?colour=red"))  # 50 % planned, nothing done
    assert case.number in red and "TT2026-112-002" not in red
    grey = _body(client.get(url + "?colour=grey"))
    assert case.number not in grey and "TT2026-112-002" in grey
    resp = client.get(url + "?export=xlsx")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")


def test_county_summary_figures(client, case, xp, personas):
    from decimal import Decimal

    from landcycle.exits.views.summary import summary_figures

    officer = personas["xinpu"]
    item_add(actor=officer, case=case, category="rubbish", description="垃圾", quantity=5, unit="吨")
    from landcycle.exits.services.records import item_update

    item = case.items.get()
    item_update(actor=officer, item=item, determined_owner="firm", determined_how="ruling", disposal="scrapped")
    step_add(actor=officer, case=case, kind="cleared", date=dt.date(2026, 5, 1))
    from landcycle.exits.services.cases import case_close

    case_close(actor=officer, case=case, on=dt.date(2026, 5, 31))  # opened 2026-03-01: 91 days
    open_case(officer, ground="d_class", town=xp["town"], opened_on=OPENED)
    f = summary_figures(personas["leader"], 2026)
    assert (f["open"], f["closed"], f["closed_year"]) == (1, 1, 1)
    assert f["mu_freed"] == xp["parcels"][0].area_mu and f["mu_freed"] > Decimal(0)
    assert f["days"] == {"n": 1, "mean": 91, "median": 91, "max": 91}
    assert dict(f["owners"])["裁判"] == 1
    assert summary_figures(personas["leader"], 2025)["mu_freed"] == 0
    assert summary_figures(personas["qiaotou"], 2026)["closed"] == 0
    client.force_login(personas["leader"])
    html = _body(client.get(reverse("exit_summary") + "?year=2026"))
    assert "新浦镇" in html and "91" in html
