"""The entry rules: a county's page (every park's rules, the county's saved versions, its administrator's edit
form showing the problems of a bad text), one park's rules in plain Chinese, and the what-if for an officer.

Each county keeps its own (issue 18): the page shows one county, ``?county=`` among the counties of the user's
region (a county's or a town's user: their own; the province's or a city's: a picker, by default the first);
another county's code answers 404. Only that county's own administrator (or a superuser) saves a version."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.scope import access, scoped
from landcycle.countypolicy.selectors import counties_for, in_force
from landcycle.registry.models import Park
from landcycle.rules.admission.check import minimums, shown
from landcycle.rules.admission.metrics import METRICS
from landcycle.rules.admission.policy import ParkRules, PolicyError, load_policy, rules_for

from ..forms import RulesForm, WhatIfForm
from ..models import RuleSet
from ..services.rules import may_keep, policy_on, ruleset_save, shipped_text


def rule_rows(rules: ParkRules) -> list[dict]:
    """A park's rules as table rows: what, the requirement in words, the source, where it was set."""
    rows = []
    for key, m in METRICS.items():
        t = rules.thresholds.get(key)
        if t is None or (t.min is None and t.max is None):
            continue
        need = []
        if t.min is not None:
            need.append(_("不低于 %(v)s%(u)s") % {"v": shown(t.min), "u": m.unit})
        if t.max is not None:
            need.append(_("不高于 %(v)s%(u)s") % {"v": shown(t.max), "u": m.unit})
        rows.append(
            {
                "name": m.zh,
                "need": "，".join(need),
                "formula": m.formula_zh,
                "source": t.source,
                "layer": t.layer,
                "dated": t.dated,
            }
        )
    groups: dict[tuple, list] = {}  # one row per layer and document: each entry cites the rule it comes from
    for e in rules.negative:
        groups.setdefault((e.layer, e.source, e.dated), []).append(e)
    for (layer, source, dated), entries in groups.items():
        rows.append(
            {
                "name": _("负面清单"),
                "need": "；".join(f"{e.prefix} {e.reason}" for e in entries),
                "formula": _("行业代码以所列前缀开头的不予准入"),
                "source": source,
                "layer": layer,
                "dated": dated,
            }
        )
    if rules.positive:
        e0 = rules.positive[0]
        items = "、".join(e.prefix for e in rules.positive)
        rows.append(
            {
                "name": _("准入产业目录"),
                "need": _("仅限 %(p)s") % {"p": items},
                "formula": _("行业代码须以所列前缀开头"),
                "source": e0.source,
                "layer": e0.layer,
                "dated": e0.dated,
            }
        )
    return rows


def park_rules_page(request, pk):
    park = access(Park.objects.select_related("town"), request.user, pk=pk)
    policy, rs = policy_on(timezone.localdate(), park.town.code)
    rules = rules_for(policy, park.code, park.kind)
    return render(
        request,
        "admission/park_rules.html",
        {"park": park, "rows": rule_rows(rules), "policy": policy, "rule_set": rs, "empty": rules.is_empty},
    )


def _layers(policy, parks: list) -> list[dict]:
    """The rules as the county keeps them, each layer once: the county's default, each kind of park's, and the
    parks' own (of the parks the user sees) — not every park's whole table again."""
    kinds = dict(Park.Kind.choices)
    out = [{"title": _("全县默认规则"), "rows": rule_rows(policy.default)}]
    for kind, layer in policy.kinds.items():
        out.append({"title": _("%(kind)s通用规则") % {"kind": kinds.get(kind, kind)}, "rows": rule_rows(layer)})
    for p in parks:
        if p.code in policy.parks:
            out.append(
                {"title": _("%(park)s专门规则") % {"park": p.name}, "park": p, "rows": rule_rows(policy.parks[p.code])}
            )
    return out


def _county(request):
    """(the counties the user reads, the one shown): ``?county=`` among them, else the first; another: 404."""
    counties = list(counties_for(request.user))
    wanted = request.GET.get("county", "")
    if not wanted:
        return counties, counties[0] if counties else None
    county = next((c for c in counties if c.code == wanted), None)
    if county is None:
        raise Http404
    return counties, county


def rules_page(request):
    user = request.user
    counties, county = _county(request)
    admin = county is not None and may_keep(user, county)
    policy, rs = policy_on(timezone.localdate(), county)  # the county's own rules, else the shipped file
    form = None
    problems: list = []
    if admin:
        form = RulesForm(request.POST or None, initial={"text": rs.text if rs else shipped_text()})
        if request.method == "POST" and form.is_valid():
            try:
                ruleset_save(actor=user, county=county, **form.cleaned_data)
            except PolicyError as exc:
                problems = list(exc.problems)
            else:
                messages.success(request, _("新版准入规则已保存，自生效日期起用于审查；已作出的审查结论不变。"))
                return redirect(f"{reverse('admission_rules')}?county={county.code}")
    elif request.method == "POST":
        raise Http404
    parks = Park.objects.select_related("town")
    parks = parks.filter(town__code__startswith=county.code) if county is not None else parks.none()
    parks = list(scoped(parks, user).order_by("town__code", "code"))
    return render(
        request,
        "admission/rules.html",
        {
            "policy": policy,
            "rule_set": rs,
            "history": list(RuleSet.objects.select_related("saved_by").filter(county=county)) if county else [],
            "layers": _layers(policy, parks),
            "parks": [{"park": p, "own": p.code in policy.parks} for p in parks],
            "form": form,
            "problems": problems,
            "shipped": load_policy(),
            "county_own": None if rs is not None else in_force("admission", county),
            "county": county,
            "counties": counties if len(counties) > 1 else [],
        },
    )


def whatif_page(request):
    form = WhatIfForm(request.GET or None, user=request.user)
    result = None
    if request.GET and form.is_valid():
        park = access(Park.objects.all(), request.user, code=form.cleaned_data["park"])
        policy, _rs = policy_on(timezone.localdate(), park.town.code)
        rules = rules_for(policy, park.code, park.kind)
        result = {
            "park": park,
            "land": form.cleaned_data["land_mu"],
            "minimums": minimums(rules, form.cleaned_data["land_mu"]),
            "rows": rule_rows(rules),
        }
    return render(request, "admission/whatif.html", {"form": form, "result": result})
