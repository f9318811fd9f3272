"""Regenerate the screenshots of README.md and docs/ from the running product.

    LANDCYCLE_HOME=/tmp/shots-home .venv/bin/landcycle demo --no-serve   # the sample county, once
    LANDCYCLE_HOME=/tmp/shots-home .venv/bin/landcycle serve --port 8765 &
    .venv/bin/python docs/screenshots/make_screenshots.py http://127.0.0.1:8765

Signs in as the demo accounts (password = user name + "-demo") in Debian's chromium through Playwright and writes
docs/screenshots/<page>.png at desktop width (1366) and, for the pages used in the field, phone width (390).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
# (file name, user, path, phone too)
PAGES = [
    ("home-town", "xinpu", "/", True),
    ("home-county", "admin", "/", False),
    ("overview", "admin", "/overview/", False),
    ("warnings", "admin", "/warnings/", False),
    ("dashboard", "leader", "/", False),
    ("admission", "admin", "/admission/", False),
    ("map", "admin", "/map/?colour=warning", False),
    ("enterprise", "xinpu", None, False),
    ("rectification", "supervisor", "/rectification/", True),
]


def main(base: str) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"))
        for name, user, path, phone in PAGES:
            for width, height in [(1366, 768)] + ([(390, 844)] if phone else []):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(base + "/accounts/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", user + "-demo")
                page.click("button[type=submit]")
                if path is None:  # the first enterprise of the town's list
                    page.goto(base + "/enterprises/")
                    page.click("table.data tbody tr td a")
                else:
                    page.goto(base + path)
                page.wait_for_load_state("networkidle")
                suffix = "" if width == 1366 else f"-{width}"
                page.screenshot(path=str(HERE / f"{name}{suffix}.png"))
                page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765")
