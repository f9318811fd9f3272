from django.urls import path

from .views import contracts, edit, printing, warnings

urlpatterns = [
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", edit.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/idle-notice/", printing.contract_idle_notice, name="contract_idle_notice"),
    path("contracts/<int:pk>/edit/", edit.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/commitments/new/", edit.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/edit/", edit.commitment_edit, name="commitment_edit"),
    path("contracts/<int:pk>/extensions/new/", edit.extension_create, name="extension_create"),
    path("contracts/<int:pk>/delays/new/", edit.delay_create, name="delay_create"),
    path("warnings/", warnings.warning_board, name="warning_board"),
    path("warnings/<int:pk>/", warnings.warning_detail, name="warning_detail"),
    path("warnings/evidence/<int:pk>/", warnings.evidence_download, name="warning_evidence"),
    path("towns/<int:pk>/", warnings.town_detail, name="town_detail"),
]
