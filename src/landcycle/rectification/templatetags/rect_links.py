"""``{% linked_tasks obj %}``: the rectification tasks (整改任务) linked to a park, parcel, enterprise or land
contract, shown on that object's page (nothing when there are none). Only the tasks in the reader's scope."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ..selectors import tasks_visible, with_colours

register = template.Library()

FIELDS = {"park": "parks", "parcel": "parcels", "enterprise": "enterprises", "contract": "contracts"}


@register.inclusion_tag("rectification/_linked_tasks.html", takes_context=True)
def linked_tasks(context, obj):
    request = context.get("request")
    field = FIELDS.get(obj._meta.model_name)
    if request is None or field is None:
        return {"tasks": []}
    tasks = (
        tasks_visible(request.user)
        .filter(**{field: obj})
        .select_related("town", "finding__inspection")
        .order_by("status", "deadline", "pk")
    )
    return {"tasks": with_colours(tasks, timezone.localdate())}
