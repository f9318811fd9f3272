"""Create and edit pages of contracts and what is recorded about them (commitments and their measured
values, extensions, government-caused delays). Only users who may write contracts (the county
administrator, a town officer in their own town) see them — others get 404, like objects outside their scope. Every write goes through
supervision.services; a RuleError writes nothing and its bilingual problems stand beside their fields.
After a write the contract's warnings are recomputed on today's date."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, access, scoped, write_or_404
from landcycle.kit.params import int_param
from landcycle.registry.models import Enterprise, Parcel
from landcycle.rules.problems import RuleError

from ..convert import policy_of
from ..forms import CommitmentForm, ContractForm, DelayForm, ExtensionForm, MeasureForm, contract_initial
from ..models import Commitment, Contract
from ..refresh import warnings_refresh
from ..services.commitments import commitment_add, commitment_measure, extension_add, government_delay_add
from ..services.contracts import contract_create as contract_create_service
from ..services.contracts import contract_update


def _run(request, form, write):
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():  # the write and the refresh of its warnings stand or fall together
            obj = write(form.values() if hasattr(form, "values") else dict(form.cleaned_data))
            contract = obj if isinstance(obj, Contract) else obj.contract
            warnings_refresh(actor=request.user, as_of=timezone.localdate(), contract_ids=[contract.pk])
    except RuleError as exc:
        form.attach_problems(exc.problems)
        return None
    messages.success(request, _("已保存，预警已按今天重新计算，并已记入审计日志。"))
    return obj


def _render(request, form, *, title, contract=None, cancel, extra=None):
    crumbs = [(reverse("contract_list"), _("供地合同"))]
    if contract is not None:
        crumbs.append((reverse("contract_detail", args=[contract.pk]), contract.number))
    ctx = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, "contract": contract}
    ctx.update(extra or {})
    return render(request, "supervision/form.html", ctx)


def _contract_lists(user) -> dict:
    """Datalists for the parcel and holder fields (the user's scope only)."""
    parcels = (
        scoped(Parcel.objects.filter(contract_links__isnull=True), user)
        .order_by("number")
        .values_list("number", "park__name")[:1500]
    )
    holders = (
        scoped(Enterprise.objects.filter(status=Enterprise.Status.OPERATING), user)
        .order_by("name")
        .values_list("uscc", "name")[:1500]
    )
    return {"datalists": [("contract-parcels", list(parcels)), ("contract-holders", list(holders))]}


@write_or_404(Area.CONTRACTS)
def contract_create(request):
    initial = {"kind": Contract.Kind.STANDARD}
    parcel_id = int_param(request.GET.get("parcel"))
    if parcel_id is not None:
        parcel = scoped(Parcel.objects.all(), request.user).filter(pk=parcel_id).first()
        if parcel:
            initial["parcels"] = parcel.number
    form = ContractForm(request.POST or None, user=request.user, initial=initial)
    c = _run(request, form, lambda d: contract_create_service(actor=request.user, **d))
    if c:
        return redirect("contract_detail", c.pk)
    return _render(
        request, form, title=_("登记供地合同"), cancel=reverse("contract_list"), extra=_contract_lists(request.user)
    )


@write_or_404(Area.CONTRACTS)
def contract_edit(request, pk):
    c = access(Contract.objects.select_related("town", "holder"), request.user, pk=pk)
    form = ContractForm(request.POST or None, user=request.user, initial=contract_initial(c), version=c.version)
    saved = _run(
        request,
        form,
        lambda d: contract_update(actor=request.user, contract=c, expected_version=form.take_version(d), **d),
    )
    if saved:
        return redirect("contract_detail", saved.pk)
    return _render(
        request,
        form,
        title=_("编辑供地合同"),
        contract=c,
        cancel=reverse("contract_detail", args=[pk]),
        extra=_contract_lists(request.user),
    )


def _contract(request, pk) -> Contract:
    return access(Contract.objects.select_related("town"), request.user, pk=pk)


@write_or_404(Area.CONTRACTS)
def commitment_create(request, pk):
    c = _contract(request, pk)
    form = CommitmentForm(request.POST or None, user=request.user, rules=policy_of(c))
    m = _run(request, form, lambda d: commitment_add(actor=request.user, contract=c, **d))
    if m:
        return redirect("contract_detail", c.pk)
    return _render(request, form, title=_("新增承诺指标"), contract=c, cancel=reverse("contract_detail", args=[pk]))


@write_or_404(Area.CONTRACTS)
def commitment_edit(request, pk):
    m = access(Commitment.objects.select_related("contract__town"), request.user, pk=pk)
    initial = {
        "measured": "" if m.measured is None else format(m.measured.normalize(), "f"),
        "measured_on": m.measured_on.isoformat() if m.measured_on else timezone.localdate().isoformat(),
    }
    form = MeasureForm(request.POST or None, user=request.user, initial=initial, version=m.version)
    saved = _run(
        request,
        form,
        lambda d: commitment_measure(actor=request.user, commitment=m, expected_version=form.take_version(d), **d),
    )
    if saved:
        return redirect("contract_detail", m.contract_id)
    return _render(
        request,
        form,
        title=_("录入实测值"),
        contract=m.contract,
        cancel=reverse("contract_detail", args=[m.contract_id]),
        extra={"commitment": m},
    )


@write_or_404(Area.CONTRACTS)
def extension_create(request, pk):
    c = _contract(request, pk)
    form = ExtensionForm(request.POST or None, user=request.user)
    e = _run(request, form, lambda d: extension_add(actor=request.user, contract=c, **d))
    if e:
        return redirect("contract_detail", c.pk)
    return _render(request, form, title=_("登记延期"), contract=c, cancel=reverse("contract_detail", args=[pk]))


@write_or_404(Area.CONTRACTS)
def delay_create(request, pk):
    c = _contract(request, pk)
    form = DelayForm(
        request.POST or None,
        user=request.user,
        initial={"recorded_on": timezone.localdate().isoformat()},
        rules=policy_of(c),
    )
    d = _run(request, form, lambda v: government_delay_add(actor=request.user, contract=c, **v))
    if d:
        return redirect("contract_detail", c.pk)
    return _render(request, form, title=_("登记政府原因延迟"), contract=c, cancel=reverse("contract_detail", args=[pk]))
