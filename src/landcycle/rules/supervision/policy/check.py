"""Reading policy values with every mistake collected (path, rule, Chinese and English)."""

from __future__ import annotations

import builtins
import datetime as dt
from decimal import Decimal
from fractions import Fraction

from ...problems import Problem
from ..findings import COLOURS


class Check:
    def __init__(self):
        self.problems: list[Problem] = []

    def err(self, where, rule, zh, en):
        self.problems.append(Problem(where, rule, f"预警规则“{where}”：{zh}", f"warning policy '{where}': {en}"))

    def table(self, d, key, path=""):
        where = f"{path}.{key}" if path else key
        v = d.get(key, {})
        if not isinstance(v, dict):
            self.err(where, "policy.type", "应为表（table）", "must be a table")
            return {}
        return v

    def _get(self, d, key, path, kinds, default, zh, en):
        where = f"{path}.{key}" if path else key
        if key not in d:
            if default is not None:
                return default
            self.err(where, "policy.missing", "缺少此项", "is missing")
            return None
        v = d[key]
        if isinstance(v, bool) and bool not in kinds or not isinstance(v, kinds):
            self.err(where, "policy.type", f"应为{zh}，实为“{v}”", f"must be {en}, not '{v}'")
            return None
        return v

    def int(self, d, key, path, minimum=0):
        v = self._get(d, key, path, (int,), None, "整数", "an integer")
        if v is not None and v < minimum:
            self.err(f"{path}.{key}", "policy.range", f"不应小于{minimum}", f"must not be below {minimum}")
        return v if v is not None else minimum

    def opt_int(self, d, key, path, default: builtins.int, minimum=0):
        """An integer that a county's older policy file may lack (then ``default``)."""
        return self.int(d, key, path, minimum) if key in d else default

    def dec(self, d, key, path):
        v = self._get(d, key, path, (int, float), None, "数字", "a number")
        if v is None:
            return Decimal(0)
        if v < 0:
            self.err(f"{path}.{key}", "policy.range", "不应为负数", "must not be negative")
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)

    def share(self, d, key, path):
        """0.25, "25%" or "1/3" -> an exact Fraction in [0, 1]."""
        v = self._get(
            d, key, path, (int, float, str), None, '比例（0.25、"25%" 或 "1/3"）', 'a share (0.25, "25%" or "1/3")'
        )
        try:
            if isinstance(v, str):
                f = Fraction(v.strip().rstrip("%")) / (100 if v.strip().endswith("%") else 1)
            else:
                f = Fraction(repr(v)) if isinstance(v, float) else Fraction(v)
        except (ValueError, ZeroDivisionError, TypeError):
            if v is not None:
                self.err(f"{path}.{key}", "policy.type", f"“{v}”不是比例", f"'{v}' is not a share")
            return Fraction(0)
        if not 0 <= f <= 1:
            self.err(f"{path}.{key}", "policy.range", "应在0到1之间", "must be between 0 and 1")
        return f

    def bool(self, d, key, path, default):
        v = d.get(key, default)
        if not isinstance(v, bool):
            self.err(f"{path}.{key}", "policy.type", "应为 true 或 false", "must be true or false")
            return default
        return v

    def str(self, d, key, path, default=None):
        v = self._get(d, key, path, (str,), default, "文字", "text")
        return v if v is not None else ""

    def choice(self, d, key, path, options, default=None):
        v = self.str(d, key, path, default)
        if v not in options:
            if key in d:
                self.err(
                    f"{path}.{key}",
                    "policy.choice",
                    f"应为 {'、'.join(options)} 之一，实为“{v}”",
                    f"must be one of {', '.join(options)}, not '{v}'",
                )
            return options[0]
        return v

    def colour(self, d, key, path, default):
        return self.choice(d, key, path, COLOURS, default)

    def strs(self, d, key, path, default=()):
        v = d.get(key, list(default))
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.err(f"{path}.{key}", "policy.type", "应为文字列表", "must be a list of texts")
            return tuple(default)
        return tuple(v)

    def int_list(self, d, key, path):
        v = d.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            self.err(f"{path}.{key}", "policy.type", "应为年份列表", "must be a list of years")
            return []
        return v

    def dates(self, d, key, path):
        out = []
        for x in d.get(key, []):
            if isinstance(x, dt.date) and not isinstance(x, dt.datetime):
                out.append(x)
                continue
            try:
                out.append(dt.date.fromisoformat(str(x)))
            except ValueError:
                self.err(
                    f"{path}.{key}", "policy.type", f"“{x}”不是日期（YYYY-MM-DD）", f"'{x}' is not a date (YYYY-MM-DD)"
                )
        return out
