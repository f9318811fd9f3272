"""The browser flow's services: upload -> preview (stored file, plan, problems) -> confirm from the stored
file; refusals; a batch belongs to its actor."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from import_books import XINPU, uscc, write_xlsx

from landcycle.audit.models import AuditEntry
from landcycle.kit.storage import uploads_storage
from landcycle.ledgers.models import ImportBatch
from landcycle.ledgers.services import access_batch, import_confirm, import_preview
from landcycle.registry.models import Enterprise
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
HEADER = ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街"]


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def ledger(*rows) -> bytes:
    return write_xlsx({"企业": [HEADER, *rows]})


def good(registry_data) -> bytes:
    owner = registry_data[XINPU]["owner"]
    return ledger(
        [uscc(1), "新公司", "3311", "规下", "2019-11-13", "新浦镇"],
        [owner.uscc, "改名后的公司", owner.industry_code, "规上", owner.registered_on, "新浦镇"],
    )


def test_preview_stores_the_file_and_writes_nothing_then_confirm_imports_it(registry_data, personas, uploads):
    officer = personas["xinpu"]
    audit, firms = AuditEntry.objects.count(), Enterprise.objects.count()
    batch = import_preview(
        actor=officer,
        kind="enterprises",
        uploaded_file_bytes=good(registry_data),
        filename="企业名录.xlsx",
        mapping=None,
    )
    assert batch.status == "previewed" and (batch.created, batch.updated, batch.unchanged) == (1, 1, 0)
    assert batch.problems == [] and batch.region_code == XINPU and batch.actor == officer
    path = uploads / batch.stored_file  # the local uploads storage is the folder UPLOADS_DIR
    assert path.is_file() and path.parent == uploads / "imports" and path.suffix == ".xlsx"
    assert [(p.row, p.action) for p in batch.report.plan] == [(2, "create"), (3, "update")]
    assert batch.report.plan[1].changes["name"][1] == "改名后的公司"
    assert (AuditEntry.objects.count(), Enterprise.objects.count()) == (audit, firms)
    import_confirm(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.finished_at is not None and "已导入" in batch.message
    assert Enterprise.objects.count() == firms + 1 and AuditEntry.objects.count() == audit + 2
    with pytest.raises(RuleError) as exc:
        import_confirm(actor=officer, batch=batch)
    assert exc.value.problems[0].rule == "import.already_imported"
    assert AuditEntry.objects.count() == audit + 2


def test_a_batch_belongs_to_its_actor(registry_data, personas):
    batch = import_preview(
        actor=personas["xinpu"],
        kind="enterprises",
        uploaded_file_bytes=good(registry_data),
        filename="企业.xlsx",
        mapping=None,
    )
    assert access_batch(personas["xinpu"], batch.pk) == batch
    for other in ("admin", "qiaotou"):
        with pytest.raises(Http404):
            access_batch(personas[other], batch.pk)
        with pytest.raises(PermissionDenied):
            import_confirm(actor=personas[other], batch=batch)
    with pytest.raises(Http404):
        access_batch(personas["xinpu"], "not-a-number")
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_confirm_refuses_a_batch_with_problems(registry_data, personas):
    data = ledger([uscc(2), "桥头的公司", "3311", "规下", "2019-11-13", "桥头镇"])
    batch = import_preview(
        actor=personas["xinpu"], kind="enterprises", uploaded_file_bytes=data, filename="企业.xlsx", mapping=None
    )
    assert batch.status == "refused" and batch.problem_count == 1
    assert batch.problems[0]["rule"] == "scope.town" and batch.problems[0]["row"] == 2
    with pytest.raises(RuleError) as exc:
        import_confirm(actor=personas["xinpu"], batch=batch)
    assert exc.value.problems[0].rule == "import.had_problems"
    assert not Enterprise.objects.filter(uscc=uscc(2)).exists()


def test_confirm_refuses_a_changed_or_missing_file(registry_data, personas, uploads):
    officer = personas["xinpu"]
    batch = import_preview(
        actor=officer, kind="enterprises", uploaded_file_bytes=good(registry_data), filename="企业.xlsx", mapping=None
    )
    (uploads / batch.stored_file).write_bytes(ledger([uscc(3), "偷换的公司", "3311", "规下", "2019-11-13", "新浦镇"]))
    with pytest.raises(RuleError) as exc:
        import_confirm(actor=officer, batch=batch)
    assert exc.value.problems[0].rule == "import.file_changed"
    batch.refresh_from_db()
    assert batch.status == "refused" and not Enterprise.objects.filter(uscc__in=[uscc(1), uscc(3)]).exists()
    again = import_preview(
        actor=officer, kind="enterprises", uploaded_file_bytes=good(registry_data), filename="企业.xlsx", mapping=None
    )
    uploads_storage().delete(again.stored_file)
    with pytest.raises(RuleError):
        import_confirm(actor=officer, batch=again)


def test_a_registry_change_after_the_preview_is_caught_at_confirm(registry_data, personas):
    from landcycle.registry.services import enterprise_update

    officer = personas["xinpu"]
    owner = registry_data[XINPU]["owner"]
    batch = import_preview(
        actor=officer, kind="enterprises", uploaded_file_bytes=good(registry_data), filename="企业.xlsx", mapping=None
    )
    enterprise_update(actor=personas["admin"], enterprise=owner, town=registry_data["330282109"]["town"])
    import_confirm(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "refused" and batch.problems[0]["rule"] == "scope.town"
    assert not Enterprise.objects.filter(uscc=uscc(1)).exists()


def test_an_unusable_upload_is_recorded_as_refused(personas, regions):
    batch = import_preview(
        actor=personas["admin"],
        kind="enterprises",
        uploaded_file_bytes=b"\x89PNG....",
        filename="photo.png",
        mapping=None,
    )
    assert batch.status == "refused" and batch.problems[0]["rule"] == "ledger.not_spreadsheet"
    assert "PNG" in batch.message and ImportBatch.objects.filter(pk=batch.pk).exists()


def test_preview_keeps_the_mapping_for_confirm(registry_data, personas):
    data = write_xlsx(
        {
            "Sheet1": [
                ["code", "company", "nace", "size", "founded", "town"],
                [uscc(5), "映射公司", "3311", "规下", "2019-11-13", "新浦镇"],
            ]
        }
    )
    mapping = {
        "uscc": "code",
        "name": "company",
        "industry_code": "nace",
        "scale": "size",
        "registered_on": "founded",
        "town": "town",
    }
    batch = import_preview(
        actor=personas["admin"], kind="enterprises", uploaded_file_bytes=data, filename="firms.xlsx", mapping=mapping
    )
    assert batch.status == "previewed" and batch.mapping == mapping, batch.problems
    import_confirm(actor=personas["admin"], batch=batch)
    assert Enterprise.objects.get(uscc=uscc(5)).name == "映射公司"
