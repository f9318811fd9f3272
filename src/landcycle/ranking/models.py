"""The quarterly town ranking's records: the figures the county enters by hand each quarter, the runs, and the
jobs that compute them in the background.

A run (``RankingRun``) is one computation of one county's quarter with one version of the index policy: a draft can
be recomputed; publishing freezes it (its inputs table, the policy text and hash, every town's result and interval)
and nothing changes it again; a correction is a new run that supersedes the published one with a reason (both stay
readable). Each county ranks its own towns: one run per county and quarter is the published one, one the draft.

A compute job (``RankingJob``) is the record of one "compute" asked for on the page or the API: queued, running
(with its progress), done (with its run) or failed (with the reason); at most one is live per county and quarter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from landcycle.audit.versions import Versioned
from landcycle.kit.indicators import Quarter


class IndicatorInput(Versioned):
    """季度手工指标: one figure the county enters for a town, a quarter and an indicator key of the policy that no
    app computes (e.g. 招商引资到位资金, a policy score), with where it comes from."""

    town = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="ranking_inputs", verbose_name=_("镇街")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    indicator = models.CharField(_("指标"), max_length=60)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    source = models.CharField(_("来源说明"), max_length=300, blank=True)

    scope_path = "town"

    class Meta:
        ordering = ["year", "quarter", "town__code", "indicator"]
        verbose_name = _("季度手工指标")
        verbose_name_plural = _("季度手工指标")
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "quarter", "indicator"], name="uniq_ranking_input"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="ranking_input_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} {self.year}Q{self.quarter} {self.indicator}"

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)


class RankingRun(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被更正")

    county = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="ranking_runs", verbose_name=_("县（市、区）")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    policy_name = models.CharField(_("指数名称"), max_length=100)
    policy_version = models.CharField(_("指数版本"), max_length=40)
    policy_hash = models.CharField(_("指数哈希"), max_length=64)
    policy_toml = models.TextField(_("指数设置（TOML）"))
    inputs = models.JSONField(_("输入数据"), default=dict)  # the frozen table: towns × indicators, with sources
    method = models.JSONField(_("方法与稳健性"), default=dict)  # weights, notes, sensitivity, Monte Carlo settings
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("计算人")
    )
    computed_at = models.DateTimeField(_("计算时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发布人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("更正的批次"),
    )
    reason = models.TextField(_("更正理由"), blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "-pk"]
        verbose_name = _("赛马批次")
        verbose_name_plural = _("赛马批次")
        constraints = [  # at most one draft and one published run of a county's quarter, even for two clicks at once
            models.UniqueConstraint(
                fields=["county", "year", "quarter"], condition=models.Q(state="draft"), name="uniq_ranking_draft"
            ),
            models.UniqueConstraint(
                fields=["county", "year", "quarter"],
                condition=models.Q(state="published"),
                name="uniq_ranking_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} #{self.pk}"

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def label(self) -> str:
        return self.period.label


class RankingResult(models.Model):
    """One town's result in a run: its score and official rank, the Monte Carlo's median rank and 5–95 % interval,
    each dimension's score, each indicator's value, normalised value and contribution, and the smallest change of
    one indicator that would gain it a place."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("批次"))
    town = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("镇街"))
    score = models.FloatField(_("得分"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    rank_low = models.PositiveSmallIntegerField(_("名次区间上限"), null=True, blank=True)
    rank_high = models.PositiveSmallIntegerField(_("名次区间下限"), null=True, blank=True)
    rank_median = models.FloatField(_("名次中位数"), null=True, blank=True)
    dimensions = models.JSONField(_("维度得分"), default=dict)  # {dimension key: score}
    indicators = models.JSONField(_("指标"), default=dict)  # {key: {value, normalised, contribution, rows, link}}
    gain = models.JSONField(_("提升一个名次所需"), null=True, blank=True)
    not_different_from = models.JSONField(_("名次区间重叠的镇街"), default=list)  # town codes

    class Meta:
        ordering = ["run", "rank", "town__code"]
        verbose_name = _("镇街赛马结果")
        verbose_name_plural = _("镇街赛马结果")
        constraints = [models.UniqueConstraint(fields=["run", "town"], name="uniq_ranking_result")]

    def __str__(self) -> str:
        return f"{self.run} {self.town}"


class RankingJob(models.Model):
    """One computation of a county's quarter asked for on the page or the API, run as a task of the queue
    (``ranking.background``): what the page shows while it waits and runs (its stage and progress), then its draft or
    why it failed. A correction of a published run (``corrects``, with its ``reason``) is such a job too: its draft
    supersedes that run once published. At most one job per county and quarter is queued or running — the database refuses a second
    (``one_ranking_compute_at_a_time``) — and the task takes its job by compare-and-set, so a quarter is never
    computed twice at once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    county = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    worker = models.CharField(_("处理进程"), max_length=100, blank=True)
    stage = models.CharField(_("阶段"), max_length=20, blank=True)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    run = models.ForeignKey(
        RankingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("批次")
    )
    corrects = models.ForeignKey(
        RankingRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("更正的已发布批次"),
    )
    reason = models.TextField(_("更正理由"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("赛马计算任务")
        verbose_name_plural = _("赛马计算任务")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "quarter"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_ranking_compute_at_a_time",
            ),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="ranking_job_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}Q{self.quarter} ({self.get_status_display()})"

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
