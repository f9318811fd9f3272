"""The warning board's rows (预警看板): one row per subject under supervision (a contract, an enterprise, a parcel),
not one per rule that fired. A row carries the subject's worst colour, every reason (its warnings, by rule name),
their handling states, its age and whether a verification is overdue.

Filters choose subjects (a subject is listed when one of its warnings matches the town, park, rule, subject type,
handling state and search); the colour and the age are the subject's own (its worst colour, its oldest warning);
the row then shows all the subject's warnings in the same handling scope (not closed, or closed when that state is
chosen). ``board_rows(user, query)`` is the one selector the page, its chart and its export read, so the file holds
the rows on screen (kit.exports' contract: ``(user, filters) -> rows``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.scope import scoped
from landcycle.kit.listing import Filter, Listing, ListQuery, choice_list
from landcycle.registry.selectors import park_choices, town_choices

from .convert import reader_rules
from .labels import rule_choices
from .models import Warning, WarningSubject
from .selectors import AGE_BUCKETS, priority

S = Warning.Status
# a subject's worst colour: red over yellow over "not judged" over a reminder over green
SEVERITY = {"red": 4, "yellow": 3, "grey": 2, "blue": 1, "green": 0}
COLOUR_OF_SEVERITY = {v: k for k, v in SEVERITY.items()}
ACTIVE, OVERDUE, MINE, ALL = "active", "overdue", "mine", "all"
# the filters on the warnings themselves (a subject is listed when one of its warnings matches); town, park and
# subject type are the subject's own, colour and age its summary's
WARNING_FILTERS = ("rule",)
# the board's sort keys as columns of the maintained subjects
SUBJECT_COLUMNS = {"-worst": "-severity", "worst": "severity", "raised": "oldest", "label": "subject_label"}
SUBJECT_COLUMNS |= {"town_code": "town__code"}
AGES = tuple((key, lo, hi) for key, _label, lo, hi in AGE_BUCKETS)  # days since the oldest warning


def severity() -> Case:
    return Case(
        *(When(colour=c, then=Value(n)) for c, n in SEVERITY.items() if n),
        default=Value(0),
        output_field=IntegerField(),
    )


def state_choices() -> list[tuple[str, str]]:
    return [
        (ACTIVE, _("未办结")),
        *[(v, label) for v, label in choice_list(S)],
        (OVERDUE, _("核实逾期")),
        (MINE, _("我负责的")),
        (ALL, _("全部（含已办结）")),
    ]


def age_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label, _lo, _hi in AGE_BUCKETS]


def _state(qs: QuerySet, value: str, user, today: dt.date) -> QuerySet:
    if value == ACTIVE:
        return qs.exclude(status=S.CLOSED)
    if value == OVERDUE:
        return qs.filter(status=S.OPEN, verify_due__lt=today)
    if value == MINE:
        return qs.filter(assignee=user).exclude(status=S.CLOSED)
    if value == ALL:
        return qs
    return qs.filter(status=value)


def board_listing(user, query: QueryDict) -> Listing:
    """Search, filters and sorts of the board, read from ``query``."""
    today = timezone.localdate()
    base = scoped(Warning.objects.all(), user)
    towns = town_choices(user)
    filters = [Filter("town", _("镇街"), towns, "town__code")] if len(towns) > 1 else []  # one town: no choice
    filters += [
        Filter("park", _("园区"), park_choices(user, query.get("town")), "park_id"),
        Filter(
            "rule",
            _("规则"),
            rule_choices(base.order_by().values_list("rule", flat=True).distinct(), reader_rules(user)),
            "rule",
        ),
        Filter("subject", _("对象类型"), choice_list(Warning.SubjectType), "subject_type"),
        Filter("colour", _("最重颜色"), choice_list(Warning.Colour), lambda qs, v: qs),  # on the subject: below
        Filter("age", _("预警时长"), age_choices(), lambda qs, v: qs),  # idem
        Filter("status", _("处置状态"), state_choices(), lambda qs, v: _state(qs, v, user, today)),
    ]
    return Listing(
        ListQuery(user, query),
        search_fields=("subject_label", "reason_zh", "reason_en"),
        search_label=_("对象名称或原因"),
        filters=filters,
        sorts={"colour": ("worst",), "age": ("raised",), "town": ("town_code",), "subject": ("label",)},
    )


@dataclass
class Board:
    listing: Listing
    groups: QuerySet  # one dict per subject, ordered as on screen
    closed: bool  # the rows show closed warnings (state 已办结 or 全部)


def _value(listing: Listing, name: str) -> str:
    return next((f.value for f in listing.filters if f.name == name), "")


def _groups(user, listing: Listing, today: dt.date, skip: str = "") -> QuerySet:
    """Subjects chosen by the filters (all but ``skip``), one dict each with its worst colour and age."""
    base = scoped(Warning.objects.all(), user)
    chosen = base
    if listing.q:
        cond = Q()
        for name in listing.search_fields:
            cond |= Q(**{f"{name}__icontains": listing.q})
        chosen = chosen.filter(cond)
    state = _value(listing, "status") or ACTIVE
    narrowed = bool(listing.q) or state != ACTIVE
    for f in listing.filters:
        if f.name != skip and f.name != "status":
            chosen = f.apply(chosen)
            narrowed = narrowed or (f.name in WARNING_FILTERS and bool(f.value))
    chosen = _state(chosen, state, user, today)
    if state not in (ALL, S.CLOSED):  # the rows show the warnings not closed: the maintained subjects
        groups = _subjects(user, listing, skip)
        if narrowed:  # a filter on the warnings themselves: the subjects with one that matches
            groups = groups.filter(
                Exists(chosen.filter(subject_type=OuterRef("subject_type"), subject_id=OuterRef("subject_id")))
            )
        return _age_colour(groups, listing, today, skip)
    shown = (
        base if state == ALL else base.filter(status=S.CLOSED) if state == S.CLOSED else base.exclude(status=S.CLOSED)
    )
    groups = (
        shown.filter(Exists(chosen.filter(subject_type=OuterRef("subject_type"), subject_id=OuterRef("subject_id"))))
        .order_by()
        .values("subject_type", "subject_id")
        .annotate(
            worst=Max(severity()),
            n=Count("id"),
            raised=Min("first_raised"),
            label=Max("subject_label"),
            tid=Max("town_id"),
            town_code=Max("town__code"),
            town_name=Max("town__name"),
            park_name=Max("park__name"),
            due=Min("verify_due", filter=Q(status=S.OPEN)),
            overdue=Count("id", filter=Q(status=S.OPEN, verify_due__lt=today)),
        )
    )
    return _age_colour(groups, listing, today, skip)


def _age_colour(groups: QuerySet, listing: Listing, today: dt.date, skip: str) -> QuerySet:
    """The subject's own filters: its worst colour and its age (its oldest warning)."""
    colour = _value(listing, "colour")
    if colour and skip != "colour":
        groups = groups.filter(worst=SEVERITY[colour])
    age = _value(listing, "age")
    if age:
        _key, low, high = next(a for a in AGES if a[0] == age)
        groups = groups.filter(raised__lte=today - dt.timedelta(days=low))
        if high is not None:
            groups = groups.filter(raised__gt=today - dt.timedelta(days=high))
    return groups


