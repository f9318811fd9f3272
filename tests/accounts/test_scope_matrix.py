"""Walks every URL the app defines with every persona and fails on any leak.

Each URL with a primary key is tried on an object of 新浦镇 and one of 桥头镇; the officer of 新浦镇 must
get 404 on the other town's objects, and no page without a key may show the other town's data to them.
A new URL whose key this test cannot fill fails here until it is added to OBJECTS below.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db

# url-name prefix -> how to find the object of a town in registry_data
OBJECTS = {
    # evaluation (conftest.evaluation_data)
    "evaluation_run": lambda d: d["run"],
    "evaluation_policy": lambda d: d["policy_version"],
    "evaluation_enterprise": lambda d: d["owner"],
    "evaluation_job": lambda d: d["evaluation_job"],  # a run's computation: the evaluation's writers' (fixture below)
    "park": lambda d: d["park"],
    "parcel": lambda d: d["parcels"][0],
    "enterprise": lambda d: d["owner"],
    "occupancy": lambda d: d["occupancies"][0],
    # supervision (conftest.supervision_data)
    "contract": lambda d: d["contract"],
    "commitment": lambda d: d["commitment"],
    "warning": lambda d: d["warning"],
    "town": lambda d: d["town"],
    # rectification (conftest.rectification_data; a round covers the county: the same round for both towns)
    "inspection": lambda d: d["inspection"],
    "finding": lambda d: d["finding"],
    "suggestion": lambda d: d["suggestion"],
    "task": lambda d: d["task"],
    "evidence": lambda d: d["evidence"],
    "round_item": lambda d: d["round_item"],
    "relapse_check": lambda d: d["relapse_check"],
    "round": lambda d: d["round"],
    # admission (admission_apps below)
    "application": lambda d: d["application"],
    "admission_park": lambda d: d["park"],
    "admission_document": lambda d: d["document"],
    # exits (made on first use by _exit below)
    "exit_case": lambda d: _exit(d)["case"],
    "exit_item": lambda d: _exit(d)["item"],
    "exit_file": lambda d: _exit(d)["file"],
    # ranking (ranking_run below): a published run and each town's result in it are public inside the county
    "ranking_run": lambda d: d["ranking_run"],
    "ranking_result": lambda d: d["ranking_result"],
    "ranking_job": lambda d: d["ranking_job"],  # a compute job: the county's, as a draft
    # renewal (renewal_objects below)
    "renewal": lambda d: d["renewal_project"],
    "renewal_fate": lambda d: d["renewal_firm"],
    "renewal_evidence": lambda d: d["renewal_evidence"],
}
# URLs whose key is not the object their name starts with
EXACT = {
    "occupancy_create": lambda d: d["parcels"][0],  # a new occupancy on a parcel
    "commitment_create": lambda d: d["contract"],  # a new commitment, extension, delay of a contract
    "extension_create": lambda d: d["contract"],
    "delay_create": lambda d: d["contract"],
    "finding_create": lambda d: d["inspection"],  # a new finding, suggestion of an inspection
    "suggestion_create": lambda d: d["inspection"],
    "task_create": lambda d: d["finding"],  # a new task of a finding
    "warning_evidence": lambda d: d["warning_evidence"],  # a photo of the town's answer to its warning
    "exit_step_new": lambda d: _exit(d)["case"],  # a new step, item, money line of a case
    "exit_item_new": lambda d: _exit(d)["case"],
    "exit_money_new": lambda d: _exit(d)["case"],
}
EXITS_WRITES = {"exit_case_close", "exit_case_cancel", "exit_case_tasks"}  # hand over, cancel, link tasks
# URLs keyed by the county's code and a policy's name, not by an object (本县政策): every persona of the county reads
# them (only its administrator's post writes: tests/countypolicy); checked like pages without a key (no town's rows)
KWARGS = {
    "policies_county": lambda d: {"code": d["town"].code[:6]},
    "policies_detail": lambda d: {"code": d["town"].code[:6], "name": "warnings"},
    "policies_file": lambda d: {"code": d["town"].code[:6], "name": "admission"},
    "policies_shipped": lambda d: {"name": "ranking"},
}


def _exit(d):
    """A vacating case of the town with a leftover item and a photo (made once, by the county's system user)."""
    if "exit_case" not in d:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from landcycle.accounts.services import system_user
        from landcycle.exits.services.cases import open_case
        from landcycle.exits.services.records import files_attach, item_add

        actor = system_user()
        case = open_case(actor, ground="lease_ended", town=d["town"], parcels=[d["parcels"][0]])
        photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)
        d["exit_case"] = case
        d["exit_item"] = item_add(actor=actor, case=case, category="rubbish", description="垃圾")
        d["exit_file"] = files_attach(actor=actor, case=case, files=[photo])[0]
    return {"case": d["exit_case"], "item": d["exit_item"], "file": d["exit_file"]}


