from django.urls import path

from . import views

urlpatterns = [
    path("policies/", views.policies_home, name="policies_home"),
    path("policies/shipped/<slug:name>.toml", views.policies_shipped, name="policies_shipped"),
    path("policies/<slug:code>/", views.policies_county, name="policies_county"),
    path("policies/<slug:code>/<slug:name>/", views.policies_detail, name="policies_detail"),
    path("policies/<slug:code>/<slug:name>/policy.toml", views.policies_file, name="policies_file"),
]
