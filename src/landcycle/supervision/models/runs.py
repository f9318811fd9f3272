"""A warnings refresh started from the board (重新计算预警), run as a task of the queue (``supervision.background``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RefreshRun(models.Model):
    """The record of one refresh asked for on the board: what the board shows while it waits, runs, and after.

    ``scope`` is the region whose warnings it recomputes (the code of the actor's region): at most one run per scope
    is queued or running at a time — the database refuses a second (``one_refresh_at_a_time``), and the task takes
    the run by compare-and-set, so a refresh never runs twice at once for the same region."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    scope = models.CharField(_("范围"), max_length=12)
    as_of = models.DateField(_("监管基准日"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    worker = models.CharField(_("处理进程"), max_length=100, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_path = None  # shown only on the board of the same region (background.latest_run)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("预警重新计算")
        verbose_name_plural = _("预警重新计算")
        constraints = [
            models.UniqueConstraint(
                fields=["scope"], condition=Q(status__in=["queued", "running"]), name="one_refresh_at_a_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.as_of} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class RefreshMark(models.Model):
    """The latest warnings refresh of a region (its code; "" for everything): the supervision date the pages show
    and their cached figures are keyed by (``selectors.last_checked``), read from these few rows instead of the
    latest ``checked_on`` of every warning. Written by every refresh (``refresh.warnings_refresh``), whoever
    started it."""

    scope = models.CharField(_("范围"), max_length=12, unique=True)
    as_of = models.DateField(_("监管基准日"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    scope_path = None  # read through last_checked only

    class Meta:
        verbose_name = _("预警复核日期")
        verbose_name_plural = _("预警复核日期")

    def __str__(self) -> str:
        return f"{self.scope or '*'} {self.as_of}"
