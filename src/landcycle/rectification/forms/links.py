"""The objects a task concerns (相关园区、地块、企业、合同), picked in the task forms.

Parks are few: check boxes. Parcels, enterprises and contracts are many: typed (several, separated by
commas), with the user's own objects offered as they type (a ``<datalist>``; rectification/links.js lets it
suggest after a comma too). Only objects in the user's scope are offered or accepted — a town officer links
their own town's objects only; the services check again that each lies in the task's town."""

from __future__ import annotations

from django import forms
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import scoped
from landcycle.registry.models import Enterprise, Parcel, Park
from landcycle.supervision.models import Contract

LIST_LIMIT = 2000  # options offered per kind (a town has a few hundred; the form accepts any in scope)
LINK_NAMES = ("parks", "parcels", "enterprises", "contracts")


def split_list(text: str) -> list[str]:
    parts = str(text or "")
    for sep in ("，", "、", "；", ";", "\n"):
        parts = parts.replace(sep, ",")
    out = []
    for p in (p.strip() for p in parts.split(",")):
        if p and p not in out:
            out.append(p)
    return out


def _typed(label, help_text, datalist):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"list": datalist, "autocomplete": "off", "data-multi": "1", "class": "links"}),
    )


class LinkFields(forms.Form):
    """Mixin of the four link fields; call :meth:`setup_links` in ``__init__``."""

    parks = forms.ModelMultipleChoiceField(
        label=_("相关园区"),
        queryset=Park.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
    )
    parcels = _typed(_("相关地块"), _("地块编号，多个用逗号分隔；输入时可从列表中选择"), "task-parcels")
    enterprises = _typed(_("相关企业"), _("企业全称或统一社会信用代码，多个用逗号分隔"), "task-enterprises")
    contracts = _typed(_("相关合同"), _("供地合同编号，多个用逗号分隔"), "task-contracts")

    def setup_links(self, user, town=None) -> None:
        """Offer the user's objects (only those of ``town`` when it is a town)."""

        def mine(qs, path):
            qs = scoped(qs, user)
            return qs.filter(**{path: town}) if town is not None and town.level == "town" else qs

        parks = mine(Park.objects.select_related("town"), "town").order_by("town__code", "name")
        self.fields["parks"].queryset = parks
        one_town = town is not None and town.level == "town"
        self.fields["parks"].label_from_instance = (
            (lambda p: p.name) if one_town else (lambda p: f"{p.town.name} · {p.name}")
        )
        self.datalists = [
            (
                "task-parcels",
                list(
                    mine(Parcel.objects.all(), "park__town")
                    .order_by("number")
                    .values_list("number", "park__name")[:LIST_LIMIT]
                ),
            ),
            (
                "task-enterprises",
                list(mine(Enterprise.objects.all(), "town").order_by("name").values_list("name", "uscc")[:LIST_LIMIT]),
            ),
            (
                "task-contracts",
                [
                    (n, f"{h} {p}".strip())
                    for n, h, p in mine(Contract.objects.all(), "town")
                    .order_by("number")
                    .values_list("number", "holder_name", "project")[:LIST_LIMIT]
                ],
            ),
        ]

    @staticmethod
    def initial_of(task) -> dict:
        return {
            "parks": list(task.parks.values_list("pk", flat=True)),
            "parcels": ", ".join(task.parcels.order_by("number").values_list("number", flat=True)),
            "enterprises": ", ".join(task.enterprises.order_by("name").values_list("name", flat=True)),
            "contracts": ", ".join(task.contracts.order_by("number").values_list("number", flat=True)),
        }

    def _visible(self, model):
        return scoped(model.objects.all(), self.user)

    def clean_parcels(self):
        numbers = split_list(self.cleaned_data["parcels"])
        found = {p.number: p for p in self._visible(Parcel).select_related("park__town").filter(number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("在您的辖区内找不到地块：%(n)s"), params={"n": "、".join(missing)}, code="unknown_parcel"
            )
        return [found[n] for n in numbers]

    def clean_contracts(self):
        numbers = split_list(self.cleaned_data["contracts"])
        found = {c.number: c for c in self._visible(Contract).select_related("town").filter(number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("在您的辖区内找不到合同：%(n)s"), params={"n": "、".join(missing)}, code="unknown_contract"
            )
        return [found[n] for n in numbers]

    def clean_enterprises(self):
        out, missing, twins = [], [], []
        visible = self._visible(Enterprise).select_related("town")
        names = split_list(self.cleaned_data["enterprises"])
        same = dict(visible.filter(name__in=names).values_list("name").annotate(n=Count("pk")).values_list("name", "n"))
        for text in names:
            if same.get(text, 0) > 1:
                twins.append(text)
                continue
            ent = visible.filter(uscc=text.upper()).first() or visible.filter(name=text).first()
            (out.append(ent) if ent else missing.append(text))
        if twins:
            raise forms.ValidationError(
                _("辖区内有多家企业名为：%(n)s，请改填统一社会信用代码"),
                params={"n": "、".join(twins)},
                code="ambiguous_enterprise",
            )
        if missing:
            raise forms.ValidationError(
                _("在您的辖区内找不到企业：%(n)s"), params={"n": "、".join(missing)}, code="unknown_enterprise"
            )
        return out

    def links(self) -> dict:
        return {name: self.cleaned_data[name] for name in LINK_NAMES}
