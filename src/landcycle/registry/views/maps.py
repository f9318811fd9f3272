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
from django.db.models import Count, TextField
from django.db.models.functions import Cast
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from landcycle.accounts.scope import scoped
from landcycle.kit.cache import cached, scope_key
from landcycle.kit.listing import Filter, Listing, choice_list
from landcycle.kit.palette import PARK_COLOURS, status_colours
from landcycle.rules.geometry import MAP_TOLERANCE, display_shapes
from landcycle.rules.outlines import in_view, parse_view, zoom_tolerance
from landcycle.rules.units import m2_to_mu

from ..hooks import parcel_colouring_apps, parcel_colourings
from ..map_data import map_base
from ..models import Parcel, Park, Region
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


def _geojson_response(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


def _counts(parcels) -> dict:
    """Parcels of the (scoped, filtered) selection by status, by park and by each registered colouring."""
    counts = {
        "status": dict(parcels.order_by().values_list("status").annotate(n=Count("id"))),
        "park": {str(k): n for k, n in parcels.order_by().values_list("park_id").annotate(n=Count("id"))},
    }
    for key, colouring in parcel_colourings().items():
        tally: dict[str, int] = {}
        for colour in colouring.colours_of(parcels.values_list("pk", flat=True)).values():
            tally[colour or "none"] = tally.get(colour or "none", 0) + 1
        total = sum(counts["status"].values())
        counts[key] = {**tally, "none": total - sum(n for k, n in tally.items() if k != "none")}
    return counts


def _outline_feature(outline, properties: dict) -> str:
    props = json.dumps({**properties, "label": list(outline.label)}, ensure_ascii=False, separators=(",", ":"))
    return f'{{"type":"Feature","geometry":{outline.geojson},"properties":{props}}}'


@gzip_page
def map_outlines(request):
    """地图轮廓: the outlines and names of the towns and parks in the user's scope (and the filter's), with the number
    of parcels of each and of the whole selection by status and by colouring. What the county map draws first;
    parcels come from ``map_parcels`` once the map is zoomed in."""
    listing = _map_listing(request)
    parcels = listing.filtered(scoped(Parcel.objects.all(), request.user))
    parks = scoped(Park.objects.all(), request.user)
    chosen = {f.name: f.value for f in listing.filters}
    town, park = chosen["town"], chosen["park"]
    if town:
        parks = parks.filter(town__code=town)
    if park:
        parks = parks.filter(pk=park)
    park_rows = list(parks.order_by("town__code", "code").values_list("id", "name", "kind", "town_id"))
    town_ids = {t for *_x, t in park_rows}
    towns = scoped(Region.objects.filter(level=Region.Level.TOWN), request.user).filter(pk__in=town_ids)
    base = map_base()
    # the counts read every parcel of the selection and each colouring's rows for all of them: kept per scope,
    # filter and day until a write of the registry or of a colouring's app commits (kit.cache)
    selection = ":".join(f"{name}={value}" for name, value in sorted(chosen.items()))
    counts = cached(
        ("registry", *parcel_colouring_apps()),
        f"map_counts:{scope_key(request.user)}:{selection}:{timezone.localdate().isoformat()}",
        lambda: _counts(parcels),
    )
    features, box = [], [180.0, 90.0, -180.0, -90.0]
    kinds = dict(Park.Kind.choices)
    for pk, code, name in towns.order_by("code").values_list("id", "code", "name"):
        outline = base.towns.get(pk)
        if outline is not None and not park:
            features.append(_outline_feature(outline, {"kind": "town", "id": pk, "code": code, "name": name}))
    for pk, name, kind, _town_id in park_rows:
        outline = base.parks.get(pk)
        if outline is None:
            continue
        minx, miny, maxx, maxy = outline.bbox
        box = [min(box[0], minx), min(box[1], miny), max(box[2], maxx), max(box[3], maxy)]
        props = {
            "kind": "park",
            "id": pk,
            "name": name,
            "park_kind": str(kinds.get(kind, kind)),
            "derived": pk in base.derived_parks,
            "parcels": counts["park"].get(str(pk), 0),
        }
        features.append(_outline_feature(outline, props))
    meta = {
        "type": "FeatureCollection",
        "bbox": box if box[0] <= box[2] else None,
        "parks": {str(pk): name for pk, name, *_x in park_rows},
        "statuses": {k: str(v) for k, v in Parcel.Status.choices},
        "parcel_url": reverse("parcel_detail", args=[_URL_SENTINEL]).replace(str(_URL_SENTINEL), "{id}"),
        "park_url": reverse("park_detail", args=[_URL_SENTINEL]).replace(str(_URL_SENTINEL), "{id}"),
        "parcel_zoom": settings.LANDCYCLE_MAP_PARCEL_ZOOM,
        "counts": counts,
    }
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return _geojson_response(head[:-1] + ',"features":[' + ",".join(features) + "]}")


@gzip_page
def map_parcels(request):
    """视野内地块: the parcels of the user's scope (and the filter's) that touch ``bbox`` (west,south,east,north) at
    ``zoom``, simplified to half a pixel of that zoom. Below LANDCYCLE_MAP_PARCEL_ZOOM, or with more than
    LANDCYCLE_MAP_VIEW_PARCELS in view, or without a readable bbox and zoom, no parcel is sent: the collection says
    ``zoom_in`` and why ("zoom", "many", "view")."""
    view = parse_view(request.GET.get("bbox"), request.GET.get("zoom"))
    if view is None:  # no view, no parcels (said in words for whoever calls it by hand)
        message = _("需要有效的 bbox（西,南,东,北）和 zoom 参数")
        return JsonResponse(
            {"type": "FeatureCollection", "features": [], "zoom_in": "view", "error": message},
            content_type="application/geo+json",
        )
    box, zoom = view
    empty = {"type": "FeatureCollection", "features": [], "zoom": zoom}
    if zoom < settings.LANDCYCLE_MAP_PARCEL_ZOOM:
        return JsonResponse({**empty, "zoom_in": "zoom"}, content_type="application/geo+json")
    base = map_base()
    candidates = base.parcel_ids[in_view(base.parcel_bounds, box)].tolist()
    listing = _map_listing(request)
    parcels = listing.filtered(scoped(Parcel.objects.all(), request.user))
    shown = list(parcels.filter(pk__in=candidates).values_list("pk", flat=True)) if candidates else []
    if len(shown) > settings.LANDCYCLE_MAP_VIEW_PARCELS:
        return JsonResponse({**empty, "zoom_in": "many", "in_view": len(shown)}, content_type="application/geo+json")
    body = feature_collection_json(
        Parcel.objects.filter(pk__in=shown),
        with_colourings=True,
        tolerance=zoom_tolerance(zoom, MAP_TOLERANCE),
    )
    return _geojson_response(body[:-1] + f',"zoom":{json.dumps(zoom)}}}')


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
            "outlines": _("%(towns)s 个镇街、%(parks)s 个园区；放大地图查看地块"),
            "zoomIn": _("视野内地块过多，请放大地图"),
            "inView": _("视野内已绘制 %(n)s 块地块"),
            "countAll": _("计数：筛选范围内全部地块"),
            "countView": _("计数：视野内的地块"),
            "derived": _("园区范围按其地块推算"),
            "openPark": _("打开园区页面"),
            "parcels": _("地块"),
            "kind": _("类型"),
        },
        "parcelZoom": settings.LANDCYCLE_MAP_PARCEL_ZOOM,
        "tiles": settings.LANDCYCLE_MAP_TILES,
        "tilesAttribution": settings.LANDCYCLE_MAP_TILES_ATTRIBUTION,
        "tilesSubdomains": settings.LANDCYCLE_MAP_TILES_SUBDOMAINS,
        "tilesMaxZoom": settings.LANDCYCLE_MAP_TILES_MAX_ZOOM,
    }
    for colouring in parcel_colourings().values():
        config.update(colouring.config())
    return config


def parcel_map(request):
    listing = _map_listing(request)
    colour_by = request.GET.get("colour", "status")
    query = "?" + request.GET.urlencode() if request.GET else ""
    return render(
        request,
        "registry/parcel_map.html",
        {
            "listing": listing,
            "config": map_config(),
            "colour_by": colour_by if colour_by in ("status", "park", *parcel_colourings()) else "status",
            "colourings": parcel_colourings(),
            "geojson_url": reverse("parcel_geojson") + query,
            "outlines_url": reverse("map_outlines") + query,
            "parcels_url": reverse("map_parcels") + query,
            "tiles": settings.LANDCYCLE_MAP_TILES,
            "parcel_zoom": settings.LANDCYCLE_MAP_PARCEL_ZOOM,
        },
    )
