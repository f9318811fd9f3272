"""What renewal adds to the registry's pages (registry.hooks): the map's "按改造项目着色" colouring (each parcel of a
renewal project in its project's warning colour, the worst when two projects cover it) and a section of a parcel's and
a park's file listing the renewal projects that cover it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from landcycle.accounts.scope import scoped
from landcycle.registry.hooks import Panel, ParcelColouring, register_panel, register_parcel_colouring
from landcycle.rules.supervision.findings import worst
from landcycle.supervision.convert import page_policies

from .colours import project_colour
from .models import RenewalProject
from .outline import FILL


def parcel_renewal_colours(parcel_ids: Iterable[int]) -> dict[int, str | None]:
    ids = list(parcel_ids)
    projects = RenewalProject.objects.filter(parcels__in=ids).distinct().prefetch_related("milestones", "reports")
    today = timezone.localdate()
    pols = page_policies()  # each project by its county's warning policy (本县政策), read once
    colour = {p.pk: project_colour(p, today, pols.of_subject(p)).colour for p in projects}
    out: dict[int, str | None] = {}
    through = RenewalProject.parcels.through.objects.filter(parcel_id__in=ids, renewalproject_id__in=list(colour))
    for pid, project_id in through.values_list("parcel_id", "renewalproject_id"):
        out[pid] = worst([c for c in (out.get(pid), colour[project_id]) if c])
    return out


def renewal_map_config() -> dict:
    return {
        "renewalColours": dict(FILL),
        "renewalNames": {
            "red": _("改造项目：红色预警"),
            "yellow": _("改造项目：黄色预警"),
            "green": _("改造项目：进度正常"),
            "grey": _("改造项目：方案编制"),
            "none": _("无改造项目"),
        },
    }


def _panel(qs, user) -> dict:
    rows = list(scoped(qs, user).prefetch_related("milestones", "reports").distinct())
    today = timezone.localdate()
    pols = page_policies()
    for p in rows:
        p.colour = project_colour(p, today, pols.of_subject(p))
    return {"projects": rows}


def parcel_panel(parcel, user) -> dict:
    return _panel(RenewalProject.objects.filter(parcels=parcel).select_related("town"), user)


def park_panel(park, user) -> dict:
    return _panel(RenewalProject.objects.filter(Q(parks=park) | Q(parcels__park=park)).select_related("town"), user)


BOARD_ROWS = 20  # projects listed on the warning board; the rest through the list filtered by colour


def board_panel(town_code: str, user) -> dict | None:
    """On the warning board: the renewal projects under way that are red or yellow, red first."""
    rows = scoped(RenewalProject.objects.select_related("town"), user).exclude(
        state__in=[RenewalProject.State.DRAFT, RenewalProject.State.DONE]
    )
    if town_code:
        rows = rows.filter(town__code=town_code)
    today = timezone.localdate()
    coloured = []
    pols = page_policies()
    for p in rows.prefetch_related("milestones", "reports"):
        p.colour = project_colour(p, today, pols.of_subject(p))
        if p.colour.colour in ("red", "yellow"):
            coloured.append(p)
    if not coloured:
        return None
    coloured.sort(key=lambda p: (p.colour.colour != "red", p.number))
    counts = {k: sum(1 for p in coloured if p.colour.colour == k) for k in ("red", "yellow")}
    query = f"&town={town_code}" if town_code else ""
    return {
        "projects": coloured[:BOARD_ROWS],
        "counts": counts,
        "more": len(coloured) > BOARD_ROWS,
        "red_url": f"{reverse('renewal_list')}?colour=red{query}",
        "yellow_url": f"{reverse('renewal_list')}?colour=yellow{query}",
    }


def register() -> None:
    register_parcel_colouring(
        ParcelColouring("renewal", parcel_renewal_colours, renewal_map_config, gettext_lazy("按改造着色"))
    )
    register_panel(Panel("parcel", 55, "renewal/_file_panel.html", parcel_panel, "renewal", gettext_lazy("改造项目")))
    register_panel(Panel("park", 55, "renewal/_file_panel.html", park_panel, "renewal", gettext_lazy("改造项目")))
    register_panel(Panel("warning_board", 70, "renewal/_board.html", board_panel))
