"""数据看板: the leader's dashboard (their home page, and /dashboard/ for every user).

Charts a leader reads at a glance, each bar or point a link to the rows behind it on an existing list page:
per-mu tax by town (latest published evaluation) and over the published years, evaluation classes by town,
red and yellow warnings by town and by age, idle land (area) and idle-land fees by town, rectification tasks
closed / open / overdue by town. Every figure comes from a selector of the app that owns it, read through the
user's scope: a town officer's dashboard is their town's. Charts are ``kit.charts`` specs rendered on the server.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.models import User
from landcycle.evaluation import selectors as evaluation
from landcycle.evaluation.charts import classes_by_town
from landcycle.evaluation.labels import labels_of
from landcycle.kit import charts
from landcycle.kit.cache import cached, scope_key
from landcycle.kit.palette import HEX
from landcycle.kit.replica import report_view
from landcycle.rectification.selectors import task_progress_by_town
from landcycle.registry.models import Region
from landcycle.registry.selectors import towns_in_scope
from landcycle.supervision.board import age_colour_counts
from landcycle.supervision.selectors import AGE_BUCKETS, idle_land_by_town
from landcycle.supervision.selectors import warning_counts_by_town as warnings_by_town

WARN = {"red": "#d93b3b", "yellow": "#e0a100"}  # app.css --warn-red / --warn-yellow: warnings only
BAR_WIDTH = 300  # the plotting width of a chart by town; the SVG scales down to a phone's width
ROW = 20  # px per town in a chart by town


def today() -> dt.date:
    """The day the ages and deadlines are counted to (tests set it)."""
    return timezone.localdate()


def _url(name: str, args: list | None = None, **params) -> str:
    url = reverse(name, args=args or [])
    params = {k: v for k, v in params.items() if v not in ("", None)}
    return f"{url}?{urlencode(params)}" if params else url


def _chart(key: str, title: str, note: str, spec: dict | None, empty: str) -> dict:
    """A card of the dashboard: its title, what it counts, the chart (SVG) or what to do when there is nothing."""
    return {
        "key": key,
        "title": title,
        "note": note,
        "svg": charts.svg(charts.short_labels(spec), label=title) if spec else "",
        "empty": empty,
    }


def _by_town(
    rows: list[dict],
    *,
    value_title: str,
    colour: str | None = None,
    colours: dict[str, str] | None = None,
    counts: bool = False,
) -> dict:
    """Horizontal bars by town (stacked by ``colour`` when given), in the towns' order, each a link."""
    towns = list(dict.fromkeys(r["town"] for r in rows))
    spec = charts.bar(
        [r for r in rows if r["n"]],
        x="town",
        y="n",
        y_title=value_title,
        colour=colour,
        colours=colours,
        href="url",
        horizontal=True,
        sort=towns,
        width=BAR_WIDTH,
        height=max(60, ROW * len(towns)),
    )
    spec["encoding"]["y"]["scale"] = {"domain": towns}  # every town a row, a town with nothing too
    if colour:
        spec["encoding"]["order"] = {"field": "_order", "type": "ordinal"}
    if counts:  # whole numbers on the axis (no "0.5 项")
        spec["encoding"]["x"]["axis"] = charts.count_axis(rows, by="town")
    return spec


class Towns:
    """The towns in the user's scope in code order, and the names of other regions a figure may name (a task
    the county itself answers for)."""

    def __init__(self, user: User):
        self.towns = list(towns_in_scope(user).order_by("code"))
        self.names = {t.pk: t.name for t in self.towns}
        self.codes = {t.pk: t.code for t in self.towns}

    def ids(self, *extra: dict) -> list[int]:
        """The towns, then any other region found among the keys of ``extra`` (named in one query)."""
        more = sorted({k for d in extra for k in d} - set(self.names))
        if more:
            for pk, code, name in Region.objects.filter(pk__in=more).values_list("pk", "code", "name"):
                self.names[pk], self.codes[pk] = name, code
        return [t.pk for t in self.towns] + [pk for pk in more if pk in self.names]


