"""Uploaded files the product keeps (佐证材料 of a rectification report, of a warning's answer): checked (count, type,
size, content matching the type), saved in the uploads storage (``kit.storage``: a folder under LANDCYCLE_HOME or an
S3 bucket) as ``<folder>/…`` by their SHA-256 (the same content is kept once), opened again for download only from
inside their folder.

Each app says what it allows (its policy: extensions, count, size) and where its files go; the checks, the messages
and the storage are these, once."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath
from typing import Any, BinaryIO

from django.core.files import File

from landcycle.rules.problems import Problem

from .storage import uploads_storage

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc .xls .wps .et (Compound File Binary)
ZIP = b"PK\x03\x04"  # .docx .xlsx .ofd
# The first bytes a file of each type starts with; a type with none listed is checked by its extension only.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),
    "heic": (),  # ISO boxes: by extension only
    "heif": (),
    "doc": (OLE,),
    "xls": (OLE,),
    "wps": (OLE,),
    "et": (OLE,),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "ofd": (ZIP,),
}
MB = 1048576


@dataclass(frozen=True)
class Stored:
    name: str
    extension: str
    size: int
    sha256: str
    path: str  # the name in the uploads storage (kit.storage), e.g. evidence/ab/ab12….pdf


@dataclass(frozen=True)
class Allowed:
    """What an app accepts: extensions (lower case, no dot), files per upload, megabytes per file; ``kinds_zh``
    says in words what they are ("照片和PDF"), for the message naming a refused type."""

    extensions: frozenset[str]
    max_files: int
    max_mb: float
    kinds_zh: str = ""


def clean_name(name: str) -> str:
    base = PurePath(str(name or "").replace("\\", "/")).name.strip() or "file"
    stem, dot, ext = base.rpartition(".")
    if len(base) > 200:
        base = (stem[: 190 - len(ext)] + dot + ext) if dot else base[:200]
    return base


def extension_of(name: str) -> str:
    base = clean_name(name)
    return base.rpartition(".")[2].lower() if "." in base else ""


def _starts_with(upload: Any, signatures: tuple[bytes, ...]) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return any(head.startswith(s) for s in signatures)


def _file_problem(f: Any, allowed: Allowed) -> Problem | None:
    name, ext = clean_name(f.name), extension_of(f.name)
    if ext not in allowed.extensions:
        listed = "、".join(sorted(allowed.extensions))
        return Problem(
            "files",
            "evidence.type",
            f"文件“{name}”的类型（.{ext or '无扩展名'}）不在允许范围内；允许{allowed.kinds_zh}：{listed}",
            f"The file '{name}' is of a type (.{ext or 'none'}) the policy does not allow; "
            f"allowed: {', '.join(sorted(allowed.extensions))}",
        )
    if f.size > allowed.max_mb * MB:
        return Problem(
            "files",
            "evidence.size",
            f"文件“{name}”大小为{f.size / MB:.1f} MB，超过上限{allowed.max_mb:g} MB",
            f"The file '{name}' is {f.size / MB:.1f} MB, over the {allowed.max_mb:g} MB limit",
        )
    if f.size == 0:
        return Problem("files", "evidence.empty", f"文件“{name}”是空文件", f"The file '{name}' is empty")
    signatures = SIGNATURES.get(ext, ())
    if signatures and not _starts_with(f, signatures):
        return Problem(
            "files",
            "evidence.content",
            f"文件“{name}”的内容与其类型（.{ext}）不符，可能是改了扩展名的其他文件",
            f"The content of '{name}' does not match its type (.{ext}): it may be another kind of file renamed",
        )
    return None


def upload_problems(files: Sequence[Any], allowed: Allowed) -> list[Problem]:
    """Every file ``allowed`` refuses, named in both languages (field ``files``)."""
    problems = []
    if len(files) > allowed.max_files:
        problems.append(
            Problem(
                "files",
                "evidence.count",
                f"一次最多上传{allowed.max_files}个文件，实为{len(files)}个",
                f"At most {allowed.max_files} files at a time, got {len(files)}",
            )
        )
    problems += [p for p in (_file_problem(f, allowed) for f in files) if p is not None]
    return problems


def _sha256(upload: Any) -> tuple[str, int]:
    upload.seek(0)
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def store(upload: Any, folder: str) -> Stored:
    """Save one (checked) upload as ``folder/<sha[:2]>/<sha>.<ext>`` in the uploads storage; the same content is kept
    once. ``path`` is the name the storage gave it (a FileSystemStorage renames a name taken by a concurrent save)."""
    storage = uploads_storage()
    sha, size = _sha256(upload)
    ext = extension_of(upload.name)
    name = f"{folder}/{sha[:2]}/{sha}.{ext}"
    if not storage.exists(name):
        name = storage.save(name, upload if isinstance(upload, File) else File(upload, name=name))
    return Stored(clean_name(upload.name), ext, size, sha, name)


def open_stored(path: str, folder: str) -> BinaryIO:
    """A stored file of ``folder`` for download, opened through the storage; FileNotFoundError when it is gone or
    the name is not inside ``folder``."""
    parts = PurePosixPath(str(path)).parts
    if len(parts) < 2 or parts[0] != folder or ".." in parts or str(path).startswith("/") or "\\" in str(path):
        raise FileNotFoundError(path)
    storage = uploads_storage()
    if not storage.exists(path):
        raise FileNotFoundError(path)
    return storage.open(path, "rb")
