"""A vacating case in a real browser (Debian chromium driven by Playwright), from opening to handover: the 新浦镇
officer opens the case, records a site survey with a photo, a leftover item, its disposal, the site cleared and the
handover; the case page (timeline, thumbnail, inventory) at 1366 px and at 390 px (a phone). Screenshots in
test-artifacts/screenshots/ (exits-*.png)."""

from __future__ import annotations

import struct
import zlib

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


def _png(width=64, height=48) -> bytes:
    """A small real PNG (a grey-green gradient), so the thumbnail shows a picture."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (90 + x * 2, 140, 100 + y * 2)) for y in range(height)
    )
    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _shots(tab, name: str) -> None:
    for label, (width, height) in WIDTHS.items():
        tab.set_viewport_size({"width": width, "height": height})
        tab.reload()
        tab.screenshot(path=str(SHOTS / f"exits-{name}-{label}.png"), full_page=True)
        if label == "phone":
            wide = tab.evaluate("document.documentElement.scrollWidth")
            assert wide <= width + 1, f"{name}: the page is {wide} px wide at {width} px"
    tab.set_viewport_size({"width": 1366, "height": 768})


def _save(tab) -> None:
    tab.click("form.form-card button[type=submit]")
    tab.wait_for_load_state()


def test_case_from_opening_to_handover(page, live_server, registry_data, personas, settings, tmp_path):
    from landcycle.exits.models import Case
    from landcycle.registry.models import Parcel

    settings.UPLOADS_DIR = tmp_path
    xp = registry_data["330282112"]
    parcel = xp["parcels"][0]
    photo = tmp_path / "踏勘现场.png"
    photo.write_bytes(_png())

    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/exits/")
    page.click("text=腾退立案")
    page.select_option("#id_ground", "lease_ended")
    page.fill("#id_parcels", parcel.number)
    page.fill("#id_enterprises", xp["tenant"].uscc)
    page.fill("#id_responsible_unit", "新浦镇经济发展办公室")
    page.fill("#id_responsible_person", "胡晓东")
    page.fill("#id_opened_on", "2026-03-01")
    page.fill("#id_planned_start", "2026-03-01")
    page.fill("#id_deadline", "2026-12-31")
    page.fill("#id_reason", "租约到期，企业仍未腾退，遗留设备和垃圾")
    _save(page)
    case = Case.objects.get()
    url = f"{live_server.url}/exits/{case.pk}/"
    assert page.url == url

    page.click("text=登记环节")
    page.select_option("#id_kind", "survey")
    page.fill("#id_date", "2026-03-10")
    page.fill("#id_place", "新浦镇工业园区")
    page.fill("#id_people", "镇经发办、园区管理方")
    page.fill("#id_minutes", "清点遗留物，拍照编号；企业对设备归属有异议")
    page.set_input_files("#id_files", str(photo))
    _save(page)
    page.click("text=＋ 遗留物")
    page.select_option("#id_category", "equipment")
    page.fill("#id_description", "注塑机")
    page.fill("#id_quantity", "3")
    _save(page)  # no unit: refused, said beside the field
    assert "缺少单位" in page.locator("main").inner_text()
    page.fill("#id_unit", "台")
    page.select_option("#id_claimed_owner", "firm")
    _save(page)
    page.wait_for_url(f"{url}#items")
    assert page.locator("#timeline img").count() == 1
    _shots(page, "case-open")

    page.click("text=认定/处置")
    page.select_option("#id_determined_owner", "firm")
    page.select_option("#id_determined_how", "mediation")
    page.select_option("#id_disposal", "taken")
    page.fill("#id_disposal_date", "2026-05-20")
    _save(page)
    page.click("text=登记环节")
    page.select_option("#id_kind", "cleared")
    page.fill("#id_date", "2026-06-01")
    _save(page)
    page.click("a[data-action=close]")
    page.fill("#id_on", "2026-06-10")
    page.fill("#id_handover_to", "县土地储备中心")
    _save(page)
    page.wait_for_url(url)
    text = page.locator("main").inner_text()
    assert "已移交" in text and "可供地" in text
    assert Parcel.objects.get(pk=parcel.pk).status == "reserve"
    _shots(page, "case-closed")
    page.goto(f"{live_server.url}/exits/free-land/")
    assert parcel.number in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/exits/")
    assert case.number in page.locator("main").inner_text()
    _shots(page, "list")
