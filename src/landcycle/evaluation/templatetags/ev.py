"""Template helpers of the evaluation pages: class tags coloured from the house palette."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from landcycle.evaluation.colours import OUTCOME, class_colour, class_hex

register = template.Library()


@register.simple_tag(takes_context=True)
def class_tag(context, key, label="", outcome="evaluated"):
    """A class (A/B/C/D) as a coloured tag; exempt firms and firms that could not be evaluated get grey."""
    classes = context.get("class_keys") or ("A", "B", "C", "D")
    if outcome and outcome != "evaluated":
        return format_html('<span class="tag tag-{} ev-class">{}</span>', OUTCOME.get(outcome, "grey"), label or "—")
    if not key:
        return format_html('<span class="muted">—</span>')
    if label:
        return format_html(
            '<span class="tag tag-{} ev-class" title="{}">{}</span>', class_colour(key, classes), label, key
        )
    return format_html('<span class="tag tag-{} ev-class">{}</span>', class_colour(key, classes), key)


@register.simple_tag(takes_context=True)
def class_colour_of(context, key):
    return class_colour(key, context.get("class_keys") or ("A", "B", "C", "D"))


@register.filter
def get(mapping, key):
    """mapping[key] in a template ('' when missing)."""
    try:
        return mapping.get(key, "") if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""


@register.simple_tag(takes_context=True)
def class_hex_of(context, key):
    """The strong colour of a class (bars and charts)."""
    return class_hex(key, context.get("class_keys") or ("A", "B", "C", "D"))
