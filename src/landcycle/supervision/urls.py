from django.urls import path

from . import views_contracts, views_edit, views_warnings

urlpatterns = [
    path("contracts/", views_contracts.contract_list, name="contract_list"),
    path("contracts/new/", views_edit.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views_contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views_edit.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/commitments/new/", views_edit.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/edit/", views_edit.commitment_edit, name="commitment_edit"),
    path("contracts/<int:pk>/extensions/new/", views_edit.extension_create, name="extension_create"),
    path("contracts/<int:pk>/delays/new/", views_edit.delay_create, name="delay_create"),
    path("warnings/", views_warnings.warning_board, name="warning_board"),
    path("warnings/<int:pk>/", views_warnings.warning_detail, name="warning_detail"),
    path("towns/<int:pk>/", views_warnings.town_detail, name="town_detail"),
]
