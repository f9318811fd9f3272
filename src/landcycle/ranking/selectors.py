"""What the ranking pages read. Each county ranks its own towns. Published (and superseded) runs are a public table
inside their county: every user of the county sees every town's row, and a city's or the province's user every
county's under it; another county's user gets 404. Drafts and compute jobs are the county's: its county-level users
and the writers above it (a city's analyst) see them; a town officer or the province never does (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from landcycle.accounts.models import Role
from landcycle.accounts.scope import region_prefix
from landcycle.kit.indicators import indicator_sources
from landcycle.registry.models import Region
from landcycle.rules.ranking.policy import IndexPolicy

from .models import RankingJob, RankingResult, RankingRun
from .policy import policy_of_text


def county_level(user) -> bool:
    """County (or above) users see drafts; town officers, the province's read-only users and users without a region
    do not."""
    if getattr(user, "is_superuser", False):
        return True
    if getattr(user, "role", None) == Role.PROVINCE:
        return False
    region = getattr(user, "region", None)
    return region is not None and region.level != Region.Level.TOWN


def county_prefix(user) -> str | None:
    """The code prefix of the counties whose published rankings the user reads: a town officer's county (the town's
    first six digits), a county's own code, a city's or province's code; "" for all, None for none."""
    prefix = region_prefix(user)
    return None if prefix is None else prefix[:6]


def in_counties(qs: QuerySet, user, path: str = "county") -> QuerySet:
    prefix = county_prefix(user)
    if prefix is None:
        return qs.none()
    return qs.filter(**{f"{path}__code__startswith": prefix}) if prefix else qs


def runs_for(user) -> QuerySet:
    qs = in_counties(RankingRun.objects.all(), user)
    if not county_level(user):
        qs = qs.exclude(state=RankingRun.State.DRAFT)
    return qs


def counties_for(user) -> list[Region]:
    """The counties whose rankings the user reads (with at least one run visible), by code."""
    ids = runs_for(user).order_by().values_list("county_id", flat=True).distinct()
    return list(Region.objects.filter(pk__in=ids).order_by("code"))


def jobs_for(user) -> QuerySet:
    """The compute jobs the user sees: those of the counties whose drafts the user sees."""
    if not county_level(user):
        return RankingJob.objects.none()
    return in_counties(RankingJob.objects.select_related("county", "actor", "run"), user)


def access_job(user, pk: int) -> RankingJob:
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def access_run(user, pk: int) -> RankingRun:
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def published_runs(county: Region | None = None) -> QuerySet:
    qs = RankingRun.objects.filter(state=RankingRun.State.PUBLISHED).order_by("year", "quarter")
    return qs if county is None else qs.filter(county=county)


def previous_published(run: RankingRun) -> RankingRun | None:
    prev = run.period.previous()
    return published_runs(run.county).filter(year=prev.year, quarter=prev.quarter).first()


def published_quarters(user) -> QuerySet:
    """(county code, year, quarter) of every published run the user reads."""
    return in_counties(published_runs(), user).values_list("county__code", "year", "quarter")


def results(run: RankingRun) -> list[RankingResult]:
    rows = list(run.results.select_related("town"))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.town.code))
    return rows


def policy_of(run: RankingRun) -> IndexPolicy:
    return policy_of_text(run.policy_toml)


def rank_history(town_ids: list[int] | None = None, county: Region | None = None) -> list[dict[str, Any]]:
    """Each published run's rank of each town (one query): quarter label, town, rank; of one county's runs when
    ``county`` is given."""
    qs = RankingResult.objects.filter(run__state=RankingRun.State.PUBLISHED, rank__isnull=False)
    if county is not None:
        qs = qs.filter(run__county=county)
    if town_ids is not None:
        qs = qs.filter(town_id__in=town_ids)
    rows = qs.values_list("run__year", "run__quarter", "town__name", "town__code", "rank", "score").order_by(
        "run__year", "run__quarter", "town__code"
    )
    return [
        {"quarter": f"{y}Q{q}", "town": name, "code": code, "rank": rank, "score": score}
        for y, q, name, code, rank, score in rows
    ]


def sources_of(policy: IndexPolicy) -> list[dict[str, Any]]:
    """Each indicator and denominator of the policy with where its figures come from now."""
    computed = indicator_sources()
    out = []
    for d in policy.dimensions:
        for i in d.indicators:
            s = computed.get(i.key)
            out.append({"dimension": d, "indicator": i, "source": s, "key": i.key})
    return out
