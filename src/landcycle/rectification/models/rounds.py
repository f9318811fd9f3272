"""Reconciliation rounds (对账): one per period of the county's cadence. Opening a round freezes a
snapshot of every open task (RoundItem.snapshot); each responsible unit submits its update; the
supervisor confirms or challenges each item; closing flags the items without an update and freezes the
outcome (RoundItem.final). Nothing of a closed round changes afterwards (the services refuse)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("对账中")
        CLOSED = "closed", _("已结束")

    county = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="rectification_rounds", verbose_name=_("县（市、区）")
    )
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    due_on = models.DateField(_("报送截止"))
    label_zh = models.CharField(_("轮次"), max_length=40)
    label_en = models.CharField(_("轮次（英文）"), max_length=60)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("开启日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("开启人")
    )
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("结束人"),
    )
    policy_version = models.CharField(_("规则版本"), max_length=40, blank=True)

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("对账轮次")
        verbose_name_plural = _("对账轮次")
        constraints = [models.UniqueConstraint(fields=["county", "period_start"], name="uniq_round_period")]

    def __str__(self) -> str:
        return self.label_zh

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundItem(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        CONFIRMED = "confirmed", pgettext_lazy("review", "已确认")
        CHALLENGED = "challenged", _("质询")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="items", verbose_name=_("对账轮次"))
    task = models.ForeignKey(
        "rectification.Task", on_delete=models.PROTECT, related_name="round_items", verbose_name=_("整改任务")
    )
    snapshot = models.JSONField(_("期初快照"))
    report = models.ForeignKey(
        "rectification.ProgressReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("本轮报送"),
    )
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    percent_reported = models.PositiveSmallIntegerField(_("报送进度（%）"), null=True, blank=True)
    update_text = models.TextField(_("进展情况"), blank=True)
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    flagged = models.BooleanField(_("未报送"), default=False)
    final = models.JSONField(_("期末结果"), null=True, blank=True)

    scope_path = "task__town"

    class Meta:
        ordering = ["round", "task__town__code", "task__department", "task__number", "pk"]
        verbose_name = _("对账事项")
        verbose_name_plural = _("对账事项")
        constraints = [models.UniqueConstraint(fields=["round", "task"], name="uniq_round_task")]

    def __str__(self) -> str:
        return f"{self.round} · {self.task}"[:200]

    @property
    def submitted(self) -> bool:
        return self.report_id is not None


class RelapseCheck(models.Model):
    """回头看: a task closed out within the policy's watch period, re-checked in a round (防止反弹). The
    supervisor re-confirms that the problem has not come back (``held``) or records the relapse
    (``relapsed``, with its reason), which reopens the task in the same transaction. A check left pending
    when its round closes stays pending: the closed round shows it as not re-checked (未复核)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待复核")
        HELD = "held", _("未反弹")
        RELAPSED = "relapsed", _("反弹")

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="relapse_checks", verbose_name=_("对账轮次")
    )
    task = models.ForeignKey(
        "rectification.Task", on_delete=models.PROTECT, related_name="relapse_checks", verbose_name=_("整改任务")
    )
    closed_on = models.DateField(_("销号日期"))
    watch_until = models.DateField(_("回头看截止"))
    decision = models.CharField(_("复核结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    note = models.TextField(_("复核情况"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("复核人"),
    )
    reviewed_on = models.DateField(_("复核日期"), null=True, blank=True)

    scope_path = "task__town"

    class Meta:
        ordering = ["round", "task__town__code", "task__number", "pk"]
        verbose_name = _("回头看复核")
        verbose_name_plural = _("回头看复核")
        constraints = [models.UniqueConstraint(fields=["round", "task"], name="uniq_round_relapse_check")]

    def __str__(self) -> str:
        return f"{self.round} · {self.task} · 回头看"[:200]