# write pages only the county administrator may open (a town officer gets 404 in their own town too); contracts
# are kept by the town offices too (their own town's), so their pages are not here
COUNTY_WRITES: set[str] = {"renewal_create", "renewal_edit"}  # renewal plans are the county's
OPEN_URLS = {"login", "healthz", "set_language"}
# evaluation pages only the roles that may write "evaluation" open (county administrator, city analyst)
# the ranking (赛马) is computed, published and corrected by the same roles as the evaluation (Area.RANKING)
RANKING_WRITES = {"ranking_compute", "ranking_run_publish", "ranking_run_correct"}
EVALUATION_WRITES = {"evaluation_run_new"} | RANKING_WRITES
# evaluation pages the county's readers open read-only (the what-if: it computes in memory and saves only for
# the writers) and a ranking's compute job (the county's, as its drafts); a town officer gets 404, in their own
# town too
EVALUATION_COUNTY_READS = {"evaluation_whatif", "ranking_job"}
# keyed by a county-wide object every role reads (a run, a policy version): a town officer sees their own
# town's part of it, so these are checked like pages without a key (no other town's rows)
# an evaluation job is seen by the roles that see drafts, the evaluation's writers: 404 to the county's other readers
# and to a town officer
EVALUATION_WRITER_READS = {"evaluation_job"}
SHARED = {"evaluation_run_detail", "evaluation_run_results", "evaluation_policy_detail", "evaluation_policy_file"}
SHARED |= {"ranking_run", "ranking_run_robustness", "ranking_run_export", "ranking_run_print", "ranking_result"}
SHARED |= set(KWARGS)
# ledgers: an import batch and an export job belong to the user who made them, not to a town, and a template is
# named by its ledger: walked by test_ledger_urls_with_every_persona below
LEDGER_URLS = {
    "ledger_template",
    "import_batch_detail",
    "import_batch_confirm",
    "import_batch_report",
    "export_job_file",
}
WRITE_PREFIXES = ("_create", "_edit", "_update", "_new", "_end")
# rectification (整改): the supervisor (纪检监督员) writes the ledger — inspections, checks, findings, suggestions,
# tasks, new and edited, rounds, reviews, close-out and reopening — and nobody else opens these pages (the county
# administrator, analyst, leader and town officers get 404). Town officers write only their own town's progress and
# the objects their own town's tasks are linked to (RECT_OFFICER_WRITES); the supervisor, administrator, analyst and
# leader get 404 there. A round covers the whole county (RECT_COUNTY_WIDE): every persona opens it, sees only the
# items of their scope, and the page is checked for leaks like a page without a key.
RECT_SUPERVISOR_WRITES = {
    "inspection_create",
    "check_create",
    "finding_create",
    "suggestion_create",
    "task_create",
    "inspection_edit",
    "finding_edit",
    "suggestion_edit",
    "task_edit",
    "task_close",
    "task_reopen",
    "round_open",
    "round_close",
    "round_item_review",
    "relapse_check_review",
}
RECT_OFFICER_WRITES = {"task_update", "task_links_edit", "round_item_submit"}
RECT_COUNTY_WIDE = {"round_detail", "round_export", "round_close", "round_print"}


