"""A run's official result table (the county's, or a town's) with its .xlsx export, and an enterprise's
breakdown: each indicator against its benchmark, the contribution and its cap, the reason, the policy
version, and its class over the years. Results are read through the user's scope; an enterprise outside
it is a 404 (``accounts.scope.access``)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, access, can_write, may_write_or_404, scoped
from landcycle.kit import i18n
from landcycle.kit.listing import Filter, Listing, file_response, kpi
from landcycle.kit.pagecache import cached_page
from landcycle.kit.params import int_param
from landcycle.registry.models import Enterprise, Region
from landcycle.registry.selectors import town_choices
from landcycle.rules.problems import RuleError

from .. import selectors
from ..facts import CATEGORY_LABELS, kind_map, shipped_kinds
from ..forms import FactForm
from ..labels import labels_of
from ..models import EvaluationFact, EvaluationResult, EvaluationRun
from ..services.facts import fact_delete, fact_record
from ..xlsx import results_xlsx
from . import town_level, writer


def _listing(request, run: EvaluationRun, lab):
    user = request.user
    outcomes = [(v, str(label)) for v, label in EvaluationResult.Outcome.choices]
    listing = Listing(
        request,
        search_fields=("enterprise__name", "enterprise__uscc"),
        search_label=_("企业名称或信用代码"),
        filters=[
            Filter("town", _("镇街"), town_choices(user), "town__code"),
            Filter("group", _("分组"), list(lab.groups.items()), "group"),
            Filter("class", _("类别"), [(k, f"{k} {v}") for k, v in lab.classes.items()], "evaluation_class"),
            Filter("outcome", _("评价情况"), outcomes, "outcome"),
        ],
        sorts={
            "rank": ("outcome", "_group_order", "rank"),
            "score": ("score",),
            "name": ("enterprise__name",),
            "town": ("town__code", "_group_order", "rank"),
            "land": ("land_mu",),
        },
        default_order=("outcome", "_group_order", "rank"),
    )
    if listing.q and listing.q.isascii():
        listing.q = listing.q.upper()
    order = Case(
        *[When(group=g, then=Value(i)) for i, g in enumerate(lab.groups)],
        default=Value(99),
        output_field=IntegerField(),
    )
    qs = selectors.results_in_scope(run, user).annotate(_group_order=order)
    return listing, listing.ordered(listing.filtered(qs))


def _scope_title(request, listing) -> str:
    town_code = next((f.value for f in listing.filters if f.name == "town" and f.value), "")
    if town_code:
        return Region.objects.filter(code=town_code).values_list("name", flat=True).first() or town_code
    user = request.user
    if town_level(user) and user.region_id:
        return user.region.name
    return _("全县")


@cached_page
def run_results(request, pk):
    run = get_object_or_404(selectors.runs_for(request.user), pk=pk)
    lab = labels_of(run.policy_toml)
    listing, qs = _listing(request, run, lab)
    where = _scope_title(request, listing)
    title = _("%(y)s年度亩均效益评价结果（%(where)s）") % {"y": run.year, "where": where}
    if request.GET.get("export") == "xlsx":
        rows = qs.select_related("enterprise", "town")
        return file_response(results_xlsx(run, rows, lab, title=title), title, "xlsx")
    totals = selectors.totals(qs, lab.class_keys)
    evaluated = totals["evaluated"] or 0
    kpis = [kpi(_("企业"), totals["total"], _("家"), note=_("参评 %(n)s 家") % {"n": f"{evaluated:,}"})]
    for k in lab.class_keys:
        n = totals.get(f"c_{k}", 0)
        kpis.append(
            kpi(f"{k} {lab.classes[k]}", n, _("家"), note=f"{100.0 * n / evaluated:.1f}%" if evaluated else "—")
        )
    page = listing.page(qs.select_related("enterprise", "town"))
    tax_key = "tax_per_mu" if "tax_per_mu" in lab.indicators else None
    for r in page.object_list:
        r.group_label = lab.group(r.group) if r.group else "—"
        r.tax_per_mu = (r.indicators.get(tax_key) or {}).get("value") if tax_key else None
        r.reason = lab.reason(r)
    return render(
        request,
        "evaluation/result_list.html",
        {
            "run": run,
            "labels": lab,
            "class_keys": lab.class_keys,
            "listing": listing,
            "page_obj": page,
            "kpis": kpis,
            "title": title,
            "where": where,
            "tax_key": tax_key,
        },
    )


def _breakdown(result: EvaluationResult, lab) -> list[dict]:
    """One row per indicator of the firm's group: value, benchmark, ratio, weight, cap, contribution."""
    group = next((g for g in lab.policy.groups if g.key == result.group), None)
    rows = []
    for ind in group.indicators if group else []:
        got = result.indicators.get(ind.key) or {}
        value, bench, contrib = got.get("value"), got.get("benchmark"), got.get("contribution")
        ratio = None
        if value is not None and bench:
            ratio = value / bench if ind.direction == "higher" else (bench / value if value else None)
        share = ind.unit == "1"  # a ratio (R&D / revenue) is shown in per cent
        rows.append(
            {
                "key": ind.key,
                "label": lab.indicators[ind.key]["label"],
                "unit": "%" if share else ind.unit,
                "value": value * 100 if share and value is not None else value,
                "benchmark": bench * 100 if share and bench is not None else bench,
                "ratio": ratio,
                "places": 2 if share else 4,
                "weight": ind.weight,
                "cap": ind.cap,
                "contribution": contrib,
                "imputed": got.get("imputed", False),
                "capped": ind.cap is not None and contrib is not None and contrib >= ind.cap - 1e-9,
                "bar": 0 if contrib is None or not ind.cap else min(100.0, 100.0 * contrib / ind.cap),
                "mark": 100.0 * ind.weight / ind.cap if ind.cap else None,
            }
        )
    return rows