def _subjects(user, listing: Listing, skip: str) -> QuerySet:
    """The subjects with warnings not closed (``WarningSubject``, kept by the refresh and the warning services), as
    the same dicts as the grouping over the warnings; the town, park and subject type filters read their columns."""
    rows = scoped(WarningSubject.objects.all(), user)
    for name, column in (("town", "town__code"), ("park", "park_id"), ("subject", "subject_type")):
        value = _value(listing, name)
        if value and name != skip and any(f.name == name for f in listing.filters):
            rows = rows.filter(**{column: value})
    return rows.values("subject_type", "subject_id").annotate(
        worst=F("severity"),
        n=F("open_count"),
        raised=F("oldest"),
        label=F("subject_label"),
        tid=F("town_id"),
        town_code=F("town__code"),
        town_name=F("town__name"),
        park_name=F("park__name"),
        due=F("verify_due"),
        overdue=Value(0),  # counted from the row's warnings (attach_warnings)
    )


def board_rows(user, query: QueryDict) -> Board:
    """The board as the user sees it: scope, filters, order (worst first, then the oldest)."""
    today = timezone.localdate()
    listing = board_listing(user, query)
    groups = _groups(user, listing, today)
    state = _value(listing, "status")
    closed = state in (S.CLOSED, ALL)
    # the maintained subjects are ordered by their columns (the index subject_board), the grouping by its aliases
    column = (lambda name: name) if closed else (lambda name: SUBJECT_COLUMNS.get(name, name))
    if listing.sort:
        field = column(listing.sorts[listing.sort.lstrip("-")][0])
        order = [f"-{field}" if listing.sort.startswith("-") else field]
    else:
        order = [column("-worst"), column("raised"), column("label")]
    return Board(listing, groups.order_by(*order, "subject_type", "subject_id"), closed)


