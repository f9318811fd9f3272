"""The evaluation policy's texts in the app: the shipped text, and writing a policy back to TOML (the what-if
page saves edited copies as new versions). Reading, checking, hashing and caching a policy text is
``landcycle.rules.evaluation.policy.parse.policy_of`` (over the one loader, ``landcycle.rules.policy``).

Python reads TOML (``tomllib``) but does not write it; the policy is plain data (tables, arrays of
tables, strings, numbers, booleans, lists of strings), so a small writer does. ``tomllib.loads(dumps(d))
== d`` for every policy dict, so the saved text has the same content hash as the dict it came from.
Top-level tables become ``[sections]``, lists of tables ``[[arrays]]``, smaller tables inside them
inline ``{ ... }``. Comments of the original are not kept; ``header`` lines are written first.
"""

from __future__ import annotations

import json
import math
import re

from landcycle.rules.policy import shipped_text

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def shipped_policy_text() -> str:
    """The text of the shipped default ``landcycle/policies/evaluation.toml`` (recorded as a version)."""
    return shipped_text("evaluation")


def _key(k: str) -> str:
    return k if BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = repr(v)
        return text if any(c in text for c in ".en") else f"{text}.0"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _is_table_list(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _table(lines: list[str], data: dict, path: str) -> None:
    """Scalars (and inline tables) of ``data`` first, then its sub-tables and arrays of tables."""
    nested = path != ""
    for k, v in data.items():
        if _is_table_list(v) or (isinstance(v, dict) and not nested):
            continue
        lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in data.items():
        name = f"{path}.{_key(k)}" if path else _key(k)
        if isinstance(v, dict) and not nested:
            lines += ["", f"[{name}]"]
            _table(lines, v, name)
        elif _is_table_list(v):
            for item in v:
                lines += ["", f"[[{name}]]"]
                _table(lines, item, name)


def dumps(data: dict, header: list[str] | tuple[str, ...] = ()) -> str:
    """``data`` (a parsed policy) as TOML text, after ``header`` comment lines."""
    lines = [f"# {h}" for h in header]
    if lines:
        lines.append("")
    _table(lines, {k: v for k, v in data.items() if k != "hash"}, "")
    return "\n".join(lines).strip("\n") + "\n"
