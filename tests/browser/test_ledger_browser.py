"""数据导入 and 下载中心 in a real browser (Debian chromium through Playwright): a town officer uploads a messy
ledger, sees the problems on the source rows, uploads the corrected file, confirms it, and exports a list that
becomes a background job. Screenshots at 1366×768 go to test-artifacts/screenshots/ledger-*.png."""

from __future__ import annotations

import datetime as dt  # noqa: E402
import io  # noqa: E402

import pytest
import xlsxwriter  # noqa: E402
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)
from test_browser import _sign_in  # noqa: E402

from conftest import XINPU  # noqa: E402
from landcycle.rules.codes import make_uscc  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["序号", "统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街", "联系人"]


def workbook(rows: list[list]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"strings_to_numbers": False})
    ws = wb.add_worksheet("企业名录")
    bold = wb.add_format({"bold": True})
    ws.merge_range(0, 0, 0, len(HEADER) - 1, "2025年度新浦镇工业企业名录", bold)
    ws.write_string(1, 0, "填报单位：新浦镇经济发展办公室    填报日期：2026年1月5日")
    for c, h in enumerate(HEADER):
        ws.write_string(2, c, h, bold)
    for r, row in enumerate(rows, 3):
        for c, v in enumerate(row):
            if isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            elif v is not None:
                ws.write_string(r, c, str(v))
    wb.close()
    return buf.getvalue()


def firms(registry_data, broken: bool) -> bytes:
    owner = registry_data[XINPU]["owner"]
    new = [make_uscc("91", "330282", f"XPNEW{i:03d}") for i in range(4)]
    rows = [
        [1, owner.uscc, owner.name, owner.industry_code, "规上", "2005-03-01", "新浦镇", "王五 13800000001"],
        [2, new[0], "慈溪市新浦精密模具有限公司", "3525", "规下", "2018-04-16", "新浦镇", "赵六"],
        [3, new[1], "慈溪市新浦照明电器厂", "3872", "规下", "2016-09-01", "新浦镇", ""],
        [4, new[2], "慈溪市新浦五金制品有限公司", "3389", "规上", "2012-12-12", "新浦镇", "钱七"],
        [5, new[3], "宁波新浦包装材料有限公司", "2231", "规下", "2020-07-07", "新浦镇", ""],
    ]
    if broken:
        rows[1][1] = new[0][:-1] + ("0" if new[0][-1] != "0" else "1")  # a wrong check character
        rows[2][3] = "99999"  # not an industry class
        rows[3][6] = "桥头镇"  # another town's firm
        rows[4][5] = "2030-01-01"  # registered in the future
    rows.append(["合计", None, "5家", None, None, None, None, None])
    return workbook(rows)


def _shot(tab, name: str, full: bool = False) -> None:
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def _upload(tab, live_server, data: bytes, name: str) -> None:
    tab.goto(f"{live_server.url}/imports/new/")
    tab.select_option("#id_kind", "enterprises")
    tab.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    tab.click("form.upload button[type=submit]")
    tab.wait_for_url("**/imports/*/")


def test_upload_preview_confirm_and_downloads(
    page,
    live_server,
    personas,
    registry_data,
    settings,
    tmp_path,  # noqa: F811
    monkeypatch,
    run_tasks,
):
    from landcycle.ledgers import jobs
    from landcycle.registry.models import Enterprise

    settings.UPLOADS_DIR, settings.EXPORTS_DIR = tmp_path / "uploads", tmp_path / "exports"
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/imports/new/")
    assert page.locator("a[href='/imports/templates/enterprises.xlsx']").count() == 1
    assert page.locator("nav.nav a.active").inner_text().strip() == "数据导入"
    _shot(page, "ledger-01-import")

    _upload(page, live_server, firms(registry_data, broken=True), "2025年新浦镇企业名录.xlsx")
    assert "未写入任何数据" in page.locator(".verdict-bad").inner_text()
    assert page.locator("td.cell-bad").count() == 4
    assert page.locator("form.verdict button[type=submit]").count() == 0  # no confirm with problems
    assert "桥头镇" in page.locator("table.grid").inner_text()
    _shot(page, "ledger-02-preview-problems")
    _shot(page, "ledger-02b-preview-problems-full", full=True)

    before = Enterprise.objects.count()
    _upload(page, live_server, firms(registry_data, broken=False), "2025年新浦镇企业名录（修改后）.xlsx")
    assert "检查通过" in page.locator(".verdict-ready").inner_text()
    _shot(page, "ledger-03-preview-ready")
    page.click("form.verdict button[type=submit]")
    page.wait_for_selector(".verdict-ok")
    assert "新增 4 条" in page.locator(".verdict-ok").inner_text()
    assert Enterprise.objects.count() == before + 4
    _shot(page, "ledger-04-result")

    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 3)  # this list is "big": it becomes a task of the queue
    page.goto(f"{live_server.url}/enterprises/?scale=below")
    page.click("text=导出Excel")
    page.wait_for_url("**/downloads/")
    assert "排队中" in page.locator("table.data").inner_text()
    assert run_tasks() == 1  # the database queue's worker, run by hand
    page.wait_for_selector("a.btn[href$='/file/']", timeout=20_000)  # the page refreshes itself until done
    assert "已完成" in page.locator("table.data").inner_text()
    _shot(page, "ledger-05-downloads")
    from django.utils import timezone

    from landcycle.ledgers.models import ExportJob

    ExportJob.objects.create(
        source="parcels",
        kind="parcels",
        fmt="csv",
        filters={"town": [XINPU]},
        summary="镇街：新浦镇",
        user=personas["xinpu"],
        status="running",
        worker="demo",
        rows_done=12_000,
        rows_total=31_250,
        started_at=timezone.now(),
        heartbeat_at=timezone.now() + dt.timedelta(hours=1),
    )
    page.goto(f"{live_server.url}/downloads/")
    assert page.locator("meta[http-equiv=refresh]").count() == 1 and "导出中" in page.locator("table.data").inner_text()
    _shot(page, "ledger-06-downloads-running")


def test_parcel_shapes_preview(page, live_server, personas, registry_data, settings, tmp_path):  # noqa: F811
    import json

    from conftest import QIAOTOU, rectangle

    settings.UPLOADS_DIR = tmp_path / "uploads"
    a, b = registry_data[XINPU]["parcels"]
    other = registry_data[QIAOTOU]["parcels"][0]
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[121.40, 30.30], [121.402, 30.302], [121.402, 30.30], [121.40, 30.302], [121.40, 30.30]]],
    }
    features = [
        {"type": "Feature", "properties": {"DKBH": a.number}, "geometry": rectangle(121.45, 30.3, float(a.area_m2))},
        {"type": "Feature", "properties": {"DKBH": b.number}, "geometry": bowtie},
        {
            "type": "Feature",
            "properties": {"DKBH": other.number},
            "geometry": rectangle(121.2, 30.1, float(other.area_m2) * 1.5),
        },
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/imports/new/?kind=parcel_shapes")
    page.set_input_files(
        "#id_file", files=[{"name": "新浦镇地块.geojson", "mimeType": "application/geo+json", "buffer": data}]
    )
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/imports/*/")
    assert page.locator("td.cell-bad").count() >= 2 and "自相交" in page.content()
    _shot(page, "ledger-07-shapes-preview")
