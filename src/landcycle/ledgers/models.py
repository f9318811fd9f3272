"""The record of every ledger import (导入批次): what was sent, by whom, what it would do or did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PROBLEMS_KEPT = 5000  # problems stored with a batch; ``problem_count`` has them all
PLAN_KEPT = 2000  # rows to create or update stored with a batch for the preview page


class ImportBatch(models.Model):
    """One file sent for import. Previewed batches keep the upload under ``imports/`` of the uploads storage so that
    confirming re-runs the import from exactly the file that was previewed (its SHA-256 is checked).

    A batch belongs to its actor: only they see and confirm it (``services.access_batch``).
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        QUEUED = "queued", _("排队导入")  # a large confirm waiting for the background worker
        RUNNING = "running", _("正在导入")
        IMPORTED = "imported", _("已导入")
        REFUSED = "refused", _("已拒绝")
        FAILED = "failed", _("导入失败")  # the background run stopped: nothing was written

    kind = models.CharField(_("台账"), max_length=32)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    stored_file = models.CharField(
        _("存储路径"), max_length=255, blank=True
    )  # its name in the uploads storage (kit.storage)
    mapping = models.JSONField(_("列映射"), null=True, blank=True)
    options = models.JSONField(_("导入选项"), default=dict, blank=True)  # e.g. {"town": "330282112"} for contracts
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("操作人")
    )
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
    plan = models.JSONField(_("变更计划"), default=list, blank=True)  # rows to create / update (PLAN_KEPT)
    message = models.TextField(_("说明"), blank=True)
    note = models.TextField(
        _("补充说明"), blank=True
    )  # what the importer adds to the counts (contracts: commitments …)
    # a large confirm runs in the background (import_jobs, as a task of the queue): which task, who ran it,
    # when, how many attempts so far, and why it failed
    worker = models.CharField(_("处理进程"), max_length=100, blank=True)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    started_at = models.DateTimeField(_("开始导入时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

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

    @property
    def in_background(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ExportJob(models.Model):
    """An export too big to build while the user waits (导出任务): the user-facing record of a task of the
    queue (``task_id``, Django's task API, ``ledgers.tasks``). Queued by the list page with the list's filters;
    the queue's worker runs the task, which takes the job by compare-and-set (``status`` queued -> running) so
    that a job never runs twice at once; a failed attempt is queued again up to ``settings.TASK_MAX_ATTEMPTS``.
    The file lands in the ``exports`` storage and only its owner downloads it (``jobs.access_job``). The rows
    are chosen again at run time from ``filters``, within the owner's scope as it is then."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    source = models.CharField(_("列表"), max_length=32)  # a key of kit.exports.LIST_EXPORTS
    kind = models.CharField(_("台账"), max_length=32)
    fmt = models.CharField(_("格式"), max_length=8)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    summary = models.CharField(_("筛选说明"), max_length=300, blank=True)  # the filters as the list showed them
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("导出人")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    worker = models.CharField(_("处理进程"), max_length=100, blank=True)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    file = models.CharField(_("文件"), max_length=255, blank=True)  # a name in the ``exports`` storage
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    scope_path = None  # a job belongs to its user: see jobs.access_job

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.source}.{self.fmt} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return 0 if not self.rows_total else min(100, int(100 * self.rows_done / self.rows_total))
