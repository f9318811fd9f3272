"""Every API route x every persona x every method, through the one scope mechanism.

A town officer sees and writes only their own town: every object of the other town answers 404 (reading it,
writing it, acting on it), and no list shows any of its rows, however it is filtered. A role that may not write
an area gets 403 on objects it can see; a writer reaches the service's own checks (here: 400 for an empty body).
A new route fails here until it is given its objects below.
"""

from __future__ import annotations

import pytest
from api_support import OTHER, OWN_TOWN, PERSONAS, _fresh_throttle_counts, auth, leak_markers, token_for, world  # noqa: F401 -- fixtures

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db

# basename -> the object of a town its detail route shows
OBJECTS = {
    "region": lambda d: d["town"],
    "park": lambda d: d["park"],
    "parcel": lambda d: d["parcels"][0],
    "enterprise": lambda d: d["owner"],
    "occupancy": lambda d: d["occupancies"][0],
    "contract": lambda d: d["contract"],
    "warning": lambda d: d["warning"],
    "evaluation-run": lambda d: d["run"],
    "evaluation-job": lambda d: d["evaluation_job"],
    "inspection": lambda d: d["inspection"],
    "task": lambda d: d["task"],
    "round": lambda d: d["round"],
    "round-item": lambda d: d["round_item"],
    "application": lambda d: d["application"],
    "exit-case": lambda d: d["exit_case"],
    "exit-item": lambda d: d["exit_item"],
    "renewal-project": lambda d: d["renewal_project"],
    "renewal-firm": lambda d: d["renewal_firm"],
    "ranking-run": lambda d: d["ranking_run"],
    "ranking-input": lambda d: d["ranking_input_q1"],
    "ranking-job": lambda d: d["ranking_job"],
}
# county-wide objects every persona reads (a published run): a town officer sees only their town's part of an
# evaluation run; a published ranking and its hand figures are a public table inside the county (as on its pages)
SHARED = {"evaluation-run", "ranking-run", "ranking-input", "round"}
# county-wide objects only the county reads (a ranking's compute job, an evaluation job, as their drafts): 404 to a
# town officer, in their own town too
COUNTY_ONLY = {"ranking-job", "evaluation-job"}
# routes that are not a town's objects: the ledgers (tests/api/test_api_import.py), the user's own tokens
# (tests/api/test_api_tokens.py) and the region's warnings refresh (tests/api/test_api_rounds.py)
OWN_TESTS = {"ledger", "token", "warning-refresh"}
# the writes: (basename, method, action or None for the object itself / "list" for create) -> who may write
TOWN_WRITERS = {"admin", "xinpu", "qiaotou"}
COUNTY_RANKERS = EVALUATORS = {"admin", "analyst"}
# county-wide objects only some of the county read: an evaluation job is its drafts' readers', the evaluation's writers
# (404 to the county's other readers too)
WRITERS_ONLY = {"evaluation-job": EVALUATORS}
COUNTY_SUPERVISION = COUNTY_PLANNERS = {"admin"}
SUPERVISORS = {"supervisor"}
WRITES = {
    ("park", "patch", None): TOWN_WRITERS,
    ("parcel", "patch", None): TOWN_WRITERS,
    ("occupancy", "post", "list"): TOWN_WRITERS,
    ("occupancy", "post", "end"): TOWN_WRITERS,
    ("enterprise", "patch", None): TOWN_WRITERS,
    ("enterprise", "post", "list"): TOWN_WRITERS,
    ("warning", "post", "verify"): TOWN_WRITERS,
    ("warning", "post", "handle"): TOWN_WRITERS,
    ("warning", "post", "progress"): TOWN_WRITERS,
    ("warning", "post", "decide"): COUNTY_SUPERVISION,
    ("warning", "post", "accept"): COUNTY_SUPERVISION,
    ("warning", "post", "send-back"): COUNTY_SUPERVISION,
    ("warning", "post", "close"): COUNTY_SUPERVISION,
    ("contract", "post", "list"): TOWN_WRITERS,
    ("contract", "patch", None): TOWN_WRITERS,
    ("evaluation-run", "post", "list"): EVALUATORS,
    ("evaluation-run", "post", "recompute"): EVALUATORS,
    ("evaluation-run", "post", "publish"): EVALUATORS,
    ("evaluation-run", "post", "notes"): EVALUATORS,
    ("task", "post", "close"): SUPERVISORS,
    ("task", "post", "reopen"): SUPERVISORS,
    ("round", "post", "list"): SUPERVISORS,
    ("round", "post", "close"): SUPERVISORS,
    ("round-item", "post", "review"): SUPERVISORS,
    ("task", "post", "progress"): {"xinpu", "qiaotou"},
    ("application", "post", "list"): TOWN_WRITERS,
    ("application", "post", "submit"): TOWN_WRITERS,
    ("exit-case", "post", "list"): TOWN_WRITERS,
    ("exit-case", "post", "steps"): TOWN_WRITERS,
    ("exit-case", "post", "items"): TOWN_WRITERS,
    ("exit-case", "post", "money"): TOWN_WRITERS,
    ("exit-case", "patch", None): TOWN_WRITERS,
    ("exit-case", "post", "close"): TOWN_WRITERS,
    ("exit-case", "post", "cancel"): TOWN_WRITERS,
    ("exit-case", "post", "tasks"): TOWN_WRITERS,
    ("exit-item", "patch", None): TOWN_WRITERS,
    ("renewal-project", "post", "report"): TOWN_WRITERS,
    ("renewal-project", "post", "start"): TOWN_WRITERS,
    ("renewal-project", "post", "list"): COUNTY_PLANNERS,
    ("renewal-project", "patch", None): COUNTY_PLANNERS,
    ("renewal-project", "post", "approve"): COUNTY_PLANNERS,
    ("renewal-firm", "post", "fate"): TOWN_WRITERS,
    ("ranking-run", "post", "list"): COUNTY_RANKERS,
    ("ranking-run", "post", "publish"): COUNTY_RANKERS,
    ("ranking-run", "post", "correct"): COUNTY_RANKERS,
}
# what an empty body is answered by a writer: the serializer's required fields (nothing is written)
BAD_BODY = {
    "park": {"kind": "x"},
    "parcel": {"area_m2": "x"},
    "enterprise": {"scale": "x"},
    "application": {"version": "x"},
    "contract": {"kind": "x"},
    "warning": {"exception": "x"},
    "exit-item": {"category": "x"},
    "exit-case": {"deadline": "x"},
    "renewal-project": {"planned_start": "x"},
}


