"""地块地图: parcels drawn from their GeoJSON on a plain background (no online tiles), and the scoped
GeoJSON endpoint behind it. The FeatureCollection is built from ``.values()`` in one query, so 8,000
parcels cost one query and a few tens of milliseconds."""

from __future__ import annotations

import json
import re

from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from landcycle.accounts.scope import scoped
from landcycle.rules.units import m2_to_mu
from landcycle.web.listing import Filter, Listing, choice_list
from landcycle.web.palette import PARK_COLOURS, status_colours

from .models import Park, Parcel
from .selectors import park_choices, town_choices

_URL_SENTINEL = 987654321
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _extend_bbox(geometry_text: str, box: list[float]) -> None:
    """Grow ``box`` by a GeoJSON geometry's coordinates (its only numbers, as lon, lat pairs)."""
    nums = _NUMBER.findall(geometry_text)
    lons, lats = [float(n) for n in nums[0::2]], [float(n) for n in nums[1::2]]
    if lons and lats:
        box[0], box[1] = min(box[0], min(lons)), min(box[1], min(lats))
        box[2], box[3] = max(box[2], max(lons)), max(box[3], max(lats))


def feature_collection_json(parcels, with_park_boundaries: bool = False, with_warnings: bool = False) -> str:
    """A GeoJSON FeatureCollection of the given (already scoped) parcels, as JSON text, with a bbox.

    The geometries are spliced in as the database holds them (JSON text), so 8,000 parcels are not
    decoded and encoded again. Foreign members: ``parks`` (id -> name), ``statuses`` (code -> label),
    ``parcel_url`` (with {id} to fill), ``missing`` (parcels without a shape), ``park_boundaries``.
    ``with_warnings``: each feature's ``warning`` is the colour of its worst open warning (red / yellow /
    green; null when nothing on the parcel is supervised), from landcycle.supervision.
    """
    rows = parcels.annotate(shape=Cast("geometry", TextField())).order_by("park_id", "number").values_list(
        "id", "number", "status", "area_m2", "park_id", "park__name", "shape")
    warning_of = {}
    if with_warnings:
        from landcycle.supervision.selectors import parcel_warning_colours

        warning_of = parcel_warning_colours(parcels.values_list("pk", flat=True))
    features, parks, missing = [], {}, 0
    box = [180.0, 90.0, -180.0, -90.0]
    dumps = json.dumps
    for pk, number, status, area, park_id, park_name, shape in rows:
        parks[park_id] = park_name
        if not shape or shape == "null":
            missing += 1
            continue
        _extend_bbox(shape, box)
        prop = {"id": pk, "number": number, "status": status, "park": park_id, "area_m2": float(area),
                "area_mu": round(float(m2_to_mu(area)), 2)}
        if with_warnings:
            prop["warning"] = warning_of.get(pk)
        props = dumps(prop, ensure_ascii=False, separators=(",", ":"))
        features.append(f'{{"type":"Feature","id":{pk},"geometry":{shape},"properties":{props}}}')
    meta = {
        "type": "FeatureCollection",
        "bbox": box if features else None,
        "parks": {str(k): v for k, v in parks.items()},
        "statuses": {k: str(v) for k, v in Parcel.Status.choices},
        "parcel_url": reverse("parcel_detail", args=[_URL_SENTINEL]).replace(str(_URL_SENTINEL), "{id}"),
        "missing": missing,
    }
    if with_park_boundaries:
        meta["park_boundaries"] = [
            {"type": "Feature", "geometry": b, "properties": {"id": pk, "name": name}}
            for pk, name, b in Park.objects.filter(pk__in=list(parks), boundary__isnull=False)
            .values_list("pk", "name", "boundary") if b]
    head = dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return head[:-1] + ',"features":[' + ",".join(features) + "]}"


def feature_collection(parcels, with_park_boundaries: bool = False) -> dict:
    """The same collection as a dict (detail pages embed it with json_script)."""
    return json.loads(feature_collection_json(parcels, with_park_boundaries))


def _map_listing(request) -> Listing:
    user = request.user
    return Listing(request, filters=[
        Filter("town", _("镇街"), town_choices(user), "park__town__code"),
        Filter("park", _("园区"), park_choices(user, request.GET.get("town")), "park_id"),
        Filter("status", _("状态"), choice_list(Parcel.Status), "status"),
    ])


@gzip_page
def parcel_geojson(request):
    listing = _map_listing(request)
    qs = listing.filtered(scoped(Parcel.objects.all(), request.user))
    body = feature_collection_json(qs, with_park_boundaries=True, with_warnings=True)
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


def map_config() -> dict:
    """Colours and translated labels for web/static/web/map.js. Red, yellow and green are only the
    warning colours of "按预警着色" (colour by warning)."""
    from landcycle.supervision.labels import COLOUR_HEX, NO_WARNING_HEX

    return {
        "statusColours": status_colours(), "parkColours": PARK_COLOURS,
        "warningColours": {**COLOUR_HEX, "none": NO_WARNING_HEX},
        "warningNames": {"red": _("红色预警"), "yellow": _("黄色预警"), "green": _("绿：在监管，无预警"),
                         "none": _("未纳入监管")},
        "labels": {"park": _("园区"), "area": _("面积"), "status": _("状态"), "open": _("打开地块页面"),
                   "m2": _("平方米"), "mu": _("亩"), "drawn": _("已绘制 %(n)s 块地块"),
                   "missing": _("%(n)s 块地块尚无图形，未绘制"), "none": _("筛选范围内没有带图形的地块"),
                   "loading": _("正在载入地块……"), "others": _("同园区其他地块"), "failed": _("地块数据载入失败，请刷新页面重试"),
                   "warning": _("预警"), "warnings": _("查看预警")},
    }


def parcel_map(request):
    listing = _map_listing(request)
    colour_by = request.GET.get("colour", "status")
    return render(request, "registry/parcel_map.html", {
        "listing": listing, "config": map_config(),
        "colour_by": colour_by if colour_by in ("status", "park", "warning") else "status",
        "geojson_url": reverse("parcel_geojson") + ("?" + request.GET.urlencode() if request.GET else ""),
    })
