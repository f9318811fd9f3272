"""kit.uploads: one set of checks and one store for every kept upload (rectification's and warnings' evidence)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from landcycle.kit import uploads

ALLOWED = uploads.Allowed(frozenset({"pdf", "jpg"}), max_files=2, max_mb=0.001, kinds_zh="照片和PDF")


def rules(files):
    return [p.rule for p in uploads.upload_problems(files, ALLOWED)]


def test_each_refusal_is_named():
    assert rules([SimpleUploadedFile("a.exe", b"MZ")]) == ["evidence.type"]
    assert rules([SimpleUploadedFile("a.pdf", b"")]) == ["evidence.empty"]
    assert rules([SimpleUploadedFile("a.pdf", b"%PDF" + b"x" * 2000)]) == ["evidence.size"]
    assert rules([SimpleUploadedFile("photo.jpg", b"%PDF-1.4")]) == ["evidence.content"]
    three = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4") for i in range(3)]
    assert rules(three) == ["evidence.count"]
    assert rules([SimpleUploadedFile("报告.pdf", b"%PDF-1.4")]) == []
    p = uploads.upload_problems([SimpleUploadedFile("a.exe", b"MZ")], ALLOWED)[0]
    assert "允许照片和PDF：jpg、pdf" in p.zh


def test_store_once_by_content_and_open_only_inside_the_folder(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path
    a = uploads.store(SimpleUploadedFile("现场.pdf", b"%PDF-1.4 same"), "evidence-x")
    b = uploads.store(SimpleUploadedFile("again.pdf", b"%PDF-1.4 same"), "evidence-x")
    assert a.sha256 == b.sha256 and a.path == b.path and a.name == "现场.pdf" and a.size == 13
    assert len(list((tmp_path / "evidence-x").rglob("*.pdf"))) == 1
    with uploads.open_stored(a.path, "evidence-x") as f:
        assert f.read() == b"%PDF-1.4 same"
    with pytest.raises(FileNotFoundError):
        uploads.open_stored(a.path, "other-folder")
    with pytest.raises(FileNotFoundError):
        uploads.open_stored("../../etc/passwd", "evidence-x")
