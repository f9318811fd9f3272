"""The contract page's timeline: agreed against actual dates of delivery, start, completion and full
production, laid out as a horizontal SVG drawn on the server (no script). A segment that is late is
drawn in the colour of the warning its rule raised (red / yellow) and in grey when no warning fired."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from landcycle.rules.supervision.contract import COMPLETION, DATE_STAGES, DELIVERY, PRODUCTION, START

from .labels import COLOUR_HEX

WIDTH, LEFT, RIGHT, TOP, ROW = 1000, 118, 24, 34, 44
LATE_GREY = "#8a919c"


def _milestones():
    labels = {DELIVERY: _("交地"), START: _("开工"), COMPLETION: _("竣工"), PRODUCTION: _("达产")}
    return [(stage, labels[stage]) for stage in DATE_STAGES]


def _shift(d: dt.date, days: int) -> dt.date:
    """``d`` moved by ``days``, kept within the calendar (a far date stored before dates were checked)."""
    try:
        return d + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def contract_timeline(c, rc, as_of: dt.date, colours: dict[str, str]) -> dict | None:
    """``c``: the Contract row; ``rc``: it as the rules' Contract with the dates the rules judge by
    (extensions applied by ``agreed``; moved by a government-caused delay or derived, ``agreed_dates.settle``);
    ``colours``: rule -> colour of its open warnings. None when the contract has no dates at all."""
    rows = []
    for key, label in _milestones():
        agreed = rc.agreed(key) if key != DELIVERY else c.agreed_delivery
        own = getattr(c, f"agreed_{key}") if key != DELIVERY else None
        original = own if own is not None and agreed is not None and agreed != own else None  # extended or moved
        actual = getattr(c, f"actual_{key}")
        if agreed is None and actual is None:
            continue
        warn = colours.get(f"{key}.overdue") or colours.get(f"{key}.due_soon")
        if key == "start":
            warn = colours.get("idle.not_started") or colours.get("idle.take_back") or warn
        rows.append(
            {"key": key, "label": label, "agreed": agreed, "original": original, "actual": actual, "warn": warn}
        )
    dates = [d for r in rows for d in (r["agreed"], r["original"], r["actual"]) if d] + [as_of]
    if c.signed_on:
        dates.append(c.signed_on)
    if not rows:
        return None
    first, last = min(dates), max(dates)
    span = max(30, (last - first).days)
    first = _shift(first, -round(span * 0.04))
    last = _shift(last, round(span * 0.06))
    days = (last - first).days

    def x(d: dt.date) -> float:
        return round(LEFT + (d - first).days / days * (WIDTH - LEFT - RIGHT), 1)

    ticks = []
    step = 1 if days <= 365 * 8 else max(2, -(-(last.year - first.year) // 30))  # at most ~30 ticks
    for year in range(first.year + 1, last.year + 1, step):
        ticks.append({"x": x(dt.date(year, 1, 1)), "label": str(year)})
    for i, r in enumerate(rows):
        r["y"] = TOP + ROW * i + 18
        r["xa"] = x(r["agreed"]) if r["agreed"] else None
        r["xo"] = x(r["original"]) if r["original"] else None
        r["xd"] = x(r["actual"]) if r["actual"] else None
        segs = []
        if r["agreed"] and r["actual"] and r["actual"] > r["agreed"]:
            segs.append({"x1": r["xa"], "x2": r["xd"], "colour": LATE_GREY, "dash": ""})
        elif r["agreed"] and not r["actual"]:
            if as_of > r["agreed"]:
                segs.append(
                    {"x1": r["xa"], "x2": x(as_of), "dash": "", "colour": COLOUR_HEX.get(r["warn"] or "", LATE_GREY)}
                )
            else:
                segs.append(
                    {"x1": x(as_of), "x2": r["xa"], "dash": "3 3", "colour": COLOUR_HEX.get(r["warn"] or "", "#b8bec8")}
                )
        r["segments"] = segs
        r["late_days"] = (r["actual"] - r["agreed"]).days if r["agreed"] and r["actual"] else None
        r["overdue_days"] = (
            (as_of - r["agreed"]).days if r["agreed"] and not r["actual"] and as_of > r["agreed"] else None
        )
    height = TOP + ROW * len(rows) + 16
    return {
        "rows": rows,
        "ticks": ticks,
        "width": WIDTH,
        "height": height,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "today": {"x": x(as_of), "date": as_of},
        "signed": {"x": x(c.signed_on), "date": c.signed_on} if c.signed_on else None,
        "axis_y": height - 12,
    }
