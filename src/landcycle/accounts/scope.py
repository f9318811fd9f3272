"""The one place that decides what a user may see and change.

Every list, page, export and API reaches data through :func:`scoped` (querysets) or
:func:`access` (one object, 404 outside scope), and every write asks :func:`require_write`.

Scope is the user's region node: codes are hierarchical, so a user whose region is county 330282
sees every town whose code starts with ``330282``; a town officer sees one town.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from landcycle.rules.problems import Problem, RuleError

from .models import Role


class Area(StrEnum):
    """The areas of the product a role may change: the one vocabulary of write permissions.

    A new stage adds its area here and to :data:`WRITE_AREAS`; services ask :func:`require_write`, pages ask
    :func:`can_write` or wear :func:`write_or_404`.
    """

    REGISTRY = "registry"  # parks, parcels, enterprises, occupancy
    CONTRACTS = "contracts"  # land supply contracts and what is recorded about them
    EVALUATION = "evaluation"  # yearly per-mu evaluation: runs, facts, policies
    SUPERVISION = "supervision"  # warnings and the whole warnings refresh; at county level: accepting their handling
    WARNING_ANSWER = "warning_answer"  # a town's answer to its warnings: verify (核实) and handle (处置)
    RECTIFICATION = "rectification"  # the rectification ledger: inspections, tasks, rounds, close-outs
    RECTIFICATION_UPDATE = "rectification_update"  # progress reports on a town's own tasks
    LEDGERS = "ledgers"  # the import pages
    ADMISSION = "admission"
    EXITS = "exits"  # vacating cases and take-backs of idle land
    RENEWAL = "renewal"  # renewal projects: a town reports progress, the county approves plans
    RANKING = "ranking"


# What each role may change, by area of the product.
WRITE_AREAS: dict[str, frozenset[Area]] = {
    Role.COUNTY_ADMIN: frozenset(
        {
            Area.REGISTRY,
            Area.CONTRACTS,
            Area.EVALUATION,
            Area.SUPERVISION,
            Area.WARNING_ANSWER,
            Area.ADMISSION,
            Area.EXITS,
            Area.RENEWAL,
            Area.RANKING,
            Area.LEDGERS,
        }
    ),
    Role.CITY_ANALYST: frozenset({Area.EVALUATION, Area.RANKING}),
    Role.TOWN_OFFICER: frozenset(
        {
            Area.REGISTRY,
            Area.CONTRACTS,
            Area.EXITS,
            Area.RENEWAL,
            Area.ADMISSION,
            Area.LEDGERS,
            Area.RECTIFICATION_UPDATE,
            Area.WARNING_ANSWER,
        }
    ),
    Role.SUPERVISOR: frozenset({Area.RECTIFICATION}),
    Role.LEADER: frozenset(),
    Role.PROVINCE: frozenset(),  # reads every county of its province, changes nothing
}
AUDIT_READERS = {Role.COUNTY_ADMIN, Role.SUPERVISOR}


def region_prefix(user) -> str | None:
    """The code prefix of the towns the user may see; None for no data at all."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser and user.region_id is None:
        return ""
    if user.region_id is None:
        return None
    return user.region.code


def spans_counties(user) -> bool:
    """Does the user's scope hold more than one county (a province's or a city's user, or a superuser)? Region
    codes are hierarchical: a province is 2 digits, a city 4, a county 6."""
    prefix = region_prefix(user)
    return prefix is not None and len(prefix) < 6


def scoped(qs: QuerySet, user) -> QuerySet:
    """``qs`` narrowed to the user's region. The model names its path to the town in ``scope_path``."""
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    path = getattr(qs.model, "scope_path", None)
    if path is None:
        raise TypeError(f"{qs.model.__name__} has no scope_path: it cannot be shown to users")
    field = "code" if path == "" else f"{path}__code"
    return qs.filter(**{f"{field}__startswith": prefix})


def access(qs_or_model, user, **lookup) -> Model:
    """One object in the user's scope, or 404 (never 403: outsiders do not learn it exists)."""
    qs = qs_or_model if isinstance(qs_or_model, QuerySet) else qs_or_model._default_manager.all()
    try:
        return scoped(qs, user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def in_scope(user, town) -> bool:
    prefix = region_prefix(user)
    return prefix is not None and town is not None and town.code.startswith(prefix)


def can_write(user, area: Area) -> bool:
    """May this user change data of this area (anywhere in their scope)?"""
    area = Area(area)  # a misspelt area is an error, not a silent "no"
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return area in WRITE_AREAS.get(user.role, frozenset())


def may_write_or_404(user, area: Area) -> None:
    """Pages that only writers reach answer everyone else 404, like an object out of scope."""
    if not can_write(user, area):
        raise Http404


def write_or_404(area: Area) -> Callable:
    """Decorator of a view only writers of ``area`` reach (everyone else gets 404)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            may_write_or_404(request.user, area)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def require_write(user, area: Area, town=None, field: str = "town") -> None:
    """Refuse a write the user's role or region does not allow, with a bilingual message."""
    if not can_write(user, area):
        raise PermissionDenied(
            f"您的角色（{user.get_role_display()}）不能修改此类数据 / "
            f"Your role ({user.role}) may not change this kind of data"
        )
    if town is not None and not in_scope(user, town):
        raise RuleError(
            [
                Problem(
                    field,
                    "scope.town",
                    f"您只能登记本辖区（{user.region}）的数据，不能写入{town}",
                    f"You may only write data of your own region ({user.region.code}), not of {town.code}",
                )
            ]
        )


def can_read_audit(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in AUDIT_READERS)
