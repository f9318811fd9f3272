"""各县对比: the counties of the user's scope side by side — for a province (or city) that runs one installation
for several counties, and readable by every user (a county's own staff see their one county).

Each figure is the sum over the county's towns of the same by-town selector the dashboard uses, read through
the user's scope, so a county's row is exactly the total of its towns' bars on the dashboard: registry
counts (``registry.selectors.town_overview``), 亩均税收 of the latest published evaluation year (Σ tax ÷ Σ land of
the evaluated firms, ``evaluation.selectors.tax_per_mu_by_town``), the classes of the county's own published run of
that year (each county evaluates and publishes its own; a county without one that year has none), open red/yellow
warnings, idle land and its fees, rectification tasks closed / open / overdue. A town's county is the first six
digits of its code (the 2023 statistical codes are hierarchical).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.models import User
from landcycle.evaluation import selectors as evaluation
from landcycle.evaluation.labels import labels_of
from landcycle.kit import charts
from landcycle.kit.listing import kpi, table_response
from landcycle.kit.replica import report_view
from landcycle.rectification.selectors import task_progress_by_town
from landcycle.registry.models import Region
from landcycle.registry.selectors import town_overview
from landcycle.supervision.selectors import idle_land_by_town
from landcycle.supervision.selectors import warning_counts_by_town as warnings_by_town

COUNTY_DIGITS = 6
SUMMED = (
    "towns",
    "parks",
    "parcels",
    "idle_parcels",
    "area_mu",
    "enterprises",
    "above",
    "tax",
    "land",
    "evaluated",
    "red",
    "yellow",
    "idle_mu",
    "idle_fee",
    "tasks_closed",
    "tasks_current",
    "tasks_overdue",
)


def today() -> dt.date:
    """The day overdue tasks are counted to (tests set it)."""
    return timezone.localdate()


def _county_of(codes: dict[int, str], pk: int) -> str:
    return codes.get(pk, "")[:COUNTY_DIGITS]


def _classes(rows: dict[str, dict], codes: dict[int, str], user: User, year: int | None):
    """Each county's row: its published run of ``year`` (``run``) and its class counts (``classes``, in the order of
    the class keys returned with their labels: every county's policy's, in the order first met)."""
    class_keys: list[str] = []
    class_labels: dict[str, str] = {}
    classes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for run in evaluation.published_runs(year, user=user) if year else []:
        lab = labels_of(run.policy_toml)
        for k in lab.class_keys:
            if k not in class_labels:
                class_keys.append(k)
                class_labels[k] = lab.classes.get(k, k)
        for pk, counts in evaluation.classes_by_town(run, user).items():
            for k, n in counts.items():
                classes[_county_of(codes, pk)][k] += n
        if run.county.code in rows:
            rows[run.county.code]["run"] = run
    for code, row in rows.items():
        row["classes"] = [classes[code].get(k, 0) for k in class_keys]
        row.setdefault("run", None)
    return class_keys, class_labels


def county_rollup(user: User, as_of: dt.date) -> dict:
    """Per county in scope: the summed figures (``SUMMED``), 亩均税收 and the class counts of the county's published
    evaluation run of the latest published year (``run``), in code order; with the year, the class keys and labels
    (of every county's policy, in the order first met), and the totals of all counties."""
    towns = town_overview(user)
    codes = {r["town"].pk: r["town"].code for r in towns}
    counties = {
        c.code: c
        for c in Region.objects.filter(code__in={code[:COUNTY_DIGITS] for code in codes.values()}).order_by("code")
    }
    rows: dict[str, dict] = {code: {"county": county, **dict.fromkeys(SUMMED, 0)} for code, county in counties.items()}
    for r in towns:
        row = rows[r["town"].code[:COUNTY_DIGITS]]
        row["towns"] += 1
        for key, src in (("parks", "parks"), ("parcels", "parcels"), ("idle_parcels", "idle")):
            row[key] += r[src]
        for key in ("area_mu", "enterprises", "above"):
            row[key] += r[key]

    def add(by_town: dict, pairs: tuple[tuple[str, str], ...]) -> None:
        missing = set(by_town) - set(codes)  # a county itself answering for a task is a region but not a town
        if missing:
            codes.update(Region.objects.filter(pk__in=missing).values_list("pk", "code"))
        for pk, figures in by_town.items():
            row = rows.get(_county_of(codes, pk))
            if row is not None:
                for key, src in pairs:
                    row[key] += figures.get(src, 0) or 0

    published = evaluation.tax_per_mu_by_town(user)
    year = max((r["year"] for r in published), default=None)
    add(
        {r["town_id"]: r for r in published if r["year"] == year},
        (("tax", "tax"), ("land", "land"), ("evaluated", "firms")),
    )
    add(warnings_by_town(user), (("red", "red"), ("yellow", "yellow")))
    add(idle_land_by_town(user), (("idle_mu", "area_mu"), ("idle_fee", "fee_wan")))
    add(
        task_progress_by_town(user, as_of),
        (("tasks_closed", "closed"), ("tasks_current", "current"), ("tasks_overdue", "overdue")),
    )

    class_keys, class_labels = _classes(rows, codes, user, year)
    out = list(rows.values())
    for row in out:
        row["tax_per_mu"] = row["tax"] / row["land"] if row["land"] else None
    ranked = sorted((r for r in out if r["tax_per_mu"] is not None), key=lambda r: -r["tax_per_mu"])
    for i, row in enumerate(ranked, start=1):
        row["tax_rank"] = i
    total = {key: sum(r[key] for r in out) for key in SUMMED}
    total["tax_per_mu"] = total["tax"] / total["land"] if total["land"] else None
    total["classes"] = [sum(r["classes"][i] for r in out if r["classes"]) for i in range(len(class_keys))]
    return {
        "rows": out,
        "total": total,
        "year": year,
        "class_keys": class_keys,
        "class_labels": class_labels,
    }


def _tax_chart(rows: list[dict], year: int | None) -> str:
    bars = [{"county": r["county"].name, "n": round(r["tax_per_mu"], 2)} for r in rows if r["tax_per_mu"] is not None]
    if not bars:
        return ""
    order = [b["county"] for b in sorted(bars, key=lambda b: -b["n"])]
    spec = charts.bar(
        bars,
        x="county",
        y="n",
        y_title=_("亩均税收（万元/亩）"),
        horizontal=True,
        sort=order,
        width=320,
        height=max(60, 22 * len(bars)),
    )
    title = _("%(y)s 年度各县亩均税收") % {"y": year}
    return charts.svg(charts.short_labels(spec), label=title)


def _export(data: dict, fmt: str):
    header = [
        _("县（市、区）"),
        _("区划代码"),
        _("镇街（个）"),
        _("园区（个）"),
        _("地块（块）"),
        _("闲置地块（块）"),
        _("土地面积（亩）"),
        _("企业（家）"),
        _("规上企业（家）"),
        _("参评企业（家）"),
        _("亩均税收（万元/亩）"),
        *[_("%(c)s类（家）") % {"c": k} for k in data["class_keys"]],
        _("红色预警"),
        _("黄色预警"),
        _("闲置土地（亩）"),
        _("应征闲置费（万元）"),
        _("整改已销号（项）"),
        _("整改中（项）"),
        _("整改逾期（项）"),
    ]

    def line(r: dict, name: str, code: str) -> list:
        return [
            name,
            code,
            r["towns"],
            r["parks"],
            r["parcels"],
            r["idle_parcels"],
            round(r["area_mu"], 1),
            r["enterprises"],
            r["above"],
            r["evaluated"],
            round(r["tax_per_mu"], 2) if r["tax_per_mu"] is not None else "",
            *r["classes"],
            r["red"],
            r["yellow"],
            round(r["idle_mu"], 1),
            round(r["idle_fee"], 2),
            r["tasks_closed"],
            r["tasks_current"],
            r["tasks_overdue"],
        ]

    body = [line(r, r["county"].name, r["county"].code) for r in data["rows"]]
    body.append(line(data["total"], _("合计"), ""))
    return table_response(fmt, _("各县对比"), header, body)


@report_view  # read from the replica when there is one (kit.replica): a report may be a moment old
def county_compare(request):
    as_of = today()
    data = county_rollup(request.user, as_of)
    fmt = request.GET.get("export", "")
    if fmt in ("xlsx", "csv"):
        return _export(data, fmt)
    total = data["total"]
    kpis = [
        kpi(_("县（市、区）"), len(data["rows"]), _("个")),
        kpi(_("企业"), total["enterprises"], _("家"), note=_("其中规上 %(n)s 家") % {"n": f"{total['above']:,}"}),
        kpi(_("土地面积"), total["area_mu"], _("亩"), places=1),
        kpi(
            _("亩均税收"),
            total["tax_per_mu"] if total["tax_per_mu"] is not None else "—",
            _("万元/亩"),
            places=2,
            note=_("%(y)s 年度已发布评价") % {"y": data["year"]} if data["year"] else _("尚无已发布的评价"),
        ),
        kpi(
            _("红、黄预警"), total["red"] + total["yellow"], _("个"), note=_("其中红色 %(n)s 个") % {"n": total["red"]}
        ),
        kpi(_("逾期整改任务"), total["tasks_overdue"], _("项")),
    ]
    return render(
        request,
        "web/counties.html",
        {
            **data,
            "kpis": kpis,
            "as_of": as_of,
            "chart": _tax_chart(data["rows"], data["year"]),
            "class_heads": [(_("%(c)s类") % {"c": k}, data["class_labels"].get(k, k)) for k in data["class_keys"]],
        },
    )
