"""Bulk integration: push a ledger (a file, or rows as JSON) through the same all-or-nothing import as
``landcycle import``, with the same problem report; the ledger kinds the user may import are listed."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from landcycle.kit.sheets import csv_bytes
from landcycle.ledgers.kinds import IMPORTABLE
from landcycle.ledgers.services import ledger_import

from . import serializers as s
from .errors import checked
from .views import ERRORS


class KindSerializer(serializers.Serializer):
    name = serializers.CharField()
    zh = serializers.CharField()
    en = serializers.CharField()


def rows_csv(rows: list[dict]) -> bytes:
    """JSON rows (keys: the ledger's column titles, as in its template) as the CSV the ledger reader reads."""
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    # through the one CSV writer (kit.sheets): the reader undoes its formula quoting, so values arrive as sent
    return csv_bytes(header, (["" if row.get(k) is None else str(row.get(k)) for k in header] for row in rows))


def report_dict(report) -> dict:
    return {
        "kind": report.kind,
        "status": report.status,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "invalid": report.invalid,
        "skipped": report.skipped,
        "sha256": report.sha256,
        "problems": [
            {
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "field": p.field,
                "rule": p.rule,
                "message_zh": p.zh,
                "message_en": p.en,
            }
            for p in report.problems
        ],
    }


class LedgerViewSet(viewsets.ViewSet):
    """台账 / ledgers: the kinds, and ``import`` of one (整表导入或全部不导入 / whole or not at all)."""

    lookup_field = "kind"
    lookup_value_regex = "[a-z_]+"

    @property
    def max_body_bytes(self) -> int:
        """Rows pushed as JSON may be as large as an uploaded ledger file."""
        return settings.LANDCYCLE_UPLOAD_MAX_BYTES

    @extend_schema(responses={200: KindSerializer(many=True)})
    def list(self, request):
        return Response([{"name": k.name, "zh": k.zh, "en": k.en} for k in IMPORTABLE.values()])

    @extend_schema(
        request={"application/json": s.ImportRequestSerializer, "multipart/form-data": s.ImportRequestSerializer},
        responses={
            200: s.ImportReportSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description="拒绝导入：问题清单 / refused: the problems"),
            **{k: v for k, v in ERRORS.items() if k != 400},
        },
    )
    @action(detail=True, methods=["post"], url_path="import")
    def import_(self, request, kind=None):
        if kind not in IMPORTABLE:
            raise Http404
        data = s.ImportRequestSerializer(data=request.data)
        checked(data)
        upload, rows = data.validated_data.get("file"), data.validated_data.get("rows")
        if (upload is None) == (rows is None):
            raise ValidationError({"file": ["请上传文件或提供 rows（二者选一） / send a file or rows, one of the two"]})
        if upload is not None:
            source, filename = upload.read(), upload.name
        else:
            source, filename = rows_csv(rows), f"{kind}.csv"
        dry_run = data.validated_data.get("dry_run", False)
        report = ledger_import(actor=request.user, kind=kind, source=source, filename=filename, dry_run=dry_run)
        body = report_dict(report)
        if report.problems:
            return Response({"problems": body.pop("problems"), "status": 400, "report": body}, status=400)
        return Response(body)