def _registered():
    from landcycle.api.routes import router

    return {basename: viewset for _prefix, viewset, basename in router.registry}


def test_every_route_is_in_this_matrix():
    assert set(_registered()) == set(OBJECTS) | OWN_TESTS, "a new API route: add its objects to OBJECTS"
    declared = {(b, a) for b, _m, a in WRITES}
    for basename, viewset in _registered().items():
        if basename in OWN_TESTS:
            continue
        for extra in viewset.get_extra_actions():
            if extra.detail and set(extra.mapping) != {"get"}:
                assert (basename, extra.url_path) in declared, f"{basename}/{extra.url_path}: add it to WRITES"
        allowed = set(getattr(viewset, "http_method_names", ())) & {"post", "patch", "put", "delete"}
        if "post" in allowed and hasattr(viewset, "create"):
            assert (basename, "list") in declared, f"{basename} create: add it to WRITES"
        if "patch" in allowed and hasattr(viewset, "partial_update"):
            assert (basename, None) in declared, f"{basename} update: add it to WRITES"


def _detail(basename, obj, action=None):
    from django.urls import reverse

    if action is None:
        return reverse(f"api:{basename}-detail", args=[obj.pk])
    return reverse(f"api:{basename}-{action}", args=[obj.pk])


def _list(basename):
    from django.urls import reverse

    return reverse(f"api:{basename}-list")


def _body(resp) -> str:
    return resp.content.decode("utf-8")


def _check_reads(client, who, world):
    own = OWN_TOWN.get(who)
    for basename, get in OBJECTS.items():
        for town in (XINPU, QIAOTOU):
            url = _detail(basename, get(world[town]))
            resp = client.get(url)
            hidden = own and (basename in COUNTY_ONLY or (town != own and basename not in SHARED))
            if hidden or who not in WRITERS_ONLY.get(basename, {who}):
                assert resp.status_code == 404, f"{who} read {url} of the other town: {resp.status_code}"
                assert resp.json()["status"] == 404
            else:
                assert resp.status_code == 200, f"{who} {url} -> {resp.status_code} {_body(resp)[:200]}"
        lists = [_list(basename)]
        if basename == "evaluation-run":
            lists.append(_detail(basename, world[XINPU]["run"], "results"))
        if basename == "ranking-run":
            assert client.get(_detail(basename, world[XINPU]["ranking_run"], "results")).status_code == 200
        for url in lists:
            other = world[OTHER[own]] if own else None
            queries = ["", f"?town={OTHER[own]}", f"?q={other['owner'].name}"] if own else [""]
            for query in queries:
                resp = client.get(url + query)
                assert resp.status_code == 200, f"{who} {url}{query} -> {resp.status_code}"
                if own:
                    body = _body(resp).replace(OTHER[own], "").replace(other["owner"].name, "?")
                    for marker in leak_markers(other):
                        assert marker not in body, f"{who} sees {marker!r} of the other town on {url}{query}"
        if not own and basename in ("enterprise", "parcel", "contract", "task", "application"):
            body = _body(client.get(_list(basename) + "?page_size=500"))
            assert f'"{XINPU}"' in body and f'"{QIAOTOU}"' in body, (who, basename)


