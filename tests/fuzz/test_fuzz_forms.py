"""Issue 10: a property test over the date and number fields of every edit form. Each field of each form
gets extreme values (year 1 and 9999, 0000-00-00, negative numbers, 1e308, NaN, inf, 10**30, a digit string
of 5,000 digits, blank) plus a value hypothesis draws, posted by the role that may write, every other field
as the form shows it; the answer is never a 500 — a redirect (saved) or the form with its problems.

Bounded: a fixed set of extremes and a few derandomized examples per field (``EXAMPLES``), no deadline."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django import forms
from django.db.models import Model
from django.urls import get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import XINPU
from landcycle.rules.codes import make_uscc

pytestmark = pytest.mark.django_db

EXAMPLES = 1  # drawn by hypothesis per field, on top of the fixed extremes
EXTREME_DATES = ["0001-01-01", "9999-12-31", "0000-00-00", ""]
EXTREME_NUMBERS = ["-1", "1e308", "NaN", str(10**30), "9" * 5000]
PARAMS = EXTREME_NUMBERS + ["", "²", "１２", "0"]  # numbers in a query string
DRAWN = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet="0123456789-.eE+", max_size=60),
)
_serial = itertools.count(1)


def _kind(field: forms.Field) -> str | None:
    """'date' or 'number' for a field that takes a date or a number, else None."""
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        return "date"
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return "number"
    if isinstance(field, forms.TypedChoiceField) and field.coerce in (int, float):
        return "number"
    attrs = field.widget.attrs
    if "date" in str(attrs.get("class", "")).split():
        return "date"
    if attrs.get("inputmode") in ("decimal", "numeric"):
        return "number"
    return None


def _plain(value):
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, (list, tuple)) or hasattr(value, "__iter__") and not isinstance(value, str):
        return [_plain(v) for v in value if v is not None]
    return str(value)


def _page(client, url, method="get", data=None):
    resp = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp


def form_base(client, url, overrides: dict) -> tuple[dict, dict]:
    """(the data the form shows, each field as posted; date/number fields of the form)."""
    form = _page(client, url).context["form"]
    data, kinds = {}, {}
    for name, field in form.fields.items():
        kind = _kind(field)
        if kind:
            kinds[name] = kind
        value = _plain(form[name].value())
        if value is not None and value != []:
            data[name] = value
    for name, value in overrides.items():
        if callable(value):
            value = value()
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data, kinds


def _post(client, url, data, label):
    try:
        resp = client.post(url, data)
    except Exception as exc:  # noqa: BLE001 - the point: what the server would turn into a 500
        raise AssertionError(f"{label}: {type(exc).__name__}: {exc}") from exc
    assert resp.status_code in (200, 302), (label, resp.status_code)
    if resp.status_code == 200:  # the form again: it names what is wrong
        form = resp.context["form"]
        assert (
            form.errors
            or form.problems
            or form.top_problems
            or resp.context.get("problems")
            or resp.context.get("save_problems")
        ), (label, "200 without a problem")
    return resp


def fuzz_form(client, url, overrides=None, *, fresh=False):
    """Post extremes and drawn values into every date/number field of the form at ``url``."""
    overrides = overrides or {}
    base, kinds = form_base(client, url, overrides)
    assert kinds, f"{url}: no date or number field found"
    state = {"base": base}

    def post(name, value):
        resp = _post(client, url, {**state["base"], name: value}, f"{url} {name}={value[:40]!r}")
        if fresh and resp.status_code == 302:  # saved: the version the form carries moved on
            state["base"] = form_base(client, url, overrides)[0]

    for name, kind in kinds.items():
        for value in EXTREME_DATES if kind == "date" else EXTREME_NUMBERS:
            post(name, value)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(value=DRAWN)
        def drawn(value):
            post(name, value)

        drawn()
    return kinds


def _unique(prefix):
    return lambda: f"{prefix}{next(_serial)}"


# ---------------------------------------------------------------------------------------------- the forms
def registry_cases(d):
    occupancy = d["occupancies"][1]
    return [
        ("park_create", [], {"code": _unique("FZ-P"), "name": _unique("模糊测试园区"), "kind": "industrial"}),
        ("park_edit", [d["park"].pk], {}),
        (
            "parcel_create",
            [],
            {"number": _unique("330282112-F"), "park": str(d["park"].pk), "area_m2": "1000", "tenure": "granted"},
        ),
        ("parcel_edit", [d["parcels"][0].pk], {}),
        (
            "enterprise_create",
            [],
            {
                "uscc": lambda: make_uscc("91", "330282", f"FX{next(_serial):06d}"),
                "name": _unique("慈溪模糊测试有限公司"),
                "industry_code": "3851",
                "scale": "above",
                "registered_on": "2010-01-01",
            },
        ),
        ("enterprise_edit", [d["owner"].pk], {}),
        (
            "occupancy_create",
            [d["parcels"][1].pk],
            {"enterprise": d["tenant"].uscc, "kind": "owned", "area_m2": "100", "start": "2021-01-01"},
        ),
        ("occupancy_end", [occupancy.pk], {"end": "2026-01-01"}),
    ]


def supervision_cases(d):
    c = d["contract"]
    return [
        (
            "contract_create",
            [],
            {
                "number": _unique("HT-FZ-"),
                "kind": "standard",
                "parcels": d["parcels"][0].number,
                "holder_name": "模糊测试公司",
                "signed_on": "2025-01-10",
            },
        ),
        ("contract_edit", [c.pk], {}),
        ("commitment_create", [c.pk], {"kind": "tax_per_mu", "committed": "30", "unit": "万元/亩"}),
        ("commitment_edit", [d["commitment"].pk], {"measured": "31"}),
        (
            "extension_create",
            [c.pk],
            {"milestone": "production", "new_date": "2028-06-30", "approved_on": "2026-11-01"},
        ),
        ("delay_create", [c.pk], {"cause": "plan_change", "evidence": "规划调整批复"}),
    ]


def rectification_cases(d):
    from landcycle.rectification.models import RelapseCheck

    task, insp = d["task"], d["inspection"]
    check, _new = RelapseCheck.objects.get_or_create(  # a 回头看 re-check in the open round
        round=d["round"],
        task=task,
        defaults={"closed_on": d["round"].period_start, "watch_until": d["round"].period_end},
    )
    return {
        "supervisor": [
            (
                "inspection_create",
                [],
                {
                    "kind": "inspection",
                    "title": _unique("模糊测试检查"),
                    "body": "市纪委",
                    "started_on": "2026-09-01",
                    "regions": [str(d["town"].pk)],
                },
            ),
            ("inspection_edit", [insp.pk], {}),
            ("finding_create", [insp.pk], {"summary": "问题", "found_on": "2026-09-10"}),
            ("finding_edit", [d["finding"].pk], {}),
            ("suggestion_create", [insp.pk], {"text": "建议", "made_on": "2026-09-10"}),
            ("suggestion_edit", [d["suggestion"].pk], {}),
            (
                "task_create",
                [d["finding"].pk],
                {
                    "title": _unique("模糊测试任务"),
                    "town": str(d["town"].pk),
                    "deadline": "2026-12-31",
                    "measures": "措施",
                },
            ),
            ("task_edit", [task.pk], {"note": "调整"}),
            ("round_item_review", [d["round_item"].pk], {"decision": "challenged", "note": "补充"}),
            ("relapse_check_review", [check.pk], {"decision": "relapsed", "note": "反弹", "on": "2026-11-20"}),
            ("task_close", [task.pk], {"note": "同意"}),
            ("task_reopen", [task.pk], {"reason": "反弹"}),
            ("round_close", [d["round"].pk], {}),
            ("round_open", [], {}),
        ],
        "xinpu": [
            ("task_update", [task.pk], {"text": "进展", "percent_done": "80"}),
            ("round_item_submit", [d["round_item"].pk], {"text": "进展", "percent_done": "80"}),
            ("task_links_edit", [task.pk], {}),
        ],
    }


FRESH = {
    "task_edit",
    "task_update",
    "round_item_submit",
    "task_links_edit",
    "task_close",
    "task_reopen",
    "round_item_review",
}  # forms that carry a version: read it again before each post


def pages_still_answer(client, names_args):
    """What was saved on the way (the extremes the rules accept) breaks no page for anyone."""
    for name, args in names_args:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_registry_and_supervision_forms_never_answer_500(client, supervision_data, personas):
    d = supervision_data[XINPU]
    client.force_login(personas["xinpu"])
    for name, args, overrides in registry_cases(d) + supervision_cases(d):
        fuzz_form(client, reverse(name, args=args), overrides, fresh=name in FRESH)
    for name, param in (("parcel_create", "park"), ("contract_create", "parcel")):  # ids in the query string
        for value in PARAMS:
            assert client.get(reverse(name), {param: value}).status_code == 200, (name, value)
    client.force_login(personas["admin"])  # the county's refresh takes a date
    for value in EXTREME_DATES:
        resp = client.post(reverse("warning_board"), {"as_of": value})
        assert resp.status_code == 302, value
    pages_still_answer(
        client,
        [
            ("overview", []),
            ("contract_list", []),
            ("warning_board", []),
            ("contract_detail", [d["contract"].pk]),
            ("park_detail", [d["park"].pk]),
            ("parcel_detail", [d["parcels"][0].pk]),
            ("enterprise_detail", [d["owner"].pk]),
            ("town_detail", [d["town"].pk]),
            ("parcel_map", []),
            ("parcel_geojson", []),
            ("map_outlines", []),
        ],
    )


def test_rectification_forms_never_answer_500(client, rectification_data, personas):
    d = rectification_data[XINPU]
    for who, cases in rectification_cases(d).items():
        client.force_login(personas[who])
        for name, args, overrides in cases:
            fuzz_form(client, reverse(name, args=args), overrides, fresh=name in FRESH)
    for who in ("supervisor", "xinpu"):
        client.force_login(personas[who])
        pages_still_answer(
            client,
            [
                ("rectification_ledger", []),
                ("rectification_summary", []),
                ("inspection_list", []),
                ("inspection_detail", [d["inspection"].pk]),
                ("task_detail", [d["task"].pk]),
                ("round_list", []),
                ("round_detail", [d["round"].pk]),
            ],
        )


def test_evaluation_forms_never_answer_500(client, evaluation_data, personas):
    client.force_login(personas["analyst"])
    fuzz_form(client, reverse("evaluation_run_new"), {"policy": "shipped"})
    page = _page(client, reverse("evaluation_whatif")).context
    fields = page["fields"]
    group, level = fields["groups"][0], fields["classes"][0]
    names = [
        "year",
        "base",
        "page",
        "cap_factor",
        "above",
        level["share"]["name"],
        level["min"]["name"],
        group["lo"]["name"],
        group["hi"]["name"],
        group["indicators"][0]["weight"]["name"],
    ]
    for name in names:
        for value in PARAMS:
            try:
                resp = client.get(reverse("evaluation_whatif"), {name: value})
            except Exception as exc:  # noqa: BLE001
                raise AssertionError(f"whatif {name}={value[:40]!r}: {type(exc).__name__}: {exc}") from exc
            assert resp.status_code == 200, (name, value)
    ent = evaluation_data[XINPU]["owner"]
    for value in PARAMS:
        assert client.get(reverse("evaluation_enterprise", args=[ent.pk]), {"run": value}).status_code == 200, value


def test_admission_forms_never_answer_500(client, registry_data, personas):
    from landcycle.admission.services.applications import application_register

    d = registry_data[XINPU]
    client.force_login(personas["xinpu"])
    base = {
        "project": "模糊测试项目",
        "enterprise": d["owner"].uscc,
        "park": str(d["park"].pk),
        "industry_code": "3851",
        "land_mu": "20",
        "fixed_investment": "4000",
        "tax": "200",
    }
    fuzz_form(client, reverse("application_create"), {**base, "number": _unique("ZR-FZ-C")})
    draft = application_register(
        actor=personas["xinpu"],
        number="ZR-FZ-1",
        park=d["park"],
        project="模糊草稿",
        enterprise=d["owner"],
        industry_code="3851",
    )
    fuzz_form(client, reverse("application_edit", args=[draft.pk]), {}, fresh=True)
    for value in PARAMS:  # the what-if takes a land area in the query string
        assert client.get(reverse("admission_whatif"), {"land_mu": value}).status_code == 200, value
    pages_still_answer(client, [("application_list", []), ("application_detail", [draft.pk])])


def test_exits_forms_never_answer_500(client, registry_data, personas):
    from landcycle.exits.services.cases import open_case
    from landcycle.exits.services.records import item_add

    d = registry_data[XINPU]
    officer = personas["xinpu"]
    client.force_login(officer)
    new = {"town": d["town"].code, "ground": "lease_ended", "parcels": d["parcels"][0].number}
    fuzz_form(client, reverse("exit_case_new"), new)
    case = open_case(officer, ground="lease_ended", town=d["town"], parcels=[d["parcels"][0]])
    item = item_add(actor=officer, case=case, category="rubbish", description="垃圾")
    fuzz_form(client, reverse("exit_case_edit", args=[case.pk]), {}, fresh=True)
    fuzz_form(client, reverse("exit_step_new", args=[case.pk]), {"kind": "survey"})
    fuzz_form(client, reverse("exit_item_new", args=[case.pk]), {"description": "设备", "unit": "台"})
    fuzz_form(client, reverse("exit_item_edit", args=[item.pk]), {"unit": "吨"})
    fuzz_form(client, reverse("exit_money_new", args=[case.pk]), {})
    fuzz_form(client, reverse("exit_case_close", args=[case.pk]), {})
    pages_still_answer(client, [("exit_case_list", []), ("exit_case_detail", [case.pk]), ("exit_summary", [])])


def test_renewal_forms_never_answer_500(client, registry_data, personas):
    import datetime as dt

    from landcycle.renewal.services.projects import project_approve, project_create, project_start

    d = registry_data[XINPU]
    admin = personas["admin"]
    client.force_login(admin)
    new = {"number": _unique("GZ-FZ-C"), "name": "模糊改造", "town": d["town"].pk, "kind": "upgrade"}
    fuzz_form(client, reverse("renewal_create"), new)
    p = project_create(
        actor=admin,
        number="GZ-FZ-1",
        name="模糊改造项目",
        town=d["town"],
        kind="upgrade",
        planned_start=dt.date(2025, 1, 1),
        planned_end=dt.date(2026, 12, 31),
        parks=[d["park"]],
        area_mu="30",
    )
    fuzz_form(client, reverse("renewal_edit", args=[p.pk]), {}, fresh=True)
    p = project_approve(actor=admin, project=p, approved_on=dt.date(2025, 1, 5), document="批复")
    p = project_start(actor=admin, project=p, started_on=dt.date(2025, 2, 1))
    client.force_login(personas["xinpu"])
    fuzz_form(client, reverse("renewal_report_new", args=[p.pk]), {"text": "进展"})
    firm = p.firms.first()
    if firm is not None:
        fuzz_form(client, reverse("renewal_fate_edit", args=[firm.pk]), {"fate": "stays"})
    pages_still_answer(client, [("renewal_list", []), ("renewal_detail", [p.pk]), ("renewal_overview", [])])


# every URL whose form takes a date or a number is fuzzed above; the others have none (or only files)
FUZZED = {
    "renewal_create",
    "renewal_edit",
    "renewal_report_new",
    "renewal_fate_edit",
    "exit_case_new",
    "exit_case_edit",
    "exit_step_new",
    "exit_item_new",
    "exit_item_edit",
    "exit_money_new",
    "exit_case_close",
    "application_create",
    "application_edit",
    "park_create",
    "park_edit",
    "parcel_create",
    "parcel_edit",
    "enterprise_create",
    "enterprise_edit",
    "occupancy_create",
    "occupancy_end",
    "contract_create",
    "contract_edit",
    "commitment_create",
    "commitment_edit",
    "extension_create",
    "delay_create",
    "warning_board",
    "inspection_create",
    "inspection_edit",
    "finding_create",
    "finding_edit",
    "suggestion_create",
    "suggestion_edit",
    "task_create",
    "task_edit",
    "round_item_review",
    "relapse_check_review",
    "task_close",
    "task_reopen",
    "round_close",
    "round_open",
    "task_update",
    "round_item_submit",
    "task_links_edit",
    "evaluation_run_new",
    "evaluation_whatif",
}
NOT_FORMS = {  # url name -> why it has no date or number field of its own
    "check_create": "posted from the ledger page; its form (held_on) is fuzzed below",
    "ledger_import_new": "a file and a choice of kind; the importers are fuzzed in test_fuzz_importers.py",
    "import_batch_confirm": "a button",
    "evaluation_run_detail": "actions and notes (text)",
    "warning_detail": "actions: verify, handle (a user, a date checked by the service), progress, accept, close (text)",
}
WRITE_SUFFIXES = (
    "_create",
    "_edit",
    "_new",
    "_update",
    "_close",
    "_reopen",
    "_open",
    "_submit",
    "_review",
    "_end",
    "_confirm",
)


def test_every_edit_form_of_the_url_conf_is_fuzzed():
    names = {p.name for p in _patterns(get_resolver()) if p.name}
    writes = {n for n in names if n.endswith(WRITE_SUFFIXES)}
    assert writes - FUZZED - set(NOT_FORMS) == set()


def _patterns(resolver):
    for p in resolver.url_patterns:
        if hasattr(p, "url_patterns"):
            yield from _patterns(p)
        else:
            yield p


def test_the_ledger_pages_check_form_never_answers_500(client, rectification_data, personas):
    client.force_login(personas["supervisor"])
    town = rectification_data[XINPU]["town"]
    url = reverse("check_create")
    for value in EXTREME_DATES + EXTREME_NUMBERS:
        resp = client.post(url, {"held_on": value, "region": str(town.pk), "body": "市纪委"})
        assert resp.status_code in (200, 302), value
