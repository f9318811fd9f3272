"""Stored files through the API: ``GET /api/files/{kind}/{id}/`` answers the file itself, with the API's
authentication (a token or the session), for the same readers as on the pages — the download is the page's own
view (``access`` through the one scope mechanism: 404 outside the reader's scope). Never a public URL.

The objects that carry files list them with their address (``serializers.FileSerializer``): a case's photos and documents, a
warning's evidence, a task's evidence, a renewal report's evidence, an application's documents."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from landcycle.admission.views.applications import document_download
from landcycle.exits.views.records import file_download
from landcycle.rectification.views.tasks import evidence_download as task_evidence
from landcycle.renewal.views import renewal_evidence
from landcycle.supervision.views.warnings import evidence_download as warning_evidence

from .views import READ_ERRORS

# kind -> the page's download view (each checks the reader's scope itself)
DOWNLOADS: dict[str, Callable[..., HttpResponse]] = {
    "case-file": file_download,
    "warning-evidence": warning_evidence,
    "task-evidence": task_evidence,
    "renewal-evidence": renewal_evidence,
    "application-document": document_download,
}


class FileDownload(APIView):
    """一个已存储的文件 / one stored file, if the reader's scope holds the object it belongs to (else 404)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(DOWNLOADS)),
            OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="the file, in its own type"),
            **READ_ERRORS,
        },
    )
    def get(self, request, kind: str, pk: int):
        view = DOWNLOADS.get(kind)
        if view is None:
            raise Http404
        return view(request._request, pk)
