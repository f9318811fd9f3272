"""地块地图: parcels drawn from their GeoJSON on a plain background (no online tiles), and the scoped
GeoJSON endpoint behind it. The FeatureCollection is built from ``.values()`` in one query, so 8,000
parcels cost one query and about a tenth of a second.

Shapes are never sent as stored: ``rules.geometry.display_shapes`` simplifies them all at once (shapely,
vectorised) to at most ``LANDCYCLE_MAP_SHAPE_POINTS`` points each on maps of many parcels (the county map,
a park, a contract) and ``LANDCYCLE_PARCEL_SHAPE_POINTS`` for a parcel page's own shape, coordinates rounded
to 6 decimals (~0.1 m). A large stored shape's display form is cached (Django's cache, keyed by a hash of the
stored text, so an edited shape is simplified anew)."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from landcycle.accounts.scope import scoped
from landcycle.kit.listing import Filter, Listing, choice_list
from landcycle.kit.palette import PARK_COLOURS, status_colours
from landcycle.rules.geometry import MAP_TOLERANCE, display_shapes
from landcycle.rules.units import m2_to_mu

from ..hooks import parcel_colourings
from ..models import Parcel, Park
from ..selectors import park_choices, town_choices

_URL_SENTINEL = 987654321
CACHED_TEXT = 64 * 1024  # stored shapes longer than this (~2,000 points) keep their display form in the cache
CACHE_SECONDS = 7 * 24 * 3600


def displayed(texts: list[str], max_points: int, tolerance: float) -> list[tuple[str, list[float]] | None]:
    """``display_shapes`` of the stored texts, the long ones through the cache."""
    keys = {
        i: f"lc:shape:{max_points}:{tolerance}:{hashlib.blake2b(t.encode(), digest_size=16).hexdigest()}"
        for i, t in enumerate(texts)
        if len(t) > CACHED_TEXT
    }
    hits = cache.get_many(list(keys.values())) if keys else {}
    todo = [i for i in range(len(texts)) if keys.get(i) not in hits]
    out: list = [hits.get(keys[i]) if i in keys else None for i in range(len(texts))]
    for i, shown in zip(
        todo, display_shapes([texts[i] for i in todo], max_points=max_points, tolerance=tolerance), strict=False
    ):
        out[i] = tuple(shown) if shown else None
    fresh = {keys[i]: out[i] for i in todo if i in keys and out[i] is not None}
    if fresh:
        cache.set_many(fresh, CACHE_SECONDS)
    return out


def feature_collection_json(
    parcels,
    with_park_boundaries: bool = False,
    with_colourings: bool = False,
    *,
    max_points: int | None = None,
    tolerance: float = MAP_TOLERANCE,
) -> str:
    """A GeoJSON FeatureCollection of the given (already scoped) parcels, as JSON text, with a bbox.

    The geometries are read as the database holds them (JSON text) and simplified for display in one
    vectorised pass (``displayed``): at most ``max_points`` points each (default LANDCYCLE_MAP_SHAPE_POINTS).
    Foreign members: ``parks`` (id -> name), ``statuses`` (code -> label),
    ``parcel_url`` (with {id} to fill), ``missing`` (parcels without a shape), ``park_boundaries``.
    ``with_colourings``: each feature also carries, under each registered colouring's key (``hooks``), the
    parcel's colour in that colouring (e.g. ``warning``: its worst open warning, from landcycle.supervision).
    """
    rows = (
        parcels.annotate(shape=Cast("geometry", TextField()))
        .order_by("park_id", "number")
        .values_list("id", "number", "status", "area_m2", "park_id", "park__name", "shape")
    )
    colourings = parcel_colourings() if with_colourings else {}
    colour_of = {key: c.colours_of(parcels.values_list("pk", flat=True)) for key, c in colourings.items()}
    max_points = max_points or settings.LANDCYCLE_MAP_SHAPE_POINTS
    rows = list(rows)
    shown = iter(displayed([r[-1] for r in rows if r[-1] and r[-1] != "null"], max_points, tolerance))
    features, parks, missing = [], {}, 0
    box = [180.0, 90.0, -180.0, -90.0]
    dumps = json.dumps
    for pk, number, status, area, park_id, park_name, stored in rows:
        parks[park_id] = park_name
        drawn = next(shown) if stored and stored != "null" else None
        if drawn is None:
            missing += 1
            continue
        shape, (minx, miny, maxx, maxy) = drawn
        box = [min(box[0], minx), min(box[1], miny), max(box[2], maxx), max(box[3], maxy)]
        prop = {
            "id": pk,
            "number": number,
            "status": status,
            "park": park_id,
            "area_m2": float(area),
            "area_mu": round(float(m2_to_mu(area)), 2),
        }
        for key, colours in colour_of.items():
            prop[key] = colours.get(pk)
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
        boundaries = [
            (pk, name, json.dumps(b))
            for pk, name, b in Park.objects.filter(pk__in=list(parks), boundary__isnull=False).values_list(
                "pk", "name", "boundary"
            )
            if b
        ]
        meta["park_boundaries"] = [
            {"type": "Feature", "geometry": json.loads(drawn[0]), "properties": {"id": pk, "name": name}}
            for (pk, name, _b), drawn in zip(
                boundaries, displayed([b for *_x, b in boundaries], max_points, tolerance), strict=False
            )
            if drawn
        ]
    head = dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return head[:-1] + ',"features":[' + ",".join(features) + "]}"


def feature_collection(parcels, with_park_boundaries: bool = False, **display) -> dict:
    """The same collection as a dict (detail pages embed it with json_script); ``display``: max_points,
    tolerance."""
    return json.loads(feature_collection_json(parcels, with_park_boundaries, **display))


def _map_listing(request) -> Listing:
    user = request.user
    return Listing(
        request,
        filters=[
            Filter("town", _("镇街"), town_choices(user), "park__town__code"),
            Filter("park", _("园区"), park_choices(user, request.GET.get("town")), "park_id"),
            Filter("status", _("状态"), choice_list(Parcel.Status), "status"),
        ],
    )


@gzip_page
def parcel_geojson(request):
    listing = _map_listing(request)
    qs = listing.filtered(scoped(Parcel.objects.all(), request.user))
    body = feature_collection_json(qs, with_park_boundaries=True, with_colourings=True)
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


def map_config() -> dict:
    """Colours and translated labels for web/static/web/map.js, with those of the registered colourings
    (supervision's "按预警着色" adds ``warningColours`` and ``warningNames``)."""
    config = {
        "statusColours": status_colours(),
        "parkColours": PARK_COLOURS,
        "labels": {
            "park": _("园区"),
            "area": _("面积"),
            "status": _("状态"),
            "open": _("打开地块页面"),
            "m2": _("平方米"),
            "mu": _("亩"),
            "drawn": _("已绘制 %(n)s 块地块"),
            "missing": _("%(n)s 块地块尚无图形，未绘制"),
            "none": _("筛选范围内没有带图形的地块"),
            "loading": _("正在载入地块……"),
            "others": _("同园区其他地块"),
            "failed": _("地块数据载入失败，请刷新页面重试"),
            "warning": _("预警"),
            "warnings": _("查看预警"),
        },
    }
    for colouring in parcel_colourings().values():
        config.update(colouring.config())
    return config


def parcel_map(request):
    listing = _map_listing(request)
    colour_by = request.GET.get("colour", "status")
    return render(
        request,
        "registry/parcel_map.html",
        {
            "listing": listing,
            "config": map_config(),
            "colour_by": colour_by if colour_by in ("status", "park", *parcel_colourings()) else "status",
            "colourings": parcel_colourings(),
            "geojson_url": reverse("parcel_geojson") + ("?" + request.GET.urlencode() if request.GET else ""),
        },
    )