@pytest.fixture
def rectification_linked(supervision_data, rectification_data, personas):
    """Each town's task also linked to the town's contract by its officer (shown on the contract's page), and
    a second task of each town closed out before the round and re-checked in it (回头看)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import RECTIFICATION_PDF
    from landcycle.rectification.models import RelapseCheck
    from landcycle.rectification.services.edit import task_links_update
    from landcycle.rectification.services.ledger import task_create
    from landcycle.rectification.services.progress import progress_submit, task_close
    from landcycle.supervision.services.warnings import warning_verify

    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        d = rectification_data[code]
        photo = SimpleUploadedFile(f"{code}.jpg", b"\xff\xd8\xff\xe0" + code.encode())
        warning_verify(actor=personas[who], warning=d["warning"], confirmed=False, reason="异议", files=[photo])
        d["warning_evidence"] = d["warning"].evidence.get()
        d["task"] = task_links_update(
            actor=personas[who],
            task=d["task"],
            version=d["task"].version,
            parks=[d["park"]],
            parcels=[d["parcels"][0]],
            enterprises=[d["owner"]],
            contracts=[d["contract"]],
        )
        done = task_create(
            actor=personas["supervisor"],
            finding=d["finding"],
            town=d["town"],
            title=f"{d['town'].name}清理违建",
            measures="拆除",
            deadline=dt.date(2026, 10, 31),
            assigned_on=dt.date(2026, 9, 15),
        )
        done = progress_submit(
            actor=personas[who],
            task=done,
            version=done.version,
            percent_done=100,
            text="已拆除",
            reported_on=dt.date(2026, 10, 20),
            request_close=True,
            files=[SimpleUploadedFile("拆除.pdf", RECTIFICATION_PDF)],
        ).task
        done.refresh_from_db()
        task_close(actor=personas["supervisor"], task=done, version=done.version, closed_on=dt.date(2026, 10, 25))
        d["relapse_check"] = RelapseCheck.objects.create(
            round=d["round"], task=done, closed_on=dt.date(2026, 10, 25), watch_until=dt.date(2027, 4, 25)
        )
    return rectification_data


@pytest.fixture
def admission_apps(registry_data, personas):
    """A draft application of each town (by its officer) with one document."""
    from landcycle.admission.services.applications import application_register, document_attach

    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        d = registry_data[code]
        d["application"] = application_register(
            actor=personas[who],
            number=f"ZR-{code}",
            park=d["park"],
            project=f"{d['town'].name}新项目",
            applicant_name="新设企业",
            industry_code="3851",
            land_mu="10",
        )
        d["document"] = document_attach(
            actor=personas[who], application=d["application"], name="可研.pdf", content=b"%PDF-1"
        )
    return registry_data


@pytest.fixture
def evaluation_job(evaluation_data, personas):
    """A queued evaluation job of 2025 (a new draft of the county's), added to each town's dict."""
    from landcycle.evaluation.background import job_queue

    job = job_queue(actor=personas["analyst"], year=2025)
    for d in evaluation_data.values():
        d["evaluation_job"] = job
    return job


@pytest.fixture
def ranking_run(registry_data, personas):
    """A published ranking of 2025Q2 (both towns), its run and each town's result added to the town's dict, and a
    queued compute job of 2025Q3."""
    from landcycle.kit.indicators import Quarter
    from landcycle.ranking.background import compute_queue
    from landcycle.ranking.services import run_compute, run_publish

    admin = personas["admin"]
    run = run_publish(actor=admin, run=run_compute(actor=admin, quarter=Quarter(2025, 2), runs=20, gains=False))
    job = compute_queue(actor=admin, quarter=Quarter(2025, 3))
    for code, d in registry_data.items():
        d["ranking_run"], d["ranking_result"], d["ranking_job"] = run, run.results.get(town__code=code), job
    return run


@pytest.fixture
def renewal_objects(registry_data, personas, settings, tmp_path):
    """A renewal project of each town, approved by the county and started (its firms listed), with a progress
    report of the town carrying one evidence file."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from landcycle.renewal.services.progress import report_progress
    from landcycle.renewal.services.projects import project_approve, project_create, project_start

    settings.UPLOADS_DIR = tmp_path / "uploads"
    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        d = registry_data[code]
        p = project_create(
            actor=personas["admin"],
            number=f"GZ-{code}",
            name="老旧工业区块改造",
            town=d["town"],
            kind="upgrade",
            planned_start=dt.date(2025, 1, 1),
            planned_end=dt.date(2027, 12, 31),
            parks=[d["park"]],
            area_mu="30",
            milestones={"approval": dt.date(2025, 2, 1), "completion": dt.date(2027, 6, 30)},
        )
        p = project_approve(actor=personas["admin"], project=p, approved_on=dt.date(2025, 2, 1), document="批复")
        p = project_start(actor=personas[who], project=p, started_on=dt.date(2025, 3, 1))
        r = report_progress(
            actor=personas[who],
            project=p,
            period=dt.date(2025, 6, 1),
            percent_done=20,
            text="拆除中",
            files=[SimpleUploadedFile("现场.pdf", b"%PDF-1.4 " + code.encode())],
            today=dt.date(2025, 6, 30),
        )
        d["renewal_project"], d["renewal_firm"], d["renewal_evidence"] = p, p.firms.first(), r.evidence.get()
    return registry_data


def _walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver) and p.namespace == "api":
            continue  # the REST API: walked by tests/api/test_api_scope_matrix.py (every route x persona x method)
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield p.name, prefix + str(p.pattern), list(p.pattern.converters)


