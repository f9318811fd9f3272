from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import files, pages
from .routes import router

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", login_required(pages.docs), name="docs"),
    path("my-tokens/", login_required(pages.my_tokens), name="my_tokens"),
    path("my-tokens/<int:pk>/revoke/", login_required(pages.my_token_revoke), name="my_token_revoke"),
    path("files/<slug:kind>/<int:pk>/", files.FileDownload.as_view(), name="file"),
    path("", include(router.urls)),
    re_path(r"^.*$", pages.not_found),  # any other /api/ address: 404 in the API's error shape, not the HTML page
]
