"""Create and edit pages of the registry. Only users who may write the registry see them (others get
404, like objects outside their scope); every write goes through registry.services, which checks the
rules and the scope again and records the audit row. A RuleError writes nothing and its bilingual
problems are shown beside the fields they name."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from landcycle.accounts.scope import access, can_write, scoped
from landcycle.kit.params import int_param
from landcycle.rules.codes import industries
from landcycle.rules.problems import RuleError

from .. import services
from ..forms import (
    EnterpriseForm,
    OccupancyEndForm,
    OccupancyForm,
    ParcelForm,
    ParkForm,
    enterprise_initial,
    parcel_initial,
    park_initial,
)
from ..models import Enterprise, Occupancy, Parcel, Park


def _editor(request):
    if not can_write(request.user, "registry"):
        raise Http404


def _run(request, form, write):
    """Validate the form and call the service; returns the saved object, or None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = write(form.cleaned_data)
    except RuleError as exc:
        form.attach_problems(exc.problems)
        return None
    messages.success(request, _("已保存，并已记入审计日志。"))
    return obj


def _render(request, form, *, title, crumbs, cancel, extra=None):
    ctx = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel}
    ctx.update(extra or {})
    return render(request, "registry/form.html", ctx, status=200)


# ------------------------------------------------------------------ parks
def park_create(request):
    _editor(request)
    form = ParkForm(request.POST or None, user=request.user)
    park = _run(request, form, lambda d: services.park_create(actor=request.user, **d))
    if park:
        return redirect("park_detail", park.pk)
    return _render(
        request,
        form,
        title=_("新建园区"),
        crumbs=[(reverse("park_list"), pgettext("plural", "园区"))],
        cancel=reverse("park_list"),
    )


def park_edit(request, pk):
    _editor(request)
    park = access(Park.objects.select_related("town"), request.user, pk=pk)
    name = park.name
    form = ParkForm(request.POST or None, user=request.user, initial=park_initial(park), version=park.version)
    saved = _run(
        request,
        form,
        lambda d: services.park_update(actor=request.user, park=park, expected_version=form.take_version(d), **d),
    )
    if saved:
        return redirect("park_detail", saved.pk)
    return _render(
        request,
        form,
        title=_("编辑园区"),
        cancel=reverse("park_detail", args=[pk]),
        crumbs=[(reverse("park_list"), pgettext("plural", "园区")), (reverse("park_detail", args=[pk]), name)],
    )


# ------------------------------------------------------------------ parcels
def parcel_create(request):
    _editor(request)
    initial = {}
    park_id = int_param(request.GET.get("park"))
    if park_id is not None and scoped(Park.objects.all(), request.user).filter(pk=park_id).exists():
        initial["park"] = park_id
    form = ParcelForm(request.POST or None, user=request.user, initial=initial)
    parcel = _run(request, form, lambda d: services.parcel_create(actor=request.user, **d))
    if parcel:
        return redirect("parcel_detail", parcel.pk)
    return _render(
        request,
        form,
        title=_("新建地块"),
        crumbs=[(reverse("parcel_list"), pgettext("plural", "地块"))],
        cancel=reverse("parcel_list"),
    )


def parcel_edit(request, pk):
    _editor(request)
    parcel = access(Parcel.objects.select_related("park__town"), request.user, pk=pk)
    initial = parcel_initial(parcel)
    form = ParcelForm(request.POST or None, user=request.user, initial=initial, version=parcel.version)
    saved = _run(
        request,
        form,
        lambda d: services.parcel_update(actor=request.user, parcel=parcel, expected_version=form.take_version(d), **d),
    )
    if saved:
        return redirect("parcel_detail", saved.pk)
    return _render(
        request,
        form,
        title=_("编辑地块"),
        cancel=reverse("parcel_detail", args=[pk]),
        crumbs=[
            (reverse("parcel_list"), pgettext("plural", "地块")),
            (reverse("parcel_detail", args=[pk]), initial["number"]),
        ],
    )


def occupancy_create(request, pk):
    _editor(request)
    parcel = access(Parcel.objects.select_related("park__town"), request.user, pk=pk)
    form = OccupancyForm(request.POST or None, user=request.user, initial={"area_m2": parcel.area_m2})
    occ = _run(request, form, lambda d: services.occupancy_create(actor=request.user, parcel=parcel, **d))
    if occ:
        return redirect("parcel_detail", parcel.pk)
    town_enterprises = (
        scoped(Enterprise.objects.filter(town=parcel.park.town), request.user)
        .order_by("name")
        .values_list("uscc", "name")
    )
    return _render(
        request,
        form,
        title=_("登记用地关系"),
        cancel=reverse("parcel_detail", args=[pk]),
        crumbs=[
            (reverse("parcel_list"), pgettext("plural", "地块")),
            (reverse("parcel_detail", args=[pk]), parcel.number),
        ],
        extra={"parcel": parcel, "datalist_id": "town-enterprises", "datalist": list(town_enterprises)},
    )


def occupancy_end(request, pk):
    _editor(request)
    occ = access(Occupancy.objects.select_related("parcel__park__town", "enterprise", "lessor"), request.user, pk=pk)
    parcel = occ.parcel
    form = OccupancyEndForm(
        request.POST or None, user=request.user, initial={"end": occ.end or timezone.localdate()}, version=occ.version
    )
    saved = _run(
        request,
        form,
        lambda d: services.occupancy_end(
            actor=request.user, occupancy=occ, end=d["end"], expected_version=form.take_version(d)
        ),
    )
    if saved:
        return redirect("parcel_detail", parcel.pk)
    return _render(
        request,
        form,
        title=_("终止用地关系"),
        cancel=reverse("parcel_detail", args=[parcel.pk]),
        crumbs=[
            (reverse("parcel_list"), pgettext("plural", "地块")),
            (reverse("parcel_detail", args=[parcel.pk]), parcel.number),
        ],
        extra={"parcel": parcel, "occupancy": occ},
    )


# ------------------------------------------------------------------ enterprises
def _classes():
    return [(i.code, i.name) for i in industries().values() if i.level == 4]


def enterprise_create(request):
    _editor(request)
    form = EnterpriseForm(request.POST or None, user=request.user)
    ent = _run(request, form, lambda d: services.enterprise_create(actor=request.user, **d))
    if ent:
        return redirect("enterprise_detail", ent.pk)
    return _render(
        request,
        form,
        title=_("新建企业"),
        crumbs=[(reverse("enterprise_list"), pgettext("plural", "企业"))],
        cancel=reverse("enterprise_list"),
        extra={"datalist_id": "industry-classes", "datalist": _classes()},
    )


def enterprise_edit(request, pk):
    _editor(request)
    ent = access(Enterprise.objects.select_related("town"), request.user, pk=pk)
    name = ent.name
    form = EnterpriseForm(request.POST or None, user=request.user, initial=enterprise_initial(ent), version=ent.version)
    saved = _run(
        request,
        form,
        lambda d: services.enterprise_update(
            actor=request.user, enterprise=ent, expected_version=form.take_version(d), **d
        ),
    )
    if saved:
        return redirect("enterprise_detail", saved.pk)
    return _render(
        request,
        form,
        title=_("编辑企业"),
        cancel=reverse("enterprise_detail", args=[pk]),
        crumbs=[
            (reverse("enterprise_list"), pgettext("plural", "企业")),
            (reverse("enterprise_detail", args=[pk]), name),
        ],
        extra={"datalist_id": "industry-classes", "datalist": _classes()},
    )
