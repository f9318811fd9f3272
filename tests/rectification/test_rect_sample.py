"""The sample county's rectification ledger (rectification.sample): the seed's "回头看" with the problem it fed
back, 86 supervision checks of which three found the report's 3 problems and made its 12 suggestions, tasks of 新浦镇, 桥头镇 and 横河镇 linked to the story's parks, five rounds reconciled
and the sixth open on 2026-11-29, close-outs, 回头看 re-checks and the relapse one of them finds; deterministic, audited, built once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.db import transaction
from django.utils import translation

from conftest import COUNTY
from landcycle.accounts.services import system_user
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.rectification.models import Evidence, Inspection, RelapseCheck, Round, RoundItem, Task, TaskEvent
from landcycle.rectification.sample.build import build_rectification_sample
from landcycle.rectification.summary import county_summary

pytestmark = pytest.mark.django_db
D = dt.date
PARKS = {"330282112": ["敦和园区"], "330282109": ["桥头镇东工业区", "桥头镇西工业区"], "330282114": ["彭桥工业园区"]}


@pytest.fixture
def county(regions, settings, tmp_path):
    from landcycle.registry import services

    settings.UPLOADS_DIR = tmp_path / "uploads"
    actor = system_user()
    for code, names in PARKS.items():
        for i, name in enumerate(names):
            services.park_create(actor=actor, code=f"S{code}-{i}", name=name, kind="old_block", town=regions[code])
    return actor


def _digest() -> str:
    """The ledger's content, without ids and timestamps (ids only break ties: task numbers repeat across
    inspections, and the sample creates everything in the same order)."""
    data = {
        "inspections": list(
            Inspection.objects.order_by("started_on", "title").values_list("kind", "title", "started_on")
        ),
        "tasks": list(
            Task.objects.order_by("number", "pk").values_list(
                "number", "town__code", "status", "percent_done", "deadline", "closed_on", "version"
            )
        ),
        "items": list(
            RoundItem.objects.order_by("round__period_start", "task__number", "task_id").values_list(
                "round__period_start", "task__number", "percent_reported", "decision", "review_note", "flagged"
            )
        ),
        "rechecks": list(
            RelapseCheck.objects.order_by("round__period_start", "task__number", "task_id").values_list(
                "round__period_start", "task__number", "decision", "reviewed_on"
            )
        ),
        "events": list(
            TaskEvent.objects.order_by("task__number", "on", "pk").values_list("task__number", "kind", "on")
        ),
        "evidence": sorted(Evidence.objects.values_list("sha256", flat=True)),
    }
    return hashlib.sha256(json.dumps(data, default=str, ensure_ascii=False).encode()).hexdigest()


def test_the_sample_tells_the_seed_story(county):
    counts = build_rectification_sample(actor=county, today=D(2026, 11, 29))
    assert counts == {"inspections": 87, "findings": 4, "suggestions": 12, "tasks": 14, "rounds": 6}
    with translation.override("zh-hans"):  # the default language, whatever an earlier test left active
        s = county_summary(county, D(2026, 11, 29))
    assert s["sentence_zh"].startswith(
        "累计开展监督检查86次，监督发现问题3个，提出意见建议12条。巡视“回头看”1次，反馈问题1个。"
    )
    assert s["sentence_en"].startswith(
        "86 supervision checks held, 3 problems found and 12 suggestions made. "
        "Inspection revisit (巡视“回头看”): 1 round, 1 problem fed back."
    )
    assert "低散污乱" in Inspection.objects.get(kind="revisit").findings.get(number=1).summary
    towns = set(Task.objects.values_list("town__code", flat=True))
    assert {"330282112", "330282109", "330282114", COUNTY} == towns
    linked = {p for t in Task.objects.all() for p in t.parks.values_list("name", flat=True)}
    assert linked == {"敦和园区", "桥头镇东工业区", "桥头镇西工业区", "彭桥工业园区"}
    rounds = list(Round.objects.order_by("period_start"))
    assert [r.status for r in rounds] == ["closed"] * 5 + ["open"] and rounds[-1].period_end == D(2026, 11, 30)
    assert all(r.closed_on == r.due_on for r in rounds[:5])
    assert RoundItem.objects.filter(decision="challenged").exists() and RoundItem.objects.filter(flagged=True).exists()
    statuses = dict(Task.objects.values_list("title", "status"))
    assert statuses["彭桥工业园区“低散乱”企业清理整治"] == "reopened"
    assert sum(s == "closed" for s in statuses.values()) == 6
    colours = {t.title: t.tc.colour for t in s["tasks"] if t.is_open}
    assert colours["盘活存量工业用地，提升区域产出效率"] == "red"  # overdue since 2026-11-20
    assert colours["健全园区企业进驻、监管和退出台账"] == "red"  # two rounds without an update
    assert colours["加快推进“退二优二”项目落地"] == "yellow"  # 5 working days left
    assert colours["加强园区日常管理，落实职能部门管理责任"] == "yellow"  # challenged in the last round
    checks = Inspection.objects.filter(kind="check")
    assert checks.count() == 86 and not checks.filter(started_on__gt=D(2026, 11, 29)).exists()
    assert AuditEntry.objects.filter(action="inspection.create").count() == 87
    # 回头看: every reconciled round re-checked its recently closed tasks; R5's found the relapse that reopened
    # the task, the open round's wait for the supervisor
    relapsed = RelapseCheck.objects.get(decision="relapsed")
    assert (relapsed.task.title, relapsed.round.period_start, relapsed.reviewed_on) == (
        "彭桥工业园区“低散乱”企业清理整治",
        D(2026, 11, 1),
        D(2026, 11, 5),
    )
    assert "恢复违规生产" in relapsed.task.events.get(kind="reopened").note
    assert not RelapseCheck.objects.filter(round__status="closed", decision="pending").exists()
    waiting = RelapseCheck.objects.filter(round=rounds[-1])
    assert {c.task_id for c in waiting} == set(Task.objects.filter(status="closed").values_list("pk", flat=True))
    assert waiting.count() == 6 and {c.decision for c in waiting} == {"pending"}
    assert AuditEntry.objects.filter(action="relapse_check.relapsed").count() == 1
    assert audit_verify().ok


def test_the_sample_is_deterministic_and_built_once(county):
    with transaction.atomic():
        build_rectification_sample(actor=county)
        first = _digest()
        transaction.set_rollback(True)
    assert not Task.objects.exists()
    build_rectification_sample(actor=county)
    assert _digest() == first
    audit = AuditEntry.objects.count()
    assert build_rectification_sample(actor=county) == {"inspections": 0, "tasks": 0, "rounds": 0}
    assert AuditEntry.objects.count() == audit and _digest() == first
