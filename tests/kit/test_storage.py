"""Files go through Django's storage API only (issue 18): with both storages swapped for in-memory ones, evidence,
photos, documents and an uploaded ledger are saved and downloaded through them, and nothing is written to the local
upload or export folders; every download view gives the owner's town the stored bytes and another town 404. The S3
setting's configuration is checked here; test_storage_s3.py runs it against moto's S3."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from conftest import QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.settings import file_storages

MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
TOWNS = ((XINPU, "xinpu"), (QIAOTOU, "qiaotou"))


@pytest.fixture
def memory(settings, tmp_path):
    """Both storages in memory; the local folders they would otherwise use are watched."""
    settings.UPLOADS_DIR, settings.EXPORTS_DIR = tmp_path / "uploads", tmp_path / "exports"
    settings.STORAGES = {**settings.STORAGES, "default": MEMORY, "exports": MEMORY}
    assert isinstance(storages["default"], InMemoryStorage) and isinstance(storages["exports"], InMemoryStorage)
    yield storages
    assert not (tmp_path / "uploads").exists() and not (tmp_path / "exports").exists()


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def _owner_gets_it_other_town_404(client, personas, name: str, objects: dict, content: dict) -> None:
    for code, who in TOWNS:
        client.force_login(personas[who])
        own = client.get(reverse(name, args=[objects[code].pk]))
        assert own.status_code == 200 and _body(own) == content[code], (name, who, own.status_code)
        other = QIAOTOU if code == XINPU else XINPU
        assert client.get(reverse(name, args=[objects[other].pk])).status_code == 404, (name, who)


def test_uploads_and_downloads_go_through_the_storage_only(
    memory, client, personas, registry_data, supervision_data, rectification_data
):
    from landcycle.admission.services.applications import application_register, document_attach
    from landcycle.exits.services.cases import open_case
    from landcycle.exits.services.records import files_attach
    from landcycle.renewal.services.progress import report_progress
    from landcycle.renewal.services.projects import project_approve, project_create, project_start
    from landcycle.supervision.services.warnings import warning_verify

    uploads = memory["default"]
    evidence = {code: rectification_data[code]["evidence"] for code, _ in TOWNS}  # saved by progress_submit
    assert all(uploads.exists(e.path) for e in evidence.values())
    _owner_gets_it_other_town_404(
        client, personas, "evidence_download", evidence, dict.fromkeys(evidence, RECTIFICATION_PDF)
    )

    photos, warning_ev, exit_files, documents, renewal_ev = {}, {}, {}, {}, {}
    for code, who in TOWNS:
        d = registry_data[code]
        photos[code] = b"\xff\xd8\xff\xe0" + code.encode()
        warning_verify(
            actor=personas[who], warning=d["warning"], confirmed=False, reason="异议",
            files=[SimpleUploadedFile(f"{code}.jpg", photos[code])],
        )  # fmt: skip
        warning_ev[code] = d["warning"].evidence.get()
        case = open_case(personas["admin"], ground="lease_ended", town=d["town"], parcels=[d["parcels"][0]])
        exit_files[code] = files_attach(
            actor=personas["admin"],
            case=case,
            files=[SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + code.encode())],
        )[0]
        application = application_register(
            actor=personas[who], number=f"ZR-{code}", park=d["park"], project="新项目", applicant_name="新设企业",
            industry_code="3851", land_mu="10",
        )  # fmt: skip
        documents[code] = document_attach(
            actor=personas[who], application=application, name="可研.pdf", content=b"%PDF-1 " + code.encode()
        )
        project = project_create(
            actor=personas["admin"], number=f"GZ-{code}", name="老旧工业区块改造", town=d["town"], kind="upgrade",
            planned_start=dt.date(2025, 1, 1), planned_end=dt.date(2027, 12, 31), parks=[d["park"]], area_mu="30",
            milestones={"approval": dt.date(2025, 2, 1), "completion": dt.date(2027, 6, 30)},
        )  # fmt: skip
        project = project_approve(
            actor=personas["admin"], project=project, approved_on=dt.date(2025, 2, 1), document="批复"
        )
        project = project_start(actor=personas[who], project=project, started_on=dt.date(2025, 3, 1))
        report = report_progress(
            actor=personas[who], project=project, period=dt.date(2025, 6, 1), percent_done=20, text="拆除中",
            files=[SimpleUploadedFile("现场.pdf", b"%PDF-1.4 renewal " + code.encode())], today=dt.date(2025, 6, 30),
        )  # fmt: skip
        renewal_ev[code] = report.evidence.get()
    for name, objects, folder in (
        ("warning_evidence", warning_ev, "warning-evidence/"),
        ("exit_file", exit_files, "exits/"),
        ("admission_document", documents, "admission/"),
        ("renewal_evidence", renewal_ev, "renewal/"),
    ):
        stored = {}
        for code, obj in objects.items():
            assert obj.path.startswith(folder) and uploads.exists(obj.path), (name, obj.path)
            with uploads.open(obj.path) as f:
                stored[code] = f.read()
        assert stored[XINPU] != stored[QIAOTOU]
        _owner_gets_it_other_town_404(client, personas, name, objects, stored)


def test_an_uploaded_ledger_is_kept_and_read_back_through_the_storage(memory, client, personas, registry_data):
    from landcycle.ledgers.models import ImportBatch
    from landcycle.ledgers.services import import_confirm, import_preview

    officer = personas["xinpu"]
    parcel = registry_data[XINPU]["parcels"][0]
    data = f"地块编号,园区编号,面积（平方米）,供地方式\n{parcel.number},{parcel.park.code},{parcel.area_m2},出让\n".encode()
    client.force_login(officer)
    resp = client.post(reverse("ledger_import_new"), {"kind": "parcels", "file": SimpleUploadedFile("地块.csv", data)})
    assert resp.status_code == 302, resp.content[:2000]
    batch = ImportBatch.objects.get(actor=officer)
    assert batch.stored_file.startswith("imports/") and memory["default"].open(batch.stored_file).read() == data
    assert client.get(reverse("import_batch_report", args=[batch.pk])).status_code == 200  # reads the stored file
    import_confirm(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    again = import_preview(actor=officer, kind="parcels", uploaded_file_bytes=data, filename="地块.csv")
    assert again.stored_file == batch.stored_file  # the same bytes are kept once


def test_an_export_file_is_streamed_from_the_exports_storage_to_its_owner_only(memory, client, personas):
    from landcycle.ledgers.models import ExportJob

    name = memory["exports"].save("jobs/parcels-1.csv", ContentFile("地块编号\nP-1\n".encode()))
    job = ExportJob.objects.create(
        source="parcels", kind="parcels", fmt="csv", user=personas["xinpu"], status=ExportJob.Status.DONE,
        file=name, finished_at=timezone.now(),
    )  # fmt: skip
    url = reverse("export_job_file", args=[job.pk])
    client.force_login(personas["xinpu"])
    assert _body(client.get(url)) == "地块编号\nP-1\n".encode()
    for who in ("qiaotou", "admin"):  # a job belongs to its user
        client.force_login(personas[who])
        assert client.get(url).status_code == 404
    memory["exports"].delete(name)
    client.force_login(personas["xinpu"])
    assert client.get(url).status_code == 404  # gone from the storage: not found, not an error


def test_the_local_storage_has_no_public_url(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    storage = storages["default"]
    assert storage.location == str(tmp_path / "uploads")
    with pytest.raises(ValueError, match="no public URL"):
        storage.url("evidence/ab/x.pdf")
    for path in ("/media/evidence/ab/x.pdf", "/uploads/evidence/ab/x.pdf", "/exports/jobs/x.csv"):
        with pytest.raises(Resolver404):  # no URL serves the folders themselves
            resolve(path)


S3_ENV = {
    "LANDCYCLE_STORAGE": "s3",
    "LANDCYCLE_S3_BUCKET": "county-files",
    "LANDCYCLE_S3_ENDPOINT_URL": "https://oss.example.internal",
    "LANDCYCLE_S3_ACCESS_KEY_ID": "AK",
    "LANDCYCLE_S3_SECRET_ACCESS_KEY": "SK",
}


def test_the_s3_setting_gives_django_storages_s3_backend_for_both():
    got = file_storages(S3_ENV, module_available=lambda name: True)
    assert set(got) == {"default", "exports"}
    for alias, folder in (("default", "uploads"), ("exports", "exports")):
        assert got[alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        opts = got[alias]["OPTIONS"]
        assert opts["bucket_name"] == "county-files" and opts["endpoint_url"] == "https://oss.example.internal"
        assert (opts["access_key"], opts["secret_key"]) == ("AK", "SK")
        assert opts["location"] == f"landcycle/{folder}" and opts["default_acl"] == "private"
    local = file_storages({})
    assert local["default"]["BACKEND"] == local["exports"]["BACKEND"] == "landcycle.kit.storage.LocalStorage"


def test_the_s3_setting_names_what_is_missing():
    with pytest.raises(ImproperlyConfigured, match="boto3"):
        file_storages(S3_ENV, module_available=lambda name: name != "boto3")
    with pytest.raises(ImproperlyConfigured, match="LANDCYCLE_S3_BUCKET"):
        file_storages({"LANDCYCLE_STORAGE": "s3"}, module_available=lambda name: True)
    with pytest.raises(ImproperlyConfigured, match="'local'"):
        file_storages({"LANDCYCLE_STORAGE": "ftp"})
