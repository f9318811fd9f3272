from django.contrib.auth import views as auth_views
from django.urls import include, path

from landcycle.web import counties, dashboard, errors, home, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("", home.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("counties/", counties.county_compare, name="county_compare"),
    path("", include("landcycle.registry.urls")),
    path("", include("landcycle.supervision.urls")),
    path("", include("landcycle.admission.urls")),
    path("", include("landcycle.ledgers.urls")),
    path("", include("landcycle.evaluation.urls")),
    path("", include("landcycle.rectification.urls")),
    path("", include("landcycle.exits.urls")),
    path("", include("landcycle.renewal.urls")),
    path("", include("landcycle.ranking.urls")),
    path("", include("landcycle.countypolicy.urls")),
    path("api/", include("landcycle.api.urls")),
    path("audit/", views.audit_list, name="audit_list"),
    path("areas/<slug:key>/", views.area_pending, name="area_pending"),
]

# The error pages in the product's layout and the user's language (served when DEBUG is off).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
