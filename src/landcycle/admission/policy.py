"""The entry rules as a county's own policy (本县政策, ``countypolicy``): this app registers its parser there, so a
county's text is checked by the very code that reads it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from landcycle.countypolicy.kinds import PolicyKind, register
from landcycle.rules.admission.policy import parse_policy


def register_county_policy() -> None:
    register(PolicyKind("admission", _("准入规则"), lambda s: parse_policy(s.data, s.hash), order=20))