def scoped_enterprises(user):
    return scoped(Enterprise.objects.all(), user)


def _fact_rows(ent) -> list:
    known = kind_map()
    facts = list(EvaluationFact.objects.filter(enterprise=ent).order_by("-year", "kind", "pk"))
    for f in facts:
        k = known.get(f.kind)
        f.label = k.label if k else f.kind
        f.category_key = k.category if k else ""
        f.category = str(CATEGORY_LABELS.get(k.category, "")) if k else ""
    return facts


def _facts_post(request, ent):
    """POST on the enterprise page: record a fact (``action=fact``) or delete one (``action=fact_delete``).
    Returns (redirect or None, the bound form)."""
    may_write_or_404(request.user, Area.EVALUATION)
    kinds = [(k.kind, f"{CATEGORY_LABELS[k.category]}：{k.label}") for k in shipped_kinds()]
    if request.POST.get("action") == "fact_delete":
        fact = get_object_or_404(EvaluationFact, pk=request.POST.get("fact") or 0, enterprise=ent)
        fact_delete(actor=request.user, fact=fact)
        messages.success(request, _("已删除评价事项。"))
        return redirect(f"{request.path}#facts"), None
    form = FactForm(request.POST, kinds=kinds)
    if form.is_valid():
        d = form.cleaned_data
        try:
            fact_record(
                actor=request.user,
                enterprise=ent,
                year=d["year"],
                kind=d["kind"],
                value=d["value"],
                occurred_on=d["occurred_on"],
                source=d["source"],
                note=d["note"],
            )
        except RuleError as exc:
            for p in exc.problems:
                form.add_error(p.field if p.field in form.fields else None, i18n.text(p))
        else:
            messages.success(request, _("已登记评价事项；下次计算评价批次时生效。"))
            return redirect(f"{request.path}#facts"), None
    return None, form


def enterprise_result(request, pk):
    """The enterprise's result in one run (``?run=``; default the latest published run that has it), its
    class over the years, and its evaluation facts (vetoes, protections, 政策性搬迁, merged units) with the
    form that records them (county administrator, city analyst)."""
    ent = access(Enterprise.objects.select_related("town"), request.user, pk=pk)
    fact_form = None
    if request.method == "POST":
        done, fact_form = _facts_post(request, ent)
        if done is not None:
            return done
    history = selectors.enterprise_history(ent, request.user)
    wanted = request.GET.get("run")
    result = None
    if int_param(wanted) is not None:
        result = next((r for r in history if r.run_id == int_param(wanted)), None)
    if result is None:
        result = next((r for r in history if r.run.status == EvaluationRun.Status.PUBLISHED), None) or (
            history[0] if history else None
        )
    can_facts = can_write(request.user, Area.EVALUATION)
    if fact_form is None and can_facts:
        latest = (
            result.run.year
            if result is not None
            else (ent.figures.order_by("-year").values_list("year", flat=True).first())
        )
        fact_form = FactForm(
            kinds=[(k.kind, f"{CATEGORY_LABELS[k.category]}：{k.label}") for k in shipped_kinds()],
            initial={"year": latest},
        )
    ctx = {
        "ent": ent,
        "history": history,
        "result": result,
        "years": selectors.class_by_year(history),
        "can_run": writer(request),
        "facts": _fact_rows(ent),
        "fact_form": fact_form,
        "can_facts": can_facts,
    }
    if result is not None:
        lab = labels_of(result.run.policy_toml)
        level = next((c for c in lab.policy.classes if c.key == result.evaluation_class), None)
        flags = result.flags or {}
        ctx.update(
            {
                "labels": lab,
                "class_keys": lab.class_keys,
                "rows": _breakdown(result, lab),
                "level": level,
                "reason": lab.reason(result),
                "group_label": lab.group(result.group) if result.group else "—",
                "vetoes": [lab.rules["veto"].get(k, k) for k in flags.get("vetoes", [])],
                "protections": [lab.rules["protection"].get(k, k) for k in flags.get("protections", [])],
                "exemption": lab.rules["exemption"].get(flags.get("exemption"), flags.get("exemption")),
                "imputed": [lab.indicators.get(k, {}).get("label", k) for k in flags.get("imputed", [])],
            }
        )
        ctx["total_weight"] = sum(r["weight"] for r in ctx["rows"])
        ctx["year_facts"] = [f for f in ctx["facts"] if f.year == result.run.year]
        merge_key = flags.get("merge_key")
        if merge_key:
            mates = EvaluationResult.objects.filter(run=result.run, flags__merge_key=merge_key).values_list(
                "enterprise_id", flat=True
            )
            ctx["merge_key"] = merge_key
            ctx["merge_members"] = list(scoped_enterprises(request.user).filter(pk__in=list(mates)).order_by("name"))
        for h in history:
            h.class_label = labels_of(h.run.policy_toml).classes.get(h.evaluation_class, "")
    return render(request, "evaluation/enterprise_result.html", ctx)
