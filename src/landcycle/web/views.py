"""The shell's own pages: sign-in, the county overview, areas not built yet, the health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from landcycle import __version__
from landcycle.accounts.scope import scoped
from landcycle.accounts.services import user_password_change
from landcycle.kit.listing import kpi
from landcycle.kit.palette import status_colours
from landcycle.registry.models import Parcel, Park, Region
from landcycle.registry.selectors import town_overview
from landcycle.web.context import PENDING_AREAS, PENDING_DETAILS

from .audit_views import audit_list  # noqa: F401  (url name audit_list)


def healthz(request):
    return HttpResponse("ok")


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        counties = list(Region.objects.filter(level=Region.Level.COUNTY).values_list("name", flat=True)[:2])
        ctx["county_name"] = counties[0] if len(counties) == 1 else ""
        ctx["version"] = __version__
        return ctx


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in user changes their own password: the old one, then the new one twice (Django's form and the
    password rules of settings). The change is audited (accounts.services.user_password_change) and the user
    stays signed in on this browser; other sessions of theirs end."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        user = user_password_change(
            actor=self.request.user, user=form.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改。"))
        return redirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "web/password_change_done.html"


def _status_split(user) -> list[dict]:
    """Parcels in scope by status, for the stacked bar (colours from kit.palette)."""
    counts = dict(scoped(Parcel.objects.all(), user).order_by().values_list("status").annotate(n=Count("id")))
    total = sum(counts.values()) or 1
    colours = status_colours()
    return [
        {
            "value": value,
            "label": label,
            "n": counts.get(value, 0),
            "colour": colours[value],
            "pct": round(counts.get(value, 0) * 100 / total, 2),
        }
        for value, label in Parcel.Status.choices
    ]


def _park_rows(user, town):
    """The parks of a one-town user, largest first (the overview of a town officer)."""
    parcels = Parcel.objects.filter(park=OuterRef("pk")).order_by().values("park")
    return list(
        scoped(Park.objects.filter(town=town), user)
        .defer("boundary", "note")
        .annotate(
            n_parcels=Coalesce(Subquery(parcels.annotate(c=Count("id")).values("c"), output_field=IntegerField()), 0),
            n_idle=Coalesce(
                Subquery(
                    parcels.filter(status=Parcel.Status.IDLE).annotate(c=Count("id")).values("c"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            total_m2=Subquery(parcels.annotate(s=Sum("area_m2")).values("s")),
        )
        .order_by("-total_m2", "code")
    )


def overview(request):
    rows = town_overview(request.user)
    total = {key: sum(r[key] for r in rows) for key in ("parks", "parcels", "idle", "area_mu", "enterprises", "above")}
    max_area = max((r["area_mu"] for r in rows), default=0)
    kpis = [
        kpi(pgettext("plural", "镇街"), len(rows), _("个")),
        kpi(pgettext("plural", "园区"), total["parks"], _("个")),
        kpi(
            pgettext("plural", "地块"),
            total["parcels"],
            _("块"),
            note=_("其中闲置 %(n)s 块") % {"n": f"{total['idle']:,}"},
        ),
        kpi(_("土地面积"), total["area_mu"], _("亩"), places=1),
        kpi(
            pgettext("plural", "企业"),
            total["enterprises"],
            _("家"),
            note=_("其中规上 %(n)s 家") % {"n": f"{total['above']:,}"},
        ),
    ]
    parks = _park_rows(request.user, rows[0]["town"]) if len(rows) == 1 else []
    max_park = max((p.total_m2 or 0 for p in parks), default=0)
    return render(
        request,
        "web/overview.html",
        {
            "rows": rows,
            "total": total,
            "kpis": kpis,
            "max_area": max_area,
            "status_split": _status_split(request.user),
            "parks": parks,
            "max_park": max_park,
        },
    )


def area_pending(request, key):
    if key not in PENDING_AREAS:
        raise Http404
    what, app, stage = PENDING_DETAILS[key]
    return render(
        request,
        "web/area_pending.html",
        {"area_key": key, "area_label": PENDING_AREAS[key], "what": what, "app": app, "stage": stage},
    )
