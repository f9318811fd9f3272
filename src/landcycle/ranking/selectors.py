"""What the ranking pages read. Published (and superseded) runs are a public table inside the county: every user
sees every town's row. Drafts are the county's: a town officer never sees one (its URL answers 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from landcycle.kit.indicators import indicator_sources
from landcycle.registry.models import Region
from landcycle.rules.ranking.policy import IndexPolicy

from .models import RankingResult, RankingRun
from .policy import policy_of_text


def county_level(user) -> bool:
    """County (or above) users see drafts; town officers and users without a region do not."""
    if getattr(user, "is_superuser", False):
        return True
    region = getattr(user, "region", None)
    return region is not None and region.level != Region.Level.TOWN


def runs_for(user) -> QuerySet:
    qs = RankingRun.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if not county_level(user):
        qs = qs.exclude(state=RankingRun.State.DRAFT)
    return qs


def access_run(user, pk: int) -> RankingRun:
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def published_runs() -> QuerySet:
    return RankingRun.objects.filter(state=RankingRun.State.PUBLISHED).order_by("year", "quarter")


def previous_published(run: RankingRun) -> RankingRun | None:
    prev = run.period.previous()
    return published_runs().filter(year=prev.year, quarter=prev.quarter).first()


def results(run: RankingRun) -> list[RankingResult]:
    rows = list(run.results.select_related("town"))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.town.code))
    return rows


def policy_of(run: RankingRun) -> IndexPolicy:
    return policy_of_text(run.policy_toml)


def rank_history(town_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Each published run's rank of each town (one query): quarter label, town, rank."""
    qs = RankingResult.objects.filter(run__state=RankingRun.State.PUBLISHED, rank__isnull=False)
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
