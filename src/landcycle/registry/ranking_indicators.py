"""The ranking's denominator that the registry owns (赛马, issue 17; registered in RegistryConfig.ready through
``kit.indicators``): the town's industrial land in mu (parcels of industrial or M0 use in its parks). Parcels carry
no history: the figure is the register as it stands. One query for all towns; links to the parcel list of the town.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from landcycle.kit.indicators import IndicatorSource, Measured, Quarter, register_indicator
from landcycle.rules.units import m2_to_mu

from .models import Parcel

INDUSTRIAL_USES = (Parcel.LandUse.INDUSTRIAL, Parcel.LandUse.NEW_INDUSTRY)


def industrial_land_mu(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    rows = {
        r["park__town_id"]: r
        for r in Parcel.objects.filter(land_use__in=INDUSTRIAL_USES, park__town__in=[t.pk for t in towns])
        .order_by()
        .values("park__town_id")
        .annotate(m2=Sum("area_m2"), n=Count("id"))
    }
    out = {}
    for t in towns:
        r = rows.get(t.pk)
        link = reverse("parcel_list") + "?" + urlencode({"town": t.code})
        out[t.pk] = Measured(float(m2_to_mu(r["m2"])) if r else None, r["n"] if r else 0, link)
    return out


def register() -> None:
    register_indicator(
        IndicatorSource(
            "industrial_land_mu",
            "registry",
            industrial_land_mu,
            "本镇园区内工业用地、新型产业用地（M0）地块面积合计（亩，按当前地块台账）",
            "Parcels of industrial or M0 use in the town's parks (mu, the register as it stands)",
        )
    )
