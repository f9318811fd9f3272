"""Evidence files (佐证材料): checked against the policy (type, size, count, content matching the type),
stored under ``settings.UPLOADS_DIR / "evidence"`` by their SHA-256, opened again for download."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings

from landcycle.rules.problems import Problem

from .policy import RectificationPolicy

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc .xls .wps .et (Compound File Binary)
ZIP = b"PK\x03\x04"  # .docx .xlsx .ofd
# The first bytes a file of each type starts with; a type not listed is checked by its extension only.
SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "doc": (OLE,),
    "xls": (OLE,),
    "wps": (OLE,),
    "et": (OLE,),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "ofd": (ZIP,),
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


def _head(upload, n: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def evidence_problems(files, policy: RectificationPolicy) -> list[Problem]:
    """Every evidence file the policy does not allow, named in both languages (field ``files``)."""
    problems = []
    if len(files) > policy.max_files_per_report:
        problems.append(
            Problem(
                "files",
                "evidence.count",
                f"一次最多上传{policy.max_files_per_report}个文件，实为{len(files)}个",
                f"At most {policy.max_files_per_report} files at a time, got {len(files)}",
            )
        )
    allowed = "、".join(sorted(policy.extensions))
    limit = f"{policy.max_size_mb:g}"
    for f in files:
        name = clean_name(f.name)
        ext = extension_of(f.name)
        if ext not in policy.extensions:
            problems.append(
                Problem(
                    "files",
                    "evidence.type",
                    f"文件“{name}”的类型（.{ext or '无扩展名'}）不在允许范围内；允许：{allowed}",
                    f"The file '{name}' is of a type (.{ext or 'none'}) the policy does not allow; "
                    f"allowed: {', '.join(sorted(policy.extensions))}",
                )
            )
            continue
        if f.size > policy.max_size_bytes:
            problems.append(
                Problem(
                    "files",
                    "evidence.size",
                    f"文件“{name}”大小为{f.size / 1048576:.1f} MB，超过上限{limit} MB",
                    f"The file '{name}' is {f.size / 1048576:.1f} MB, over the {limit} MB limit",
                )
            )
            continue
        if f.size == 0:
            problems.append(Problem("files", "evidence.empty", f"文件“{name}”是空文件", f"The file '{name}' is empty"))
            continue
        signatures = SIGNATURES.get(ext)
        if signatures and not any(_head(f, len(s)).startswith(s) for s in signatures):
            problems.append(
                Problem(
                    "files",
                    "evidence.content",
                    f"文件“{name}”的内容与其类型（.{ext}）不符，可能是改了扩展名的其他文件",
                    f"The content of '{name}' does not match its type (.{ext}): it may be another kind of file renamed",
                )
            )
    return problems


def evidence_root() -> Path:
    return Path(settings.UPLOADS_DIR) / "evidence"


def store(upload) -> Stored:
    """Write one (checked) upload under its SHA-256; the same content is kept once."""
    root = evidence_root()
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
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
        rel = Path("evidence") / sha[:2] / f"{sha}.{ext}"
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
    """The stored file for download (raises FileNotFoundError when it is gone)."""
    full = (Path(settings.UPLOADS_DIR) / path).resolve()
    root = evidence_root().resolve()
    if root not in full.parents:
        raise FileNotFoundError(path)
    return open(full, "rb")