def attach_warnings(user, rows: list[dict], closed: bool) -> list[dict]:
    """Each row's warnings (worst and most urgent first) as ``row["warnings"]``; one query for the page."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_type[r["subject_type"]].append(r["subject_id"])
    if not rows:
        return rows
    cond = Q()
    for stype, ids in by_type.items():
        cond |= Q(subject_type=stype, subject_id__in=ids)
    qs = scoped(Warning.objects.filter(cond), user)
    if not closed:
        qs = qs.exclude(status=S.CLOSED)
    found: dict[tuple[str, int], list[Warning]] = defaultdict(list)
    for w in qs.select_related("assignee").annotate(priority=priority()).order_by("-rank", "priority", "rule"):
        found[(w.subject_type, w.subject_id)].append(w)
    today = timezone.localdate()
    for r in rows:
        r["warnings"] = found.get((r["subject_type"], r["subject_id"]), [])
        r["overdue"] = sum(1 for w in r["warnings"] if w.status == S.OPEN and w.verify_due and w.verify_due < today)
        r["colour"] = COLOUR_OF_SEVERITY[r["worst"] or 0]
        r["age"] = (today - r["raised"]).days if r["raised"] else None
    return rows


def town_colour_counts(user, query: QueryDict) -> list[dict]:
    """Subjects by town and worst colour under the board's filters (the town filter aside): the chart's bars."""
    today = timezone.localdate()
    listing = board_listing(user, query)
    out: dict[tuple[str, str, int], int] = defaultdict(int)
    for g in _groups(user, listing, today, skip="town").iterator():
        out[(g["town_code"], g["town_name"], g["worst"] or 0)] += 1
    return [
        {"town_code": code, "town": name, "colour": COLOUR_OF_SEVERITY[sev], "n": n}
        for (code, name, sev), n in sorted(out.items())
    ]


def colour_subject_counts(user, query: QueryDict) -> dict[str, int]:
    """Subjects by worst colour under the board's filters (the colour filter aside): the KPI cards."""
    today = timezone.localdate()
    out = {c: 0 for c in SEVERITY}
    groups = _groups(user, board_listing(user, query), today, skip="colour")
    for g in groups.iterator():
        out[COLOUR_OF_SEVERITY[g["worst"] or 0]] += 1
    return out


def age_colour_counts(user) -> dict[tuple[str, str], int]:
    """{(age key, colour): subjects} of the open board (state 未办结, no other filter) whose worst colour is red or
    yellow, aged by their oldest open warning: the dashboard's chart, whose bars link to ``?age=…&colour=…``."""
    today = timezone.localdate()
    out: dict[tuple[str, str], int] = defaultdict(int)
    for g in _groups(user, board_listing(user, QueryDict()), today).iterator():
        colour = COLOUR_OF_SEVERITY[g["worst"] or 0]
        if colour not in ("red", "yellow") or g["raised"] is None:
            continue
        days = (today - g["raised"]).days
        key = next(k for k, lo, hi in AGES if days >= lo and (hi is None or days < hi))
        out[(key, colour)] += 1
    return dict(out)
