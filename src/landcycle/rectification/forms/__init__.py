"""Forms of the rectification pages. They read and convert input only; every rule is applied by the
services, whose bilingual problems are put beside the fields they name. Django's own form errors (a
required field, a date that is not a date) are turned into bilingual problems too (:meth:`RectForm.form_problems`),
so that every message under a field reads in Chinese and in English."""

from __future__ import annotations

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import region_prefix
from landcycle.kit.forms import DATE, EditForm
from landcycle.registry.models import Region
from landcycle.rules.problems import Problem

from ..models import Inspection, RelapseCheck, RoundItem
from .links import LinkFields


class RectForm(EditForm):
    multipart = False
    errors_as_problems = True  # Django's errors reach the page as bilingual problems (form_problems), not twice
    marked: tuple[str, ...] = ()  # required by the service's rules (marked *), checked there in both languages

    def attach_problems(self, problems) -> None:
        """Beside the field they name; problems of hidden fields (the task's version) and of the form as a
        whole at the top."""
        hidden = {f.name for f in self.hidden_fields()} - {"version"}  # the version: EditForm
        super().attach_problems([p for p in problems if p.field not in hidden])
        self.top_problems += [p for p in problems if p.field in hidden]

    def form_problems(self) -> list[Problem]:
        """The form's own errors as bilingual problems (field ``__all__`` for the form as a whole)."""
        out = []
        for field, errors in self.errors.as_data().items():
            for err in errors:
                with translation.override("zh-hans"):
                    zh = " ".join(str(m) for m in err.messages)
                with translation.override("en"):
                    en = " ".join(str(m) for m in err.messages)
                out.append(Problem(field, f"form.{err.code or 'invalid'}", zh, en))
        return out


def regions_on_branch(user):
    """The county (for county-wide work) and the towns the user may write about."""
    prefix = region_prefix(user)
    qs = Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWN])
    return qs.none() if prefix is None else qs.filter(code__startswith=prefix).order_by("code")


def _region_label(r: Region) -> str:
    return _("%(name)s（全市）") % {"name": r.name} if r.level == Region.Level.COUNTY else r.name


