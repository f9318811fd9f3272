"""What every real-browser test shares: Debian's chromium driven by sync Playwright at 1366×768, the
screenshot folder, and a failure (not a skip) in CI (``CI`` or ``LANDCYCLE_REQUIRE_BROWSER`` set, as .ci/run does)
when chromium is missing. Test modules import ``page``
from here (``from browser_support import SHOTS, page``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"  # sync Playwright runs an event loop in the test thread

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def page():
    """A chromium tab; confirm() dialogs are accepted; any JavaScript error or CSP refusal fails the test."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") or os.environ.get("LANDCYCLE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (and fonts-noto-cjk) on the CI machine")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        # what the Content Security Policy refused (an inline script or handler, a foreign host) is an error too
        tab.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        tab.on("dialog", lambda dialog: dialog.accept())
        # a click that follows a link returns once the next page has started loading, not when it is there: a
        # count() read right after it saw the half-parsed page (0 rows, once in CI); wait for the load
        click = tab.click

        def click_then_load(selector, **kwargs):
            click(selector, **kwargs)
            tab.wait_for_load_state()

        tab.click = click_then_load
        tab.errors = errors
        yield tab
        browser.close()
    assert not errors, f"JavaScript errors: {errors}"
