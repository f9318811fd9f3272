"""Evidence of a warning's answer (佐证材料): photos from the site and PDFs, as many and as large as the warning
policy's ``[handling]`` allows (the warning's county's own version, 本县政策), checked and stored by kit.uploads in the uploads storage under ``warning-evidence/``
(the rectification ledger's evidence is kept alike, in its own folder)."""

from __future__ import annotations

from typing import Any, BinaryIO

from landcycle.kit import uploads
from landcycle.rules.problems import Problem
from landcycle.rules.supervision.policy import WarningPolicy

from .convert import policy

FOLDER = "warning-evidence"
# what a phone's camera and a scanner give
EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "heic", "heif", "pdf"})


def evidence_problems(files: Any, rules: WarningPolicy | None = None) -> list[Problem]:
    """Every file the policy does not allow, in both languages (field ``files``). ``rules``: the warning policy of
    the warning's county (本县政策: its own number and size of files); None: the shipped file."""
    rule = (rules or policy()).handling
    allowed = uploads.Allowed(EXTENSIONS, rule.evidence_max_files, rule.evidence_max_mb, "照片和PDF")
    return uploads.upload_problems(files, allowed)


def store(upload: Any) -> uploads.Stored:
    """Write one (checked) upload under its SHA-256; the same content is kept once."""
    return uploads.store(upload, FOLDER)


def open_stored(path: str) -> BinaryIO:
    """The stored file for download (FileNotFoundError when it is gone or outside the folder)."""
    return uploads.open_stored(path, FOLDER)
