"""Evidence of a warning's answer (佐证材料): photos from the site and PDFs, checked (type, size, count, content
matching the type) and stored under ``settings.UPLOADS_DIR / "warning-evidence"`` by their SHA-256 — the way the
product keeps uploads (the rectification ledger's evidence is kept alike; the apps do not import each other)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings

from landcycle.rules.problems import Problem

from .convert import policy

FOLDER = "warning-evidence"
# what a phone's camera and a scanner give, with the first bytes each type starts with
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
    "heic": (),  # ISO box: checked by extension only
    "heif": (),
    "pdf": (b"%PDF",),
}


@dataclass(frozen=True)
class Stored:
    name: str
    extension: str
    size: int
    sha256: str
    path: str  # relative to UPLOADS_DIR


def clean_name(name: str) -> str:
    base = PurePath(str(name or "").replace("\\", "/")).name.strip() or "file"
    stem, dot, ext = base.rpartition(".")
    if len(base) > 200:
        base = (stem[: 190 - len(ext)] + dot + ext) if dot else base[:200]
    return base


def extension_of(name: str) -> str:
    base = clean_name(name)
    return base.rpartition(".")[2].lower() if "." in base else ""


def _starts_with(upload, signatures: tuple[bytes, ...]) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return any(head.startswith(s) for s in signatures)


def evidence_problems(files) -> list[Problem]:
    """Every file the policy does not allow, in both languages (field ``files``)."""
    rule = policy().handling
    problems = []
    if len(files) > rule.evidence_max_files:
        problems.append(
            Problem(
                "files",
                "evidence.count",
                f"一次最多上传{rule.evidence_max_files}个文件，实为{len(files)}个",
                f"At most {rule.evidence_max_files} files at a time, got {len(files)}",
            )
        )
    allowed = "、".join(sorted(SIGNATURES))
    for f in files:
        name, ext = clean_name(f.name), extension_of(f.name)
        if ext not in SIGNATURES:
            problems.append(
                Problem(
                    "files",
                    "evidence.type",
                    f"文件“{name}”的类型（.{ext or '无扩展名'}）不能作为佐证材料；允许照片和PDF：{allowed}",
                    f"The file '{name}' (.{ext or 'none'}) cannot be evidence; photos and PDF are: "
                    f"{', '.join(sorted(SIGNATURES))}",
                )
            )
        elif f.size > rule.evidence_max_mb * 1048576:
            problems.append(
                Problem(
                    "files",
                    "evidence.size",
                    f"文件“{name}”大小为{f.size / 1048576:.1f} MB，超过上限{rule.evidence_max_mb} MB",
                    f"The file '{name}' is {f.size / 1048576:.1f} MB, over the {rule.evidence_max_mb} MB limit",
                )
            )
        elif f.size == 0:
            problems.append(Problem("files", "evidence.empty", f"文件“{name}”是空文件", f"The file '{name}' is empty"))
        elif SIGNATURES[ext] and not _starts_with(f, SIGNATURES[ext]):
            problems.append(
                Problem(
                    "files",
                    "evidence.content",
                    f"文件“{name}”的内容与其类型（.{ext}）不符",
                    f"The content of '{name}' does not match its type (.{ext})",
                )
            )
    return problems


def evidence_root() -> Path:
    return Path(settings.UPLOADS_DIR) / FOLDER


def store(upload) -> Stored:
    """Write one (checked) upload under its SHA-256; the same content is kept once."""
    root = evidence_root()
    root.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            upload.seek(0)
            for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        ext = extension_of(upload.name)
        rel = Path(FOLDER) / sha[:2] / f"{sha}.{ext}"
        final = Path(settings.UPLOADS_DIR) / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(tmp)
        else:
            os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return Stored(clean_name(upload.name), ext, size, sha, rel.as_posix())


def open_stored(path: str):
    """The stored file for download (FileNotFoundError when it is gone or outside the folder)."""
    full = (Path(settings.UPLOADS_DIR) / path).resolve()
    if evidence_root().resolve() not in full.parents:
        raise FileNotFoundError(path)
    return open(full, "rb")
