"""What supervision adds to the registry's pages (registered by SupervisionConfig.ready()): the parcel map's
"按预警着色" — each parcel coloured by its worst open warning —; in the files of an enterprise, a parcel and a park
(一企一档 / 一地一档) the land contracts with their commitments and the state of their dates, the warnings with
their colour and reasons, the contracts' evidence, and the number of open warnings in the header; contracts in the
top bar's search."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from landcycle.accounts.scope import scoped
from landcycle.kit import charts
from landcycle.registry.hooks import (
    Fact,
    Panel,
    ParcelColouring,
    register_fact,
    register_panel,
    register_parcel_colouring,
)
from landcycle.registry.search import Hit, SearchProvider, first_hits, register_search

from .convert import page_policies
from .labels import COLOUR_HEX, NO_WARNING_HEX, cause_name, commitment_name, rule_label
from .models import Contract, Warning
from .selectors import parcel_warning_colours

SHOWN_WARNINGS = 20  # open warnings listed in a file; the warning board has them all
DUE_SOON_DAYS = 90  # a date this near is shown as coming
COLOUR_ORDER = ("red", "yellow", "blue", "grey", "green")


def warning_map_config() -> dict:
    """Red, yellow and green are only the warning colours of "按预警着色" (colour by warning)."""
    return {
        "warningColours": {**COLOUR_HEX, "none": NO_WARNING_HEX},
        "warningNames": {
            "red": _("红色预警"),
            "yellow": _("黄色预警"),
            "green": _("绿：在监管，无预警"),
            "none": _("未纳入监管"),
        },
    }


# ------------------------------------------------------------------ which contracts and warnings belong to a file
def _contracts_of(obj, user):
    """The contracts in scope of an enterprise (held by it) or a parcel (covering it)."""
    qs = Contract.objects.filter(holder=obj) if obj._meta.model_name == "enterprise" else obj.contracts.all()
    return scoped(qs, user).select_related("town").order_by("-signed_on", "number")


def _warnings_of(obj, user, contract_ids: list[int] | None = None):
    kind = obj._meta.model_name
    if kind == "park":
        q = Q(park=obj)
    else:
        ids = contract_ids if contract_ids is not None else list(_contracts_of(obj, user).values_list("pk", flat=True))
        q = Q(subject_type=kind, subject_id=obj.pk) | Q(subject_type=Warning.SubjectType.CONTRACT, subject_id__in=ids)
    return scoped(Warning.objects.filter(q), user)


def _live(qs):
    """Warnings that still call for attention: not closed (销号) and not green."""
    return qs.exclude(status=Warning.Status.CLOSED).exclude(colour=Warning.Colour.GREEN)


# ------------------------------------------------------------------ contracts and their dates
def _milestones(c, today: dt.date) -> list[dict]:
    """Delivery, start, completion and full production: the agreed date (after approved extensions), the actual
    one, and a state a clerk reads at a glance (done, overdue by N days, due in N days)."""
    extended = {}
    for e in c.extensions.all():  # prefetched, oldest approval first: the last one holds
        extended[e.milestone] = e.new_date
    out = []
    for key, label, agreed, actual in (
        ("delivery", _("交地"), c.agreed_delivery, c.actual_delivery),
        ("start", _("开工"), c.agreed_start, c.actual_start),
        ("completion", _("竣工"), c.agreed_completion, c.actual_completion),
        ("production", _("达产"), c.agreed_production, c.actual_production),
    ):
        agreed = extended.get(key, agreed)
        if actual:
            state, css = _("%(d)s 已完成") % {"d": actual.isoformat()}, "date-done"
        elif agreed is None:
            state, css = _("未约定"), "date-done"
        elif agreed < today:
            state, css = (
                _("约定 %(d)s，已逾期 %(n)s 天") % {"d": agreed.isoformat(), "n": (today - agreed).days},
                "date-late",
            )
        elif (agreed - today).days <= DUE_SOON_DAYS:
            state, css = (
                _("约定 %(d)s，还有 %(n)s 天") % {"d": agreed.isoformat(), "n": (agreed - today).days},
                "date-near",
            )
        else:
            state, css = _("约定 %(d)s") % {"d": agreed.isoformat()}, ""
        out.append({"label": label, "state": state, "css": css, "extended": key in extended})
    return out


def contracts_panel(obj, user) -> dict:
    today = timezone.localdate()
    contracts = list(_contracts_of(obj, user).prefetch_related("commitments", "extensions", "parcels"))
    worst: dict[int, Warning] = {}
    live: dict[tuple[int, str], str] = {}  # (contract, rule) -> colour of its open warning
    for w in _live(
        Warning.objects.filter(subject_type=Warning.SubjectType.CONTRACT, subject_id__in=[c.pk for c in contracts])
    ).order_by("subject_id", "-rank", "rule"):
        worst.setdefault(w.subject_id, w)
        live[(w.subject_id, w.rule)] = w.colour
    css = {"red": "date-late", "yellow": "date-near"}
    pols = page_policies()  # each contract's commitments named by its county's policy (本县政策)
    for c in contracts:
        c.dates = _milestones(c, today)
        c.worst = worst.get(c.pk)
        c.promises = [
            {
                "name": commitment_name(m.kind, m.label_zh, m.label_en, pols.of_subject(c)),
                "m": m,
                "share": m.unit == "%",  # a share is kept as a fraction: 0.03 for 3 %
                "css": css.get(live.get((c.pk, f"commitment.{m.kind}"), ""), ""),
            }
            for m in c.commitments.all()
        ]
        c.parcel_list = sorted(c.parcels.all(), key=lambda p: p.number)
    return {"contracts": contracts, "count": len(contracts) or None, "of": obj._meta.model_name}


def _board_url(obj) -> str:
    """The warning board showing the file's warnings: the park's, or those naming the firm or the parcel."""
    kind = obj._meta.model_name
    if kind == "park":
        query = {"town": obj.town.code, "park": obj.pk}
    else:
        query = {"q": obj.name if kind == "enterprise" else obj.number}
    return f"{reverse('warning_board')}?{urlencode(query)}"


def warnings_panel(obj, user) -> dict:
    qs = _warnings_of(obj, user)
    counts = Counter(
        "closed" if s == Warning.Status.CLOSED else c for s, c in qs.order_by().values_list("status", "colour")
    )
    live = list(_live(qs).select_related("town", "park").order_by("-rank", "-last_changed", "pk")[:SHOWN_WARNINGS])
    pols = page_policies()
    for w in live:
        w.rule_text = rule_label(w.rule, pols.of_subject(w))
    n_live = sum(n for k, n in counts.items() if k not in ("closed", "green"))
    chart = None
    if obj._meta.model_name == "park" and n_live:
        rows = [
            {"颜色": str(Warning.Colour(k).label), "条数": counts[k], "key": k}
            for k in COLOUR_ORDER
            if counts.get(k) and k != "green"
        ]
        spec = charts.bar(
            rows,
            x="颜色",
            y="条数",
            colour="颜色",
            colours={r["颜色"]: COLOUR_HEX[r["key"]] for r in rows},
            sort=[r["颜色"] for r in rows],
            horizontal=True,
            width=320,
            height=26 * len(rows),
        )
        spec["encoding"]["color"]["legend"] = None  # the bars are labelled by their colour's name
        chart = charts.svg(spec, label=_("园区预警按颜色"))
    return {
        "warnings": live,
        "count": n_live or None,
        "counts": [
            (k, counts.get(k, 0)) for k in ("red", "yellow", "blue", "grey", "green", "closed") if counts.get(k)
        ],
        "more": max(n_live - len(live), 0),
        "board": _board_url(obj),
        "obj": obj,
        "chart": chart,
    }


def documents_panel(obj, user) -> dict | None:
    """The evidence recorded on the contracts of the file: start of works (动工佐证) and government delays."""
    rows = []
    pols = page_policies()  # each cause named by its contract's county's policy (本县政策)
    for c in _contracts_of(obj, user).prefetch_related("government_delays"):
        rules = pols.of_subject(c)
        if c.start_evidence:
            rows.append({"c": c, "what": _("动工佐证材料"), "text": c.start_evidence})
        for d in c.government_delays.all():
            text = " · ".join(x for x in (d.evidence, d.evidence_ref) if x)
            cause = cause_name(d.cause, rules, d.get_cause_display())
            rows.append({"c": c, "what": _("政府原因延迟：%(cause)s") % {"cause": cause}, "text": text})
    return {"rows": rows} if rows else None


def open_warnings_fact(obj, user) -> dict:
    live = _live(_warnings_of(obj, user))
    ranks = Counter(live.order_by().values_list("colour", flat=True))
    n = sum(ranks.values())
    if not n:
        return {"label": _("未销号预警"), "value": _("无"), "href": ""}
    parts = [
        format_html('<span class="tag tag-warn tag-warn-{}">{} {}</span>', k, Warning.Colour(k).label, ranks[k])
        for k in COLOUR_ORDER
        if ranks.get(k)
    ]
    return {
        "label": _("未销号预警"),
        "value": format_html("{} " * len(parts), *parts),
        "href": "",
        "anchor": "warnings",
    }


def contracts_fact(obj, user) -> dict:
    n = _contracts_of(obj, user).count()
    return {"label": _("供地合同"), "value": _("共 %(n)s 份") % {"n": n} if n else _("无"), "href": ""}


# ------------------------------------------------------------------ search
def _search_contracts(words: str, user, limit: int) -> list[Hit]:
    rows = first_hits(
        Contract.objects.select_related("town").order_by("number"),
        user,
        Q(number=words.upper()) | Q(number=words),
        Q(number__icontains=words) | Q(holder_name__icontains=words) | Q(project__icontains=words),
        limit,
    )
    return [
        Hit(
            c.project or c.holder_name,
            reverse("contract_detail", args=[c.pk]),
            c.number,
            f"{c.town.name} · {c.get_kind_display()} · {c.holder_name}",
        )
        for c in rows
    ]


def register() -> None:
    register_parcel_colouring(
        ParcelColouring("warning", parcel_warning_colours, warning_map_config, gettext_lazy("按预警着色"))
    )
    for slot in ("enterprise", "parcel"):
        register_panel(
            Panel(
                slot, 20, "supervision/file/_contracts.html", contracts_panel, "contracts", gettext_lazy("合同与承诺")
            )
        )
        register_panel(Panel(slot, 61, "supervision/file/_documents.html", documents_panel))
        register_fact(Fact(slot, 65, contracts_fact))
    for slot in ("enterprise", "parcel", "park"):
        register_panel(
            Panel(slot, 30, "supervision/file/_warnings.html", warnings_panel, "warnings", gettext_lazy("预警"))
        )
        register_fact(Fact(slot, 70, open_warnings_fact))
    register_search(SearchProvider("contract", gettext_lazy("供地合同"), 40, _search_contracts, "contract_list"))
