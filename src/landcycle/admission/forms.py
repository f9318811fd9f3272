"""Forms of the admission pages. Numbers and dates are taken as text and converted by the services, so that
"not a number" comes back as a bilingual problem beside its field like every other rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import scoped
from landcycle.kit.forms import EditForm
from landcycle.registry.models import Park
from landcycle.rules.admission.application import FIGURE_FIELDS, FIGURES

from .models import Decision, Opinion

DATE_ATTRS = {"placeholder": "2026-01-31", "autocomplete": "off", "inputmode": "numeric", "class": "date"}


def _text(label, required=False, help_text="", **attrs):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


def _figure_label(name: str) -> str:
    zh, _en, unit = FIGURES[name]
    return f"{zh}（{unit}）" if unit else zh


class ApplicationForm(EditForm):
    number = forms.CharField(label=_("申请编号"), max_length=40)
    project = forms.CharField(label=_("项目名称"), max_length=200)
    park = forms.ChoiceField(label=_("拟入园区"))
    enterprise = _text(_("已登记企业"), help_text=_("申请企业已在“企业”中登记时，填写其统一社会信用代码或全称"))
    applicant_name = forms.CharField(
        label=_("申请单位"), max_length=200, required=False, help_text=_("新设企业填写名称和统一社会信用代码")
    )
    applicant_uscc = _text(_("统一社会信用代码"))
    parcels = _text(_("申请地块"), help_text=_("地块编号，多个用逗号分隔；可不填，只填申请用地面积"))
    industry_code = _text(_("行业代码（GB/T 4754-2017）"), help_text=_("4位小类，如 3851"), inputmode="numeric")
    planned_delivery = _text(_("计划交地日期"), **DATE_ATTRS)
    planned_start = _text(_("计划开工日期"), **DATE_ATTRS)
    planned_completion = _text(_("计划竣工日期"), **DATE_ATTRS)
    planned_production = _text(_("计划达产日期"), **DATE_ATTRS)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wide_fields = ("project", "note")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        parks = scoped(Park.objects.select_related("town"), user).order_by("town__code", "code")
        self.fields["park"].choices = [("", "—")] + [(p.code, f"{p.town.name} · {p.name}") for p in parks]
        for name in FIGURE_FIELDS:
            self.fields[name] = _text(_figure_label(name), inputmode="decimal")
        order = ["number", "project", "park", "enterprise", "applicant_name", "applicant_uscc", "parcels"]
        order += ["industry_code", *FIGURE_FIELDS, "planned_delivery", "planned_start"]
        order += ["planned_completion", "planned_production", "note"]
        self.order_fields(order)

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


def application_initial(a) -> dict:
    d = {name: "" if getattr(a, name) is None else getattr(a, name) for name in FIGURE_FIELDS}
    for name in ("planned_delivery", "planned_start", "planned_completion", "planned_production"):
        v = getattr(a, name)
        d[name] = v.isoformat() if v else ""
    d.update(
        number=a.number,
        project=a.project,
        park=a.park.code,
        enterprise=a.enterprise.uscc if a.enterprise_id else "",
        applicant_name=a.applicant_name,
        applicant_uscc=a.applicant_uscc,
        parcels=", ".join(a.parcels.values_list("number", flat=True)),
        industry_code=a.industry_code,
        note=a.note,
    )
    return d


class OpinionForm(forms.Form):
    department = forms.ChoiceField(label=_("部门"), choices=Opinion.Department.choices)
    opinion = forms.ChoiceField(label=_("意见"), choices=Opinion.Kind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("意见说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("决定"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exception = forms.BooleanField(label=_("一事一议（未通过准入规则仍准予入园）"), required=False)


class SignForm(forms.Form):
    number = forms.CharField(label=_("合同编号"), max_length=60)
    signed_on = forms.DateField(label=_("合同签订日期"), widget=forms.TextInput(attrs=DATE_ATTRS))


class RulesForm(forms.Form):
    text = forms.CharField(label=_("准入规则（TOML）"), widget=forms.Textarea(attrs={"rows": 24, "class": "mono"}))
    effective_from = forms.DateField(
        label=_("生效日期"),
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        help_text=_("留空则取规则文本中的 effective_from"),
    )
    note = forms.CharField(label=_("修改说明"), max_length=300, required=False)


class WhatIfForm(forms.Form):
    park = forms.ChoiceField(label=_("园区"))
    land_mu = forms.DecimalField(label=_("用地面积（亩）"), min_value=0.01, max_digits=12, decimal_places=4)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parks = scoped(Park.objects.select_related("town"), user).order_by("town__code", "code")
        self.fields["park"].choices = [(p.code, f"{p.town.name} · {p.name}") for p in parks]
