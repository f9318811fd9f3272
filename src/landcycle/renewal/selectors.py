"""What the renewal pages read: the projects in the user's scope with their colour and latest report, the county
overview per town."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet

from landcycle.accounts.scope import scoped
from landcycle.rules import renewal as rules
from landcycle.supervision.convert import page_policies

from .colours import latest_report, project_colour
from .models import FirmFate, RenewalProject
from .payoff import payoff


def projects(user) -> QuerySet:
    return scoped(RenewalProject.objects.select_related("town"), user)


def decorate(rows, as_of: dt.date) -> list[RenewalProject]:
    """Each project with ``.colour`` (rules.ProjectColour), ``.latest`` report and ``.percent`` done."""
    out = []
    pols = page_policies()  # each project by its county's warning policy (本县政策), read once
    for p in rows:
        p.colour = project_colour(p, as_of, pols.of_subject(p))
        p.latest = latest_report(p, as_of)
        p.percent = 100 if p.state == RenewalProject.State.DONE else (p.latest.percent_done if p.latest else 0)
        out.append(p)
    return out


def colour_of_all(qs: QuerySet, as_of: dt.date) -> dict[int, str]:
    rows = qs.prefetch_related("milestones", "reports")
    pols = page_policies()
    return {p.pk: project_colour(p, as_of, pols.of_subject(p)).colour for p in rows}


def overview(user, as_of: dt.date) -> list[dict]:
    """Per town: projects, mu covered and renewed, floor space gained (planned new floor space of finished projects
    and the share done of the others), firms moved / upgraded / closed, and the change in tax per mu of the renewed
    land (the block payoff of each started project, weighted by its area)."""
    rows = decorate(projects(user).prefetch_related("milestones", "reports"), as_of)
    fates: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for town_id, fate in scoped(FirmFate.objects.all(), user).values_list("project__town", "fate"):
        fates[town_id][fate] += 1
    towns: dict[int, dict] = {}
    for p in rows:
        t = towns.setdefault(
            p.town_id,
            {
                "town": p.town,
                "projects": 0,
                "colours": defaultdict(int),
                "area_mu": Decimal(0),
                "renewed_mu": Decimal(0),
                "floor_gained": Decimal(0),
                "tax_change_weighted": Decimal(0),
                "tax_change_mu": Decimal(0),
            },
        )
        t["projects"] += 1
        t["colours"][p.colour.colour] += 1
        t["area_mu"] += p.area_mu
        if p.state == RenewalProject.State.DRAFT:
            continue
        t["renewed_mu"] += rules.renewed_mu(p.area_mu, p.percent)
        t["floor_gained"] += (p.new_floor_m2 or 0) * Decimal(p.percent) / 100
        if p.started_on:
            change = payoff(p, as_of.year).latest_change
            if change is not None:
                t["tax_change_weighted"] += change * p.area_mu
                t["tax_change_mu"] += p.area_mu
    out = []
    for town_id, t in sorted(towns.items(), key=lambda kv: kv[1]["town"].code):
        f = fates.get(town_id, {})
        t["colours"] = dict(t["colours"])
        t["moved"], t["stays"] = f.get(rules.F_MOVES, 0), f.get(rules.F_STAYS, 0)
        t["merged"], t["closed"], t["pending"] = (
            f.get(rules.F_MERGED, 0),
            f.get(rules.F_CLOSED, 0),
            f.get(rules.F_PENDING, 0),
        )
        t["tax_change"] = (
            (t["tax_change_weighted"] / t["tax_change_mu"]).quantize(Decimal("0.01")) if t["tax_change_mu"] else None
        )
        t["floor_gained"] = t["floor_gained"].quantize(Decimal("1"))
        out.append(t)
    return out
