"""Reads of the evaluation. Runs are per county (``EvaluationRun.county``): a user reads the runs of the counties
of their region (``runs_for``: a county's and a town's users their one county, a province's or a city's every
county within it); their results are read through the user's scope (``EvaluationResult.scope_path = "town"``): a
town officer sees their town's. A draft run is the county's until it is published: only the roles that write
``Area.EVALUATION`` see drafts (``runs_for``, ``enterprise_history``); everyone reads published (and superseded)
runs. The background jobs that compute runs (``jobs_for``) are seen by the same roles as drafts. Policy versions:
the shared ones (the shipped default) and those of the user's counties (``versions_for``).

``published_classes`` is the hook of the supervision app: the class of every enterprise in its county's latest
published run (or in its county's published run of a year).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from landcycle.accounts.scope import Area, can_write, region_prefix, scoped
from landcycle.registry.models import Region
from landcycle.rules.evaluation.policy.parse import policy_of

from .charts import bands_of
from .models import EvaluationJob, EvaluationResult, EvaluationRun, PolicyVersion, YearlyFigure

Outcome = EvaluationResult.Outcome
CLASS_KEYS = ("A", "B", "C", "D")
COUNTY_DIGITS = 6  # a county's code: the first six digits of its towns' (the 2023 statistical codes)


def _county_q(user, field: str) -> Q | None:
    """The counties of the user's region as a filter on ``field`` (a county FK); None: no county at all. A county's
    or a town's user: their county; a province's or a city's: every county within it; a superuser without region:
    every county."""
    prefix = region_prefix(user)
    if prefix is None:
        return None
    if len(prefix) >= COUNTY_DIGITS:
        return Q(**{f"{field}__code": prefix[:COUNTY_DIGITS]})
    return Q(**{f"{field}__code__startswith": prefix})


def counties_for(user) -> QuerySet:
    """The county-level regions of the user's region, in code order."""
    prefix = region_prefix(user)
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
    if prefix is None:
        return counties.none()
    if len(prefix) >= COUNTY_DIGITS:
        return counties.filter(code=prefix[:COUNTY_DIGITS])
    return counties.filter(code__startswith=prefix)


def published_run(year: int | None, county: Region | str) -> EvaluationRun | None:
    """The county's published run of ``year``, or its latest published run (``year`` None). ``county``: the
    county or its code (a town's code names its county too)."""
    code = county if isinstance(county, str) else county.code
    runs = EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED, county__code=code[:COUNTY_DIGITS])
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-year", "-pk").first()


def published_runs(year: int | None = None, user=None) -> list[EvaluationRun]:
    """Every county's published run of ``year``, or each county's latest published run (``year`` None), in county
    code order (one query); only the counties of ``user``'s region when a user is given."""
    runs = EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED).select_related("county")
    if year is not None:
        runs = runs.filter(year=year)
    if user is not None:
        q = _county_q(user, "county")
        if q is None:
            return []
        runs = runs.filter(q)
    out: dict[int, EvaluationRun] = {}
    for run in runs.order_by("county__code", "-year", "-pk"):
        out.setdefault(run.county_id, run)
    return list(out.values())


def published_classes(year: int | None = None) -> dict[int, str]:
    """{enterprise id: class} of every county's published run of ``year``, or of each county's latest published
    run; {} when there is none. Exempt firms and firms that could not be evaluated have no class and are left
    out."""
    ids = [r.pk for r in published_runs(year)]
    if not ids:
        return {}
    rows = EvaluationResult.objects.filter(run_id__in=ids, outcome=Outcome.EVALUATED).exclude(evaluation_class="")
    return dict(rows.order_by().values_list("enterprise_id", "evaluation_class"))


def runs() -> QuerySet:
    return EvaluationRun.objects.select_related("county", "policy", "created_by", "published_by")


def sees_drafts(user) -> bool:
    """Draft runs are the county's working copies: only the roles that compute and publish runs see them."""
    return can_write(user, Area.EVALUATION)


def runs_for(user) -> QuerySet:
    """The runs ``user`` may read: those of the counties of their region; every one of them for the evaluation's
    writers, else the published and superseded."""
    q = _county_q(user, "county")
    if q is None:
        return runs().none()
    qs = runs().filter(q)
    if not sees_drafts(user):
        qs = qs.exclude(status=EvaluationRun.Status.DRAFT)
    return qs


