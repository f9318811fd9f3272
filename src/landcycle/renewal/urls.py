from django.urls import path

from . import views

urlpatterns = [
    path("renewal/", views.renewal_list, name="renewal_list"),
    path("renewal/new/", views.renewal_create, name="renewal_create"),
    path("renewal/overview/", views.renewal_overview, name="renewal_overview"),
    path("renewal/<int:pk>/", views.renewal_detail, name="renewal_detail"),
    path("renewal/<int:pk>/edit/", views.renewal_edit, name="renewal_edit"),
    path("renewal/<int:pk>/report/", views.renewal_report, name="renewal_report_new"),
    path("renewal/firms/<int:pk>/", views.renewal_fate, name="renewal_fate_edit"),
    path("renewal/evidence/<int:pk>/", views.renewal_evidence, name="renewal_evidence"),
]
