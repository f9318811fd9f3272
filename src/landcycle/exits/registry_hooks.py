"""What exits adds to the pages of the apps below it (registered by ExitsConfig.ready()):

- in the files of a parcel and an enterprise (一地一档 / 一企一档): a section "腾退案件" with the cases on it, their
  colour and progress, and — for the town's officer — the open warnings that call for a case (租约到期未腾退,
  闲置满两年可收回, a D class) with a button opening a case from the warning (linked to it);
- a panel for the slot ``task`` (a rectification task's page: the cases linked to the task and their progress) and
  the slot ``warning`` (a warning's page: its cases, and the button) — drawn once those pages ask
  ``registry.hooks.panels`` for these slots;
- the parcel map's colouring ``exits``: parcels under an open case by the case's colour, free land (可供地);
- the ranking indicator ``low_yield_cleared_mu`` (kit.indicators).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from landcycle.accounts.scope import Area, can_write, in_scope, scoped
from landcycle.kit.indicators import IndicatorSource, Measured, Quarter, register_indicator
from landcycle.registry.hooks import Panel, ParcelColouring, register_panel, register_parcel_colouring
from landcycle.registry.models import Occupancy, Parcel
from landcycle.registry.selectors import held_q
from landcycle.supervision.models import Warning

from .models import Case
from .selectors import cases, cases_for_source, today, with_colours
from .services.common import is_county

# warnings that call for a case, and the kind of case they open
CASE_RULES = {
    "lease.ended_not_vacated": Case.Kind.VACATING,
    "enterprise.class": Case.Kind.VACATING,
    "idle.take_back": Case.Kind.TAKEBACK,
}
EXIT_HEX = {"red": "#d64545", "yellow": "#e0a800", "green": "#2e9e5b", "grey": "#8a94a6", "free": "#3b7ddd"}


def _cases_of(obj, user):
    field = "parcels" if obj._meta.model_name == "parcel" else "enterprises"
    qs = scoped(Case.objects.filter(**{field: obj}), user).select_related("town").prefetch_related("steps")
    return with_colours(qs.order_by("-opened_on"))


def _warnings_calling(obj, user) -> list[Warning]:
    kind = obj._meta.model_name
    qs = Warning.objects.filter(subject_type=kind, subject_id=obj.pk, rule__in=CASE_RULES)
    qs = scoped(qs, user).exclude(status=Warning.Status.CLOSED).select_related("town")
    return [w for w in qs if not cases_for_source(w).exists()]


def _button(w: Warning, user) -> dict | None:
    if not (can_write(user, Area.EXITS) and in_scope(user, w.town)):
        return None
    kind = CASE_RULES.get(w.rule, Case.Kind.VACATING)
    if kind == Case.Kind.TAKEBACK and not is_county(user):
        return None
    url = f"{reverse('exit_case_new')}?warning={w.pk}" + ("&kind=takeback" if kind == Case.Kind.TAKEBACK else "")
    return {"w": w, "url": url, "takeback": kind == Case.Kind.TAKEBACK}


def file_panel(obj, user) -> dict:
    calling = [b for b in (_button(w, user) for w in _warnings_calling(obj, user)) if b]
    return {"cases": _cases_of(obj, user), "calling": calling}


BOARD_ROWS = 20  # cases listed on the warning board; the rest through the list filtered by colour


def warning_panel(w, user) -> dict | None:
    """For a warning's page: the cases opened from it, or the button opening one."""
    cases = with_colours(scoped(cases_for_source(w), user).prefetch_related("steps"))
    button = _button(w, user) if w.rule in CASE_RULES and not cases else None
    if not cases and button is None:
        return None
    return {"cases": cases, "calling": [button] if button else []}


def board_panel(town_code: str, user) -> dict | None:
    """On the warning board: the open cases (vacating and take-back) that are red or yellow, red first."""
    rows = cases(user).filter(state=Case.State.OPEN).prefetch_related("steps", "parcels")
    if town_code:
        rows = rows.filter(town__code=town_code)
    coloured = [c for c in with_colours(rows) if c.colour.colour in ("red", "yellow")]
    if not coloured:
        return None
    coloured.sort(key=lambda c: (c.colour.colour != "red", c.deadline or dt.date.max, c.number))
    counts = {k: sum(1 for c in coloured if c.colour.colour == k) for k in ("red", "yellow")}
    query = f"&town={town_code}" if town_code else ""
    return {
        "cases": coloured[:BOARD_ROWS],
        "counts": counts,
        "more": len(coloured) > BOARD_ROWS,
        "red_url": f"{reverse('exit_case_list')}?colour=red{query}",
        "yellow_url": f"{reverse('exit_case_list')}?colour=yellow{query}",
    }


