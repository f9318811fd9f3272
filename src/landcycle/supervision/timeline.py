"""The contract page's timeline: agreed against actual dates of delivery, start, completion and full
production, one row per milestone on a time axis, a ``kit.charts`` (Vega-Lite) chart rendered to SVG on the server
(no script). A segment that is late is drawn in the colour of the warning its rule raised (red / yellow) and in
grey when no warning fired; the base day (基准日) is a dashed line across the rows."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from landcycle.kit import charts
from landcycle.rules.supervision.contract import COMPLETION, DATE_STAGES, DELIVERY, PRODUCTION, START

from .labels import COLOUR_HEX

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
    for r in rows:
        segs = []
        if r["agreed"] and r["actual"] and r["actual"] > r["agreed"]:
            segs.append({"d1": r["agreed"], "d2": r["actual"], "colour": LATE_GREY, "dash": ""})
        elif r["agreed"] and not r["actual"]:
            if as_of > r["agreed"]:
                segs.append(
                    {"d1": r["agreed"], "d2": as_of, "dash": "", "colour": COLOUR_HEX.get(r["warn"] or "", LATE_GREY)}
                )
            else:
                segs.append(
                    {
                        "d1": as_of,
                        "d2": r["agreed"],
                        "dash": "3 3",
                        "colour": COLOUR_HEX.get(r["warn"] or "", "#b8bec8"),
                    }
                )
        r["segments"] = segs
        r["late_days"] = (r["actual"] - r["agreed"]).days if r["agreed"] and r["actual"] else None
        r["overdue_days"] = (
            (as_of - r["agreed"]).days if r["agreed"] and not r["actual"] and as_of > r["agreed"] else None
        )
    out = {
        "rows": rows,
        "today": {"date": as_of},
        "signed": {"date": c.signed_on} if c.signed_on else None,
        "first": _shift(first, -round(span * 0.04)),
        "last": _shift(last, round(span * 0.06)),
    }
    out["svg"] = charts.svg(charts.short_labels(timeline_chart(out)), label=_("约定日期与实际日期对照"))
    return out


def _day(d: dt.date) -> str:
    return d.isoformat()


def timeline_chart(t: dict) -> dict:
    """The timeline (``contract_timeline``'s result) as a Vega-Lite spec: rows by milestone, dates on a time axis,
    hover titles on every point, the dates written beside the points (agreed above, actual and original below)."""
    order = [r["label"] for r in t["rows"]]
    segments, points, connectors = [], [], []
    for r in t["rows"]:
        for s in r["segments"]:
            segments.append(
                {"m": r["label"], "d1": _day(s["d1"]), "d2": _day(s["d2"]), "c": s["colour"], "dash": s["dash"]}
            )
        if r["original"] and r["agreed"]:
            connectors.append({"m": r["label"], "d1": _day(r["original"]), "d2": _day(r["agreed"])})
            points.append(
                {
                    "m": r["label"],
                    "d": _day(r["original"]),
                    "kind": "original",
                    "text": _("原约定") + " " + _day(r["original"]),
                    "tip": _("延期前约定") + " " + _day(r["original"]),
                    "dy": 16,
                }
            )
        if r["agreed"]:
            tip = _("约定") + r["label"] + " " + _day(r["agreed"]) + (f"（{_('延期后')}）" if r["original"] else "")
            points.append(
                {
                    "m": r["label"],
                    "d": _day(r["agreed"]),
                    "kind": "agreed",
                    "text": _day(r["agreed"]),
                    "tip": tip,
                    "dy": -13,
                }
            )
        if r["actual"]:
            tip = _("实际") + r["label"] + " " + _day(r["actual"])
            points.append(
                {
                    "m": r["label"],
                    "d": _day(r["actual"]),
                    "kind": "actual",
                    "text": _day(r["actual"]),
                    "tip": tip,
                    "dy": 16,
                }
            )
    x = {
        "field": "d",
        "type": "temporal",
        "title": None,
        "scale": {"domain": [_day(t["first"]), _day(t["last"])]},
        "axis": {"format": "%Y", "tickCount": "year", "grid": True, "labelFlush": True},
    }
    y = {
        "field": "m",
        "type": "nominal",
        "title": None,
        "sort": order,
        "scale": {"domain": order, "padding": 0.6},
        "axis": {
            "labelFontSize": 12.5,
            "labelFontWeight": 600,
            "labelColor": "#3c4654",
            "domain": False,
            "ticks": False,
        },
    }
    today = _day(t["today"]["date"])
    layers: list[dict] = [
        {
            "data": {"values": [{"d": today, "label": _("基准日") + " " + today}]},
            "mark": {"type": "rule", "color": "#2f6bd1", "strokeDash": [4, 3], "strokeWidth": 1.5},
            "encoding": {"x": x},
        },
        {
            "data": {"values": [{"d": today, "label": _("基准日") + " " + today}]},
            "mark": {"type": "text", "color": "#2f6bd1", "fontSize": 11, "y": -8, "align": "center"},
            "encoding": {"x": {"field": "d", "type": "temporal"}, "text": {"field": "label"}},
        },
    ]
    if connectors:
        layers.append(
            {
                "data": {"values": connectors},
                "mark": {"type": "rule", "color": "#a9b1bd", "strokeWidth": 1.2, "strokeDash": [3, 3]},
                "encoding": {"x": {"field": "d1", "type": "temporal"}, "x2": {"field": "d2"}, "y": y},
            }
        )
    for dash in ("", "3 3"):
        rows = [s for s in segments if s["dash"] == dash]
        if rows:
            mark: dict = {"type": "rule", "strokeWidth": 5, "strokeCap": "round"}
            if dash:  # what is left until the agreed date: dashed, square ends so the gaps show
                mark.update(strokeDash=[4, 4], strokeCap="butt", opacity=0.9)
            layers.append(
                {
                    "data": {"values": rows},
                    "mark": mark,
                    "encoding": {
                        "x": {"field": "d1", "type": "temporal"},
                        "x2": {"field": "d2"},
                        "y": y,
                        "color": {"field": "c", "type": "nominal", "scale": None},
                    },
                }
            )
    styles = {
        "original": {"size": 70, "filled": True, "color": "#fff", "stroke": "#a9b1bd", "strokeWidth": 1.4},
        "agreed": {"size": 110, "filled": True, "color": "#fff", "stroke": "#3c4654", "strokeWidth": 1.6},
        "actual": {"size": 80, "filled": True, "color": "#3c4654"},
    }
    for kind, style in styles.items():
        rows = [p for p in points if p["kind"] == kind]
        if not rows:
            continue
        layers.append(
            {
                "data": {"values": rows},
                "mark": {"type": "point", "shape": "circle", "opacity": 1, **style},
                "encoding": {"x": x, "y": y, "description": {"field": "tip"}},
            }
        )
        layers.append(
            {
                "data": {"values": rows},
                "mark": {"type": "text", "fontSize": 11, "color": "#4a5563", "dy": rows[0]["dy"]},
                "encoding": {"x": x, "y": y, "text": {"field": "text"}},
            }
        )
    if t["signed"]:
        signed = _day(t["signed"]["date"])
        layers.append(
            {
                "data": {"values": [{"d": signed, "m": order[0], "tip": _("合同签订") + " " + signed}]},
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "color": "#7048c2",
                    "size": 90,
                    "opacity": 1,
                },
                "encoding": {"x": x, "y": y, "description": {"field": "tip"}},
            }
        )
    return charts.spec(layer=layers, width=880, height=44 * len(order), padding={"top": 18, "left": 4, "right": 24})
