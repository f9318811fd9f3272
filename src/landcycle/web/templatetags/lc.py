"""Template helpers: numbers with thousands separators, m² to mu, coloured tags, sortable headers."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from landcycle.kit import i18n, numbers
from landcycle.kit.numbers import DASH
from landcycle.kit.palette import colour
from landcycle.rules.units import m2_to_mu

register = template.Library()


@register.filter
def num(value, places=0):
    """12345.678|num:2 -> 12,345.68 (the same in every language; '—' when there is no value)."""
    return numbers.num(value, places)


@register.filter
def mu(value, places=2):
    """Square metres shown in mu (1 mu = 2000/3 m²)."""
    if value is None or value == "":
        return DASH
    return numbers.num(m2_to_mu(value), places)


@register.filter
def pct(part, whole):
    """A bar width in percent (0-100) for small in-table bars."""
    try:
        whole = float(whole)
        return 0 if whole <= 0 else max(0, min(100, round(float(part) / whole * 100, 1)))
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def tag(kind, value, label):
    """A coloured status tag; colours come from kit.palette (never the warning colours)."""
    return format_html('<span class="tag tag-{}">{}</span>', colour(kind, value), label)


@register.simple_tag(takes_context=True)
def sort_th(context, key, label, css=""):
    """A table header that sorts by ``key`` (a second click reverses)."""
    request = context["request"]
    listing = context.get("listing")
    current = listing.sort if listing else ""
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params["sort"], arrow = f"-{key}", "▲"
    elif current == f"-{key}":
        params["sort"], arrow = key, "▼"
    else:
        params["sort"], arrow = key, ""
    return format_html(
        '<th class="{}"><a class="sort{}" href="?{}">{}<i>{}</i></a></th>',
        css,
        " active" if arrow else "",
        params.urlencode(),
        label,
        arrow,
    )


@register.filter
def problems_for(form, name):
    """The rule problems (bilingual) a service reported for one form field."""
    return getattr(form, "problems", {}).get(name, [])


@register.filter
def tr(value):
    """A bilingual rule message (``.zh`` / ``.en``, or a stored dict) in the user's language only."""
    return i18n.text(value)


class CaptureNode(template.Node):
    """Renders its body and, while a page is being kept (kit.pagecache), hands the output over under ``name``."""

    def __init__(self, name: str, nodelist) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        out = self.nodelist.render(context)
        kept = getattr(context.get("request"), "_lc_page_blocks", None)  # kit.pagecache.BLOCKS_ATTR
        if kept is not None:
            kept[self.name] = out
        return out


@register.tag
def capture(parser, token):
    """``{% capture "content" %}{% block content %}{% endblock %}{% endcapture %}`` in web/base.html: the blocks of
    a page that kit.pagecache keeps for the next request."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("capture takes one name")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(bits[1].strip("\"'"), nodelist)
