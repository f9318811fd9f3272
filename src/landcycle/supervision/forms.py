"""Forms of the supervision pages. Numbers and dates are taken as text and converted by the services, so
that "not a number" and "not a date" come back as bilingual problems beside their field like every other
rule (supervision.checks). Shares are typed in percent and stored as fractions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from landcycle.kit.forms import EditForm
from landcycle.rules.supervision.contract import DATE_FIELDS
from landcycle.rules.supervision.policy import WarningPolicy

from .convert import policy
from .labels import cause_name
from .models import Commitment, Contract, Extension, GovernmentDelay

DATE_ATTRS = {"placeholder": "2026-01-31", "autocomplete": "off", "inputmode": "numeric", "class": "date"}
PERCENT_FIELDS = ("developed_area_share", "investment_share")


def date_field(label, required=False, help_text=""):
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.TextInput(attrs=DATE_ATTRS)
    )


def text(label, required=False, help_text="", **attrs):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


def percent_to_share(value):
    """ "25" (percent, as typed) -> Decimal("0.25"); text that is not a number is passed on for the
    service to refuse."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip().rstrip("%")) / 100
    except InvalidOperation:
        return value


def share_to_percent(value):
    return "" if value is None else format((value * 100).normalize(), "f")


class ContractForm(EditForm):
    number = forms.CharField(label=_("合同编号"), max_length=60, help_text=_("出让合同编号或电子监管号"))
    kind = forms.ChoiceField(label=_("合同类型"), choices=Contract.Kind.choices)
    parcels = text(
        _("地块编号"),
        required=True,
        list="contract-parcels",
        help_text=_("一个或多个地块编号，用逗号分隔；地块须已登记"),
    )
    holder = text(
        _("已登记企业"), help_text=_("受让人已在“企业”中登记时，填写其统一社会信用代码或全称"), list="contract-holders"
    )
    holder_name = forms.CharField(
        label=_("土地使用权人"), max_length=200, required=False, help_text=_("未登记的受让人只填名称；已登记企业可不填")
    )
    project = forms.CharField(label=_("项目名称"), max_length=200, required=False)
    price_wan = text(_("成交价格（万元）"), inputmode="decimal")
    area_m2 = text(_("面积（平方米）"), inputmode="decimal", help_text=_("留空则按所列地块面积合计"))
    term_years = text(_("使用年限（年）"), inputmode="numeric")
    signed_on = date_field(_("合同签订日期"), required=True)
    agreed_delivery = date_field(_("约定交地日期"))
    actual_delivery = date_field(_("实际交地日期"), help_text=_("晚于约定交地日期的，视为政府原因（第八条）"))
    agreed_start = date_field(_("约定开工日期"))
    actual_start = date_field(_("实际开工日期"), help_text=Contract._meta.get_field("actual_start").help_text)
    start_criterion = forms.ChoiceField(
        label=_("动工认定依据"),
        required=False,
        choices=[("", "—")] + list(Contract.StartCriterion.choices),
        help_text=_("按哪一条标准认定已动工开发（第三十条）"),
    )
    start_evidence = forms.CharField(
        label=_("动工佐证材料"), max_length=300, required=False, help_text=_("如现场核查记录、监理日志、照片编号")
    )
    agreed_completion = date_field(_("约定竣工日期"))
    actual_completion = date_field(_("实际竣工日期"))
    agreed_production = date_field(_("约定达产日期"))
    actual_production = date_field(_("实际达产日期"))
    developed_area_share = text(_("已开发面积占比（%）"), inputmode="decimal")
    investment_share = text(_("已投资额占比（%）"), inputmode="decimal")
    stopped_since = date_field(_("停工日期"), help_text=_("已动工后中止开发建设的，填写停工之日"))
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wide_fields = ("note",)

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        for name in PERCENT_FIELDS:
            d[name] = percent_to_share(d[name])
        d["holder"] = d["holder"].strip() or None
        return d


def contract_initial(c: Contract) -> dict:
    out = {
        name: getattr(c, name)
        for name in ("number", "kind", "holder_name", "project", "note", "start_criterion", "start_evidence")
    }
    out["parcels"] = ", ".join(c.parcels.order_by("number").values_list("number", flat=True))
    out["holder"] = c.holder.uscc if c.holder_id else ""
    for name in ("price_wan", "area_m2", "term_years"):
        out[name] = "" if getattr(c, name) is None else str(getattr(c, name))
    for name in DATE_FIELDS:
        out[name] = getattr(c, name).isoformat() if getattr(c, name) else ""
    for name in PERCENT_FIELDS:
        out[name] = share_to_percent(getattr(c, name))
    return out


