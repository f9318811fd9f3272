"""Template helpers of the supervision pages: warning-colour tags (the only place red, yellow and green
are used), contract-kind tags, rule names and reasons in the reader's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from landcycle.supervision.convert import rules_of
from landcycle.supervision.labels import commitment_name, rule_label

register = template.Library()

KIND_COLOURS = {"grant": "blue", "standard": "indigo", "lease": "purple", "allocation": "cyan"}


def colour_name(colour: str) -> str:
    return {"red": _("红"), "yellow": _("黄"), "green": _("绿"), "blue": _("提醒"), "grey": _("未能判定")}.get(
        colour, colour or "—"
    )


@register.simple_tag
def warn_tag(colour, label=None):
    """A warning tag: red / yellow / green with its name (or the label given)."""
    if not colour:
        return format_html('<span class="tag tag-muted">{}</span>', label or _("无预警"))
    return format_html(
        '<span class="tag tag-warn tag-warn-{}" data-colour="{}">{}</span>',
        colour,
        colour,
        label or colour_name(colour),
    )


@register.simple_tag
def kind_tag(kind, label):
    return format_html('<span class="tag tag-{}">{}</span>', KIND_COLOURS.get(kind, "grey"), label)


@register.filter
def rule_name(rule, subject=None):
    """``{{ w.rule|rule_name:w }}``: the rule's name in the policy of the county ``subject`` (a warning, a contract:
    anything with a ``town_id``) belongs to, read once per page; without a subject the shipped policy's."""
    return rule_label(rule, rules_of(subject) if subject is not None else None)


@register.filter
def reason(obj):
    """The reason (or any object with ``reason_zh``/``reason_en``) in the reader's language."""
    en = get_language() == "en"
    return (obj.reason_en if en and obj.reason_en else obj.reason_zh) or ""


@register.filter
def commitment_label(m):
    """A commitment's name in its contract's county's policy (本县政策), read once per page."""
    return commitment_name(m.kind, m.label_zh, m.label_en, rules_of(m.contract))


@register.filter
def colour_label(colour):
    return colour_name(colour)


@register.filter
def fig(value):
    """A figure without needless zeros or exponent: 300.000000 -> 300, 0.450 -> 0.45."""
    if value is None or value == "":
        return "—"
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):,}"
    return format(d.normalize(), "f")


@register.filter
def share(value):
    """A fraction as a percentage: 0.25 -> 25%, 0.0315 -> 3.15%."""
    if value is None or value == "":
        return "—"
    d = (Decimal(str(value)) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{fig(d)}%"


@register.filter
def subject_type_name(value):
    """合同 / 企业 / 地块 for a subject type code."""
    from landcycle.supervision.models import Warning  # noqa: PLC0415 -- tag libraries load before the models

    return dict(Warning.SubjectType.choices).get(value, value)
