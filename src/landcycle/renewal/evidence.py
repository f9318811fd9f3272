"""Evidence files (佐证材料) of a renewal progress report: the types, count and size the rectification policy allows,
checked and stored by kit.uploads in the uploads storage under ``renewal/`` by their SHA-256."""

from __future__ import annotations

from typing import Any, BinaryIO

from landcycle.kit import uploads
from landcycle.rectification.evidence import allowed
from landcycle.rectification.policy import rectification_policy
from landcycle.rules.problems import Problem

FOLDER = "renewal"


def evidence_problems(files: Any) -> list[Problem]:
    return uploads.upload_problems(files, allowed(rectification_policy()))


def store(upload: Any) -> uploads.Stored:
    return uploads.store(upload, FOLDER)


def open_stored(path: str) -> BinaryIO:
    return uploads.open_stored(path, FOLDER)
