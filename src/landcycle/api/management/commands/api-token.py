"""``landcycle api-token create USER --name N --days D`` (prints the key, once), ``landcycle api-token list USER``,
``landcycle api-token revoke USER PREFIX``: tokens for integrations, audited as made by the system user."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from landcycle.accounts.models import User
from landcycle.accounts.services import system_user
from landcycle.api.models import ApiToken
from landcycle.api.services import token_create, token_revoke
from landcycle.rules.problems import RuleError


class Command(BaseCommand):
    help = "API令牌 / API tokens: create USER --name N --days D | list USER | revoke USER PREFIX"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建令牌（密钥只显示一次） / make a token (the key is shown once)")
        create.add_argument("user")
        create.add_argument("--name", required=True)
        create.add_argument("--days", type=int, default=90)
        listing = sub.add_parser("list", help="列出令牌 / list a user's tokens")
        listing.add_argument("user")
        revoke = sub.add_parser("revoke", help="吊销令牌 / revoke a token")
        revoke.add_argument("user")
        revoke.add_argument("prefix")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"没有用户 {opts['user']} / no user {opts['user']}")
        try:
            if opts["action"] == "create":
                token, key = token_create(actor=system_user(), user=user, name=opts["name"], days=opts["days"])
                self.stdout.write(key)
                self.stderr.write(f"有效期至 / expires {token.expires_at:%Y-%m-%d %H:%M}")
            elif opts["action"] == "list":
                for t in ApiToken.objects.filter(user=user):
                    last = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-"
                    self.stdout.write(f"{t.prefix}\t{t.state}\t{t.expires_at:%Y-%m-%d}\t{last}\t{t.name}")
            else:
                token = ApiToken.objects.filter(user=user, prefix=opts["prefix"]).first()
                if token is None:
                    raise CommandError(f"没有令牌 {opts['prefix']} / no token {opts['prefix']}")
                token_revoke(actor=system_user(), token=token)
                self.stdout.write(f"已吊销 / revoked {token.prefix}")
        except RuleError as exc:
            raise CommandError("; ".join(p.message for p in exc.problems)) from None