def _check_writes(client, who, world):
    own = OWN_TOWN.get(who)
    for (basename, method, action), writers in WRITES.items():
        send = getattr(client, method)
        if action == "list":
            resp = send(_list(basename), {}, content_type="application/json")
            expected = 400 if who in writers else 403
            assert resp.status_code == expected, f"{who} {method} {basename} list -> {resp.status_code}"
            assert resp.json()["status"] == expected and resp.json()["problems"]
            continue
        for town in (XINPU, QIAOTOU):
            url = _detail(basename, OBJECTS[basename](world[town]), action)
            resp = send(url, BAD_BODY.get(basename, {}), content_type="application/json")
            if own and town != own and basename not in SHARED:
                expected = 404
            else:
                expected = 400 if who in writers else 403
            assert resp.status_code == expected, f"{who} {method} {url} -> {resp.status_code} {_body(resp)[:300]}"
            body = resp.json()
            assert body["status"] == expected and body["problems"], body
            for p in body["problems"]:
                assert set(p) == {"field", "rule", "message_zh", "message_en"}


def _check_methods(client, who, world):
    """Methods a route does not offer answer 405 (in the API's shape), never a write."""
    for basename, get in OBJECTS.items():
        url = _detail(basename, get(world[OWN_TOWN.get(who, XINPU)]))
        resp = client.delete(url)
        assert resp.status_code == 405, f"{who} DELETE {url} -> {resp.status_code}"
        assert resp.json()["problems"][0]["rule"] == "api.method_not_allowed"
        if basename not in ("park", "parcel", "enterprise", "contract", "exit-item", "exit-case", "renewal-project"):
            assert client.patch(url, {}, content_type="application/json").status_code == 405, (who, url)


@pytest.mark.parametrize("who", PERSONAS)
def test_every_route_with_every_persona(client, world, personas, who):
    client.force_login(personas[who])
    _check_reads(client, who, world)
    _check_writes(client, who, world)
    _check_methods(client, who, world)


def test_a_token_has_the_scope_of_its_user(client, world, personas):
    """The same matrix with a town officer's token instead of a session (the integration's way in)."""

    headers = auth(token_for(personas["xinpu"]))
    other = world[QIAOTOU]
    for basename, get in OBJECTS.items():
        resp = client.get(_detail(basename, get(other)), **headers)
        assert resp.status_code == (200 if basename in SHARED else 404), (basename, resp.status_code)
        resp = client.get(_list(basename), **headers)
        assert resp.status_code == 200
        for marker in leak_markers(other):
            assert marker not in _body(resp), (basename, marker)
    resp = client.patch(
        _detail("enterprise", other["owner"]), {"contact": "x"}, content_type="application/json", **headers
    )
    assert resp.status_code == 404


def test_anonymous_gets_401_everywhere(client, world):
    for basename, get in OBJECTS.items():
        for url in (_list(basename), _detail(basename, get(world[XINPU]))):
            resp = client.get(url)
            assert resp.status_code == 401, (url, resp.status_code)
            assert resp.json() == {
                "problems": [
                    {
                        "field": "",
                        "rule": "api.not_authenticated",
                        "message_zh": "请登录或提供API令牌",
                        "message_en": "sign in or send an API token",
                    }
                ],
                "status": 401,
            }


def test_a_ranking_correction_is_queued_by_the_countys_rankers_and_read_by_the_county(client, world, personas):
    """``POST /api/ranking/runs/{id}/correct/`` with a reason: 403 to every persona that does not rank (nothing
    queued), 202 with the job to the county's rankers — one at a time (the next: 400 ``ranking.computing``); the job
    answers as a compute job does: the county reads it, a town officer gets 404."""
    from landcycle.ranking.models import RankingJob

    run = world[XINPU]["ranking_run"]
    url = f"/api/ranking/runs/{run.pk}/correct/"
    for who in sorted(set(PERSONAS) - COUNTY_RANKERS):
        client.force_login(personas[who])
        resp = client.post(url, {"reason": "录入有误"}, content_type="application/json")
        assert resp.status_code == 403, f"{who} -> {resp.status_code}"
    assert not RankingJob.objects.filter(corrects=run).exists()
    answers = []
    for who in sorted(COUNTY_RANKERS):
        client.force_login(personas[who])
        resp = client.post(url, {"reason": "录入有误"}, content_type="application/json")
        answers.append((resp.status_code, resp.json().get("corrects") or resp.json()["problems"][0]["rule"]))
    assert answers == [(202, run.pk), (400, "ranking.computing")]
    job = RankingJob.objects.get(corrects=run)
    for who in PERSONAS:
        client.force_login(personas[who])
        resp = client.get(f"/api/ranking/jobs/{job.pk}/")
        assert resp.status_code == (404 if OWN_TOWN.get(who) else 200), f"{who} -> {resp.status_code}"
