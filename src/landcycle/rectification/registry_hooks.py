"""What rectification adds to the registry's pages (registered by RectificationConfig.ready()): in the files of an
enterprise, a parcel and a park (一企一档 / 一地一档) the rectification tasks (整改任务) that name it and the evidence
files (佐证材料) reported on them; tasks and inspections in the top bar's search. Only what the reader's scope
holds."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from landcycle.accounts.scope import scoped
from landcycle.registry.hooks import Panel, register_panel
from landcycle.registry.search import Hit, SearchProvider, first_hits, register_search

from .models import Evidence, Task
from .selectors import inspections_visible, tasks_visible, with_colours

FIELDS = {"park": "parks", "parcel": "parcels", "enterprise": "enterprises"}
SHOWN_FILES = 30


def _tasks_of(obj, user):
    return tasks_visible(user).filter(**{FIELDS[obj._meta.model_name]: obj})


def tasks_panel(obj, user) -> dict:
    tasks = _tasks_of(obj, user).select_related("town", "finding__inspection").order_by("status", "deadline", "pk")
    rows = with_colours(tasks, timezone.localdate())
    return {"tasks": rows, "count": sum(1 for t in rows if t.is_open) or None}


def documents_panel(obj, user) -> dict:
    files = list(
        scoped(Evidence.objects.filter(task__in=_tasks_of(obj, user)), user)
        .select_related("task", "report")
        .order_by("-uploaded_at", "-pk")[: SHOWN_FILES + 1]
    )
    return {"files": files[:SHOWN_FILES], "more": len(files) > SHOWN_FILES, "count": len(files[:SHOWN_FILES]) or None}


# ------------------------------------------------------------------ search
def _search_tasks(words: str, user, limit: int) -> list[Hit]:
    rows = first_hits(
        Task.objects.select_related("town", "finding__inspection").order_by("deadline", "pk"),
        user,
        Q(number__iexact=words),
        Q(title__icontains=words) | Q(number__icontains=words),
        limit,
    )
    return [
        Hit(t.title, reverse("task_detail", args=[t.pk]), t.number, f"{t.unit} · {t.finding.inspection.title}")
        for t in rows
    ]


def _search_inspections(words: str, user, limit: int) -> list[Hit]:
    rows = inspections_visible(user).filter(Q(title__icontains=words) | Q(body__icontains=words))
    return [
        Hit(
            i.title,
            reverse("inspection_detail", args=[i.pk]),
            "",
            f"{i.get_kind_display()} · {i.body} · {i.started_on}",
        )
        for i in rows.order_by("-started_on", "-pk")[:limit]
    ]


def register() -> None:
    for slot in FIELDS:
        register_panel(
            Panel(slot, 50, "rectification/file/_tasks.html", tasks_panel, "rectification", gettext_lazy("整改任务"))
        )
        register_panel(
            Panel(
                slot, 60, "rectification/file/_documents.html", documents_panel, "documents", gettext_lazy("佐证材料")
            )
        )
    register_search(SearchProvider("task", gettext_lazy("整改任务"), 50, _search_tasks, "rectification_ledger"))
    register_search(
        SearchProvider("inspection", gettext_lazy("检查（整改案件）"), 60, _search_inspections, "inspection_list")
    )
