"""Forms of the registry. They only read and convert input; every rule is applied by registry.services,
whose bilingual problems are put back next to the fields they name (:meth:`landcycle.kit.forms.EditForm.attach_problems`)."""

from __future__ import annotations

import json

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import access, scoped
from landcycle.kit.forms import DATE, EditForm
from landcycle.rules.codes import normalize_uscc

from .models import Enterprise, Occupancy, Parcel, Park
from .selectors import towns_in_scope


def _one_town_initial(form: EditForm) -> None:
    """A town officer has one town: choose it for them."""
    towns = list(form.fields["town"].queryset[:2])
    if len(towns) == 1 and not form.initial.get("town"):
        form.initial["town"] = towns[0].code


class ParkForm(EditForm):
    code = forms.CharField(label=_("园区编号"), max_length=32)
    name = forms.CharField(label=_("园区名称"), max_length=100)
    kind = forms.ChoiceField(label=_("园区类型"), choices=Park.Kind.choices)
    town = forms.ModelChoiceField(label=_("所属镇街"), queryset=None, to_field_name="code")
    min_tax_per_mu = forms.DecimalField(
        label=_("最低亩均税收标准（万元/亩）"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0,
        help_text=_("园区内企业亩均税收低于此标准时发出预警；不设标准可不填"),
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("note",)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["town"].queryset = towns_in_scope(user).order_by("code")
        _one_town_initial(self)


class ParcelForm(EditForm):
    number = forms.CharField(label=_("地块编号"), max_length=40)
    park = forms.ModelChoiceField(label=_("所属园区"), queryset=None)
    area_m2 = forms.DecimalField(
        label=_("面积（平方米）"), max_digits=14, decimal_places=2, help_text=_("按平方米填写；1亩 = 666.67平方米")
    )
    land_use = forms.ChoiceField(label=_("用途"), choices=Parcel.LandUse.choices, initial=Parcel.LandUse.INDUSTRIAL)
    tenure = forms.ChoiceField(label=_("供地方式"), choices=Parcel.Tenure.choices)
    status = forms.ChoiceField(label=_("状态"), choices=Parcel.Status.choices, initial=Parcel.Status.IN_USE)
    address = forms.CharField(label=_("坐落"), max_length=200, required=False)
    geometry = forms.CharField(
        label=_("图形（GeoJSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        help_text=_("可选：地块边界的GeoJSON Polygon，WGS 84经纬度；实测面积与登记面积相差不得超过政策允许的比例"),
    )
    wide_fields = ("address", "geometry")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        parks = scoped(Park.objects.select_related("town"), user).order_by("town__code", "name")
        self.fields["park"].queryset = parks
        self.fields["park"].label_from_instance = lambda p: f"{p.town.name} · {p.name}（{p.code}）"

    def clean_geometry(self):
        return self.cleaned_data["geometry"].strip() or None


class EnterpriseForm(EditForm):
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，按GB 32100-2015校验；全角字符和小写字母会自动转换"),
    )
    name = forms.CharField(label=_("企业名称"), max_length=200)
    uscc_override = forms.BooleanField(
        label=_("校验位人工确认"),
        required=False,
        help_text=_("少数真实代码的校验位不符：核对营业执照原件后勾选，并在下方填写理由"),
    )
    uscc_override_reason = forms.CharField(label=_("人工确认理由"), max_length=200, required=False)
    industry_code = forms.CharField(
        label=_("行业代码（GB/T 4754-2017）"),
        max_length=8,
        help_text=_("4位小类代码，如 3851"),
        widget=forms.TextInput(attrs={"list": "industry-classes", "autocomplete": "off"}),
    )
    scale = forms.ChoiceField(label=_("规模"), choices=Enterprise.Scale.choices)
    registered_on = forms.DateField(label=_("成立日期"), widget=DATE)
    status = forms.ChoiceField(label=_("状态"), choices=Enterprise.Status.choices, initial=Enterprise.Status.OPERATING)
    town = forms.ModelChoiceField(label=_("所属镇街"), queryset=None, to_field_name="code")
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["town"].queryset = towns_in_scope(user).order_by("code")
        _one_town_initial(self)


def _enterprise_in_scope(user, text: str):
    """An enterprise the user may see, by credit code or exact name; a form error otherwise."""
    text = (text or "").strip()
    code = normalize_uscc(text.split()[0]) if text else ""
    for lookup in ({"uscc": code}, {"name": text}):
        try:
            return access(Enterprise, user, **lookup)
        except Http404:
            continue
    raise forms.ValidationError(
        _("在您的辖区内找不到统一社会信用代码或名称为“%(t)s”的企业，请先在“企业”中登记"),
        params={"t": text},
        code="unknown_enterprise",
    )


class OccupancyForm(EditForm):
    enterprise = forms.CharField(
        label=_("企业"),
        max_length=200,
        help_text=_("填写统一社会信用代码或企业全称"),
        widget=forms.TextInput(attrs={"list": "town-enterprises", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("使用方式"), choices=Occupancy.Kind.choices)
    area_m2 = forms.DecimalField(label=_("使用面积（平方米）"), max_digits=14, decimal_places=2)
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    end = forms.DateField(label=_("终止日期"), widget=DATE, required=False, help_text=_("长期使用可不填"))
    lessor = forms.CharField(
        label=_("出租方"),
        max_length=200,
        required=False,
        help_text=_("租赁时填写出租土地的企业（统一社会信用代码或全称）；自有不填"),
        widget=forms.TextInput(attrs={"list": "town-enterprises", "autocomplete": "off"}),
    )

    def clean_enterprise(self):
        return _enterprise_in_scope(self.user, self.cleaned_data["enterprise"])

    def clean_lessor(self):
        text = self.cleaned_data["lessor"].strip()
        return _enterprise_in_scope(self.user, text) if text else None


class OccupancyEndForm(EditForm):
    end = forms.DateField(label=_("终止日期"), widget=DATE, help_text=_("用地关系在这一天之后不再计入用地面积"))


def park_initial(park: Park) -> dict:
    return {
        "code": park.code,
        "name": park.name,
        "kind": park.kind,
        "town": park.town.code,
        "note": park.note,
        "min_tax_per_mu": park.min_tax_per_mu,
    }


def parcel_initial(parcel: Parcel) -> dict:
    return {
        "number": parcel.number,
        "park": parcel.park_id,
        "area_m2": parcel.area_m2,
        "land_use": parcel.land_use,
        "tenure": parcel.tenure,
        "status": parcel.status,
        "address": parcel.address,
        "geometry": json.dumps(parcel.geometry, ensure_ascii=False) if parcel.geometry else "",
    }


def enterprise_initial(ent: Enterprise) -> dict:
    return {name: getattr(ent, name) for name in EnterpriseForm.base_fields if name != "town"} | {"town": ent.town.code}
