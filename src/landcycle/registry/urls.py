from django.urls import path

from . import views

urlpatterns = [
    path("parks/", views.park_list, name="park_list"),
    path("parks/<int:pk>/", views.park_detail, name="park_detail"),
    path("parcels/", views.parcel_list, name="parcel_list"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel_detail"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("map/", views.parcel_map, name="parcel_map"),
    path("map/parcels.geojson", views.parcel_geojson, name="parcel_geojson"),
]
