"""The renewal forms: they read and convert input; the services apply the rules and their bilingual problems are put
back beside the fields they name."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from landcycle.kit.forms import DATE, EditForm
from landcycle.rectification.evidence import allowed
from landcycle.rectification.forms import MultipleFileField
from landcycle.rectification.policy import rectification_policy
from landcycle.registry.models import Enterprise, Park, Region
from landcycle.rules import renewal as rules

from .models import FirmFate, Milestone, RenewalProject

MONTH = forms.DateInput(attrs={"type": "month", "autocomplete": "off"}, format="%Y-%m")


def _num(label, required=False, places=2):
    return forms.DecimalField(label=label, required=required, decimal_places=places, max_digits=14, min_value=0)


class ProjectForm(EditForm):
    number = forms.CharField(label=_("项目编号"), max_length=40)
    name = forms.CharField(label=_("项目名称"), max_length=120)
    town = forms.ModelChoiceField(label=_("所属镇街"), queryset=Region.objects.none())
    kind = forms.ChoiceField(label=_("改造方式"), choices=RenewalProject.Kind.choices)
    parks = forms.ModelMultipleChoiceField(label=_("涉及园区"), queryset=Park.objects.none())
    lead_unit = forms.CharField(label=_("牵头单位"), max_length=100, required=False)
    lead_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    planned_start = forms.DateField(label=_("计划开始"), widget=DATE)
    planned_end = forms.DateField(label=_("计划完成"), widget=DATE)
    area_mu = _num(_("改造面积（亩）"), required=True)
    demolish_mu = _num(_("拆除用地（亩）"))
    demolish_m2 = _num(_("拆除建筑面积（平方米）"))
    rebuild_mu = _num(_("重建用地（亩）"))
    rebuild_m2 = _num(_("重建建筑面积（平方米）"))
    illegal_m2 = _num(_("拆除违建（平方米）"))
    investment = _num(_("计划投资（万元）"))
    new_floor_m2 = _num(_("新增建筑面积（平方米）"))
    plot_ratio = _num(_("容积率"))
    target_tax_per_mu = _num(_("目标亩均税收（万元/亩）"))
    target_firms = forms.IntegerField(label=_("计划引进企业（家）"), required=False, min_value=0, max_value=100_000)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("name", "parks", "note")

    def __init__(self, *args, user, towns, parks, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["town"].queryset = towns
        self.fields["parks"].queryset = parks
        self.fields["parks"].label_from_instance = lambda p: f"{p.town.name} · {p.name}"
        for kind in rules.MILESTONES:
            self.fields[f"m_{kind}"] = forms.DateField(
                label=_("计划节点：%(name)s") % {"name": Milestone.Kind(kind).label}, required=False, widget=DATE
            )


class ApproveForm(EditForm):
    approved_on = forms.DateField(label=_("批准日期"), widget=DATE)
    document = forms.CharField(label=_("批准文件"), max_length=200)


class StartForm(EditForm):
    started_on = forms.DateField(label=_("开始实施日期"), widget=DATE)


class ReportForm(EditForm):
    """The monthly report, made to be filled on a phone at the site."""

    multipart = True
    period = forms.DateField(label=_("报送月份"), widget=MONTH, input_formats=["%Y-%m", "%Y-%m-%d"])
    percent_done = forms.IntegerField(label=_("总体进度（%）"), min_value=0, max_value=100)
    demolished_mu = _num(_("累计拆除用地（亩）"))
    removed_m2 = _num(_("累计拆除建筑（平方米）"))
    investment_made = _num(_("累计完成投资（万元）"))
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("佐证材料"), required=False)
    wide_fields = ("text", "files")

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.initial.setdefault("period", timezone.localdate().replace(day=1))
        for name in ("percent_done", "demolished_mu", "removed_m2", "investment_made"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "class": "big"})
        policy = rectification_policy()
        ok = allowed(policy)
        self.fields["files"].widget.attrs["accept"] = ",".join(
            ["image/*", "application/pdf"] + [f".{e}" for e in sorted(ok.extensions)]
        )
        self.fields["files"].help_text = _("可多选；允许 %(types)s，单个文件不超过 %(mb)s MB") % {
            "types": "、".join(sorted(ok.extensions)),
            "mb": f"{ok.max_mb:g}",
        }
        self.milestones = [m for m in project.milestones.all() if m.kind != rules.M_APPROVAL]
        for m in self.milestones:
            self.fields[f"m_{m.kind}"] = forms.DateField(
                label=_("%(name)s 实际完成日期") % {"name": m.get_kind_display()},
                required=False,
                widget=DATE,
                help_text=_("计划 %(date)s") % {"date": m.planned_on.isoformat()},
                initial=m.done_on,
            )

    def milestones_done(self) -> dict:
        d = self.cleaned_data
        return {m.kind: d[f"m_{m.kind}"] for m in self.milestones if d.get(f"m_{m.kind}") != m.done_on}


class FateForm(EditForm):
    fate = forms.ChoiceField(label=_("去向"), choices=FirmFate.Fate.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("日期"), widget=DATE, required=False)
    destination = forms.ModelChoiceField(label=_("迁入园区（县内搬迁）"), queryset=Park.objects.none(), required=False)
    merged_into = forms.ModelChoiceField(
        label=_("并入企业（兼并重组）"), queryset=Enterprise.objects.none(), required=False
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    wide_fields = ("fate", "note")

    def __init__(self, *args, user, parks, firms, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["destination"].queryset = parks
        self.fields["destination"].label_from_instance = lambda p: f"{p.town.name} · {p.name}"
        self.fields["merged_into"].queryset = firms
