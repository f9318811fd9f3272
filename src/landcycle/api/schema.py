"""drf-spectacular hooks: every operation documents the API's error answers, in their one shape."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "每个错误的统一格式 / the one shape of every error",
    "properties": {
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "rule": {"type": "string"},
                    "message_zh": {"type": "string"},
                    "message_en": {"type": "string"},
                },
                "required": ["field", "rule", "message_zh", "message_en"],
            },
        },
        "status": {"type": "integer"},
    },
    "required": ["problems", "status"],
}
ANSWERS = {
    "400": "输入有误（问题清单） / problems with the input",
    "401": "未登录、令牌无效、过期或已吊销 / not signed in, or the token is unknown, expired or revoked",
    "403": "角色无权修改此类数据 / the role may not change this kind of data",
    "404": "不存在或不在您的辖区 / no such object in your scope",
    "405": "不支持此方法 / method not allowed",
    "413": "请求内容过大 / the request body is too large",
    "429": "请求过多 / throttled (Retry-After)",
}


def add_error_answers(result, generator, request, public):
    """Documents the error answers on every operation (those a view declares itself are kept)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for ops in result.get("paths", {}).values():
        for op in ops.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for code, text in ANSWERS.items():
                op["responses"].setdefault(code, {"description": text, "content": ref})
    return result
