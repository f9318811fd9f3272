"""Charts drawn on the server as inline SVG (no chart library, nothing fetched by the browser)."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .colours import class_hex

W, H = 540, 250
LEFT, RIGHT, TOP, BOTTOM = 52, 10, 12, 40


def _n(x: float) -> str:
    return f"{x:.1f}"


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if top / step <= 5:
            return step
    return 100000


def score_histogram_svg(bands: list[dict], classes: list[str]) -> str:
    """Firms per score band, stacked by class (colours of ``colours``), with axis labels and a
    ``<title>`` per segment (readable by hovering and by screen readers)."""
    if not bands:
        return ""
    top = max(b["n"] for b in bands) or 1
    step = _nice_step(top)
    ymax = ((top + step - 1) // step) * step
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / len(bands)
    bar = max(2.0, slot * 0.82)
    parts = [
        format_html(
            '<svg class="ev-hist" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg" font-size="12">',
            W,
            H,
            _("得分分布直方图"),
        )
    ]
    for v in range(0, ymax + 1, step):
        y = TOP + plot_h - plot_h * v / ymax
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#e3e7ed"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="#6b7685">{}</text>',
                LEFT,
                W - RIGHT,
                _n(y),
                _n(y),
                LEFT - 6,
                _n(y + 4),
                f"{v:,}",
            )
        )
    label_every = max(1, round(len(bands) / 12))
    for i, b in enumerate(bands):
        x = LEFT + i * slot + (slot - bar) / 2
        y = TOP + plot_h
        for key in classes:
            n = b["classes"].get(key, 0)
            if not n:
                continue
            h = plot_h * n / ymax
            y -= h
            tip = _("%(lo)s–%(hi)s 分，%(cls)s 类 %(n)s 家") % {
                "lo": f"{b['from']:g}",
                "hi": f"{b['to']:g}",
                "cls": key,
                "n": f"{n:,}",
            }
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                    _n(x),
                    _n(y),
                    _n(bar),
                    _n(h),
                    class_hex(key, classes),
                    tip,
                )
            )
        if i % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="#6b7685">{}</text>',
                    _n(LEFT + i * slot),
                    H - BOTTOM + 16,
                    f"{b['from']:g}",
                )
            )
    last = bands[-1]
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" fill="#6b7685">{}</text>',
            _n(W - RIGHT),
            H - BOTTOM + 16,
            f"{last['to']:g}",
        )
    )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#8a919c"/>', LEFT, W - RIGHT, TOP + plot_h, TOP + plot_h
        )
    )
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" fill="#4a5464">{}</text>',
            _n(LEFT + plot_w / 2),
            H - 3,
            _("得分（分）"),
        )
    )
    parts.append(
        format_html(
            '<text x="12" y="{}" fill="#4a5464" transform="rotate(-90 12 {})" text-anchor="middle">{}</text>',
            _n(TOP + plot_h / 2),
            _n(TOP + plot_h / 2),
            _("企业数（家）"),
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def class_legend(classes: list[str], labels: dict[str, str]) -> str:
    items = [
        format_html(
            '<span class="legend-item"><i style="background:{}"></i>{} {}</span>',
            class_hex(k, classes),
            k,
            escape(labels.get(k, "")),
        )
        for k in classes
    ]
    return mark_safe('<div class="legend-inline">' + "".join(items) + "</div>")
