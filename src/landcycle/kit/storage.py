"""Where the product keeps its files (issue 18): Django's storage API, never a path.

Two storages (``settings.STORAGES``): ``default`` holds what users send — uploaded ledgers (``imports/``), evidence,
photos, case files and documents (each app's folder) — and ``exports`` the prepared downloads of the download centre.
By default both are folders under ``LANDCYCLE_HOME`` (``LocalStorage`` below); ``LANDCYCLE_STORAGE=s3`` puts both in
one S3-compatible bucket (django-storages) so that several app servers share them (settings.py builds either).

No stored file has a public address: ``LocalStorage.url`` refuses, no ``MEDIA_URL`` is served, and every download is a
view that finds the row in the reader's scope first (404 outside) and streams ``storage.open(name)``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

UPLOADS = "default"
EXPORTS = "exports"


def uploads_storage() -> Storage:
    """The storage of uploads, evidence, photos, case files and documents."""
    return storages[UPLOADS]


def exports_storage() -> Storage:
    """The storage of the download centre's prepared files."""
    return storages[EXPORTS]


class LocalStorage(FileSystemStorage):
    """A FileSystemStorage at the folder named by a setting (``UPLOADS_DIR``, ``EXPORTS_DIR``), read when first used
    and again whenever that setting changes (tests point it at a temporary folder), with no public URL."""

    def __init__(self, setting: str = "UPLOADS_DIR", **options: Any) -> None:
        self._setting = setting
        options.setdefault("file_permissions_mode", 0o600)  # uploads hold personal data and the county's files
        super().__init__(**options)

    @cached_property
    def base_location(self) -> str:
        return str(self._value_or_setting(self._location, getattr(settings, self._setting)))

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == self._setting:
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("landcycle files have no public URL: download them through their view")