def _urls():
    return sorted({(name, route, tuple(params)) for name, route, params in _walk()})


def _fill(name, params, data):
    from django.urls import reverse

    if not params:
        if name == "area_pending":
            return None
        return reverse(name)
    if name == "area_pending":  # every area is built now: the page only answers 404, nothing to walk
        return reverse(name, args=[_pending_key()]) if _pending_key() else None
    if name in KWARGS:
        return reverse(name, kwargs=KWARGS[name](data))
    if name in EXACT:
        obj = EXACT[name](data)
    else:
        kind = next((k for k in sorted(OBJECTS, key=len, reverse=True) if name.startswith(k)), None)
        assert kind is not None, f"URL {name} takes {params}: add its object to OBJECTS in this test"
        obj = OBJECTS[kind](data)
    return reverse(name, kwargs={params[0]: obj.pk})


def _pending_key():
    """An area still shown as "not yet built" (areas are switched to their pages as they are built)."""
    from landcycle.web.context import PENDING_AREAS

    return next(iter(PENDING_AREAS), None)


def _leak_markers(data):
    """Strings that only the other town's objects carry."""
    markers = [
        data["owner"].uscc,
        data["owner"].name,
        data["tenant"].uscc,
        data["parcels"][0].number,
        data["park"].code,
    ]
    if "contract" in data:
        markers += [data["contract"].number, data["parcels"][1].number]
    if "task" in data:  # rectification
        markers += [data["task"].title, data["inspection"].title, data["evidence"].name]
    return markers


def test_anonymous_users_are_sent_to_login(
    client,
    registry_data,
    supervision_data,
    evaluation_data,
    evaluation_job,
    rectification_linked,
    admission_apps,
    ranking_run,
    renewal_objects,
):
    for name, route, params in _urls():
        if name in OPEN_URLS or name == "logout" or name in LEDGER_URLS:
            continue
        url = _fill(name, params, registry_data[XINPU]) or f"/areas/{_pending_key() or 'exits'}/"
        resp = client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], (name, url, resp.status_code)