def jobs_for(user) -> QuerySet:
    """The evaluation jobs ``user`` sees: those of the counties of their region, to the roles that see drafts (the
    evaluation's writers); none to anyone else."""
    q = _county_q(user, "county")
    if q is None or not sees_drafts(user):
        return EvaluationJob.objects.none()
    return EvaluationJob.objects.select_related("county", "actor", "run", "policy").filter(q)


def access_job(user, pk: int) -> EvaluationJob:
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def versions_of(county: Region | None) -> QuerySet:
    """The policy versions a county's runs may use: the shared ones and the county's own."""
    qs = PolicyVersion.objects.select_related("county", "created_by", "based_on")
    return qs.filter(Q(county__isnull=True) | Q(county=county)) if county else qs.filter(county__isnull=True)


def versions_for(user) -> QuerySet:
    """The policy versions ``user`` may read and use: the shared ones and those of the counties of their region."""
    q = _county_q(user, "county")
    qs = PolicyVersion.objects.select_related("county", "created_by", "based_on")
    if q is None:
        return qs.filter(county__isnull=True)
    return qs.filter(Q(county__isnull=True) | q)


def results_in_scope(run: EvaluationRun, user) -> QuerySet:
    return scoped(EvaluationResult.objects.filter(run=run), user)


def class_keys(run: EvaluationRun) -> list[str]:
    """The class keys of the run's policy (A, B, C, D for the shipped one)."""
    return [c.key for c in policy_of(run.policy_toml).classes]


def _table(rows, key: str, classes: list[str]) -> list[dict]:
    """Rows {key, outcome, class, n} -> one row per key value: counts per class, exempt, problem, total."""
    table: dict = defaultdict(lambda: {"classes": {c: 0 for c in classes}, "exempt": 0, "problem": 0, "total": 0})
    for r in rows:
        item = table[r[key]]
        item["total"] += r["n"]
        if r["outcome"] == Outcome.EVALUATED:
            item["classes"][r["evaluation_class"]] = item["classes"].get(r["evaluation_class"], 0) + r["n"]
        else:
            item[r["outcome"]] += r["n"]
    out = []
    for k, item in table.items():
        evaluated = sum(item["classes"].values())
        item["evaluated"] = evaluated
        item["cells"] = [
            {
                "key": c,
                "n": item["classes"].get(c, 0),
                "pct": 100.0 * item["classes"].get(c, 0) / evaluated if evaluated else 0.0,
            }
            for c in classes
        ]
        out.append({"key": k, **item})
    return out


def counts_by(results: QuerySet, field: str, classes: list[str]) -> list[dict]:
    """Counts per class (and exempt / problem) for each value of ``field`` (``group`` or ``town``)."""
    rows = results.order_by().values(field, "outcome", "evaluation_class").annotate(n=Count("id"))
    return _table(rows, field, classes)


def town_names(results: QuerySet) -> dict[int, tuple[str, str]]:
    return {
        pk: (code, name)
        for pk, code, name in results.order_by().values_list("town_id", "town__code", "town__name").distinct()
    }


def totals(results: QuerySet, classes: list[str]) -> dict:
    agg = results.aggregate(
        total=Count("id"),
        evaluated=Count("id", filter=Q(outcome=Outcome.EVALUATED)),
        exempt=Count("id", filter=Q(outcome=Outcome.EXEMPT)),
        problem=Count("id", filter=Q(outcome=Outcome.PROBLEM)),
        **{f"c_{c}": Count("id", filter=Q(outcome=Outcome.EVALUATED, evaluation_class=c)) for c in classes},
    )
    return agg


def score_histogram(results: QuerySet, width: float = 10.0) -> list[dict]:
    """Evaluated firms per score band of ``width`` points, each band split by class."""
    rows = results.filter(outcome=Outcome.EVALUATED).order_by().values_list("score", "evaluation_class")
    return bands_of(rows.iterator(chunk_size=5000), width)


