"""Every error of the API in one shape: ``{"problems": [{"field", "rule", "message_zh", "message_en"}], "status"}``,
the bilingual problems the ledgers and services already raise (``rules.problems.RuleError``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from landcycle.rules.ledger import LedgerUnusable
from landcycle.rules.problems import Problem, RuleError

from .parsers import BodyTooLarge

# DRF's error codes in both languages (the serializer's own messages follow the request's language)
CODES: dict[str, tuple[str, str]] = {
    "required": ("此项必填", "this field is required"),
    "null": ("此项不能为空", "this field may not be null"),
    "blank": ("此项不能为空白", "this field may not be blank"),
    "invalid": ("格式不正确", "the value is not valid"),
    "invalid_choice": ("不是可选的值", "not one of the allowed values"),
    "max_length": ("超过最大长度", "too long"),
    "min_value": ("小于最小值", "below the minimum"),
    "max_value": ("大于最大值", "above the maximum"),
    "max_digits": ("位数过多", "too many digits"),
    "max_decimal_places": ("小数位过多", "too many decimal places"),
    "max_whole_digits": ("整数位过多", "too many digits before the point"),
    "does_not_exist": ("对象不存在或不在您的辖区", "no such object in your scope"),
    "incorrect_type": ("类型不正确", "wrong type"),
    "not_a_list": ("应为列表", "a list is expected"),
    "empty": ("不能为空", "may not be empty"),
    "date": ("应为日期（YYYY-MM-DD）", "a date (YYYY-MM-DD) is expected"),
    "parse_error": ("请求内容无法解析", "the request body could not be parsed"),
    "not_authenticated": ("请登录或提供API令牌", "sign in or send an API token"),
    "authentication_failed": ("身份验证失败", "authentication failed"),
    "permission_denied": ("您的角色不能进行此操作", "your role may not do this"),
    "not_found": ("对象不存在或不在您的辖区", "no such object in your scope"),
    "method_not_allowed": ("不支持此方法", "method not allowed"),
    "not_acceptable": ("无法按所请求的格式回答", "cannot answer in the requested format"),
    "unsupported_media_type": ("不支持的内容类型", "unsupported media type"),
    "throttled": ("请求过于频繁，请稍后再试", "too many requests: try again later"),
    "too_large": ("请求内容过大", "the request body is too large"),
}


def problem_dict(p: Problem) -> dict:
    return {"field": p.field, "rule": p.rule, "message_zh": p.zh, "message_en": p.en}


def body(problems: list[Problem], code: int) -> dict:
    return {"problems": [problem_dict(p) for p in problems], "status": code}


def _flatten(detail, field: str = "") -> list[Problem]:
    """A DRF error detail (dict / list / ErrorDetail, nested) as problems named by their dotted field."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "detail") else str(key)
            out += _flatten(value, f"{field}.{name}".strip(".") if name else field)
        return out
    if isinstance(detail, list):
        out = []
        for i, value in enumerate(detail):
            sub = f"{field}.{i}" if isinstance(value, (dict, list)) else field
            out += _flatten(value, sub)
        return out
    code = getattr(detail, "code", None) or "invalid"
    zh, en = CODES.get(code, ("", ""))
    text = str(detail)
    return [Problem(field, f"api.{code}", f"{zh}：{text}" if zh and zh not in text else text or zh, en or text)]


def _texts(detail, field: str = "") -> list[tuple[str, str, str]]:
    """(field, code, text) of every message of a DRF error detail, in order."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "detail") else str(key)
            out += _texts(value, f"{field}.{name}".strip(".") if name else field)
        return out
    if isinstance(detail, list):
        out = []
        for i, value in enumerate(detail):
            out += _texts(value, f"{field}.{i}" if isinstance(value, (dict, list)) else field)
        return out
    return [(field, getattr(detail, "code", None) or "invalid", str(detail))]


def checked(serializer):
    """``serializer.is_valid()``, or a RuleError whose problems carry the serializer's own messages in Chinese and
    in English (validated again in each language: DRF renders a message in the language active when it fails)."""
    if serializer.is_valid():
        return serializer
    again = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            other = type(serializer)(data=serializer.initial_data, partial=serializer.partial)
            other.is_valid()
            again[lang] = _texts(other.errors)
    zh, en = again["zh-hans"], again["en"]
    if len(zh) != len(en):  # cannot happen with the same data; the one-language form is still right
        raise exceptions.ValidationError(serializer.errors)
    raise RuleError([Problem(f, f"api.{code}", z, e) for (f, code, z), (_f, _c, e) in zip(zh, en, strict=True)])


def _problems_of(exc: exceptions.APIException) -> list[Problem]:
    if isinstance(exc, exceptions.ValidationError):
        return _flatten(exc.detail)
    code = exc.get_codes()
    key = code if isinstance(code, str) else exc.default_code
    zh, en = CODES.get(key, ("", ""))
    text = str(exc.detail)
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            zh, en = f"{zh}（{int(exc.wait) + 1}秒后）", f"{en} (in {int(exc.wait) + 1} s)"
    elif " / " in text:  # our own bilingual message ("中文 / English")
        zh, en = text.split(" / ", 1)
    elif text != str(exc.default_detail) or not zh:
        zh, en = (f"{zh}：{text}", f"{en}: {text}") if zh else (text, text)
    return [Problem("", f"api.{key}", zh, en)]


def exception_handler(exc, context):
    """DRF's exception handler: RuleError, Django's 404/403 and every APIException in the one shape."""
    if isinstance(exc, RuleError):
        set_rollback()
        return Response(body(exc.problems, 400), status=400)
    if isinstance(exc, LedgerUnusable):
        return Response(body([Problem("file", exc.rule, exc.zh, exc.en)], 400), status=400)
    if isinstance(exc, RequestDataTooBig):  # a form body over DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = BodyTooLarge()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(getattr(exc, "message_dict", None) or {"": exc.messages})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        text = str(exc)
        zh, _, en = text.partition(" / ")
        set_rollback()
        problem = Problem("", "api.permission_denied", zh or CODES["permission_denied"][0], en or zh)
        return Response(body([problem], 403), status=403)
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error: Django's 500 handling (and the test client) see it
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait) + 1)
    code = exc.status_code
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        code = status.HTTP_401_UNAUTHORIZED
    set_rollback()
    return Response(body(_problems_of(exc), code), status=code, headers=headers)
