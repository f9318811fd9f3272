"""Forms of the evaluation pages; each calls a service, which does every check again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

SHIPPED = "shipped"


class RunForm(forms.Form):
    """A new draft run: the county (only when the user's region holds several), the year and the policy version."""

    county = forms.ChoiceField(label=_("县（市、区）"))
    year = forms.TypedChoiceField(label=_("评价年度"), coerce=int)
    policy = forms.ChoiceField(label=_("评价办法版本"))
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(
        self,
        *args,
        years: list[int],
        versions: list[tuple[str, str]],
        counties: list[tuple[str, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["policy"].choices = versions
        if len(counties) > 1:
            self.fields["county"].choices = counties
        else:
            del self.fields["county"]  # one county: the run is its


class SaveVersionForm(forms.Form):
    """Save the what-if policy as a new version (and, optionally, compute a draft run with it)."""

    name = forms.CharField(label=_("名称"), max_length=100)
    version = forms.RegexField(
        label=_("版本号"),
        max_length=40,
        regex=r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
        error_messages={"invalid": _("版本号只能由字母、数字、点、下划线和连字符组成，如 2026.2")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    and_run = forms.BooleanField(label=_("保存后用此版本计算一个草稿批次"), required=False, initial=True)


class FactForm(forms.Form):
    """An evaluation fact of the enterprise (评价事项): a veto, a protection, 政策性搬迁 or a merged unit."""

    year = forms.IntegerField(label=_("年度"), min_value=1990, max_value=2100)
    kind = forms.ChoiceField(label=_("事项"))
    value = forms.CharField(
        label=_("合并评价编号"),
        required=False,
        max_length=60,
        help_text=_("仅合并评价填写：同一地块上各企业填同一编号，作为一个单位评价"),
    )
    occurred_on = forms.DateField(
        label=_("发生或认定日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(
        label=_("依据文件"), max_length=200, help_text=_("文号或文件名称，如 慈应急罚〔2025〕12号")
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
