from django.urls import path

from . import views, views_edit, views_map

urlpatterns = [
    path("parks/", views.park_list, name="park_list"),
    path("parks/new/", views_edit.park_create, name="park_create"),
    path("parks/<int:pk>/", views.park_detail, name="park_detail"),
    path("parks/<int:pk>/edit/", views_edit.park_edit, name="park_edit"),
    path("parcels/", views.parcel_list, name="parcel_list"),
    path("parcels/new/", views_edit.parcel_create, name="parcel_create"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel_detail"),
    path("parcels/<int:pk>/edit/", views_edit.parcel_edit, name="parcel_edit"),
    path("parcels/<int:pk>/occupancies/new/", views_edit.occupancy_create, name="occupancy_create"),
    path("occupancies/<int:pk>/end/", views_edit.occupancy_end, name="occupancy_end"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views_edit.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views_edit.enterprise_edit, name="enterprise_edit"),
    path("map/", views_map.parcel_map, name="parcel_map"),
    path("map/parcels.geojson", views_map.parcel_geojson, name="parcel_geojson"),
]
