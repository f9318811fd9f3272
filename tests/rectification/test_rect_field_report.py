"""Issue 13: the progress report is used on site from a phone — a camera input (``accept="image/*,application/pdf"
capture="environment"``, several photos) and an album/file input, both named ``files``; what both send is stored
as evidence of one report. Evidence checksums are kept out of sight (技术信息), the report history reads as cards
on a phone (``data-label``), and another town's task answers 404."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.rectification.models import Evidence

pytestmark = pytest.mark.django_db
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def test_the_page_offers_the_camera_and_the_album(client, rectification_data, personas):
    d = rectification_data[XINPU]
    client.force_login(personas["xinpu"])
    html = client.get(reverse("task_update", args=[d["task"].pk])).content.decode()
    camera = re.search(r'<input[^>]*id="id_files_camera"[^>]*>', html).group(0)
    assert 'accept="image/*,application/pdf"' in camera and 'capture="environment"' in camera
    assert "multiple" in camera and 'name="files"' in camera
    album = re.search(r'<input[^>]*id="id_files"[^>]*>', html).group(0)
    assert "capture" not in album and "multiple" in album and 'accept="image/*,application/pdf,.doc' in album
    assert "拍照上传" in html and "从相册或文件选择" in html and 'class="btn btn-primary btn-big"' in html
    assert "rectification/evidence.js" in html
    client.force_login(personas["qiaotou"])
    assert client.get(reverse("task_update", args=[d["task"].pk])).status_code == 404  # another town's task
    assert client.get(reverse("task_update", args=[rectification_data[QIAOTOU]["task"].pk])).status_code == 200


def test_photos_from_the_camera_and_a_file_from_the_album_make_one_report(client, rectification_data, personas):
    d = rectification_data[XINPU]
    client.force_login(personas["xinpu"])
    before = Evidence.objects.count()
    resp = client.post(
        reverse("task_update", args=[d["task"].pk]),
        {
            "version": d["task"].version,
            "percent_done": "90",
            "reported_on": "2026-11-27",
            "text": "现场已清理，附照片",
            "files": [
                SimpleUploadedFile("现场1.png", PNG, content_type="image/png"),
                SimpleUploadedFile("现场2.png", PNG, content_type="image/png"),
                SimpleUploadedFile("验收单.pdf", RECTIFICATION_PDF, content_type="application/pdf"),
            ],
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert Evidence.objects.count() == before + 3
    page = client.get(reverse("task_detail", args=[d["task"].pk])).content.decode()
    assert "现场1.png" in page and "验收单.pdf" in page and 'data-label="佐证材料"' in page
    evidence = Evidence.objects.filter(name="现场1.png").get()
    head = page[: page.index("技术信息")]
    assert evidence.sha256[:12] not in head and evidence.sha256 in page[page.index("技术信息") :]