# ------------------------------------------------------------------ 亩均效益
def _tax_charts(towns: Towns, user: User) -> list[dict]:
    rows = evaluation.tax_per_mu_by_town(user)
    runs: dict[int, set[int]] = {}  # each county publishes its own run of a year
    for r in rows:
        runs.setdefault(r["year"], set()).add(r["run_id"])
    unit = _("亩均税收（万元/亩）")
    empty = _("还没有已发布的亩均评价：发布年度评价批次后显示。")
    if not rows:
        return [
            _chart("tax_by_town", _("各镇街亩均税收"), "", None, empty),
            _chart("tax_trend", _("亩均税收历年变化"), "", None, empty),
        ]
    latest = max(runs)
    this_year = {r["town_id"]: r for r in rows if r["year"] == latest}
    bars = [
        {
            "town": towns.names[pk],
            "n": round(this_year[pk]["tax_per_mu"] or 0, 2),
            "url": _url("evaluation_run_results", [this_year[pk]["run_id"]], town=towns.codes[pk]),
        }
        for pk in towns.ids(this_year)
        if pk in this_year
    ]
    trend = []
    for year in sorted(runs):
        of_year = [r for r in rows if r["year"] == year]
        land = sum(r["land"] for r in of_year)
        trend.append(
            {
                "year": str(year),
                "n": round(sum(r["tax"] for r in of_year) / land, 2) if land else 0,
                "url": _url("evaluation_run_results", [next(iter(runs[year]))])
                if len(runs[year]) == 1
                else _url("evaluation_runs"),
            }
        )
    line = charts.line(trend, x="year", y="n", x_title=_("评价年度"), y_title=unit, href="url", width=BAR_WIDTH)
    mark = line.pop("mark")
    mark["point"] = {"size": 80, "filled": True, "cursor": "pointer"}
    text = {"type": "text", "dy": -12, "fontSize": 12, "color": "#1f2a37"}
    line["layer"] = [
        {"mark": mark},
        {"mark": text, "encoding": {"text": {"field": "n", "type": "quantitative", "format": ".2f"}}},
    ]
    line["encoding"]["y"]["scale"] = {"domainMin": 0}
    note = _("%(y)s 年度已发布评价：参评企业实缴税收合计 ÷ 用地面积合计；点击镇街查看其评价结果") % {"y": latest}
    return [
        _chart("tax_by_town", _("各镇街亩均税收"), note, _by_town(bars, value_title=unit), empty),
        _chart(
            "tax_trend",
            _("亩均税收历年变化"),
            _("只含已发布的评价年度（%(n)s 个）；点击年度查看当年评价结果") % {"n": len(trend)},
            line,
            empty,
        ),
    ]


def _class_chart(towns: Towns, user: User) -> dict:
    title = _("各镇街评价类别")
    runs = evaluation.published_runs(user=user)  # each county's latest published run
    if not runs:
        return _chart("classes", title, "", None, _("还没有已发布的亩均评价：发布年度评价批次后显示。"))
    lab = labels_of(runs[0].policy_toml)
    counts: dict[int, dict[str, int]] = {}
    run_of: dict[int, int] = {}
    for run in runs:
        for pk, by_class in evaluation.classes_by_town(run, user).items():
            counts[pk], run_of[pk] = by_class, run.pk
    rows = [
        {
            "town": towns.names[pk],
            "cls": k,
            "n": counts.get(pk, {}).get(k, 0),
            "url": _url("evaluation_run_results", [run_of.get(pk, runs[0].pk)], town=towns.codes[pk], **{"class": k}),
        }
        for pk in towns.ids(counts)
        for k in lab.class_keys
    ]
    spec = classes_by_town(
        rows,
        lab.class_keys,
        lab.classes,
        town_title="",
        count_title=_("企业数（家）"),
        colour_title=_("类别"),
        width=BAR_WIDTH,
    )
    spec["encoding"]["color"]["legend"] = {"columns": 2}  # four class names side by side are wider than a phone
    years = "、".join(str(y) for y in sorted({r.year for r in runs}))
    note = _("%(y)s 年度已发布评价，按名次分类；点击色段查看该镇街该类企业") % {"y": years}
    return _chart("classes", title, note, spec if any(r["n"] for r in rows) else None, _("没有参评企业。"))


# ------------------------------------------------------------------ 监管/预警
def _warning_charts(towns: Towns, user: User, as_of: dt.date) -> list[dict]:
    colours = {_("红色预警"): WARN["red"], _("黄色预警"): WARN["yellow"]}
    names = dict(zip(("red", "yellow"), colours, strict=True))
    counts = warnings_by_town(user)
    rows = [
        {
            "town": towns.names[pk],
            "colour": names[c],
            "_order": i,
            "n": counts.get(pk, {}).get(c, 0),
            "url": _url("warning_board", town=towns.codes[pk], colour=c, status="active"),
        }
        for pk in towns.ids(counts)
        for i, c in enumerate(("red", "yellow"))
    ]
    by_town = _by_town(rows, value_title=_("预警对象（个）"), colour="colour", colours=colours, counts=True)
    ages = age_colour_counts(user)
    age_rows = [
        {
            "age": str(label),
            "colour": names[c],
            "_order": i,
            "n": ages.get((key, c), 0),
            "url": _url("warning_board", age=key, colour=c, status="active"),
        }
        for key, label, _lo, _hi in AGE_BUCKETS
        for i, c in enumerate(("red", "yellow"))
    ]
    by_age = charts.bar(
        [r for r in age_rows if r["n"]],
        x="age",
        y="n",
        x_title=_("问题已持续"),
        y_title=_("预警对象（个）"),
        colour="colour",
        colours=colours,
        href="url",
        sort=[str(label) for _k, label, _lo, _hi in AGE_BUCKETS],
        width=BAR_WIDTH + 60,
        height=200,
    )
    by_age["encoding"]["order"] = {"field": "_order", "type": "ordinal"}
    by_age["encoding"]["x"]["scale"] = {"domain": [str(label) for _k, label, _lo, _hi in AGE_BUCKETS]}
    none = _("没有未销号的红、黄预警。")
    return [
        _chart(
            "warnings_by_town",
            _("各镇街红、黄预警"),
            _("未销号的红色、黄色预警；点击色段查看该镇街的预警"),
            by_town if any(r["n"] for r in rows) else None,
            none,
        ),
        _chart(
            "warnings_by_age",
            _("预警已持续多久"),
            _("按对象最早一条未办结预警的首次预警日期计；点击色段查看这些对象"),
            by_age if any(r["n"] for r in age_rows) else None,
            none,
        ),
    ]


