"""The browser pages of the API app: the offline API docs (Swagger UI from drf-spectacular-sidecar, started by a
static script: the CSP allows no inline script) and "my API tokens" (create: the key shown once; revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from landcycle.rules.problems import Problem, RuleError

from .errors import CODES, body
from .models import ApiToken
from .services import token_create, token_revoke


def docs(request):
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})


def my_tokens(request):
    """The user's tokens; POST makes one, whose key is shown on this answer only."""
    key, problems, name, days = None, [], "", 90
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            days = int(request.POST.get("days", "90"))
        except ValueError:
            days = 0
        try:
            _token, key = token_create(actor=request.user, user=request.user, name=name, days=days)
            name = ""
        except RuleError as exc:
            problems = exc.problems
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"tokens": tokens, "key": key, "problems": problems, "name": name, "days": days}
    return render(request, "api/my_tokens.html", context, status=400 if problems else 200)


@require_POST
def my_token_revoke(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌已吊销"))
    return redirect("api:my_tokens")


def not_found(request):
    """An address under /api/ that names no endpoint."""
    zh, en = CODES["not_found"]
    return JsonResponse(body([Problem("", "api.not_found", zh, en)], 404), status=404)