OTHER = "+x"


def commitment_kind_choices(rules: WarningPolicy | None = None):
    """The commitment kinds of ``rules`` (the contract's county's warning policy, 本县政策; None: the shipped one)."""
    kinds = (rules or policy()).commitment_kinds
    return [(k, f"{v.zh}（{v.unit or _('无单位')}）") for k, v in kinds.items()] + [(OTHER, _("其他指标（+X）"))]


class CommitmentForm(EditForm):
    kind = forms.ChoiceField(label=_("承诺指标"), choices=())
    committed = text(
        _("承诺值"), required=True, inputmode="decimal", help_text=_("比例类指标按小数填写，如 3% 填 0.03")
    )
    unit = forms.CharField(
        label=_("单位"),
        max_length=20,
        required=False,
        help_text=_("与承诺书一致，如 万元/亩、吨标准煤/万元；容积率无单位"),
    )
    other_kind = forms.SlugField(
        label=_("其他指标代码"), max_length=40, required=False, help_text=_("仅“其他指标（+X）”填写，如 patents")
    )
    label_zh = forms.CharField(label=_("其他指标名称（中文）"), max_length=60, required=False)
    label_en = forms.CharField(label=_("其他指标名称（英文）"), max_length=60, required=False)
    direction = forms.ChoiceField(
        label=_("方向"), required=False, choices=[("", "—")] + list(Commitment.Direction.choices)
    )
    stage = forms.ChoiceField(label=_("考核阶段"), required=False, choices=[("", "—")] + list(Commitment.Stage.choices))

    def __init__(self, *args, rules: WarningPolicy | None = None, **kwargs):
        """``rules``: the warning policy of the contract's county (本县政策), whose kinds are offered."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = commitment_kind_choices(rules)

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        other = d.pop("other_kind")
        if d["kind"] == OTHER:
            d["kind"] = other
        return d

    def attach_problems(self, problems) -> None:
        for p in problems:
            if p.field == "kind" and self.data.get("kind") == OTHER:
                p = type(p)("other_kind", p.rule, p.zh, p.en)
            super().attach_problems([p])


class MeasureForm(EditForm):
    measured = text(
        _("实测值"), required=True, inputmode="decimal", help_text=_("竣工验收或达产复核时核定的数值，单位与承诺值相同")
    )
    measured_on = date_field(_("实测日期"))


class ExtensionForm(EditForm):
    milestone = forms.ChoiceField(label=_("延期事项"), choices=Extension.Milestone.choices)
    new_date = date_field(_("延期后日期"), required=True)
    approved_on = date_field(_("批准日期"))
    reason = forms.CharField(label=_("延期理由"), max_length=300, required=False)
    wide_fields = ("reason",)


def cause_choices(rules: WarningPolicy | None = None) -> list[tuple[str, str]]:
    """The government causes (Art. 8) named by ``rules`` (the contract's county's policy; None: the shipped one)."""
    rules = rules or policy()
    return [(code, cause_name(code, rules, label)) for code, label in GovernmentDelay.Cause.choices]


class DelayForm(EditForm):
    cause = forms.ChoiceField(label=_("原因（《闲置土地处置办法》第八条）"), choices=GovernmentDelay.Cause.choices)
    description = forms.CharField(label=_("情况说明"), max_length=300, required=False)
    evidence = forms.CharField(
        label=_("佐证材料"),
        max_length=300,
        required=False,
        help_text=_("文件名称、文号或会议纪要；没有佐证材料不予登记"),
    )
    evidence_ref = forms.CharField(
        label=_("佐证文件"), max_length=200, required=False, help_text=_("档案编号或文件存放位置")
    )
    days = text(
        _("延误天数"),
        inputmode="numeric",
        help_text=_(
            "政府原因造成的延误时长；约定日期按此顺延。未填时按第十二条上限（一年）计，顺延期满后照常征收闲置费"
        ),
    )
    recorded_on = date_field(_("登记日期"))
    wide_fields = ("description", "evidence")

    def __init__(self, *args, rules: WarningPolicy | None = None, **kwargs):
        """``rules``: the warning policy of the contract's county (本县政策): the causes by its names."""
        super().__init__(*args, **kwargs)
        self.fields["cause"].choices = cause_choices(rules)
