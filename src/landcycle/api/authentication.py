"""``Authorization: Token <key>``: the key's hash looked up; expired or revoked tokens answer 401."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import key_hash

# last_used_at is written at most once a minute per token: not a write per request
LAST_USED_STEP = dt.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式错误 / malformed token header")
        try:
            key = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("令牌格式错误 / malformed token header") from None
        token = ApiToken.objects.select_related("user", "user__region").filter(key_hash=key_hash(key)).first()
        now = timezone.now()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效 / invalid token")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("令牌已吊销 / the token was revoked")
        if now >= token.expires_at:
            raise exceptions.AuthenticationFailed("令牌已过期 / the token has expired")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema: ``Authorization: Token <key>``."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key>（令牌前加 Token 和空格 / the key after 'Token ')",
        }
