"""供地合同 through 数据导入 in a real browser: the county administrator picks the shipped Guangdong format and a
town, previews the real land-market export (a few industrial rows of it), confirms, and finds the contracts with
their warnings on the contract list; a town officer opens the contract form of their own town. Screenshots at
1366×768 go to test-artifacts/screenshots/contracts-*.png."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from browser_support import SHOTS, page  # noqa: F401  (the chromium fixture)
from test_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GD = Path(__file__).resolve().parents[1] / "data" / "land_supply_results_gd.csv"


def industrial_rows(n: int) -> bytes:
    """The real export's header and its first ``n`` industrial rows, in its own encoding (GB18030)."""
    rows = list(csv.reader(io.StringIO(GD.read_bytes().decode("gb18030"))))
    use = rows[0].index("landPurpose")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([rows[0]] + [r for r in rows[1:] if "工业" in r[use]][:n])
    return out.getvalue().encode("gb18030")


def _shot(tab, name: str, full: bool = False) -> None:
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def test_import_the_land_market_export_and_see_the_contracts(
    page,
    live_server,
    personas,
    registry_data,  # noqa: F811
    settings,
    tmp_path,
):
    from landcycle.supervision.models import Contract, Warning

    settings.UPLOADS_DIR = tmp_path / "uploads"
    _sign_in(page, live_server, "p_admin")
    page.goto(f"{live_server.url}/imports/new/")
    assert page.locator("#id_shipped").is_hidden() and page.locator("#id_town").is_hidden()
    page.select_option("#id_kind", "contracts")
    assert page.locator("#id_shipped").is_visible() and page.locator("#id_town").is_visible()
    page.select_option("#id_shipped", "land_supply_gd")
    page.select_option("#id_town", label="新浦镇")
    page.set_input_files(
        "#id_file", files=[{"name": "广东省供地结果.csv", "mimeType": "text/csv", "buffer": industrial_rows(5)}]
    )
    _shot(page, "contracts-01-upload")
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/imports/*/")
    assert "检查通过" in page.locator(".verdict-ready").inner_text()
    _shot(page, "contracts-02-preview")
    page.click("form.verdict button[type=submit]")
    page.wait_for_selector(".verdict-ok")
    assert Contract.objects.count() == 5 and set(Contract.objects.values_list("town__name", flat=True)) == {"新浦镇"}
    assert Warning.objects.filter(subject_type="contract").exists()  # refreshed with the import
    _shot(page, "contracts-03-imported")
    page.goto(f"{live_server.url}/contracts/")
    assert page.locator("table.data tbody tr").count() == 5
    _shot(page, "contracts-04-list")


def test_a_town_officer_registers_a_contract_of_their_town(page, live_server, personas, registry_data):  # noqa: F811
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/contracts/")
    page.click("text=登记合同")
    page.wait_for_url("**/contracts/new/")
    _shot(page, "contracts-05-officer-form")
