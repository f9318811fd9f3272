"""The quarterly town ranking's records: the figures the county enters by hand each quarter, and the runs.

A run (``RankingRun``) is one computation of one quarter with one version of the index policy: a draft can be
recomputed; publishing freezes it (its inputs table, the policy text and hash, every town's result and interval)
and nothing changes it again; a correction is a new run that supersedes the published one with a reason (both stay
readable). One run per quarter is the published one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
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
        constraints = [  # at most one draft and one published run of a quarter, even for two clicks at once
            models.UniqueConstraint(
                fields=["year", "quarter"], condition=models.Q(state="draft"), name="uniq_ranking_draft"
            ),
            models.UniqueConstraint(
                fields=["year", "quarter"], condition=models.Q(state="published"), name="uniq_ranking_published"
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
