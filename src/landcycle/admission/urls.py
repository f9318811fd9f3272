from django.urls import path

from .views import applications as a
from .views import rules, summary

urlpatterns = [
    path("admission/", a.application_list, name="application_list"),
    path("admission/new/", a.application_create, name="application_create"),
    path("admission/<int:pk>/", a.application_detail, name="application_detail"),
    path("admission/<int:pk>/edit/", a.application_edit, name="application_edit"),
    path("admission/documents/<int:pk>/", a.document_download, name="admission_document"),
    path("admission/rules/", rules.rules_page, name="admission_rules"),
    path("admission/parks/<int:pk>/rules/", rules.park_rules_page, name="admission_park_rules"),
    path("admission/whatif/", rules.whatif_page, name="admission_whatif"),
    path("admission/summary/", summary.summary_page, name="admission_summary"),
]
