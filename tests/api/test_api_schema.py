"""The OpenAPI schema at its stable URL, the offline docs page under the site's CSP, and a bounded schemathesis run
over every operation: no server error, no answer that breaks the schema."""

from __future__ import annotations

import re

import pytest
from api_support import _fresh_throttle_counts, auth, token_for, world  # noqa: F401 -- fixtures

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_to_signed_in_users(client, personas):
    assert client.get("/api/schema/").status_code == 401
    client.force_login(personas["leader"])
    resp = client.get("/api/schema/?format=json")
    assert resp.status_code == 200
    schema = resp.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in ("/api/enterprises/", "/api/enterprises/{id}/", "/api/warnings/{id}/verify/", "/api/tokens/"):
        assert path in paths, path
    assert "/api/ledgers/{kind}/import/" in paths
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    assert "Error" in schema["components"]["schemas"]


def test_the_docs_page_works_offline_under_the_csp(client, personas):
    assert client.get("/api/docs/").status_code == 302  # to the login page
    client.force_login(personas["leader"])
    resp = client.get("/api/docs/")
    assert resp.status_code == 200
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    html = resp.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        static = client.get(src)
        assert static.status_code == 200, src
        if hasattr(static, "close"):
            static.close()


def test_the_token_page_is_reached_from_the_docs_and_needs_a_sign_in(client, personas):
    assert client.get("/api/my-tokens/").status_code == 302
    client.force_login(personas["leader"])
    assert "/api/my-tokens/" in client.get("/api/docs/").content.decode()


def _real_objects(world):
    """Path parameters of a real object (of 新浦镇, which both personas of the run see) by path prefix."""
    d = world["330282112"]
    return {
        "/api/regions/": {"id": d["town"].pk},
        "/api/parks/": {"id": d["park"].pk},
        "/api/parcels/": {"id": d["parcels"][0].pk},
        "/api/enterprises/": {"id": d["owner"].pk},
        "/api/occupancies/": {"id": d["occupancies"][1].pk},
        "/api/contracts/": {"id": d["contract"].pk},
        "/api/warnings/": {"id": d["warning"].pk},
        "/api/evaluation/runs/": {"id": d["run"].pk},
        "/api/rectification/inspections/": {"id": d["inspection"].pk},
        "/api/rectification/tasks/": {"id": d["task"].pk},
        "/api/admission/applications/": {"id": d["application"].pk},
        "/api/exits/cases/": {"id": d["exit_case"].pk},
        "/api/exits/items/": {"id": d["exit_item"].pk},
        "/api/renewal/projects/": {"id": d["renewal_project"].pk},
        "/api/renewal/firms/": {"id": d["renewal_firm"].pk},
        "/api/ranking/runs/": {"id": d["ranking_run"].pk},
        "/api/ranking/inputs/": {"id": d["ranking_input_q1"].pk},
    }


# examples per operation and persona: the run's time grows with the operations (about 80 now), and CI's budget for it
# stays what it was with 40 operations and 8 examples each
EXAMPLES = 5


@pytest.fixture
def wsgi_in_test_transaction():
    """The WSGI app called directly (as schemathesis does) keeps the test's connection and its transaction: like
    Django's test client, do not close connections at the start and end of each request (PostgreSQL would lose
    the test's data)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("who", ["admin", "xinpu"])
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(
    world, personas, settings, who, wsgi_in_test_transaction, monkeypatch
):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    # what this run asserts: no server error, no answer the schema does not describe (a schema-valid body may still
    # break a business rule: a town code that does not exist is a 400, not a failure)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]

    from landcycle.api.throttling import PerTokenThrottle
    from landcycle.wsgi import application

    # the run sends more than a minute's worth of requests of one token: throttling is tested in test_api_tokens
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "100000/min"})

    settings.ALLOWED_HOSTS = ["*"]
    headers = auth(token_for(personas[who], days=1))
    header = {"Authorization": headers["HTTP_AUTHORIZATION"]}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=header)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hsettings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            try:
                case.call_and_validate(headers=header, checks=checks)
            except (
                Exception,
                BaseExceptionGroup,
            ) as exc:  # a failed check: collected, so that one run names every broken operation
                failures.append(f"{case.method} {case.formatted_path}: {str(exc)[:400]}")

        run()
    assert operations >= 25
    # and every GET on real objects (random ids mostly answer 404): each 200 answer matches its schema
    real = _real_objects(world)
    if who == "admin":  # an evaluation job is the evaluation's writers' (404 to a town officer)
        real["/api/evaluation/jobs/"] = {"id": world["330282112"]["evaluation_job"].pk}
    validated = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.lower() != "get" or "{" not in operation.path:
            continue
        prefix = operation.path.split("{", 1)[0]
        if prefix not in real:
            continue
        case = operation.Case(path_parameters={name: value for name, value in real[prefix].items()})
        response = case.call(headers=header)
        assert response.status_code == 200, (operation.path, response.status_code)
        case.validate_response(response, checks=checks)
        validated += 1
    assert validated >= 17
    assert not failures, "\n".join(sorted(set(failures))[:20])


def test_an_unknown_api_address_answers_404_in_the_api_shape(client, personas):
    client.force_login(personas["leader"])
    resp = client.get("/api/no-such-thing/")
    assert resp.status_code == 404 and resp["Content-Type"] == "application/json"
    assert resp.json()["problems"][0]["rule"] == "api.not_found" and resp.json()["status"] == 404
    assert client.get("/api/enterprises/abc/").json()["status"] == 404


def test_the_schema_generates_without_warnings(tmp_path):
    """Every view, serializer and choice set is described (no guessed component names: clients generate code from
    them), and the file validates as OpenAPI 3."""
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    assert "WarningStatusEnum" in text and "PaginatedEnterpriseList" in text
