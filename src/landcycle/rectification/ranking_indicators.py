"""The ranking's indicators that rectification owns (赛马, issue 17; registered in RectificationConfig.ready
through ``kit.indicators``): the share of tasks due in the quarter closed by their deadline, and relapses.

A task is due in the quarter when its deadline falls in it; it was closed on time when a close-out event
(``TaskEvent`` 销号) is dated on or before the deadline. A relapse is a 反弹重启 event dated in the quarter. One
query per figure for all towns; the figures link to the ledger filtered to the town.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from landcycle.kit.indicators import IndicatorSource, Measured, Quarter, register_indicator

from .models import Task, TaskEvent


def _link(town: Any) -> str:
    return reverse("rectification_ledger") + "?" + urlencode({"town": town.code})


def tasks_on_time_share(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    on_time = TaskEvent.objects.filter(task=OuterRef("pk"), kind=TaskEvent.Kind.CLOSED, on__lte=OuterRef("deadline"))
    rows = (
        Task.objects.filter(deadline__gte=quarter.start, deadline__lte=quarter.end, town__in=[t.pk for t in towns])
        .annotate(ok=Exists(on_time))
        .values_list("town_id", "ok")
    )
    due: dict[int, int] = defaultdict(int)
    done: dict[int, int] = defaultdict(int)
    for town_id, ok in rows:
        due[town_id] += 1
        done[town_id] += int(ok)
    out = {}
    for t in towns:
        n = due[t.pk]
        # no task due in the quarter: no figure (a share of nothing), not 0 % nor 100 %
        out[t.pk] = Measured(100.0 * done[t.pk] / n if n else None, n, _link(t), f"{done[t.pk]}/{n}" if n else "")
    return out


def relapses(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    rows = dict(
        TaskEvent.objects.filter(
            kind=TaskEvent.Kind.REOPENED,
            on__gte=quarter.start,
            on__lte=quarter.end,
            task__town__in=[t.pk for t in towns],
        )
        .order_by()
        .values("task__town_id")
        .annotate(n=Count("id"))
        .values_list("task__town_id", "n")
    )
    return {t.pk: Measured(float(rows.get(t.pk, 0)), rows.get(t.pk, 0), _link(t)) for t in towns}


def register() -> None:
    register_indicator(
        IndicatorSource(
            "tasks_on_time_share",
            "rectification",
            tasks_on_time_share,
            "整改时限在本季度内的任务中，在时限当日或之前销号的比例（%）；本季度无到期任务则缺失",
            "Of the tasks whose deadline falls in the quarter, the share closed on or before it (%); missing when "
            "none was due",
        )
    )
    register_indicator(
        IndicatorSource(
            "relapses",
            "rectification",
            relapses,
            "本季度内“反弹重启”的整改任务次数",
            "Tasks reopened as relapsed in the quarter",
        )
    )