@pytest.mark.parametrize("who", ["admin", "analyst", "supervisor", "leader", "xinpu", "qiaotou"])
def test_every_url_with_every_persona(
    client,
    registry_data,
    supervision_data,
    evaluation_data,
    evaluation_job,
    rectification_linked,
    admission_apps,
    ranking_run,
    renewal_objects,
    personas,
    who,
):
    user = personas[who]
    client.force_login(user)
    own_town = {"xinpu": XINPU, "qiaotou": QIAOTOU}.get(who)
    other_town = {XINPU: QIAOTOU, QIAOTOU: XINPU}.get(own_town)
    checked = 0
    for name, route, params in _urls():
        if name in OPEN_URLS or name == "logout" or name in LEDGER_URLS:
            continue
        is_write = any(name.endswith(s) for s in WRITE_PREFIXES) or name in EVALUATION_WRITES or name in EXITS_WRITES
        readers = ("leader", "supervisor") if name in EVALUATION_WRITES else ("leader", "supervisor", "analyst")
        for town in (XINPU, QIAOTOU):
            url = _fill(name, params, registry_data[town])
            if url is None:
                continue
            resp = client.get(url)
            checked += 1
            keyed = bool(params) and name != "area_pending" and name not in RECT_COUNTY_WIDE and name not in SHARED
            if keyed and own_town and town == other_town:
                assert resp.status_code == 404, f"{who} reached {name} of another town: {url} -> {resp.status_code}"
                continue
            if name in RECT_SUPERVISOR_WRITES or name in RECT_OFFICER_WRITES:
                allowed = who == "supervisor" if name in RECT_SUPERVISOR_WRITES else bool(own_town)
                if not allowed:
                    assert resp.status_code in (403, 404), f"{who} may not open {url}: {resp.status_code}"
                    if not keyed:
                        break
                    continue
                is_write = False  # allowed: the page must open (200) and, without a key, not leak
            if is_write and (who in readers or ((name in COUNTY_WRITES or name in EVALUATION_WRITES) and own_town)):
                assert resp.status_code in (403, 404), f"{who} may not open {url}: {resp.status_code}"
                continue
            if name in EVALUATION_WRITER_READS and who not in ("admin", "analyst"):
                assert resp.status_code == 404, f"{who} may not open {url}: {resp.status_code}"
                break
            if name in EVALUATION_COUNTY_READS and own_town:
                assert resp.status_code == 404, f"{who} may not open {url}: {resp.status_code}"
                break
            if name == "audit_list" and who not in ("admin", "supervisor"):
                assert resp.status_code in (403, 404), f"{who} may not read the audit log"
                continue
            assert resp.status_code == 200, f"{who} {url} -> {resp.status_code}"
            if own_town and not keyed:
                other = registry_data[other_town]
                # the page as it is, and asked for the other town's rows by filter and search
                for query in (
                    "",
                    f"?town={other_town}",
                    f"?park={other['park'].pk}",
                    f"?q={other['owner'].uscc}",
                    f"?town={other_town}&export=csv",
                    "?export=csv",
                ):
                    r = client.get(url + query)
                    raw = b"".join(r.streaming_content) if r.streaming else r.content
                    body = raw.decode("utf-8", "replace")
                    if "=" in query:  # the page may echo what was asked for (search box, language switch)
                        body = body.replace(query.split("=", 1)[1].split("&")[0], "")
                    for marker in _leak_markers(other):
                        assert marker not in body, f"{who} sees {marker!r} of {other_town} on {url}{query}"
            if not keyed:
                break  # a page without a key is the same for both towns
    assert checked > 10


def _ledger_objects(personas, registry_data):
    """A previewed batch and a finished export job of the 新浦镇 officer."""
    from landcycle.ledgers.jobs import job_claim, job_queue, job_run
    from landcycle.ledgers.services import import_preview

    officer = personas["xinpu"]
    parcel = registry_data[XINPU]["parcels"][0]
    data = f"地块编号,园区编号,面积（平方米）,供地方式\n{parcel.number},{parcel.park.code},{parcel.area_m2},出让\n".encode()
    batch = import_preview(actor=officer, kind="parcels", uploaded_file_bytes=data, filename="地块.csv")
    job = job_queue(user=officer, source="parcels", fmt="csv", filters={})
    assert job_claim(job.pk, "matrix")
    job_run(job.pk)
    return {
        "ledger_template": "parcels",
        "import_batch_detail": batch.pk,
        "import_batch_confirm": batch.pk,
        "import_batch_report": batch.pk,
        "export_job_file": job.pk,
    }


@pytest.mark.parametrize("who", ["anonymous", "admin", "analyst", "supervisor", "leader", "xinpu", "qiaotou"])
def test_ledger_urls_with_every_persona(client, registry_data, personas, who, settings, tmp_path):
    from django.urls import reverse

    settings.UPLOADS_DIR, settings.EXPORTS_DIR = tmp_path / "uploads", tmp_path / "exports"
    keys = _ledger_objects(personas, registry_data)
    assert set(keys) == LEDGER_URLS, "a new ledgers URL: add it here"
    if who != "anonymous":
        client.force_login(personas[who])
    writer = who in ("admin", "xinpu", "qiaotou")
    for name, key in keys.items():
        url = reverse(name, args=[key])
        resp = client.post(url) if name == "import_batch_confirm" else client.get(url)
        if who == "anonymous":
            assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], (name, resp.status_code)
        elif name == "ledger_template":
            assert resp.status_code == (200 if writer else 404), (who, name, resp.status_code)
        elif who == "xinpu":  # the owner
            assert resp.status_code in (200, 302), (who, name, resp.status_code)
        else:
            assert resp.status_code == 404, f"{who} reached {name} of the 新浦镇 officer: {resp.status_code}"
