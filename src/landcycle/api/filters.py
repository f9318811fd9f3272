"""Query filters of the list endpoints: each view names its own (``query_filters``); they narrow the scoped queryset,
never widen it. A value that cannot be read answers 400 in the API's error shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rest_framework import serializers
from rest_framework.filters import BaseFilterBackend

from landcycle.kit.listing import code_prefix


@dataclass(frozen=True)
class QF:
    """One filter: the query parameter ``name`` → ``lookup`` of the queryset, of ``kind`` str/int/date/bool, or
    ``prefix``: ``lookup`` (a field of digit codes) begins with the value, read as a range of its index
    (kit.listing.code_prefix)."""

    name: str
    lookup: str
    kind: str = "str"
    description: str = ""

    def value(self, raw: str):
        if self.kind == "int":
            try:
                return int(raw)
            except ValueError:
                raise serializers.ValidationError({self.name: ["应为整数 / an integer is expected"]}) from None
        if self.kind == "date":
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise serializers.ValidationError(
                    {self.name: ["应为日期 YYYY-MM-DD / a date YYYY-MM-DD is expected"]}
                ) from None
        if self.kind == "bool":
            return raw.lower() in ("1", "true", "yes")
        return raw


OPENAPI_TYPES = {"str": "string", "int": "integer", "date": "string", "bool": "boolean", "prefix": "string"}


class QueryFilters(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        for f in getattr(view, "query_filters", ()):
            raw = request.query_params.get(f.name)
            if raw is None or raw == "":
                continue
            if "\x00" in raw:
                raise serializers.ValidationError({f.name: ["含有非法字符 / contains a NUL character"]})
            if f.kind == "prefix":
                queryset = queryset.filter(code_prefix(f.lookup, raw))
            else:
                queryset = queryset.filter(**{f.lookup: f.value(raw)})
        return queryset

    def get_schema_operation_parameters(self, view):
        out = []
        for f in getattr(view, "query_filters", ()):
            schema = {"type": OPENAPI_TYPES[f.kind]}
            if f.kind == "date":
                schema["format"] = "date"
            out.append(
                {"name": f.name, "required": False, "in": "query", "description": f.description, "schema": schema}
            )
        return out
