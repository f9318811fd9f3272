"""An enterprise's evaluation notice (亩均效益综合评价结果告知书) as a print page and PDF (kit/printing.py): the
year, class, score and rank, each indicator against its benchmark, the year's figures, the policy version used and
the class's differentiated policy. Only a published run is notified (a draft is the county's until published, a
superseded run has been replaced): anything else is a 404, as is an enterprise outside the reader's scope."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import translation

from landcycle.accounts.scope import access
from landcycle.kit.params import int_param
from landcycle.kit.printing import Document, document_response
from landcycle.registry.models import Enterprise, Region

from ..labels import labels_of
from ..models import EvaluationResult, EvaluationRun, YearlyFigure
from .results import _breakdown

FIGURES = (
    ("revenue", "主营业务收入", "万元", 2),
    ("tax", "实缴税收", "万元", 2),
    ("value_added", "工业增加值", "万元", 2),
    ("energy_tce", "综合能耗", "吨标准煤", 2),
    ("emissions_t", "主要污染物排放", "吨", 3),
    ("rnd", "研发经费", "万元", 2),
    ("staff", "年平均职工人数", "人", 0),
    ("electricity_10k_kwh", "用电量", "万千瓦时", 2),
)


def _published_result(ent, wanted) -> EvaluationResult:
    qs = EvaluationResult.objects.filter(enterprise=ent, run__status=EvaluationRun.Status.PUBLISHED).select_related(
        "run__policy", "town"
    )
    if wanted is not None:
        qs = qs.filter(run_id=wanted)
    result = qs.order_by("-run__year", "-run__pk").first()
    if result is None:
        raise Http404
    return result


def _county_of(town) -> str:
    region = town
    while region is not None and region.level != Region.Level.COUNTY and region.parent_id:
        region = region.parent
    return region.name if region is not None else ""


def _notice_context(ent, result: EvaluationResult) -> dict:
    """What the notice shows, named in Chinese (the notice is an official paper whatever the reader's language)."""
    run = result.run
    lab = labels_of(run.policy_toml)
    figure = YearlyFigure.objects.filter(enterprise=ent, year=run.year).first()
    flags = result.flags or {}
    return {
        "ent": ent,
        "result": result,
        "run": run,
        "labels": lab,
        "policy_title": lab.policy.title_zh,
        "class_name": lab.classes.get(result.evaluation_class, ""),
        "level": next((c for c in lab.policy.classes if c.key == result.evaluation_class), None),
        "rows": _breakdown(result, lab),
        "reason": lab.reason(result),
        "group_label": lab.group(result.group) if result.group else "—",
        "vetoes": [lab.rules["veto"].get(k, k) for k in flags.get("vetoes", [])],
        "exemption": lab.rules["exemption"].get(flags.get("exemption"), flags.get("exemption")),
        "figures": [
            {"label": label, "unit": unit, "value": getattr(figure, key), "places": places}
            for key, label, unit, places in FIGURES
            if figure is not None and getattr(figure, key) is not None
        ],
    }


def enterprise_notice(request, pk):
    """``?run=`` a published run (default: the latest published run that evaluated the enterprise)."""
    ent = access(Enterprise.objects.select_related("town"), request.user, pk=pk)
    result = _published_result(ent, int_param(request.GET.get("run")))
    run = result.run
    with translation.override("zh-hans"):
        ctx = _notice_context(ent, result)
    county = _county_of(result.town)
    doc = Document(
        kind="EV-NOTICE",
        title=f"{run.year}年度亩均效益综合评价结果告知书",
        object_ref=f"{run.pk}-{ent.pk}",
        filename=f"{run.year}年度亩均效益综合评价结果告知书_{ent.name}",
        authority=f"{county}亩均效益综合评价工作领导小组办公室" if county else "",
        letterhead=True,
    )
    back = reverse("evaluation_enterprise", args=[ent.pk]) + f"?run={run.pk}"
    return document_response(request, "evaluation/print/notice.html", ctx, doc, back=back)
