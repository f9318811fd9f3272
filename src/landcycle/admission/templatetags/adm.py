"""Template filters of the admission pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

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
