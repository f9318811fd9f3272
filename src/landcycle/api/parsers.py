"""JSON bodies with a size limit checked before anything is read: Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
for every endpoint, a view's own ``max_body_bytes`` where it takes more (a ledger pushed as JSON rows may be as
large as an uploaded ledger file, LANDCYCLE_UPLOAD_MAX_BYTES). Not a subclass of DRF's JSONParser on purpose: DRF
reads those through ``request.body``, whose fixed limit would answer a large ledger with Django's HTML 400."""

from __future__ import annotations

import codecs

from django.conf import settings
from rest_framework import exceptions, parsers, renderers
from rest_framework.settings import api_settings
from rest_framework.utils import json


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = "请求内容过大 / the request body is too large"


class LimitedJSONParser(parsers.BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        limit = getattr(context.get("view"), "max_body_bytes", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = context.get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            length = 0
        if length > limit:
            raise BodyTooLarge(
                f"请求内容 {length} 字节，超过上限 {limit} 字节 / the body is {length} bytes, over the limit of {limit}"
            )
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise BodyTooLarge()
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(data, encoding)
            strict = json.strict_constant if api_settings.STRICT_JSON else None
            return json.loads(text, parse_constant=strict)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON格式错误 / JSON parse error: {exc}") from None