class InspectionForm(RectForm):
    kind = forms.ChoiceField(label=_("检查类型"), choices=Inspection.Kind.choices)
    title = forms.CharField(label=_("检查名称"), max_length=200)
    body = forms.CharField(label=_("检查机关"), max_length=100, help_text=_("如：省委巡视组、慈溪市纪委市监委"))
    started_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    regions = forms.ModelMultipleChoiceField(
        label=_("被检查地区"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
    )
    other_units = forms.CharField(
        label=_("被检查单位"),
        max_length=300,
        required=False,
        help_text=_("不属于上列地区的单位（如市级部门），用顿号分隔"),
    )
    summary = forms.CharField(label=_("情况摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("regions", "other_units", "summary")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["regions"].queryset = regions_on_branch(user)
        self.fields["regions"].label_from_instance = _region_label
        self.marked = ("regions",)


class CheckForm(RectForm):
    """A supervision check held (监督检查), recorded in one line from the ledger page."""

    held_on = forms.DateField(label=_("检查日期"), widget=DATE)
    region = forms.ModelChoiceField(label=_("被检查地区"), queryset=None, empty_label=None)
    body = forms.CharField(label=_("检查机关"), max_length=100)
    title = forms.CharField(label=_("检查事项"), max_length=200, required=False, help_text=_("不填则记为“监督检查”"))
    summary = forms.CharField(label=_("情况摘要"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wide_fields = ("summary",)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = regions_on_branch(user)
        self.fields["region"].label_from_instance = _region_label
        self.initial.setdefault("held_on", timezone.localdate())
        self.initial.setdefault("body", getattr(user, "organisation", "") or "")


class FindingForm(RectForm):
    summary = forms.CharField(label=_("问题概述"), max_length=300)
    found_on = forms.DateField(label=_("发现（反馈）日期"), widget=DATE)
    source_text = forms.CharField(
        label=_("原文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("反馈意见或检查记录中的原话"),
    )
    wide_fields = ("summary", "source_text")


class SuggestionForm(RectForm):
    text = forms.CharField(label=_("意见建议"), widget=forms.Textarea(attrs={"rows": 3}))
    made_on = forms.DateField(label=_("提出日期"), widget=DATE)
    finding = forms.ModelChoiceField(
        label=_("相关问题"), queryset=None, required=False, empty_label=_("（不针对具体问题）")
    )
    wide_fields = ("text",)

    def __init__(self, *args, user, inspection, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["finding"].queryset = inspection.findings.all()


class TaskForm(LinkFields, RectForm):
    title = forms.CharField(label=_("整改任务"), max_length=200)
    town = forms.ModelChoiceField(
        label=_("责任镇街"),
        queryset=None,
        required=False,
        help_text=_("由县级部门负责时选择“（全市）”一项，并填写责任部门"),
    )
    department = forms.CharField(label=_("责任部门"), max_length=100, required=False)
    person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    assigned_on = forms.DateField(label=_("交办日期"), widget=DATE)
    deadline = forms.DateField(label=_("整改时限"), widget=DATE, required=False)
    measures = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    wide_fields = ("title", "measures", "parks")
    marked = ("town", "deadline", "measures")
    field_order = ("title", "town", "department", "person", "assigned_on", "deadline", "measures")

    def __init__(self, *args, user, task=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["town"].queryset = regions_on_branch(user)
        self.fields["town"].label_from_instance = _region_label
        self.setup_links(user, town=task.town if task is not None else None)
        if task is not None:  # an edit: the lock and the reason of a moved deadline
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["note"] = forms.CharField(
                label=_("修改说明"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("调整整改时限时必填：写明延期或提前的原因"),
            )
            self.order_fields([*self.field_order[:6], "note"])  # beside the deadline it explains
            self.initial.update(task_initial(task))


class TaskLinksForm(LinkFields, RectForm):
    """The officer of the task's town: the parks, parcels, enterprises and contracts the task concerns."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    wide_fields = ("parks", "parcels", "enterprises", "contracts")

    def __init__(self, *args, user, task, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.setup_links(user, town=task.town)
        self.initial.update({"version": task.version} | LinkFields.initial_of(task))


def task_initial(task) -> dict:
    out = {
        name: getattr(task, name)
        for name in ("title", "department", "person", "measures", "assigned_on", "deadline", "version")
    }
    out["town"] = task.town_id
    return out | LinkFields.initial_of(task)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressForm(RectForm):
    multipart = True
    version = forms.IntegerField(widget=forms.HiddenInput)
    percent_done = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    reported_on = forms.DateField(label=_("报送日期"), widget=DATE)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("佐证材料"), required=False)
    request_close = forms.BooleanField(label=_("整改已完成，申请销号"), required=False)
    wide_fields = ("text", "files", "request_close")

    def __init__(self, *args, user, policy, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.initial.setdefault("reported_on", timezone.localdate())
        exts = sorted(policy.extensions)
        # on a phone: photos (the camera or the album) and PDFs first, then the other allowed types
        self.fields["files"].widget.attrs["accept"] = ",".join(["image/*", "application/pdf"] + [f".{e}" for e in exts])
        self.fields["files"].help_text = _("可多选；允许 %(types)s，单个文件不超过 %(mb)s MB") % {
            "types": "、".join(exts),
            "mb": f"{policy.max_size_mb:g}",
        }
        self.fields["percent_done"].widget.attrs.update({"inputmode": "numeric", "class": "big"})


class ReviewForm(RectForm):
    seen_report = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label=_("审核结果"),
        widget=forms.RadioSelect,
        choices=[(RoundItem.Decision.CONFIRMED, _("确认")), (RoundItem.Decision.CHALLENGED, _("质询"))],
    )
    note = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("质询时必填：写明需要补充或纠正的内容"),
    )
    wide_fields = ("decision", "note")


class RecheckForm(RectForm):
    """回头看复核 of a closed task: has not relapsed, or relapsed (the reason reopens the task)."""

    decision = forms.ChoiceField(
        label=_("复核结果"),
        widget=forms.RadioSelect,
        choices=[
            (RelapseCheck.Decision.HELD, _("未反弹（整改成果保持）")),
            (RelapseCheck.Decision.RELAPSED, _("反弹（重启整改任务）")),
        ],
    )
    on = forms.DateField(label=_("复核日期"), widget=DATE)
    note = forms.CharField(
        label=_("复核情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("反弹时必填：写明复查发现的情况，将作为重启原因"),
    )
    deadline = forms.DateField(
        label=_("新的整改时限"), widget=DATE, required=False, help_text=_("反弹时可填；不填则沿用原时限")
    )
    wide_fields = ("decision", "note")


class CloseForm(RectForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = forms.DateField(label=_("销号日期"), widget=DATE)
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("note",)


class ReopenForm(RectForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reopened_on = forms.DateField(label=_("重启日期"), widget=DATE)
    deadline = forms.DateField(label=_("新的整改时限"), widget=DATE, required=False, help_text=_("不填则沿用原时限"))
    reason = forms.CharField(label=_("反弹情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("reason",)
    marked = ("reason",)


class DateForm(RectForm):
    on = forms.DateField(label=_("日期"), widget=DATE)

    def __init__(self, *args, user, label=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if label:
            self.fields["on"].label = label
