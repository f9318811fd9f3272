"""数据导入 in the browser (Django test client): upload -> preview -> confirm, problems on the source rows,
refusals, re-upload, who may reach the pages and whose batches they see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from import_books import QIAOTOU, XINPU, read_book, uscc, write_xlsx, wrong_check

from landcycle.audit.models import AuditEntry
from landcycle.ledgers.kinds import IMPORTABLE, KINDS
from landcycle.ledgers.models import ImportBatch
from landcycle.registry.models import Enterprise

pytestmark = pytest.mark.django_db
HEADER = ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def ledger(*rows, title: bool = False) -> bytes:
    top = [["2025年度新浦镇企业名录"], ["填报单位：新浦镇经济发展办公室"]] if title else []
    return write_xlsx({"企业": [*top, HEADER, *rows]})


def good(registry_data) -> bytes:
    owner = registry_data[XINPU]["owner"]
    return ledger(
        [uscc(1), "慈溪市新浦新材料有限公司", "3311", "规下", "2019-11-13", "新浦镇"],
        [owner.uscc, "改名后的公司", owner.industry_code, "规上", owner.registered_on, "新浦镇"],
    )


def upload(client, data: bytes, name: str = "企业名录.xlsx", kind: str = "enterprises", mapping: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {"kind": kind, "file": SimpleUploadedFile(name, data)}
    if mapping is not None:
        payload["mapping"] = SimpleUploadedFile("mapping.toml", mapping)
    return client.post(reverse("ledger_import_new"), payload)


def last_batch(user) -> ImportBatch:
    return ImportBatch.objects.filter(actor=user).latest("id")


def text(response) -> str:
    return response.content.decode("utf-8")


def in_english(client, url: str) -> str:
    client.cookies["django_language"] = "en"
    try:
        return text(client.get(url))
    finally:
        client.cookies["django_language"] = "zh-hans"


def test_upload_preview_confirm_and_the_result(client, registry_data, personas):
    officer = personas["xinpu"]
    client.force_login(officer)
    page = client.get(reverse("ledger_import_new"))
    assert page.status_code == 200
    body = text(page)
    for name, k in KINDS.items():
        assert reverse("ledger_template", args=[name]) in body  # every ledger offers its template
    assert "parcel_shapes" in body and "GeoJSON" in body
    firms, audit = Enterprise.objects.count(), AuditEntry.objects.count()
    response = upload(client, good(registry_data))
    batch = last_batch(officer)
    assert response.status_code == 302 and response["Location"] == reverse("import_batch_detail", args=[batch.pk])
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (firms, audit)  # a preview writes nothing
    preview = client.get(response["Location"])
    body = text(preview)
    assert preview.status_code == 200 and "检查通过" in body and "确认导入" in body
    assert 'action="%s"' % reverse("import_batch_confirm", args=[batch.pk]) in body
    assert "改名后的公司" in body and "慈溪市新浦新材料有限公司" in body  # the changes to be written
    assert "列的识别" in body and "统一社会信用代码" in body  # the column binding
    assert client.get(reverse("import_batch_confirm", args=[batch.pk])).status_code == 405
    done = client.post(reverse("import_batch_confirm", args=[batch.pk]), follow=True)
    body = text(done)
    assert "已导入" in body and "新增 1 条，更新 1 条" in body
    batch.refresh_from_db()
    assert batch.status == "imported" and Enterprise.objects.count() == firms + 1
    assert AuditEntry.objects.count() == audit + 2
    history = text(client.get(reverse("ledger_import_new")))
    assert "企业名录.xlsx" in history and reverse("import_batch_detail", args=[batch.pk]) in history
    # the same file again: everything unchanged, and the page says so
    upload(client, good(registry_data))
    again = last_batch(officer)
    assert (again.created, again.updated, again.unchanged, again.status) == (0, 0, 2, "previewed")
    assert "完全一致" in text(client.get(reverse("import_batch_detail", args=[again.pk])))


def test_problems_are_shown_on_the_source_rows_and_confirm_is_refused(client, registry_data, personas):
    officer = personas["xinpu"]
    client.force_login(officer)
    bad = wrong_check(uscc(7))
    upload(
        client,
        ledger(
            [uscc(1), "好公司", "3311", "规下", "2019-11-13", "新浦镇"],
            [bad, "校验位错的公司", "3311", "规下", "2019-11-13", "新浦镇"],
            title=True,
        ),
    )
    batch = last_batch(officer)
    assert batch.status == "refused" and batch.problem_count >= 1
    body = text(client.get(reverse("import_batch_detail", args=[batch.pk])))
    assert "未写入任何数据" in body and 'class="cell-bad"' in body and bad in body
    problem = next(p for p in batch.problems if p["rule"] == "uscc.check")
    assert problem["zh"] in body and escape(problem["en"]) not in body  # the problem in the user's language only
    english = in_english(client, reverse("import_batch_detail", args=[batch.pk]))
    assert escape(problem["en"]) in english and problem["zh"] not in english
    assert ">5<" in body  # the row as Excel numbers it (two title rows, the header, then data)
    assert reverse("import_batch_report", args=[batch.pk]) in body
    assert 'action="%s"' % reverse("import_batch_confirm", args=[batch.pk]) not in body
    refused = client.post(reverse("import_batch_confirm", args=[batch.pk]), follow=True)
    assert "问题" in text(refused) and not Enterprise.objects.filter(uscc=uscc(1)).exists()
    report = client.get(reverse("import_batch_report", args=[batch.pk]))
    assert report.status_code == 200 and report["Content-Type"] == XLSX
    book = read_book(b"".join(report.streaming_content))
    assert any(bad in [str(v) for v in row] for row in book["问题清单"])


def test_an_officer_cannot_import_another_towns_rows(client, registry_data, personas):
    client.force_login(personas["xinpu"])
    upload(client, ledger([uscc(2), "桥头的公司", "3311", "规下", "2019-11-13", "桥头镇"]))
    batch = last_batch(personas["xinpu"])
    assert batch.status == "refused" and batch.problems[0]["rule"] == "scope.town"
    body = text(client.get(reverse("import_batch_detail", args=[batch.pk])))
    assert "桥头镇" in body and "cell-bad" in body
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    assert not Enterprise.objects.filter(uscc=uscc(2)).exists()


def test_a_batch_is_seen_only_by_who_uploaded_it(client, registry_data, personas):
    client.force_login(personas["xinpu"])
    upload(client, good(registry_data))
    batch = last_batch(personas["xinpu"])
    for who in ("admin", "qiaotou"):
        other = Client()
        other.force_login(personas[who])
        for name in ("import_batch_detail", "import_batch_report"):
            assert other.get(reverse(name, args=[batch.pk])).status_code == 404, (who, name)
        assert other.post(reverse("import_batch_confirm", args=[batch.pk])).status_code == 404
        assert "企业名录.xlsx" not in text(other.get(reverse("ledger_import_new")))
    batch.refresh_from_db()
    assert batch.status == "previewed"


@pytest.mark.parametrize("who", ["leader", "supervisor", "analyst"])
def test_roles_that_may_not_write_ledgers_get_404(client, registry_data, personas, who):
    client.force_login(personas[who])
    assert client.get(reverse("ledger_import_new")).status_code == 404
    assert upload(client, good(registry_data)).status_code == 404
    assert client.get(reverse("ledger_template", args=["enterprises"])).status_code == 404
    assert not ImportBatch.objects.exists()
    nav = text(client.get(reverse("overview")))
    assert reverse("ledger_import_new") not in nav and reverse("export_job_list") in nav


def test_navigation_offers_import_and_downloads_to_writers(client, registry_data, personas):
    client.force_login(personas["xinpu"])
    nav = text(client.get(reverse("overview")))
    assert "数据导入" in nav and "下载中心" in nav and reverse("ledger_import_new") in nav


def test_an_unusable_file_says_why_in_the_users_language(client, registry_data, personas):
    client.force_login(personas["admin"])
    upload(client, b"\x89PNG\r\n\x1a\n....", name="photo.png")
    batch = last_batch(personas["admin"])
    body = text(client.get(reverse("import_batch_detail", args=[batch.pk])))
    problem = batch.problems[0]
    assert batch.status == "refused" and problem["zh"] in body and escape(problem["en"]) not in body
    english = in_english(client, reverse("import_batch_detail", args=[batch.pk]))
    assert escape(problem["en"]) in english
    assert "无法作为该台账读取" in body


def test_a_file_over_the_limit_and_a_broken_mapping_are_refused_on_the_form(client, registry_data, personas, settings):
    client.force_login(personas["admin"])
    assert "不超过50 MB" in text(client.get(reverse("ledger_import_new")))
    settings.LANDCYCLE_UPLOAD_MAX_BYTES = 1024
    response = upload(client, good(registry_data))
    body = text(response)
    assert response.status_code == 400 and "超过1 KB的上限" in body and "LANDCYCLE_UPLOAD_MAX_BYTES" in body
    assert "不超过1 KB" in body and not ImportBatch.objects.exists()
    settings.LANDCYCLE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    response = upload(client, good(registry_data), mapping=b"uscc = [unclosed")
    body = text(response)
    assert response.status_code == 400 and "TOML" in body and not ImportBatch.objects.exists()
    response = upload(client, good(registry_data), mapping='nonsense_field = "统一社会信用代码"'.encode())
    batch = last_batch(personas["admin"])
    assert batch.status == "refused" and batch.problems[0]["rule"] == "ledger.mapping"


def test_a_mapping_file_binds_a_layout_of_its_own(client, registry_data, personas):
    client.force_login(personas["xinpu"])
    data = write_xlsx(
        {
            "企业": [
                ["代码X", "单位名", "行业", "规模", "成立日期", "所属镇街"],
                [uscc(3), "映射公司", "3311", "规下", "2019-11-13", "新浦镇"],
            ]
        }
    )
    mapping = "\n".join(['uscc = "代码X"', 'name = "单位名"', 'industry_code = "行业"']).encode()
    upload(client, data, mapping=mapping)
    batch = last_batch(personas["xinpu"])
    assert batch.status == "previewed" and batch.created == 1, batch.problems
    body = text(client.get(reverse("import_batch_detail", args=[batch.pk])))
    assert "代码X" in body
    # the column table names the fields as the ledger's template does, never by their internal names
    assert "列的识别" in body and "统一社会信用代码" in body
    for internal in (">uscc<", ">industry_code<", ">registered_on<", ">town<"):
        assert internal not in body


def test_uploads_need_the_csrf_token(registry_data, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["admin"])
    response = client.post(
        reverse("ledger_import_new"), {"kind": "enterprises", "file": SimpleUploadedFile("a.xlsx", good(registry_data))}
    )
    assert response.status_code == 403 and not ImportBatch.objects.exists()


def test_templates_download_for_every_exported_ledger(client, regions, personas):
    client.force_login(personas["xinpu"])
    for name in IMPORTABLE:
        response = client.get(reverse("ledger_template", args=[name]))
        if KINDS.get(name):
            assert response.status_code == 200 and response["Content-Type"] == XLSX
            assert KINDS[name].schema.title_zh in read_book(b"".join(response.streaming_content))
        else:
            assert response.status_code == 404  # parcel shapes come from GIS software
    assert client.get(reverse("ledger_template", args=["nonsense"])).status_code == 404
    assert QIAOTOU not in XINPU


def test_the_import_page_shows_shipped_formats_as_a_table_of_columns(client, registry_data, personas):
    """Issue 13: no "TOML 格式" or internal names on the import page; the shipped format's columns as a table."""
    client.force_login(personas["admin"])
    body = text(client.get(reverse("ledger_import_new")))
    assert "TOML格式" not in body and "TOML 格式" not in body
    assert "常用格式的列对照" in body
    # 广东 land-market export: its English header, the ledger item it fills, the source's unit
    assert "<td>totalArea</td>" in body and "<td>公顷</td>" in body and "<td>transferPrice</td>" in body
    assert "（enterprises）" not in body and '<span class="sub mono">enterprises</span>' not in body
