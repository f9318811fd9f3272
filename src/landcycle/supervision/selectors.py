"""Reads of the supervision app, always through the user's scope; and the adapter to the published
per-mu evaluation (``published_classes``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from landcycle.accounts.models import User
from landcycle.accounts.scope import WRITE_AREAS, Area, in_scope, region_prefix, scoped
from landcycle.kit.listing import Filter, Listing, ListQuery, choice_list
from landcycle.registry.models import Occupancy
from landcycle.registry.selectors import active_q, town_choices
from landcycle.rules.units import m2_to_mu

from .models import Contract, ContractParcel, Extension, RefreshMark, RefreshRun, Warning
from .models.warnings import RANK

COLOUR_OF_RANK = {0: "green", 1: "yellow", 2: "red"}
RANK_OF_COLOUR = {v: k for k, v in COLOUR_OF_RANK.items()}
IDLE_RULES = ("idle.not_started", "idle.take_back", "idle.stalled")


# ------------------------------------------------------------------ the published evaluation
# The evaluation app (landcycle.evaluation) publishes a run per county and year. Until it has a run model this
# returns {} and no class warning is raised. Expected shape, by name (the first that exists is used):
#   run model  EvaluationRun with ``year`` and ``status == "published"`` (or ``published`` True, or
#              ``published_at`` set), and ``county`` when runs are per county (else one run per year counts);
#   result     EvaluationResult (or EnterpriseResult) with ``run`` FK, ``enterprise`` FK and the class in
#              ``evaluation_class`` / ``klass`` / ``cls`` / ``grade`` / ``category``.
RUN_MODELS = ("EvaluationRun", "Run")
RESULT_MODELS = ("EvaluationResult", "EnterpriseResult", "Result")
CLASS_FIELDS = ("evaluation_class", "klass", "cls", "class_code", "grade", "category")


def _model(names):
    for name in names:
        try:
            return apps.get_model("evaluation", name)
        except LookupError:
            continue
    return None


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _published_runs(years: tuple[int, ...]) -> tuple[dict[int, int], object, str, str] | None:
    """{run id: year} of the published run of each county (each county's latest of ``years``), with the result
    model, its run key and its class field; None when the evaluation app has no such models."""
    run_model, result_model = _model(RUN_MODELS), _model(RESULT_MODELS)
    if run_model is None or result_model is None:
        return None
    run_fields, result_fields = _fields(run_model), _fields(result_model)
    cls_field = next((f for f in CLASS_FIELDS if f in result_fields), None)
    if "year" not in run_fields or cls_field is None or "enterprise" not in result_fields:
        return None
    runs = run_model.objects.filter(year__in=years)
    if "status" in run_fields:
        runs = runs.filter(status="published")
    elif "published" in run_fields:
        runs = runs.filter(published=True)
    elif "published_at" in run_fields:
        runs = runs.filter(published_at__isnull=False)
    else:
        return None
    run_fk = next(
        (
            f.name
            for f in result_model._meta.get_fields()
            if getattr(f, "related_model", None) is run_model and f.many_to_one
        ),
        None,
    )
    if run_fk is None:
        return None
    county = "county_id" if "county" in run_fields else None
    chosen: dict[int, int] = {}
    seen: set = set()
    for pk, year, where in runs.order_by("-year", "-pk").values_list("pk", "year", county or "year"):
        key = where if county else None  # without counties, the one latest run counts
        if key not in seen:
            seen.add(key)
            chosen[pk] = year
    return chosen, result_model, run_fk, cls_field


def _classes_of(found) -> dict[int, tuple[int, str]]:
    if not found:
        return {}
    chosen, result_model, run_fk, cls_field = found
    rows = (
        result_model.objects.filter(**{f"{run_fk}__in": list(chosen)})
        .exclude(**{f"{cls_field}__isnull": True})
        .values_list("enterprise_id", cls_field, run_fk)
    )
    return {ent: (chosen[run], str(cls).strip().upper()) for ent, cls, run in rows if str(cls or "").strip()}


def published_classes(year: int) -> dict[int, str]:
    """{enterprise id: class (A/B/C/D)} of the published evaluation of ``year``, every county's; {} when there is
    none or the evaluation app has no run model yet."""
    return {ent: cls for ent, (_y, cls) in _classes_of(_published_runs((year,))).items()}


def latest_published_classes(as_of: dt.date) -> dict[int, tuple[int, str]]:
    """{enterprise id: (year, class)} of each county's most recent evaluation year (this year or the two before)
    with a published run: a county that has not published this year's yet still warns on last year's."""
    return _classes_of(_published_runs((as_of.year, as_of.year - 1, as_of.year - 2)))


# ------------------------------------------------------------------ warnings
def priority():
    """Within a colour, what a clerk deals with first: take-back, idle land, overdue dates, commitments,
    enterprises, the rest."""
    return Case(
        When(rule="idle.take_back", then=Value(0)),
        When(rule__startswith="idle.", then=Value(1)),
        When(rule__endswith=".overdue", then=Value(2)),
        When(rule__startswith="commitment.", then=Value(3)),
        When(rule__startswith="enterprise.", then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )


def warnings_in_scope(user):
    return scoped(Warning.objects.all(), user)


def last_checked(user) -> dt.date | None:
    """The supervision date of the latest refresh that reached the user's warnings: the newest ``RefreshMark`` of a
    region holding the user's (a county's or everything's refresh) or inside it (a town's, a contract's edit) —
    a few rows, whatever the number of warnings (issue 18). Every refresh writes its mark, also one that only moves
    days overdue and fees, so the figures cached under this date (supervision.figures) follow it."""
    prefix = region_prefix(user)
    if prefix is None:
        return None
    marks = RefreshMark.objects.all()
    if prefix:
        marks = marks.filter(Q(scope__startswith=prefix) | Q(scope__in=[prefix[:i] for i in range(len(prefix))]))
    return marks.order_by("-at", "-as_of").values_list("as_of", flat=True).first()


def refresh_marker() -> tuple:
    """Where the warnings refreshes stand, installation-wide: the latest supervision date any refresh wrote and the
    board's latest refresh run (its status and attempts move while it waits and runs). What a refresh writes without
    an audit entry per warning (days overdue, fees) shows on pages kept by kit.pagecache once this moves. The latest
    refresh is its ``RefreshMark`` (one row: its region, date and time — a refresh again on the same date moves it
    too), not the latest ``checked_on`` of every warning (issue 18)."""
    run = RefreshRun.objects.order_by("-id").values_list("id", "status", "attempts").first()
    return RefreshMark.objects.order_by("-at").values_list("scope", "as_of", "at").first(), run


def colour_counts(qs) -> dict[str, int]:
    """Warnings still to be dealt with by colour (closed ones apart), those verified and in handling
    (``acknowledged``: confirmed, handling or submitted, still firing), and closed ones."""
    rows = qs.order_by().values_list("status", "colour").annotate(n=Count("id"))
    out = Counter()
    in_hand = {Warning.Status.CONFIRMED, Warning.Status.HANDLING, Warning.Status.SUBMITTED}
    for status, colour, n in rows:
        out["closed" if status == Warning.Status.CLOSED else colour] += n
        if status in in_hand and colour != "green":
            out["acknowledged"] += n
    return {k: out.get(k, 0) for k in ("red", "yellow", "green", "blue", "grey", "acknowledged", "closed")}


def state_counts(qs) -> dict[str, int]:
    """Warnings by handling state (处置状态), and ``overdue``: open ones past their verification date. One query."""
    today = timezone.localdate()
    out = Counter()
    for status, overdue, n in (
        qs.order_by()
        .values_list("status")
        .annotate(o=Count("id", filter=Q(verify_due__lt=today, status=Warning.Status.OPEN)), n=Count("id"))
    ):
        out[status] += n
        out["overdue"] += overdue
    return {k: out.get(k, 0) for k in (*Warning.Status.values, "overdue")}


def subject_warnings(subject_type: str, subject_id: int):
    return (
        Warning.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("assignee", "closed_by", "verified_by")
        .prefetch_related("events")
    )


def contracts_with_colour(user):
    """Contracts in scope, annotated with ``worst`` (rank of their worst open warning; -1 for none) and
    ``idle`` (open idle-land warnings): the values the warnings refresh and services keep on each contract
    (``supervision.maintained``), so the list orders and filters off an index."""
    return scoped(Contract.objects.all(), user).annotate(worst=F("warn_rank"), idle=F("warn_idle"))


def fees_due(qs) -> dict:
    """Idle-land fees due (万元) and take-back cases among the given warnings (open, not exempt)."""
    live = qs.exclude(status=Warning.Status.CLOSED).filter(rank__gt=0)
    return {
        "fee_wan": live.aggregate(s=Sum("fee_wan"))["s"] or 0,
        "take_back": live.filter(take_back=True).values("subject_id").distinct().count(),
    }


def parcel_warning_colours(parcel_ids) -> dict[int, str]:
    """Each parcel's worst open warning colour: warnings of its contracts and of the enterprises using it
    today. "green" for a parcel whose contract or occupant is supervised with nothing firing; parcels
    with no warning row at all are left out (no colour: not supervised)."""
    ids = parcel_ids if isinstance(parcel_ids, QuerySet) else list(parcel_ids)
    contract_parcels = defaultdict(set)
    for cid, pid in ContractParcel.objects.filter(parcel_id__in=ids).values_list("contract_id", "parcel_id"):
        contract_parcels[cid].add(pid)
    ent_parcels = defaultdict(set)
    today = timezone.localdate()
    for eid, pid in Occupancy.objects.filter(active_q(today), parcel_id__in=ids).values_list(
        "enterprise_id", "parcel_id"
    ):
        ent_parcels[eid].add(pid)
    out: dict[int, int] = {}
    for pid_set in contract_parcels.values():  # a contract under supervision: green unless a warning fires
        for pid in pid_set:
            out.setdefault(pid, 0)
    parcel_self = {
        pid: {pid}
        for pid in Warning.objects.filter(subject_type=Warning.SubjectType.PARCEL, subject_id__in=ids).values_list(
            "subject_id", flat=True
        )
    }
    rows = (
        Warning.objects.filter(
            Q(subject_type=Warning.SubjectType.CONTRACT, subject_id__in=list(contract_parcels))
            | Q(subject_type=Warning.SubjectType.ENTERPRISE, subject_id__in=list(ent_parcels))
            | Q(subject_type=Warning.SubjectType.PARCEL, subject_id__in=list(parcel_self))
        )
        .exclude(status=Warning.Status.CLOSED)
        .order_by()
        .values_list("subject_type", "subject_id")
        .annotate(r=Max("rank"))
    )
    for stype, sid, rank in rows:
        targets = {Warning.SubjectType.CONTRACT: contract_parcels, Warning.SubjectType.PARCEL: parcel_self}.get(
            stype, ent_parcels
        )
        for pid in targets.get(sid, ()):
            out[pid] = max(out.get(pid, 0), rank)
    return {pid: COLOUR_OF_RANK[r] for pid, r in out.items()}


# ------------------------------------------------------------------ the contract list (and its export)


def colour_filter(qs: QuerySet, value: str) -> QuerySet:
    """red / yellow: the worst open warning; grey: a contract the rules could not judge (never "green");
    green: nothing fires and nothing left unjudged."""
    if value == "grey":
        return qs.filter(warn_grey=True)
    if value == "green":
        return qs.filter(warn_rank__lte=0, warn_grey=False)
    return qs.filter(warn_rank=RANK[value])


def passed_q(milestone: str, as_of: dt.date) -> Q:
    """Contracts whose agreed ``milestone`` date (after the last approved extension, as on the home page) is
    before ``as_of`` and not reached: neither its actual date nor a later one recorded. Needs
    :func:`with_due_dates`."""
    _name, _agreed, actuals = next(m for m in MILESTONES if m[0] == milestone)
    return Q(**{f"due_{milestone}__lt": as_of}, **{f"{a}__isnull": True for a in actuals})


def with_due_dates(qs: QuerySet) -> QuerySet:
    """Each contract's due date of every milestone: the last approved extension's new date, else the agreed one."""
    annotations = {}
    for name, agreed, _actuals in MILESTONES:
        last = (
            Extension.objects.filter(contract=OuterRef("pk"), milestone=name)
            .order_by(F("approved_on").desc(nulls_last=True), "-pk")  # the last approved extension counts
            .values("new_date")[:1]
        )
        annotations[f"due_{name}"] = Coalesce(Subquery(last), agreed)
    return qs.annotate(**annotations)


def passed_filter(qs: QuerySet, value: str, as_of: dt.date | None = None) -> QuerySet:
    """约定日期已过: ``any`` of the three milestones, or the one named."""
    as_of = as_of or timezone.localdate()
    names = [m[0] for m in MILESTONES] if value == "any" else [value]
    cond = Q()
    for name in names:
        cond |= passed_q(name, as_of)
    return with_due_dates(qs).filter(cond)


def contract_listing_of(user, query: QueryDict) -> Listing:
    return Listing(
        ListQuery(user, query),
        search_fields=("number", "holder_name", "project", "parcels__number"),
        search_label=_("合同编号、受让人、项目或地块编号"),
        filters=[
            Filter("town", _("镇街"), town_choices(user), "town__code"),
            Filter("kind", _("合同类型"), choice_list(Contract.Kind), "kind"),
            Filter(
                "colour",
                _("预警颜色"),
                [("red", _("红")), ("yellow", _("黄")), ("grey", _("未能判定")), ("green", _("绿（无预警）"))],
                colour_filter,
            ),
            Filter(
                "idle",
                _("闲置土地"),
                [("yes", _("是")), ("no", _("否"))],
                lambda qs, v: qs.filter(warn_idle__gt=0) if v == "yes" else qs.filter(warn_idle=0),
            ),
            Filter(
                "passed",
                _("约定日期已过"),
                [
                    ("any", _("任一约定日期已过")),
                    ("start", _("约定开工日期已过未开工")),
                    ("completion", _("约定竣工日期已过未竣工")),
                    ("production", _("约定达产日期已过未达产")),
                ],
                passed_filter,
            ),
        ],
        sorts={
            "number": ("number",),
            "holder": ("holder_name", "number"),
            "signed": ("signed_on", "number"),
            "area": ("area_m2",),
            "price": ("price_wan",),
            "colour": ("warn_rank", "number"),
            "start": ("agreed_start", "number"),
        },
        default_order=("-warn_rank", "-signed_on", "number"),  # the index contract_worst_signed
    )


def contract_listing(user, query: QueryDict) -> tuple[Listing, QuerySet]:
    """The contract list's listing (search, filters, sorts from ``query``) and its scoped, filtered rows."""
    listing = contract_listing_of(user, query)
    qs = listing.filtered(contracts_with_colour(user))
    return listing, qs.distinct() if listing.q else qs


def contract_rows(user, query: QueryDict) -> QuerySet:
    """The contracts the list shows (scope, filters, order): what its export writes, as the contract ledger
    (``ledgers.kinds`` "contracts") that ``landcycle import contracts`` reads back."""
    listing, qs = contract_listing(user, query)
    rows = listing.ordered(qs)
    rows.listing = listing  # the export job describes its filters in words
    return rows


# ------------------------------------------------------------------ the home page's to-do lists
MILESTONES = (  # (milestone, agreed field, actual fields that mark it reached: a later one implies it)
    ("start", "agreed_start", ("actual_start", "actual_completion", "actual_production")),
    ("completion", "agreed_completion", ("actual_completion", "actual_production")),
    ("production", "agreed_production", ("actual_production",)),
)


ANSWER_STATES = (Warning.Status.OPEN, Warning.Status.CONFIRMED, Warning.Status.HANDLING)
DECIDE_STATES = (Warning.Status.SUBMITTED, Warning.Status.DISPUTED)


def warnings_waiting(user) -> QuerySet:
    """Warnings in scope waiting for the town's answer: to verify (待核实; rank > 0 — red and yellow), or to
    handle (已核实待处置, 处置中). Overdue verifications first, then to verify by due date, then to handle; worst
    colour first within each."""
    return (
        warnings_in_scope(user)
        .filter(Q(status=Warning.Status.OPEN, rank__gt=0) | Q(status__in=ANSWER_STATES[1:]))
        .select_related("town")
        .annotate(
            step=Case(
                When(status=Warning.Status.OPEN, then=Value(0)),
                When(status=Warning.Status.CONFIRMED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("step", "verify_due", "-rank", "handling_due", "pk")
    )


def warnings_to_decide(user) -> QuerySet:
    """What waits for the county: handling submitted for acceptance (待验收) and disputes to decide (异议待裁定),
    oldest answer first."""
    return (
        warnings_in_scope(user)
        .filter(status__in=DECIDE_STATES)
        .select_related("town")
        .annotate(last_answer=Max("events__at"))
        .order_by("last_answer", "pk")
    )


def warning_counts_by_town(user) -> dict[int, dict[str, int]]:
    """Per town id: subjects (contracts, enterprises, parcels) with a warning not closed, by their worst colour —
    the rows the board lists for ``?town=…&colour=…`` — and, under ``verify_overdue``, ``to_decide``, warnings
    not verified by their due date and waiting for the county. Two queries."""
    today = timezone.localdate()
    out: dict[int, dict[str, int]] = defaultdict(Counter)
    live = warnings_in_scope(user).exclude(status=Warning.Status.CLOSED).order_by()
    severity = Case(
        When(colour="red", then=Value(4)),
        When(colour="yellow", then=Value(3)),
        When(colour="grey", then=Value(2)),
        When(colour="blue", then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    subjects = live.values("subject_type", "subject_id").annotate(t=Max("town_id"), worst=Max(severity))
    names = {4: "red", 3: "yellow", 2: "grey", 1: "blue", 0: "green"}
    for g in subjects.iterator():
        out[g["t"]][names[g["worst"] or 0]] += 1
    for town_id, overdue, decide in live.values_list("town_id").annotate(
        o=Count("id", filter=Q(status=Warning.Status.OPEN, verify_due__lt=today)),
        d=Count("id", filter=Q(status__in=DECIDE_STATES)),
    ):
        out[town_id]["verify_overdue"] += overdue
        out[town_id]["to_decide"] += decide
    return dict(out)


def warning_answerers(warning: Warning) -> list:
    """Who can be made responsible for a warning (责任人): active users who can act on its town's warnings
    (its officers, county administrators) — not the read-only leader or supervisor."""
    roles = [role for role, areas in WRITE_AREAS.items() if Area.WARNING_ANSWER in areas]
    users = (
        User.objects.filter(Q(role__in=roles) | Q(is_superuser=True), is_active=True, region__isnull=False)
        .select_related("region")
        .order_by("-region__code", "username")
    )
    return [u for u in users if in_scope(u, warning.town)]


def contract_dates_due(user, as_of: dt.date, days: int = 30) -> list[dict]:
    """The agreed dates (start, completion, production; after the last approved extension) of contracts in
    scope that are not reached yet and fall due within ``days`` days or have passed, soonest first. Each:
    contract id, number, holder, town id, milestone, date, days late (negative: days left). Two queries."""
    open_q = Q()
    for _name, agreed, actuals in MILESTONES:
        open_q |= Q(**{f"{agreed}__isnull": False}, **{f"{a}__isnull": True for a in actuals})
    fields = {f for _n, agreed, actuals in MILESTONES for f in (agreed, *actuals)}
    contracts = list(
        scoped(Contract.objects.filter(open_q), user)
        .order_by()
        .values("pk", "number", "holder_name", "town_id", *fields)
    )
    extended: dict[tuple[int, str], dt.date] = {}
    for cid, milestone, new_date in (
        Extension.objects.filter(contract_id__in=[c["pk"] for c in contracts])
        .order_by("approved_on", "pk")
        .values_list("contract_id", "milestone", "new_date")
    ):
        extended[(cid, milestone)] = new_date  # the last approved extension counts
    limit = as_of + dt.timedelta(days=days)
    out = []
    for c in contracts:
        for name, agreed, actuals in MILESTONES:
            due = extended.get((c["pk"], name), c[agreed])
            if due is None or any(c[a] for a in actuals) or due > limit:
                continue
            out.append(
                {
                    "pk": c["pk"],
                    "number": c["number"],
                    "holder": c["holder_name"],
                    "town_id": c["town_id"],
                    "milestone": name,
                    "due": due,
                    "late": (as_of - due).days,
                }
            )
    out.sort(key=lambda r: (r["due"], r["number"]))
    return out


def idle_warnings(contract) -> list[Warning]:
    """The contract's open idle-land warnings (not closed, not green, not "could not judge")."""
    return list(
        Warning.objects.filter(subject_type=Warning.SubjectType.CONTRACT, subject_id=contract.pk, rule__in=IDLE_RULES)
        .exclude(status=Warning.Status.CLOSED)
        .exclude(colour__in=(Warning.Colour.GREEN, Warning.Colour.GREY))
        .order_by("-rank", "rule")
    )


def fee_warning(warnings: list[Warning]) -> Warning | None:
    """The idle warning that carries a fee due (not exempt), if any."""
    return next((w for w in warnings if w.fee_wan is not None and not w.exempt), None)


# ------------------------------------------------------------------ the dashboard (web/dashboard.py)
# How long a problem has stood, as the warning board ages a subject: the days since its oldest warning still open
# was first raised. (key, label, from day, to day — exclusive; None: open-ended); the board's 预警时长 filter.
AGE_BUCKETS = (
    ("30", _l("30天内"), 0, 30),
    ("90", _l("30–90天"), 30, 90),
    ("365", _l("90天–1年"), 90, 365),
    ("old", _l("1年以上"), 365, None),
)


def live_warnings(user) -> QuerySet:
    """Red and yellow warnings in scope not closed yet: what the dashboard counts."""
    return warnings_in_scope(user).filter(rank__gt=0).exclude(status=Warning.Status.CLOSED)


def idle_land_by_town(user) -> dict[int, dict]:
    """Per town id: contracts judged idle (open red/yellow idle-land warnings: the contract list's 闲置土地 filter),
    their area (mu) and the idle-land fees due (万元, Σ ``fee_wan`` of those warnings). Two queries."""
    live = live_warnings(user).filter(subject_type=Warning.SubjectType.CONTRACT, rule__in=IDLE_RULES)
    out: dict[int, dict] = defaultdict(lambda: {"contracts": 0, "area_mu": 0.0, "fee_wan": 0.0})
    for town_id, fee in live.order_by().values_list("town_id").annotate(s=Sum("fee_wan")):
        out[town_id]["fee_wan"] = float(fee or 0)
    rows = (
        scoped(Contract.objects.filter(pk__in=live.values("subject_id")), user)
        .order_by()
        .values_list("town_id")
        .annotate(n=Count("id"), m2=Sum("area_m2"))
    )
    for town_id, n, m2 in rows:
        out[town_id]["contracts"] = n
        out[town_id]["area_mu"] = float(m2_to_mu(m2 or 0))
    return dict(out)
