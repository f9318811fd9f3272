"""Renewal projects (老旧工业区块改造提升, 退二优二): the plan, its milestones, monthly progress with evidence, and the fate
of every firm on the block."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from landcycle.rules import renewal as rules

_DEC = dict(max_digits=14, decimal_places=2, null=True, blank=True)


class RenewalProject(models.Model):
    """One renewal project of one town: the parks and parcels it covers, the plan and its targets."""

    class Kind(models.TextChoices):
        DEMOLISH_REBUILD = rules.DEMOLISH_REBUILD, _("拆除重建")
        UPGRADE = rules.UPGRADE, _("原址提升")
        MERGE_REBUILD = rules.MERGE_REBUILD, _("归并重建")
        RETREAT_OPTIMISE = rules.RETREAT_OPTIMISE, _("退二优二")
        RETREAT_TERTIARY = rules.RETREAT_TERTIARY, _("退二进三")

    class State(models.TextChoices):
        DRAFT = rules.DRAFT, _("方案编制")
        APPROVED = rules.APPROVED, _("已批准")
        UNDER_WAY = rules.UNDER_WAY, _("实施中")
        DONE = rules.DONE, _("已完成")

    number = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=120)
    town = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="renewal_projects", verbose_name=_("所属镇街")
    )
    parks = models.ManyToManyField("registry.Park", related_name="renewal_projects", verbose_name=_("涉及园区"))
    parcels = models.ManyToManyField(
        "registry.Parcel", blank=True, related_name="renewal_projects", verbose_name=_("涉及地块")
    )
    kind = models.CharField(_("改造方式"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    lead_unit = models.CharField(_("牵头单位"), max_length=100, blank=True)
    lead_person = models.CharField(_("责任人"), max_length=50, blank=True)
    approval_document = models.CharField(_("批准文件"), max_length=200, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    planned_start = models.DateField(_("计划开始"))
    planned_end = models.DateField(_("计划完成"))
    started_on = models.DateField(_("实际开始"), null=True, blank=True)
    finished_on = models.DateField(_("实际完成"), null=True, blank=True)
    # the plan
    area_mu = models.DecimalField(_("改造面积（亩）"), max_digits=14, decimal_places=2)
    demolish_mu = models.DecimalField(_("拆除用地（亩）"), **_DEC)
    demolish_m2 = models.DecimalField(_("拆除建筑面积（平方米）"), **_DEC)
    rebuild_mu = models.DecimalField(_("重建用地（亩）"), **_DEC)
    rebuild_m2 = models.DecimalField(_("重建建筑面积（平方米）"), **_DEC)
    illegal_m2 = models.DecimalField(_("拆除违建（平方米）"), **_DEC)
    investment = models.DecimalField(_("计划投资（万元）"), **_DEC)
    new_floor_m2 = models.DecimalField(_("新增建筑面积（平方米）"), **_DEC)
    plot_ratio = models.DecimalField(_("容积率"), max_digits=6, decimal_places=2, null=True, blank=True)
    # targets
    target_tax_per_mu = models.DecimalField(_("目标亩均税收（万元/亩）"), **_DEC)
    target_firms = models.PositiveIntegerField(_("计划引进企业（家）"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_path = "town"

    class Meta:
        ordering = ["town__code", "number"]
        verbose_name = _("改造提升项目")
        verbose_name_plural = _("改造提升项目")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def plan(self) -> rules.Plan:
        return rules.Plan(
            area_mu=self.area_mu,
            demolish_mu=self.demolish_mu,
            rebuild_mu=self.rebuild_mu,
            demolish_m2=self.demolish_m2,
            rebuild_m2=self.rebuild_m2,
            illegal_m2=self.illegal_m2,
            investment=self.investment,
            new_floor_m2=self.new_floor_m2,
            plot_ratio=self.plot_ratio,
            planned_start=self.planned_start,
            planned_end=self.planned_end,
        )


class Milestone(models.Model):
    """A planned step of a project (批复, 搬迁完成, 拆除完成, 开工, 竣工, 企业入驻) with its planned and actual date; a
    step waits for the one it depends on."""

    class Kind(models.TextChoices):
        APPROVAL = rules.M_APPROVAL, _("方案批复")
        RELOCATION = rules.M_RELOCATION, _("搬迁腾空完成")
        DEMOLITION = rules.M_DEMOLITION, _("拆除完成")
        CONSTRUCTION = rules.M_CONSTRUCTION, _("开工建设")
        COMPLETION = rules.M_COMPLETION, _("竣工验收")
        FIRMS_IN = rules.M_FIRMS_IN, _("企业入驻")

    project = models.ForeignKey(
        RenewalProject, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("改造项目")
    )
    kind = models.CharField(_("节点"), max_length=16, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    depends_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("前置节点")
    )
    planned_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("实际日期"), null=True, blank=True)

    scope_path = "project__town"

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="uniq_renewal_milestone_kind")]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_kind_display()}"


class ProgressReport(models.Model):
    """A town's monthly report on a project: the figures achieved so far (累计), the overall percent done and what
    happened, with evidence files."""

    project = models.ForeignKey(
        RenewalProject, on_delete=models.CASCADE, related_name="reports", verbose_name=_("改造项目")
    )
    period = models.DateField(_("报送月份"))  # the first day of the month
    reported_on = models.DateField(_("报送日期"))
    demolished_mu = models.DecimalField(_("累计拆除（亩）"), **_DEC)
    removed_m2 = models.DecimalField(_("累计拆除建筑（平方米）"), **_DEC)
    investment_made = models.DecimalField(_("累计完成投资（万元）"), **_DEC)
    percent_done = models.PositiveSmallIntegerField(_("总体进度（%）"))
    text = models.TextField(_("进展情况"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporter_name = models.CharField(_("报送人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_path = "project__town"

    class Meta:
        ordering = ["project", "period", "pk"]
        verbose_name = _("改造进展报送")
        verbose_name_plural = _("改造进展报送")
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="uniq_renewal_report_period")]

    def __str__(self) -> str:
        return f"{self.project.number} {self.period:%Y-%m} {self.percent_done}%"


class Evidence(models.Model):
    """One evidence file of a progress report, stored by its SHA-256 under ``renewal/`` of the uploads storage."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    project = models.ForeignKey(RenewalProject, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(_("文件名"), max_length=200)
    extension = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    path = models.CharField(_("存储路径"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_path = "project__town"

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name


class FirmFate(models.Model):
    """What becomes of one firm on the block (listed when the project starts): stays and upgrades, moves within the
    county (to which park), merged, closed. A firm that leaves opens a vacating case (``case_id``, exits)."""

    class Fate(models.TextChoices):
        PENDING = rules.F_PENDING, _("待定")
        STAYS = rules.F_STAYS, _("留存提升")
        MOVES = rules.F_MOVES, _("县内搬迁")
        MERGED = rules.F_MERGED, _("兼并重组")
        CLOSED = rules.F_CLOSED, _("关停退出")

    project = models.ForeignKey(RenewalProject, on_delete=models.CASCADE, related_name="firms")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="renewal_fates", verbose_name=_("企业")
    )
    fate = models.CharField(_("去向"), max_length=10, choices=Fate.choices, default=Fate.PENDING)
    destination = models.ForeignKey(
        "registry.Park",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("迁入园区"),
    )
    merged_into = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("并入企业"),
    )
    decided_on = models.DateField(_("日期"), null=True, blank=True)
    area_m2 = models.DecimalField(_("用地面积（平方米）"), **_DEC)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    case_id = models.PositiveBigIntegerField(_("腾退案件"), null=True, blank=True)

    scope_path = "project__town"

    class Meta:
        ordering = ["project", "enterprise__name"]
        verbose_name = _("企业去向")
        verbose_name_plural = _("企业去向")
        constraints = [models.UniqueConstraint(fields=["project", "enterprise"], name="uniq_renewal_firm")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_fate_display()}"
