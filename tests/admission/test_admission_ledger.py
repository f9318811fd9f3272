"""The applications ledger in ``landcycle import / export / template``: export → import changes nothing; a new row
becomes a draft of the park's town; one bad row (a negative figure, an unknown park, another town's park, a
submitted application) and nothing is written, each problem at its row and column; the list's export is the
ledger."""

from __future__ import annotations

import pytest
from admission_data import DAY, draft, xinpu  # noqa: F401 -- fixtures
from django.urls import reverse

from landcycle.admission.models import Application
from landcycle.admission.services.applications import application_submit
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.services import ledger_import
from landcycle.ledgers.template import ledger_template

pytestmark = pytest.mark.django_db
HEAD = "申请编号,项目名称,申请单位,园区编号,行业代码,申请用地面积（亩）,固定资产投资（万元）,达产年税收（万元）\n"


def _import(actor, text: str):
    return ledger_import(actor=actor, kind="applications", source=(HEAD + text).encode("utf-8"), filename="a.csv")


def test_export_then_import_changes_nothing(draft, personas):
    officer = personas["xinpu"]
    data = ledger_export(user=officer, kind="applications", fmt="csv")
    assert draft.number in data.decode("utf-8-sig")
    report = ledger_import(actor=officer, kind="applications", source=data, filename="applications.csv")
    assert not report.problems and report.status == "imported"
    assert Application.objects.get(pk=draft.pk).version == draft.version
    assert ledger_template("applications", user=officer)[:2] == b"PK"


def test_new_rows_become_drafts_and_updates_change_drafts(draft, xinpu, personas):
    park = xinpu["park"].code
    report = _import(
        personas["xinpu"],
        f"ZR-IMP-1,新项目,新设企业,{park},3851,10,2000,100\n{draft.number},{draft.project},{draft.applicant},{park},3851,20,4000,260\n",
    )
    assert not report.problems, report.problems
    new = Application.objects.get(number="ZR-IMP-1")
    assert new.status == "draft" and new.town.code == "330282112" and new.created_by == personas["xinpu"]
    draft.refresh_from_db()
    assert draft.tax == 260


def test_all_or_nothing_with_located_problems(draft, xinpu, registry_data, personas):
    park = xinpu["park"].code
    other = registry_data["330282109"]["park"].code
    application_submit(actor=personas["xinpu"], application=draft, on=DAY)
    rows = (
        f"ZR-OK-1,好项目,新设企业,{park},3851,10,2000,100\n"
        f"ZR-BAD-1,负数项目,新设企业,{park},3851,10,-5,100\n"
        f"ZR-BAD-2,无园区项目,新设企业,P-NONE,3851,10,2000,100\n"
        f"ZR-BAD-3,外镇项目,新设企业,{other},3851,10,2000,100\n"
        f"{draft.number},改已提交的,新设企业,{park},3851,10,2000,100\n"
    )
    report = _import(personas["xinpu"], rows)
    where = {(p.row, p.column) for p in report.problems}
    assert (3, "固定资产投资（万元）") in where
    assert (4, "园区编号") in where
    assert (5, "园区编号") in where  # another town's park: the officer's scope
    assert (6, "申请编号") in where
    assert not Application.objects.filter(number__startswith="ZR-OK").exists()


def test_list_export_is_the_ledger(client, draft, personas):
    client.force_login(personas["xinpu"])
    resp = client.get(reverse("application_list") + "?export=csv")
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("申请编号") and draft.number in text
