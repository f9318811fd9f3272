"""The block's payoff (改造前后亩均效益): the firms on the project's parcels each year, their yearly figures summed
(evaluation ``YearlyFigure``) and divided by the land the project covers, the year before the start against each year
since; with the classes of the published evaluation of each year (``EvaluationResult``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Q

from landcycle.evaluation.models import EvaluationResult, EvaluationRun, YearlyFigure
from landcycle.registry.models import Occupancy
from landcycle.rules import renewal as rules

from .models import RenewalProject


def start_year(project: RenewalProject) -> int:
    return (project.started_on or project.planned_start).year


def firms_by_year(project: RenewalProject, years: range) -> dict[int, set[int]]:
    """The enterprises occupying any of the project's parcels at some time of each year."""
    occ = list(
        Occupancy.objects.filter(parcel__in=project.parcels.all(), start__lte=dt.date(years[-1], 12, 31))
        .filter(Q(end__isnull=True) | Q(end__gte=dt.date(years[0], 1, 1)))
        .values_list("enterprise_id", "start", "end")
    )
    out: dict[int, set[int]] = {}
    for y in years:
        first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
        out[y] = {e for e, s, end in occ if s <= last and (end is None or end >= first)}
    return out


def block_years(project: RenewalProject, until: int) -> dict[int, rules.BlockYear]:
    years = range(start_year(project) - 1, until + 1)
    if not len(years):
        return {}
    firms = firms_by_year(project, years)
    wanted = set().union(*firms.values())
    sums: dict[int, list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for e, y, tax, revenue in YearlyFigure.objects.filter(enterprise__in=wanted, year__in=list(years)).values_list(
        "enterprise_id", "year", "tax", "revenue"
    ):
        if e in firms[y] and (tax is not None or revenue is not None):
            s = sums[y]
            s[0] += tax or 0
            s[1] += revenue or 0
            s[2] += 1
    return {y: rules.BlockYear(y, s[0], s[1], s[2]) for y, s in sums.items()}


def payoff(project: RenewalProject, until: int) -> rules.Payoff:
    return rules.block_payoff(project.area_mu, start_year(project), block_years(project, until), until)


def classes_by_year(project: RenewalProject, until: int) -> dict[int, dict[str, int]]:
    """How many of the block's firms the published evaluation of each year put in each class."""
    years = range(start_year(project) - 1, until + 1)
    firms = firms_by_year(project, years) if len(years) else {}
    out: dict[int, dict[str, int]] = {}
    rows = EvaluationResult.objects.filter(
        run__status=EvaluationRun.Status.PUBLISHED,
        run__year__in=list(years),
        enterprise__in=set().union(*firms.values()),
    ).values_list("run__year", "enterprise_id", "evaluation_class")
    counts: dict[int, Counter] = defaultdict(Counter)
    for y, e, cls in rows:
        if e in firms[y] and cls:
            counts[y][cls] += 1
    for y, c in counts.items():
        out[y] = dict(sorted(c.items()))
    return out
