"""Yearly figures of enterprises, the inputs of the per-mu evaluation (亩均效益综合评价), its policy versions, runs,
results and facts, and the jobs that compute runs in the background (``EvaluationJob``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class YearlyFigure(models.Model):
    """One enterprise's figures for one year, in the units of DOMAIN §2."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="figures", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = models.DecimalField(_("主营业务收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    tax = models.DecimalField(_("实缴税收（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_added = models.DecimalField(_("工业增加值（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    energy_tce = models.DecimalField(_("综合能耗（吨标准煤）"), max_digits=14, decimal_places=2, null=True, blank=True)
    emissions_t = models.DecimalField(_("主要污染物排放（吨）"), max_digits=14, decimal_places=3, null=True, blank=True)
    rnd = models.DecimalField(_("研发经费（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    staff = models.PositiveIntegerField(_("年平均职工人数"), null=True, blank=True)
    electricity_10k_kwh = models.DecimalField(
        _("用电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    scope_path = "enterprise__town"

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_figure_enterprise_year")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class PolicyVersion(models.Model):
    """评价办法版本: a named, versioned evaluation policy (TOML text and its content hash).

    The shipped default (``landcycle/policies/evaluation.toml``, version 2026.1) is recorded the first
    time it is used and is shared by every county (``county`` empty); an analyst saves edited copies from the
    what-if page, which belong to the analyst's county: each county sees the shared versions and its own. A
    version number is unique among the shared versions and a county's own. A version is never changed after it
    is saved: a change is a new version."""

    name = models.CharField(_("名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=40)
    county = models.ForeignKey(
        "registry.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所属县（市、区）"),
    )
    toml = models.TextField(_("办法文本（TOML）"))
    hash = models.CharField(_("内容哈希"), max_length=16)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived", verbose_name=_("基于版本")
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("评价办法版本")
        verbose_name_plural = _("评价办法版本")
        constraints = [
            models.UniqueConstraint(fields=["county", "version"], name="uniq_policy_county_version"),
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(county__isnull=True), name="uniq_policy_shared_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class EvaluationRun(models.Model):
    """评价批次: one evaluation of one county's year with one policy version, over every enterprise of the county
    with figures of the year.

    A draft can be recomputed; a published run is immutable and is what pages, exports and warnings
    use. One run per county and year is the published one: publishing another of the same county supersedes it
    (it stays readable); the other counties' runs are untouched.
    The run records the policy text and hash it used and a fingerprint of the inputs it read."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被替代")

    county = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    policy = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="runs", verbose_name=_("评价办法版本")
    )
    policy_version = models.CharField(_("办法版本号"), max_length=40)
    policy_hash = models.CharField(_("办法哈希"), max_length=16)
    policy_toml = models.TextField(_("办法文本（TOML）"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    inputs_fingerprint = models.CharField(_("输入数据指纹"), max_length=64, blank=True)
    inputs_counts = models.JSONField(_("输入数据计数"), default=dict, blank=True)
    summary = models.JSONField(_("结果汇总"), default=dict, blank=True)
    benchmarks = models.JSONField(_("基准值"), default=list, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("被替代为")
    )
    superseded_at = models.DateTimeField(_("替代时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("评价批次")
        verbose_name_plural = _("评价批次")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                condition=models.Q(status="published"),
                name="uniq_published_run_per_county_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年度评价 #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class EvaluationResult(models.Model):
    """One enterprise's result in a run: its group, land, every indicator against its benchmark, score,
    rank, class, flags and the reason in Chinese and English. ``outcome`` says whether it was evaluated,
    exempt (不参评) or could not be evaluated (a problem of its data: then no score and no class)."""

    class Outcome(models.TextChoices):
        EVALUATED = "evaluated", _("已评价")
        EXEMPT = "exempt", _("不参评")
        PROBLEM = "problem", _("无法评价")

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("评价批次"))
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="evaluation_results", verbose_name=_("企业")
    )
    town = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属镇街"))
    outcome = models.CharField(_("评价情况"), max_length=10, choices=Outcome.choices)
    group = models.CharField(_("分组"), max_length=40, blank=True)
    land_mu = models.FloatField(_("用地面积（亩）"), null=True, blank=True)
    indicators = models.JSONField(_("指标"), default=dict, blank=True)
    score = models.FloatField(_("得分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("组内名次"), null=True, blank=True)
    group_size = models.PositiveIntegerField(_("组内企业数"), null=True, blank=True)
    percentile = models.FloatField(_("百分位（%）"), null=True, blank=True)
    evaluation_class = models.CharField(_("类别"), max_length=8, blank=True)
    class_by_rank = models.CharField(_("按名次类别"), max_length=8, blank=True)
    flags = models.JSONField(_("标记"), default=dict, blank=True)
    reason_zh = models.TextField(_("评价说明"), blank=True)
    reason_en = models.TextField(_("评价说明（英文）"), blank=True)

    scope_path = "town"

    class Meta:
        ordering = ["run", "group", "rank", "pk"]
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        constraints = [models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_result_run_enterprise")]
        indexes = [
            models.Index(fields=["run", "town"], name="ev_result_run_town"),
            models.Index(fields=["enterprise", "run"], name="ev_result_enterprise_run"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.evaluation_class or self.outcome}"


class EvaluationFact(models.Model):
    """评价事项: a recorded fact about an enterprise in a year that the evaluation policy reads.

    ``kind`` is the policy's column for it (the shipped policy: veto_safety, veto_environment,
    veto_food_safety, veto_energy_task, veto_illegal_land — 一票否决; construction, protected — 保护;
    relocated — 政策性搬迁, a fact of its own, not the status 迁出; merge_key — 合并评价, firms sharing one
    parcel evaluated as one unit, the unit's key in ``value``). What each kind does (veto, protection,
    exemption) is the policy's: see ``evaluation.facts``. Every fact names its source document."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="evaluation_facts", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("事项"), max_length=40)
    value = models.CharField(_("合并评价编号"), max_length=60, blank=True)
    occurred_on = models.DateField(_("发生或认定日期"), null=True, blank=True)
    source = models.CharField(_("依据文件"), max_length=200)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_path = "enterprise__town"

    class Meta:
        ordering = ["-year", "kind", "pk"]
        verbose_name = _("评价事项")
        verbose_name_plural = _("评价事项")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "kind"], name="uniq_fact_enterprise_year_kind")
        ]
        indexes = [models.Index(fields=["year", "kind"], name="ev_fact_year_kind")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.kind}"


class EvaluationJob(models.Model):
    """One computation of a county's year asked for on the page or the API, run as a task of the queue
    (``evaluation.background``): a new draft run (``create``, with its policy version and notes) or the
    recomputation of a draft (``recompute``, of ``run``). The page shows it while it waits and runs (its stage and
    progress), then the run it computed or why it failed. At most one job per county and year is queued or running —
    the database refuses a second (``one_evaluation_job_at_a_time``) — and the task takes its job by
    compare-and-set, so a county's year is never computed twice at once."""

    class Kind(models.TextChoices):
        CREATE = "create", _("新建草稿")
        RECOMPUTE = "recompute", _("重新计算草稿")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    county = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    policy = models.ForeignKey(
        PolicyVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("评价办法版本"),
    )
    notes = models.TextField(_("备注"), blank=True)
    run = models.ForeignKey(
        EvaluationRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("评价批次"),
    )
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    worker = models.CharField(_("处理进程"), max_length=100, blank=True)
    stage = models.CharField(_("阶段"), max_length=20, blank=True)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("评价计算任务")
        verbose_name_plural = _("评价计算任务")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_evaluation_job_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year} {self.kind} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
