from django.urls import path

from .views import detail, edit, lists, maps, search

urlpatterns = [
    path("parks/", lists.park_list, name="park_list"),
    path("parks/new/", edit.park_create, name="park_create"),
    path("parks/<int:pk>/", detail.park_detail, name="park_detail"),
    path("parks/<int:pk>/edit/", edit.park_edit, name="park_edit"),
    path("parcels/", lists.parcel_list, name="parcel_list"),
    path("parcels/new/", edit.parcel_create, name="parcel_create"),
    path("parcels/<int:pk>/", detail.parcel_detail, name="parcel_detail"),
    path("parcels/<int:pk>/edit/", edit.parcel_edit, name="parcel_edit"),
    path("parcels/<int:pk>/occupancies/new/", edit.occupancy_create, name="occupancy_create"),
    path("occupancies/<int:pk>/end/", edit.occupancy_end, name="occupancy_end"),
    path("enterprises/", lists.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", edit.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", detail.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", edit.enterprise_edit, name="enterprise_edit"),
    path("map/", maps.parcel_map, name="parcel_map"),
    path("map/parcels.geojson", maps.parcel_geojson, name="parcel_geojson"),
    path("search/", search.search, name="search"),
    path("map/outlines.geojson", maps.map_outlines, name="map_outlines"),
    path("map/view.geojson", maps.map_parcels, name="map_parcels"),
]
