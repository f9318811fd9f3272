"""Template helpers of the rectification pages: warning-colour tags (red, yellow and green mean warnings
and nothing else), status and decision tags, reasons in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Task

register = template.Library()

STATUS_COLOURS = {"open": "blue", "closed": "slate", "reopened": "magenta"}
DECISION_COLOURS = {
    "pending": "grey",
    "confirmed": "indigo",
    "challenged": "magenta",
    "held": "indigo",
    "relapsed": "magenta",
}
KIND_COLOURS = {"xunshi": "indigo", "xuncha": "purple", "revisit": "magenta", "check": "cyan"}


def colour_name(colour: str) -> str:
    return {"red": _("红"), "yellow": _("黄"), "green": _("绿")}.get(colour, colour or "—")


@register.simple_tag
def warn(colour, label=None, title=""):
    """A warning tag: red / yellow / green with its name (or the label given)."""
    if colour not in ("red", "yellow", "green"):
        return format_html('<span class="tag tag-muted">{}</span>', label or "—")
    return format_html(
        '<span class="tag tag-warn tag-warn-{}" data-colour="{}" title="{}">{}</span>',
        colour,
        colour,
        title,
        label or colour_name(colour),
    )


@register.simple_tag
def status_tag(value, label):
    return format_html('<span class="tag tag-{}">{}</span>', STATUS_COLOURS.get(value, "grey"), label)


@register.simple_tag
def decision_tag(value, label):
    return format_html('<span class="tag tag-{}">{}</span>', DECISION_COLOURS.get(value, "grey"), label)


@register.simple_tag
def kind_tag(value, label):
    return format_html('<span class="tag tag-{}">{}</span>', KIND_COLOURS.get(value, "grey"), label)


@register.filter
def reason(tc):
    """A TaskColour's reasons in the reader's language."""
    return tc.en if get_language() == "en" else tc.zh


@register.filter
def snap_reason(snap):
    """The reason frozen in a round snapshot, in the reader's language."""
    if not snap:
        return ""
    return (snap.get("reason_en") if get_language() == "en" else snap.get("reason_zh")) or ""


@register.filter
def round_label(rnd):
    return rnd.label_en if get_language() == "en" and rnd.label_en else rnd.label_zh


@register.filter
def filesize(n):
    n = int(n or 0)
    if n >= 1048576:
        return f"{n / 1048576:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"


@register.filter
def status_label(value):
    return dict(Task.Status.choices).get(value, value or "")


PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png")


@register.filter
def is_photo(evidence) -> bool:
    """A photo among the evidence (shown as a picture where the supervisor reviews it)."""
    return str(getattr(evidence, "name", "")).lower().endswith(PHOTO_EXTENSIONS)
