"""Writes of evaluation facts (评价事项: vetoes, protections, 政策性搬迁, merged units). Keyword-only,
atomic, allowed to the roles that write the evaluation (county administrator, city analyst) for an
enterprise in their scope, audited with before/after in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.models import Enterprise
from landcycle.rules.dates import date_problems
from landcycle.rules.problems import Problem, RuleError

from ..facts import MERGE, kind_map
from ..models import EvaluationFact

# The years a fact may belong to: evaluations (亩均论英雄) began long after 1990, and a fact can be recorded at
# most for next year. Narrower than the plausible dates of any record (registry.toml [dates]: 1949-10-01 to
# 70 years after today), which still bound the fact's own date (``occurred_on``).
FIRST_YEAR = 1990
YEARS_AHEAD = 1


def fact_problems(
    *, kind: str, year: int | None, value: str, occurred_on: dt.date | None, source: str
) -> list[Problem]:
    """The rules a fact must meet, each naming its field (also used by the ledger importer)."""
    problems: list[Problem] = []
    known = kind_map()
    if kind not in known:
        names = "、".join(k.zh for k in known.values())
        problems.append(
            Problem(
                "kind",
                "fact.kind",
                f"“{kind}”不是评价办法规定的事项（可选：{names}）",
                f"'{kind}' is not a fact the evaluation policy reads (known: {', '.join(known)})",
            )
        )
    elif known[kind].category == MERGE and not (value or "").strip():
        problems.append(
            Problem(
                "value",
                "fact.merge_key",
                "合并评价须填写合并评价编号（同一编号的企业作为一个单位评价）",
                "A merged evaluation needs its key (firms with the same key are evaluated as one unit)",
            )
        )
    if not (source or "").strip():
        problems.append(
            Problem(
                "source",
                "fact.source",
                "请填写依据文件（文号或文件名称）",
                "The source document (its number or title) is required",
            )
        )
    if year is not None and not FIRST_YEAR <= int(year) <= dt.date.today().year + YEARS_AHEAD:
        problems.append(Problem("year", "fact.year", f"年度{year}不合理", f"The year {year} is not plausible"))
    problems += date_problems("occurred_on", occurred_on, "发生或认定日期", "date")  # registry.toml [dates]
    if occurred_on is not None and year is not None and occurred_on.year > int(year) + 1:
        problems.append(
            Problem(
                "occurred_on",
                "fact.date_after_year",
                f"日期{occurred_on}晚于评价年度{year}的次年，不能作为该年度的事项",
                f"The date {occurred_on} is after the year following {year}: not a fact of that year",
            )
        )
    return problems


def _audit(
    actor: User, action: str, fact: EvaluationFact, before: dict | None = None, after: dict | None = None
) -> None:
    audit_record(
        actor=actor, action=action, obj=fact, region_code=fact.enterprise.town.code, before=before, after=after
    )


@transaction.atomic
def fact_record(
    *,
    actor: User,
    enterprise: Enterprise,
    year: int,
    kind: str,
    source: str,
    value: str = "",
    occurred_on: dt.date | None = None,
    note: str = "",
) -> EvaluationFact:
    """Record (or update) the fact ``kind`` of ``enterprise`` in ``year``."""
    require_write(actor, Area.EVALUATION, enterprise.town, field="kind")
    problems = fact_problems(kind=kind, year=year, value=value, occurred_on=occurred_on, source=source)
    if problems:
        raise RuleError(problems)
    fact = EvaluationFact.objects.select_for_update().filter(enterprise=enterprise, year=year, kind=kind).first()
    before = snapshot(fact) if fact else None
    if fact is None:
        fact = EvaluationFact(
            enterprise=enterprise, year=year, kind=kind, created_by=actor if getattr(actor, "pk", None) else None
        )
    fact.value = (value or "").strip() if kind_map()[kind].category == MERGE else ""
    fact.occurred_on, fact.source, fact.note = occurred_on, source.strip(), (note or "").strip()
    fact.full_clean()
    fact.save()
    _audit(actor, "evaluation_fact.update" if before else "evaluation_fact.create", fact, before, snapshot(fact))
    return fact


@transaction.atomic
def fact_delete(*, actor: User, fact: EvaluationFact) -> None:
    require_write(actor, Area.EVALUATION, fact.enterprise.town, field="kind")
    before = snapshot(fact)
    _audit(actor, "evaluation_fact.delete", fact, before, None)
    fact.delete()
