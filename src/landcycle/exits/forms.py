"""The forms of the exits pages: they read and convert input; the services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from landcycle.kit.forms import DATE, EditForm
from landcycle.registry.selectors import town_choices

from .models import Case, CaseStep, LeftoverItem, MoneyItem
from .services.records import TAKEBACK_STEPS, VACATING_STEPS


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—")] + list(choices)


def _date(label, required=False, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


def _text(label, required=False, max_length=200, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


def _area(label, required=False):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


class CaseForm(EditForm):
    """立案: by hand, or from a warning (prefilled)."""

    wide_fields = ("parcels", "enterprises", "reason")

    town = forms.ChoiceField(label=_("所属镇街"))
    ground = forms.ChoiceField(label=_("退出事由"), choices=Case.Ground.choices)
    parcels = _text(
        _("地块"), required=True, max_length=2000, help_text=_("地块编号，多个用逗号或空格分隔；须在本镇街内")
    )
    enterprises = _text(_("涉及企业"), max_length=2000, help_text=_("统一社会信用代码或企业全称，多个用逗号分隔"))
    responsible_unit = _text(_("责任单位"), max_length=100)
    responsible_person = _text(_("责任人"), max_length=50)
    opened_on = _date(_("立案日期"), required=True)
    planned_start = _date(_("计划开始"))
    deadline = _date(_("完成期限"))
    reason = _area(_("立案理由"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["town"].choices = town_choices(user)


class CaseEditForm(EditForm):
    wide_fields = ("reason",)

    ground = forms.ChoiceField(label=_("退出事由"), choices=Case.Ground.choices)
    responsible_unit = _text(_("责任单位"), max_length=100)
    responsible_person = _text(_("责任人"), max_length=50)
    planned_start = _date(_("计划开始"))
    deadline = _date(_("完成期限"))
    reason = _area(_("立案理由"))


class TakebackForm(CaseEditForm):
    """The county's record of a take-back: decision, notice, hearing, compensation, land reserve."""

    decision_number = _text(_("收回决定书文号"), max_length=60)
    decision_date = _date(_("收回决定日期"))
    notice_date = _date(_("告知日期"))
    hearing_date = _date(_("听证日期"), help_text=_("当事人申请听证的，填写听证日期"))
    paid = forms.ChoiceField(label=_("收回方式"), choices=_blank(Case.Paid.choices), required=False)
    compensation_wan = forms.DecimalField(label=_("补偿金额（万元）"), required=False, decimal_places=2)
    reserve_date = _date(_("纳入土地储备日期"))


class StepForm(EditForm):
    wide_fields = ("minutes", "people")

    kind = forms.ChoiceField(label=_("环节"))
    date = _date(_("日期"), required=True)
    people = _text(_("参加人员"), max_length=300)
    place = _text(_("地点"))
    minutes = _area(_("纪要"))
    mediation = forms.ChoiceField(
        label=_("调解方式"), choices=_blank(CaseStep.Mediation.choices), required=False, help_text=_("调解环节填写")
    )
    court = _text(_("法院"), max_length=100, help_text=_("司法调解填写"))
    court_case_number = _text(_("案号"), max_length=60, help_text=_("司法调解填写"))
    outcome = _text(_("结果"), max_length=300)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        allowed = TAKEBACK_STEPS if case.kind == Case.Kind.TAKEBACK else VACATING_STEPS
        self.fields["kind"].choices = [(v, label) for v, label in CaseStep.Kind.choices if v in allowed]


class ItemForm(EditForm):
    wide_fields = ("description",)

    category = forms.ChoiceField(label=_("类别"), choices=LeftoverItem.Category.choices)
    description = _text(_("名称及描述"), required=True, max_length=300)
    quantity = forms.DecimalField(label=_("数量"), required=False, decimal_places=2)
    unit = _text(_("单位"), max_length=20)
    location = _text(_("存放位置"))
    claimed_owner = forms.ChoiceField(label=_("主张归属"), choices=LeftoverItem.Owner.choices)
    claimed_owner_name = _text(_("主张归属方名称"))
    determined_owner = forms.ChoiceField(
        label=_("认定归属"), choices=_blank(LeftoverItem.Owner.choices), required=False
    )
    determined_owner_name = _text(_("认定归属方名称"))
    determined_how = forms.ChoiceField(label=_("认定方式"), choices=_blank(LeftoverItem.How.choices), required=False)
    determined_on = _date(_("认定日期"))
    disposal = forms.ChoiceField(label=_("处置方式"), choices=_blank(LeftoverItem.Disposal.choices), required=False)
    disposal_date = _date(_("处置日期"))
    disposal_cost_wan = forms.DecimalField(label=_("处置费用（万元）"), required=False, decimal_places=2)
    cost_payer = _text(_("费用承担方"))
    contractor = _text(_("危废处置单位"), help_text=_("危险废物必填"))
    manifest_number = _text(_("危险废物转移联单号"), max_length=60, help_text=_("危险废物必填"))


class MoneyForm(EditForm):
    kind = forms.ChoiceField(label=_("类别"), choices=MoneyItem.Kind.choices)
    amount_wan = forms.DecimalField(label=_("金额（万元）"), decimal_places=2)
    payer = _text(_("付款方"))
    paid = forms.BooleanField(label=_("已支付"), required=False)
    date = _date(_("日期"))
    note = _text(_("说明"), max_length=300)


class CloseForm(EditForm):
    on = _date(_("移交日期"), required=True)
    handover_to = _text(_("移交对象"), help_text=_("如：县土地储备中心、新项目单位"))
    people = _text(_("验收人员"), max_length=300)
    minutes = _area(_("验收意见"))


class CancelForm(EditForm):
    on = _date(_("撤销日期"), required=True)
    reason = _text(_("撤销理由"), required=True)


class TasksForm(EditForm):
    tasks = forms.MultipleChoiceField(label=_("整改任务"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, choices, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["tasks"].choices = choices
