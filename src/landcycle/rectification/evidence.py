"""Evidence files (佐证材料) of a progress report: what the rectification policy allows (types, count, size),
checked and stored by kit.uploads in the uploads storage under ``evidence/``."""

from __future__ import annotations

from typing import Any, BinaryIO

from landcycle.kit import uploads
from landcycle.rules.problems import Problem

from .policy import RectificationPolicy

FOLDER = "evidence"


def allowed(policy: RectificationPolicy) -> uploads.Allowed:
    return uploads.Allowed(frozenset(policy.extensions), policy.max_files_per_report, policy.max_size_mb)


def evidence_problems(files: Any, policy: RectificationPolicy) -> list[Problem]:
    """Every evidence file the policy does not allow, named in both languages (field ``files``)."""
    return uploads.upload_problems(files, allowed(policy))


def store(upload: Any) -> uploads.Stored:
    """Write one (checked) upload under its SHA-256; the same content is kept once."""
    return uploads.store(upload, FOLDER)


def open_stored(path: str) -> BinaryIO:
    """The stored file for download (raises FileNotFoundError when it is gone)."""
    return uploads.open_stored(path, FOLDER)
