"""The API's browser pages in a real browser (Debian chromium, Playwright) under the site's Content Security Policy:
a token made on "my API tokens" (its key shown once) and the offline Swagger UI rendering every operation from
/api/schema/ with no CSP refusal and nothing fetched from another host. Screenshots: api-tokens.png, api-docs.png."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tokens_page_and_swagger_docs_under_the_csp(page, live_server, personas):  # noqa: F811
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "p_xinpu")
    page.fill("#id_password", "p_xinpu-pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/api/my-tokens/")
    page.fill("input[name=name]", "省亩均平台")
    page.click("form.form-card button[type=submit]")
    key = page.inner_text("code.api-key")
    assert key.startswith("lc_")
    assert page.locator("#tokens tbody tr").count() == 1
    page.screenshot(path=str(SHOTS / "api-tokens.png"), full_page=True)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() >= 25
    assert "/api/enterprises/" in page.inner_text(".swagger-ui")
    page.screenshot(path=str(SHOTS / "api-docs.png"))
    assert not foreign, f"fetched from elsewhere: {foreign[:5]}"
