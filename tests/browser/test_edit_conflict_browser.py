"""Two people on one enterprise form in a real browser (Debian chromium): A saves; B's stale save comes back
with who changed what and when, the value saved now and a reload link; reloading shows A's values and B's
change then saves. Screenshots at 1366 px and 390 px in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: F401  (the chromium fixture)

from conftest import XINPU

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def test_a_stale_enterprise_form_is_refused_in_the_browser(page, live_server, registry_data, personas):
    from landcycle.registry.models import Enterprise

    owner = registry_data[XINPU]["owner"]
    url = f"{live_server.url}/enterprises/{owner.pk}/edit/"
    _sign_in(page, live_server, "p_admin")
    page.goto(url)  # B opens the form …
    other = page.context.browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    a = other.new_page()
    _sign_in(a, live_server, "p_xinpu")  # … and so does A, who saves first
    a.goto(url)
    a.fill("#id_name", "慈溪市新浦镇电器股份有限公司")
    a.click("button[type=submit]")
    a.wait_for_selector(".message-success")
    other.close()

    page.fill("#id_contact", "李四")
    page.click("button[type=submit]")
    panel = page.locator(".edit-conflict")
    panel.wait_for()
    text = page.locator(".form-problems").inner_text()
    assert "p_xinpu" in text and "企业名称" in text and "慈溪市新浦镇电器股份有限公司" in text
    assert Enterprise.objects.get(pk=owner.pk).contact != "李四"
    page.screenshot(path=str(SHOTS / "edit-conflict-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "edit-conflict-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})

    page.click(".edit-conflict >> text=刷新页面，载入最新内容")
    assert page.input_value("#id_name") == "慈溪市新浦镇电器股份有限公司"
    page.fill("#id_contact", "李四")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    ent = Enterprise.objects.get(pk=owner.pk)
    assert ent.contact == "李四" and ent.name == "慈溪市新浦镇电器股份有限公司"
