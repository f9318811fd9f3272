"""Inspections (巡视、巡察、“回头看”、监督检查), their findings (问题) and suggestions (意见建议), and the
rectification tasks (整改任务) of each finding with every state change (TaskEvent).

A task is linked, where it applies, to the parks, parcels, enterprises and land contracts (供地合同) it
concerns; each must lie in the task's town (checks.link_problems). Vacating work (腾退) has no model yet:
tasks cannot be linked to it until the exits app exists.

Scope: a task belongs to the region responsible for it (``town``: a town, or the county when a county
department is responsible) and is scoped by it. An inspection covers regions (``regions``) and is shown to
users on the same branch of the division tree (selectors.inspections_visible); it has no ``scope_path`` on
purpose, so that it cannot be passed to ``scoped()`` by mistake.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from landcycle.audit.versions import Versioned


class Inspection(Versioned):
    class Kind(models.TextChoices):
        XUNSHI = "xunshi", _("巡视")
        XUNCHA = "xuncha", _("巡察")
        REVISIT = "revisit", _("巡视“回头看”")
        CHECK = "check", _("监督检查")

    kind = models.CharField(_("检查类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("检查名称"), max_length=200)
    body = models.CharField(_("检查机关"), max_length=100)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    regions = models.ManyToManyField("registry.Region", related_name="inspections", verbose_name=_("被检查地区"))
    other_units = models.CharField(_("被检查单位"), max_length=300, blank=True)
    summary = models.TextField(_("情况摘要"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        indexes = [models.Index(fields=["kind", "started_on"])]

    def __str__(self) -> str:
        return self.title


class Finding(Versioned):
    """问题: one problem an inspection found, with the text it was stated in."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("检查")
    )
    number = models.PositiveSmallIntegerField(_("问题序号"))
    summary = models.CharField(_("问题概述"), max_length=300)
    source_text = models.TextField(_("原文"), blank=True)
    found_on = models.DateField(_("发现（反馈）日期"))

    class Meta:
        ordering = ["inspection", "number"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_finding_number")]

    def __str__(self) -> str:
        return f"问题{self.number}：{self.summary}"[:200]


class Suggestion(Versioned):
    """意见建议 made by an inspection (optionally about one of its findings)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("检查")
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("相关问题")
    )
    number = models.PositiveSmallIntegerField(_("建议序号"))
    text = models.TextField(_("意见建议"))
    made_on = models.DateField(_("提出日期"))

    class Meta:
        ordering = ["inspection", "number"]
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_suggestion_number")]

    def __str__(self) -> str:
        return f"建议{self.number}：{self.text}"[:200]


class Task(models.Model):
    """整改任务: what one responsible unit does about a finding, by when. ``version`` is the optimistic
    lock: every write is ``UPDATE … WHERE id = … AND version = <the version the writer saw>``."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        CLOSED = "closed", _("已销号")
        REOPENED = "reopened", _("反弹重启")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("问题"))
    number = models.CharField(_("任务编号"), max_length=20)
    title = models.CharField(_("整改任务"), max_length=200)
    town = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="rectification_tasks", verbose_name=_("责任镇街")
    )
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    person = models.CharField(_("责任人"), max_length=50, blank=True)
    measures = models.TextField(_("整改措施"))
    assigned_on = models.DateField(_("交办日期"))
    deadline = models.DateField(_("整改时限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    percent_done = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    last_report_on = models.DateField(_("最近报送"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    parks = models.ManyToManyField(
        "registry.Park", blank=True, related_name="rectification_tasks", verbose_name=_("相关园区")
    )
    parcels = models.ManyToManyField(
        "registry.Parcel", blank=True, related_name="rectification_tasks", verbose_name=_("相关地块")
    )
    enterprises = models.ManyToManyField(
        "registry.Enterprise", blank=True, related_name="rectification_tasks", verbose_name=_("相关企业")
    )
    contracts = models.ManyToManyField(
        "supervision.Contract", blank=True, related_name="rectification_tasks", verbose_name=_("相关合同")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("交办人")
    )

    scope_path = "town"

    class Meta:
        ordering = ["finding__inspection", "finding__number", "number", "pk"]
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        constraints = [models.UniqueConstraint(fields=["finding", "number"], name="uniq_task_number")]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"[:200]

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def unit(self) -> str:
        """责任单位: the department when one is named, else the town."""
        return self.department or self.town.name


class TaskEvent(models.Model):
    """One state change of a task, kept for good (the task page's history)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("交办")
        EDITED = "edited", _("修改任务")
        LINKED = "linked", _("修改关联对象")
        PROGRESS = "progress", _("报送进展")
        CONFIRMED = "confirmed", _("对账确认")
        CHALLENGED = "challenged", _("对账质询")
        FLAGGED = "flagged", _("本轮未报送")
        CLOSED = "closed", _("销号")
        REOPENED = "reopened", _("反弹重启")
        RECHECKED = "rechecked", _("回头看：未反弹")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events", verbose_name=_("整改任务"))
    kind = models.CharField(_("事件"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人"), max_length=150)
    round = models.ForeignKey(
        "rectification.Round",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("对账轮次"),
    )
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    percent_done = models.PositiveSmallIntegerField(_("完成进度（%）"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope_path = "task__town"

    class Meta:
        ordering = ["task", "on", "at", "pk"]
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.on}"