def enterprise_history(enterprise, user) -> list[EvaluationResult]:
    """Every result of an enterprise that ``user`` may read (drafts only for the evaluation's writers), latest
    year first, with its run (published runs before drafts)."""
    order = {EvaluationRun.Status.PUBLISHED: 0, EvaluationRun.Status.SUPERSEDED: 1, EvaluationRun.Status.DRAFT: 2}
    qs = EvaluationResult.objects.filter(enterprise=enterprise).select_related("run")
    if not sees_drafts(user):
        qs = qs.exclude(run__status=EvaluationRun.Status.DRAFT)
    rows = list(qs)
    rows.sort(key=lambda r: (-r.run.year, order.get(r.run.status, 3), -r.run.pk))
    return rows


def class_by_year(history: list[EvaluationResult]) -> list[dict]:
    """One entry per year: the published run's result when there is one, else the latest draft's."""
    seen: dict[int, dict] = {}
    for r in history:
        if r.run.year not in seen and r.run.status != EvaluationRun.Status.SUPERSEDED:
            seen[r.run.year] = {
                "year": r.run.year,
                "result": r,
                "official": r.run.status == EvaluationRun.Status.PUBLISHED,
            }
    return [seen[y] for y in sorted(seen)]


def draft_runs(user) -> QuerySet:
    """Runs of the user's counties computed but not published yet (the county's until published), latest year
    first."""
    return runs_for(user).filter(status=EvaluationRun.Status.DRAFT).order_by("-year", "-pk")


def latest_year_without_run(user) -> int | None:
    """The latest year with figures of enterprises in the user's region and no run of their county (two queries);
    None when every year has one."""
    with_runs = set(runs_for(user).values_list("year", flat=True).distinct())
    figures = scoped(YearlyFigure.objects.exclude(year__in=with_runs), user)
    years = figures.order_by("-year").values_list("year", flat=True)[:1]
    return next(iter(years), None)


# ------------------------------------------------------------------ the dashboard (web/dashboard.py)
def tax_per_mu_by_town(user) -> list[dict]:
    """亩均税收 of the published runs, per year and town in the user's scope (one query): Σ tax paid of the
    evaluated firms (their YearlyFigure of the run's year, 万元) ÷ Σ their land used (mu, the result's
    ``land_mu``). Each row: run id, year, town id, tax, land, firms, tax_per_mu (None without land)."""
    tax = YearlyFigure.objects.filter(enterprise_id=OuterRef("enterprise_id"), year=OuterRef("run__year")).values(
        "tax"
    )[:1]
    rows = (
        scoped(
            EvaluationResult.objects.filter(
                run__status=EvaluationRun.Status.PUBLISHED, outcome=Outcome.EVALUATED, land_mu__gt=0
            ),
            user,
        )
        .annotate(paid=Subquery(tax, output_field=DecimalField()))
        .order_by()
        .values("run_id", "run__year", "town_id")
        .annotate(tax=Sum("paid"), land=Sum("land_mu"), firms=Count("id"))
    )
    out = []
    for r in rows:
        tax_wan = float(r["tax"] or 0)
        out.append(
            {
                "run_id": r["run_id"],
                "year": r["run__year"],
                "town_id": r["town_id"],
                "tax": tax_wan,
                "land": r["land"] or 0.0,
                "firms": r["firms"],
                "tax_per_mu": tax_wan / r["land"] if r["land"] else None,
            }
        )
    return out


def classes_by_town(run: EvaluationRun, user) -> dict[int, dict[str, int]]:
    """{town id: {class: evaluated firms}} of a run, in the user's scope (one query)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        results_in_scope(run, user)
        .filter(outcome=Outcome.EVALUATED)
        .exclude(evaluation_class="")
        .order_by()
        .values_list("town_id", "evaluation_class")
        .annotate(n=Count("id"))
    )
    for town_id, klass, n in rows:
        out[town_id][klass] = n
    return dict(out)


def job_marker() -> tuple | None:
    """Where the latest evaluation job stands (its stage and progress are written without audit entries): a part of
    the key of the pages kept by kit.pagecache."""
    return (
        EvaluationJob.objects.order_by("-id")
        .values_list("id", "status", "attempts", "stage", "done", "heartbeat_at")
        .first()
    )
