"""Template filters of the admission pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

from landcycle.rules.admission.check import shown

register = template.Library()


@register.filter
def fig(value) -> str:
    """A figure of a rule table ("0.333333…" as stored) as a person writes it: 2 decimals at most."""
    if value is None or value == "":
        return "—"
    try:
        return shown(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def layer_name(layer) -> str:
    """Where a rule was set, in words: the county's default, a kind of park's, or the park's own."""
    from landcycle.registry.models import Park  # noqa: PLC0415 -- tag libraries load before the models

    text = str(layer or "")
    if text == "default":
        return _("全县默认规则")
    if text.startswith("kinds."):
        kinds = dict(Park.Kind.choices)
        return _("%(kind)s通用规则") % {"kind": kinds.get(text[6:], text[6:])}
    if text.startswith("parks."):
        return _("本园区专门规则")
    return text
