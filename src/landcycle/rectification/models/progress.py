"""Progress reports (进展报送) of a task and their evidence files (佐证材料)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressReport(models.Model):
    task = models.ForeignKey(
        "rectification.Task", on_delete=models.PROTECT, related_name="reports", verbose_name=_("整改任务")
    )
    round_item = models.ForeignKey(
        "rectification.RoundItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("对账事项"),
    )
    reported_on = models.DateField(_("报送日期"))
    percent_done = models.PositiveSmallIntegerField(_("完成进度（%）"))
    text = models.TextField(_("进展情况"))
    request_close = models.BooleanField(_("申请销号"), default=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("报送人")
    )
    reporter_name = models.CharField(_("报送人"), max_length=150)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_path = "task__town"

    class Meta:
        ordering = ["task", "reported_on", "pk"]
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")

    def __str__(self) -> str:
        return f"{self.task} {self.reported_on} {self.percent_done}%"[:200]


class Evidence(models.Model):
    """One evidence file, stored under ``evidence/`` of the uploads storage by its SHA-256 (``path`` is its name
    there). Downloadable only through ``access`` (404 outside the user's scope)."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("进展报送")
    )
    task = models.ForeignKey(
        "rectification.Task", on_delete=models.PROTECT, related_name="evidence", verbose_name=_("整改任务")
    )
    name = models.CharField(_("文件名"), max_length=200)
    extension = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    path = models.CharField(_("存储路径"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_path = "task__town"

    class Meta:
        ordering = ["task", "pk"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name
