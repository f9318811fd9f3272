"""Cleaning one cell: numbers typed as text, full-width digits, missing markers, dates in every usual form.

Each ``clean_*`` returns the typed value, ``None`` for a missing value (never zero), or raises
``CellError`` with a rule code and a bilingual message. Fast paths first: calamine hands over floats,
dates and already-clean strings, which skip every regular expression.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from . import units as U

# "/", "—", "-", "无" and friends mean "no value": missing, not zero.
MISSING = frozenset(
    {
        "",
        "/",
        "//",
        "\\",
        "-",
        "--",
        "---",
        "—",
        "——",
        "–",
        "―",
        "─",
        "无",
        "暂无",
        "空",
        "不详",
        "n/a",
        "na",
        "null",
        "none",
        "nil",
        "#n/a",
    }
)
_ERRORS = frozenset({"#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#getting_data"})


class CellError(ValueError):
    def __init__(self, rule: str, zh: str, en: str):
        self.rule, self.zh, self.en = rule, zh, en
        super().__init__(en)


def nfkc(s: str) -> str:
    return s if s.isascii() else unicodedata.normalize("NFKC", s)


def is_missing(v) -> bool:
    if v is None or v == "":
        return True
    if type(v) is str:
        s = v.strip()
        return not s or (len(s) <= 8 and nfkc(s).strip().lower() in MISSING)
    return False


def _not_number(v) -> CellError:
    return CellError("ledger.not_number", f"“{v}”不是数字", f"'{v}' is not a number")


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_SCI_CODE = re.compile(r"\d(?:\.\d+)?e\+?\d+", re.I)


def parse_number(v, *, suffixes: tuple[str, ...] = ()) -> tuple[Decimal | None, str | None, bool]:
    """(value, unit written in the cell or None, written as a percentage). Raises ``CellError``."""
    t = type(v)
    if t is float:
        if v != v or v in (float("inf"), float("-inf")):
            raise _not_number(v)
        return (Decimal(int(v)) if v.is_integer() else Decimal(repr(v))), None, False
    if t is int:
        return Decimal(v), None, False
    if t is str:
        if "_" not in v:
            try:  # numbers stored as text, the common case
                d = Decimal(v)
                if d.is_finite():
                    return d, None, False
            except InvalidOperation:
                pass
        return _parse_text_number(v, suffixes)
    if t is Decimal:
        if not v.is_finite():
            raise _not_number(v)
        return v, None, False
    if isinstance(v, (dt.date, dt.time, dt.timedelta)) or t is bool:
        raise _not_number(v)
    raise _not_number(v)


def _parse_text_number(v: str, suffixes: tuple[str, ...]) -> tuple[Decimal | None, str | None, bool]:
    s = "".join(nfkc(v).split())
    if not s or s.lower() in MISSING:
        return None, None, False
    if s.lower() in _ERRORS:
        raise CellError("ledger.cell_error", f"单元格是公式错误“{s}”", f"The cell holds a formula error '{s}'")
    percent = unit = None
    if s.endswith("%") or s.endswith("‰"):
        percent, s = s[-1], s[:-1]
    for suf in suffixes:
        if s.endswith(suf) and len(s) > len(suf):
            s = s[: -len(suf)]
            break
    else:
        if not s[-1:].isdigit():
            split = U.split_suffix(s.lower())
            if split and split[0][-1:].isdigit():
                s, unit = s[: len(split[0])], split[1]
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise _not_number(v)
        s = s.replace(",", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise _not_number(v) from None
    if not d.is_finite() or "_" in s:
        raise _not_number(v)
    if percent:
        return d, percent, True
    return d, unit, False


INT_DIGITS = 18  # the most digits of a whole number in a ledger (a 64-bit database integer holds 18)


def clean_int(v, suffixes: tuple[str, ...] = ()) -> int | None:
    if is_missing(v):
        return None
    d, unit, percent = parse_number(v, suffixes=suffixes)
    if d is None:
        return None
    if unit or percent or d != d.to_integral_value():
        raise CellError("ledger.not_integer", f"“{v}”不是整数", f"'{v}' is not a whole number")
    if d.adjusted() >= INT_DIGITS:  # no count or year of a ledger has 19 digits; 5,000 would not even print
        raise CellError(
            "ledger.too_large",
            f"“{str(v)[:30]}”过大（整数最多{INT_DIGITS}位）",
            f"'{str(v)[:30]}' is too large (a whole number has at most {INT_DIGITS} digits)",
        )
    return int(d)


def clean_text(v) -> str | None:
    if v is None:
        return None
    t = type(v)
    if t is str:
        s = v.strip()
        if not s or (len(s) <= 8 and nfkc(s).strip().lower() in MISSING):
            return None
        return s
    if t is float:
        return str(int(v)) if v.is_integer() else repr(v)
    if t is bool:
        return "是" if v else "否"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


_INT_EXACT = 2**53


def clean_code(v) -> str | None:
    """Codes: full-width to half-width, every space dropped, upper case. A code that arrives as a number
    has lost digits when it is not a whole number below 2^53 (a USCC always has): that is an error."""
    if v is None:
        return None
    t = type(v)
    if t is str:
        s = "".join(nfkc(v).split()).upper()
        if s.lower() in MISSING:
            return None
        if _SCI_CODE.fullmatch(s):
            raise _code_as_number(v)
        if s.endswith(".0") and s[:-2].isdigit():  # 3311.0: a number cell saved to CSV by Excel
            return s[:-2]
        return s
    if t is float or t is int:
        if t is float and (not v.is_integer() or abs(v) >= _INT_EXACT):
            raise _code_as_number(v)
        if abs(v) >= _INT_EXACT:
            raise _code_as_number(v)
        return str(int(v))
    raise CellError("ledger.bad_code", f"“{v}”不是代码", f"'{v}' is not a code")


def _code_as_number(v) -> CellError:
    return CellError(
        "ledger.code_as_number",
        f"代码“{v}”以数字格式存储，末几位已丢失，请将单元格设为文本后重新录入",
        f"The code '{v}' was stored as a number and has lost its last digits: "
        "format the cell as text and type it again",
    )


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)\d{1,2}\s*[:时]\s*\d{1,2}(?:\s*[:分]\s*\d{1,2}(?:\.\d+)?秒?)?)?"
)
_DIGITS = re.compile(r"\d{8}|\d{5}(?:\.\d+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's phantom 1900-02-29 is accounted for


def _not_date(v) -> CellError:
    return CellError(
        "ledger.not_date", f"“{v}”不是有效日期（应如2019-11-13）", f"'{v}' is not a valid date (write it as 2019-11-13)"
    )


_SERIAL_MIN, _SERIAL_MAX = 10000, 2958465  # 1927-05-18 .. 9999-12-31; a bare 2019 is a year, not a date


def _from_number(n, original) -> dt.date:
    n = int(n)  # a date-time serial: the day is what counts
    if 19000101 <= n <= 29991231:  # 20191113
        try:
            return dt.date(n // 10000, n // 100 % 100, n % 100)
        except ValueError:
            raise _not_date(original) from None
    if _SERIAL_MIN <= n <= _SERIAL_MAX:  # Excel serial (1900 date system)
        return _EXCEL_EPOCH + dt.timedelta(days=n)
    raise _not_date(original)


def clean_date(v) -> dt.date | None:
    t = type(v)
    if t is dt.date:
        return v
    if t is dt.datetime:
        return v.date()
    if v is None or v == "":
        return None
    if t is str:
        if len(v) == 10:
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        s = nfkc(v).strip()
        if s.lower() in MISSING:
            return None
        m = _DATE.fullmatch(s)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise _not_date(v) from None
        if _DIGITS.fullmatch(s):  # 20191113, or a serial that was saved as text (43782)
            return _from_number(int(s.split(".")[0]), v)
        raise _not_date(v)
    if t is float or t is int:
        return _from_number(v, v)
    raise _not_date(v)


_TRUE = frozenset({"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对"})
_FALSE = frozenset({"否", "没有", "n", "no", "false", "f", "0", "×", "✗", "✘", "错"})


def clean_bool(v) -> bool | None:
    if type(v) is bool:
        return v
    if is_missing(v):
        return None
    s = clean_text(v) or ""  # not missing: never None
    key = "".join(nfkc(s).split()).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("ledger.bad_bool", f"“{v}”应为“是”或“否”", f"'{v}' should be yes (是) or no (否)")


def enum_key(text: str) -> str:
    return "".join(nfkc(str(text)).split()).lower()


def clean_enum(v, table: dict[str, str], labels: tuple[str, ...]) -> str | None:
    if is_missing(v):
        return None
    s = clean_text(v) or ""  # not missing: never None
    found = table.get(enum_key(s))
    if found is None:
        allowed = "、".join(labels)
        raise CellError(
            "ledger.bad_enum",
            f"“{s}”不是可选值（{allowed}）",
            f"'{s}' is not one of the allowed values ({', '.join(labels)})",
        )
    return found
