"""One language on every page: the texts the rules give in pairs (Chinese and English) shown in the user's
language only.

The rules of ``landcycle.rules`` carry every message in both languages (``Problem.zh`` / ``Problem.en``);
pages, messages and exports show the one of the active language (``django.utils.translation.get_language()``:
``zh-hans`` and every other Chinese variant → Chinese, ``en`` → English, anything else → Chinese, the
product's own language). The other is one click away (the language switch of the top bar). The command
line may keep both.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def is_english(language: str | None = None) -> bool:
    """True when ``language`` (default: the active one) is English."""
    code = (language if language is not None else get_language()) or ""
    return code.lower().split("-")[0] == "en"


def pick(zh: str, en: str, language: str | None = None) -> str:
    """The text of the active language; the Chinese one when there is no English text."""
    return en if is_english(language) and en else zh


def text(obj: Any, language: str | None = None) -> str:
    """The message of anything with ``zh`` and ``en`` (a ``Problem``, a ``LedgerProblem``, a ``Finding``, a
    ``LedgerUnusable``) or of a mapping with those keys (a stored problem), in the active language."""
    if isinstance(obj, dict):
        return pick(str(obj.get("zh") or ""), str(obj.get("en") or ""), language)
    return pick(str(getattr(obj, "zh", "") or ""), str(getattr(obj, "en", "") or ""), language)


def texts(items, sep: str = "；", language: str | None = None) -> str:
    """Several messages in the active language, joined."""
    return sep.join(text(i, language) for i in items)
