"""The S3 setting against an S3 service: moto's, in this process (no network). With ``LANDCYCLE_STORAGE=s3`` the
uploads and the prepared downloads land in one private bucket under their prefixes, the scoped download views answer
them (another town 404), and a backup copies them out and a restore puts them back into another bucket byte for
byte — what several app servers sharing one bucket rely on."""

from __future__ import annotations

import hashlib
import json

import boto3
import moto
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from conftest import QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.settings import file_storages

REGION = "cn-north-1"


def _s3_settings(bucket: str) -> dict:
    return file_storages(
        {
            "LANDCYCLE_STORAGE": "s3",
            "LANDCYCLE_S3_BUCKET": bucket,
            "LANDCYCLE_S3_REGION": REGION,
            "LANDCYCLE_S3_ACCESS_KEY_ID": "testing",
            "LANDCYCLE_S3_SECRET_ACCESS_KEY": "testing",
            "LANDCYCLE_S3_PREFIX": "county",
        }
    )


@pytest.fixture
def s3(settings, tmp_path, monkeypatch):
    """Both storages in the bucket ``landcycle`` of moto's S3; the local folders are watched (nothing lands there)."""
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, str(tmp_path / "none"))
    with moto.mock_aws():
        client = boto3.client("s3", region_name=REGION)
        for bucket in ("landcycle", "restored"):
            client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        settings.UPLOADS_DIR, settings.EXPORTS_DIR = tmp_path / "uploads", tmp_path / "exports"
        settings.STORAGES = {**settings.STORAGES, **_s3_settings("landcycle")}
        yield client
        assert not (tmp_path / "uploads").exists() and not (tmp_path / "exports").exists()


def _keys(client, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


@pytest.mark.django_db
def test_uploads_and_exports_live_in_the_bucket_and_are_served_in_scope(
    s3, client, personas, settings, tmp_path, rectification_data
):
    from storages.backends.s3 import S3Storage

    from landcycle.web.backup import _copy_data_files, _restore_files

    assert isinstance(storages["default"], S3Storage) and isinstance(storages["exports"], S3Storage)
    evidence = {code: rectification_data[code]["evidence"] for code in (XINPU, QIAOTOU)}
    keys = _keys(s3, "landcycle")
    assert {f"county/uploads/{e.path}" for e in evidence.values()} <= set(keys), keys
    head = s3.get_object_acl(Bucket="landcycle", Key=f"county/uploads/{evidence[XINPU].path}")
    assert not [g for g in head["Grants"] if "AllUsers" in json.dumps(g)]  # private: no public grant

    client.force_login(personas["xinpu"])
    own = client.get(reverse("evidence_download", args=[evidence[XINPU].pk]))
    assert own.status_code == 200 and _body(own) == RECTIFICATION_PDF
    assert client.get(reverse("evidence_download", args=[evidence[QIAOTOU].pk])).status_code == 404

    exported = storages["exports"].save("jobs/parcels-1.csv", ContentFile("地块编号\nP-1\n".encode()))
    assert f"county/exports/{exported}" in _keys(s3, "landcycle")

    # a backup copies every stored file out; a restore saves them into another bucket under the same names
    staging = tmp_path / "staging"
    copied = _copy_data_files(staging)
    assert f"exports/{exported}" in copied and f"uploads/{evidence[XINPU].path}" in copied
    assert copied[f"uploads/{evidence[XINPU].path}"] == hashlib.sha256(RECTIFICATION_PDF).hexdigest()
    settings.STORAGES = {**settings.STORAGES, **_s3_settings("restored")}
    assert _restore_files({"files": copied}, staging) == len(copied)
    assert _keys(s3, "restored") == _keys(s3, "landcycle")
    again = s3.get_object(Bucket="restored", Key=f"county/uploads/{evidence[QIAOTOU].path}")["Body"].read()
    assert again == RECTIFICATION_PDF
