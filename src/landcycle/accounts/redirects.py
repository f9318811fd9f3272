"""Where to go after a form: the ``next`` the page posted, only when it stays on this site."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """``request``'s posted (or asked) ``next`` when it is a URL of this host (Django's own check, which also
    refuses ``//host``, ``/\\host`` and other schemes), else ``default``."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default
