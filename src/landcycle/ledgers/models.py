"""The record of every ledger import (导入批次): what was sent, by whom, what it would do or did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PROBLEMS_KEPT = 5000  # problems stored with a batch; ``problem_count`` has them all


class ImportBatch(models.Model):
    """One file sent for import. Previewed batches keep the upload under ``UPLOADS_DIR/imports/`` so that
    confirming re-runs the import from exactly the file that was previewed (its SHA-256 is checked).

    A batch belongs to its actor: only they see and confirm it (``services.access_batch``).
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        IMPORTED = "imported", _("已导入")
        REFUSED = "refused", _("已拒绝")

    kind = models.CharField(_("台账"), max_length=32)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    stored_file = models.CharField(_("存储路径"), max_length=255, blank=True)  # relative to UPLOADS_DIR
    mapping = models.JSONField(_("列映射"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches",
                              verbose_name=_("操作人"))
    region_code = models.CharField(_("操作人区划"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    invalid = models.PositiveIntegerField(_("有问题的行"), default=0)
    skipped = models.PositiveIntegerField(_("跳过的行"), default=0)
    problem_count = models.PositiveIntegerField(_("问题数"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)

    scope_path = None  # a batch belongs to its actor, not to a town: see services.access_batch

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.get_status_display()})"

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.invalid
