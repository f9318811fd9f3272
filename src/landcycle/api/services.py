"""Writes of the API app: tokens made and revoked, each audited in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.audit.services import audit_record
from landcycle.rules.problems import Problem, RuleError

from .models import ApiToken

KEY_PREFIX = "lc_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _snap(token: ApiToken) -> dict:
    return {
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat(),
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def token_problems(name: str, days: int) -> list[Problem]:
    out = []
    if not name.strip():
        out.append(Problem("name", "api.token_name", "请填写令牌名称", "the token needs a name"))
    elif len(name.strip()) > 100:
        out.append(Problem("name", "api.token_name", "令牌名称不超过100字", "the name is at most 100 characters"))
    longest = settings.API_TOKEN_DAYS
    if not 1 <= days <= longest:
        out.append(
            Problem(
                "days",
                "api.token_days",
                f"有效天数须在1到{longest}之间",
                f"a token lives between 1 and {longest} days",
            )
        )
    return out


@transaction.atomic
def token_create(
    *, actor: User, user: User, name: str, days: int, now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of ``user`` (made by ``user`` themselves, or by a superuser/command). Returns the token and its
    key: the key is shown once and never stored."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise RuleError([Problem("user", "api.token_owner", "只能为自己创建令牌", "you may only make your own tokens")])
    problems = token_problems(name, days)
    if problems:
        raise RuleError(problems)
    now = now or timezone.now()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=key[:10],
        key_hash=key_hash(key),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    region = user.region.code if user.region_id else ""
    audit_record(actor=actor, action="api_token.create", obj=token, region_code=region, after=_snap(token))
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token (its owner, or a superuser). A revoked token answers 401 from then on."""
    if actor.pk != token.user_id and not actor.is_superuser:
        raise RuleError(
            [Problem("token", "api.token_owner", "只能吊销自己的令牌", "you may only revoke your own tokens")]
        )
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _snap(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    region = token.user.region.code if token.user.region_id else ""
    audit_record(
        actor=actor, action="api_token.revoke", obj=token, region_code=region, before=before, after=_snap(token)
    )
    return token