def _idle_charts(towns: Towns, user: User) -> list[dict]:
    idle = idle_land_by_town(user)
    ids = towns.ids(idle)

    def rows(field: str, places: int) -> list[dict]:
        return [
            {
                "town": towns.names[pk],
                "n": round(idle.get(pk, {}).get(field, 0), places),
                "url": _url("contract_list", town=towns.codes[pk], idle="yes"),
            }
            for pk in ids
        ]

    area, fees = rows("area_mu", 1), rows("fee_wan", 2)
    none = _("没有认定为闲置的土地。")
    return [
        _chart(
            "idle_area",
            _("各镇街闲置土地面积"),
            _("有未销号闲置土地预警的出让合同面积；点击查看这些合同"),
            _by_town(area, value_title=_("面积（亩）")) if any(r["n"] for r in area) else None,
            none,
        ),
        _chart(
            "idle_fees",
            _("各镇街应征闲置费"),
            _("未销号闲置土地预警所记的应征闲置费合计（按预警规则的闲置费比例计）；点击查看这些合同"),
            _by_town(fees, value_title=_("应征闲置费（万元）")) if any(r["n"] for r in fees) else None,
            _("没有应征的闲置费。"),
        ),
    ]


# ------------------------------------------------------------------ 整改
def _task_chart(towns: Towns, user: User, as_of: dt.date) -> dict:
    progress = task_progress_by_town(user, as_of)
    kinds = (("closed", _("已销号"), HEX["indigo"]), ("current", _("整改中"), HEX["cyan"]))
    kinds += (("overdue", _("已逾期"), WARN["red"]),)
    rows = [
        {
            "town": towns.names[pk],
            "colour": label,
            "_order": i,
            "n": progress.get(pk, {}).get(key, 0),
            "url": _url("rectification_ledger", town=towns.codes[pk], status=key),
        }
        for pk in towns.ids(progress)
        for i, (key, label, _hex) in enumerate(kinds)
    ]
    rows = [r for r in rows if any(x["n"] for x in rows if x["town"] == r["town"])]  # towns with tasks only
    spec = _by_town(
        rows,
        value_title=_("整改任务（项）"),
        colour="colour",
        colours={label: hx for _k, label, hx in kinds},
        counts=True,
    )
    return _chart(
        "tasks",
        _("各镇街整改进度"),
        _("截至 %(d)s；点击色段查看整改台账中的这些任务") % {"d": as_of.isoformat()},
        spec if rows else None,
        _("没有整改任务。"),
    )


def dashboard_charts(user: User, as_of: dt.date) -> list[dict]:
    """Every chart of the dashboard for ``user`` (scoped), in the order the page shows them. Kept in the cache per
    scope, day and language until a write of the apps it reads commits (kit.cache): the leader's home page and the
    dashboard read every evaluation result, warning, parcel and task of the scope."""
    return cached(DASHBOARD_APPS, f"dashboard:{scope_key(user)}:{as_of.isoformat()}", lambda: _charts(user, as_of))


DASHBOARD_APPS = ("registry", "evaluation", "supervision", "rectification")


def _charts(user: User, as_of: dt.date) -> list[dict]:
    towns = Towns(user)
    return [
        *_tax_charts(towns, user),
        _class_chart(towns, user),
        *_warning_charts(towns, user, as_of),
        *_idle_charts(towns, user),
        _task_chart(towns, user, as_of),
    ]


@report_view  # read from the replica when there is one (kit.replica): a report may be a moment old
def dashboard(request):
    as_of = today()
    return render(request, "web/dashboard.html", {"charts": dashboard_charts(request.user, as_of), "as_of": as_of})