def task_panel(task, user) -> dict | None:
    """For a rectification task's page: the vacating cases linked to it and their progress."""
    cases = with_colours(scoped(Case.objects.filter(tasks=task), user).prefetch_related("steps"))
    return {"cases": cases, "calling": []} if cases else None


def parcel_exit_colours(parcel_ids: Iterable[int]) -> dict[int, str | None]:
    """A parcel under an open case: the case's colour (the worst if several); free land (储备, nobody on it): free."""
    ids = list(parcel_ids)
    out: dict[int, str | None] = {}
    rank = {"grey": 0, "green": 1, "yellow": 2, "red": 3}
    open_cases = Case.objects.filter(state=Case.State.OPEN, parcels__in=ids).prefetch_related("steps", "parcels")
    for case in with_colours(open_cases.distinct()):
        colour = case.colour.colour or "grey"
        for p in case.parcels.all():
            if p.pk in ids and rank[colour] >= rank.get(out.get(p.pk) or "grey", 0):
                out[p.pk] = colour
    held = Occupancy.objects.filter(parcel_id=OuterRef("pk")).filter(held_q(today()))
    for pk in (
        Parcel.objects.filter(pk__in=ids, status=Parcel.Status.RESERVE)
        .exclude(Exists(held))
        .values_list("pk", flat=True)
    ):
        out.setdefault(pk, "free")
    return out


def exit_map_config() -> dict:
    return {
        "exitsColours": {**EXIT_HEX, "none": "#d5d9e0"},
        "exitsNames": {
            "red": _("腾退案件：红"),
            "yellow": _("腾退案件：黄"),
            "green": _("腾退案件：绿"),
            "grey": _("腾退案件：未能判定"),
            "free": _("可供地"),
            "none": _("无腾退案件"),
        },
    }


def cleared_mu(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    """低效用地腾退面积: per town, the mu of the parcels of vacating and take-back cases handed over (closed) in the
    quarter. A town with no case closed in the quarter has cleared 0 mu — a real figure, not a missing one."""
    ids = [t.pk for t in towns]
    closed = (
        Case.objects.filter(
            town_id__in=ids, state=Case.State.CLOSED, handover_on__gte=quarter.start, handover_on__lte=quarter.end
        )
        .prefetch_related("parcels")
        .order_by("town_id")
    )
    mu: dict[int, Decimal] = {pk: Decimal(0) for pk in ids}
    rows: dict[int, int] = {pk: 0 for pk in ids}
    for case in closed:
        mu[case.town_id] += sum((p.area_mu for p in case.parcels.all()), Decimal(0))
        rows[case.town_id] += 1
    link = reverse("exit_case_list")
    return {
        t.pk: Measured(
            float(round(mu[t.pk], 2)),
            rows[t.pk],
            f"{link}?town={t.code}&state=closed",
            _("%(q)s移交案件%(n)s件") % {"q": quarter.label, "n": rows[t.pk]},
        )
        for t in towns
    }


def register() -> None:
    for slot in ("parcel", "enterprise"):
        register_panel(Panel(slot, 80, "exits/_panel.html", file_panel, "exit-cases", gettext_lazy("腾退案件")))
    register_panel(Panel("warning", 50, "exits/_panel.html", warning_panel))
    register_panel(Panel("task", 50, "exits/_panel.html", task_panel))
    register_panel(Panel("warning_board", 60, "exits/_board.html", board_panel))
    register_parcel_colouring(
        ParcelColouring("exits", parcel_exit_colours, exit_map_config, gettext_lazy("按腾退着色"))
    )
    register_indicator(
        IndicatorSource(
            key="low_yield_cleared_mu",
            app="exits",
            compute=cleared_mu,
            explain_zh="本季度验收移交（结案）的腾退、收回案件所涉地块面积之和（亩）；本季度无结案的镇街为0。",
            explain_en="Mu of the parcels of vacating and take-back cases handed over (closed) in the quarter; "
            "0 for a town that closed none.",
        )
    )
