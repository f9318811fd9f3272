"""Admission (准入, issue 14): the county's entry-rule versions, project applications, each submission's
revision with its rule table, the joint review's opinions, the decisions and the documents attached.

Money in 万元, land in 亩, energy in 吨标准煤, shares in % (as the entry rules and ``rules.admission`` use them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from landcycle.audit.versions import Versioned


class RuleSet(models.Model):
    """One saved version of a county's entry rules (the TOML text), for that county only. The county's latest
    saved whose effective date has come is in force (unless its 本县政策 version took effect later, see
    ``services.rules.policy_on``); with none saved, the shipped ``policies/admission.toml``."""

    county = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属县（市、区）")
    )
    version = models.CharField(_("版本号"), max_length=40)
    text = models.TextField(_("规则文本（TOML）"))
    hash = models.CharField(_("哈希"), max_length=64)
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("修改说明"), max_length=300, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("保存人")
    )
    saved_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    scope_path = "county"  # accounts.scope: a county's users see their county's, the province's every county's

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("准入规则版本")
        verbose_name_plural = _("准入规则版本")

    def __str__(self) -> str:
        return f"{self.version} ({self.effective_from})"


def _decimal(label: str, places: int = 2) -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=places, null=True, blank=True)


class Application(Versioned):
    """项目准入申请: registered by the park's town, reviewed and decided by the county."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交待审")
        RETURNED = "returned", _("退回修改")
        ADMITTED = "admitted", _("准予入园")
        REJECTED = "rejected", _("不予准入")

    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    project = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申请企业（已登记）"),
    )
    applicant_name = models.CharField(_("申请单位"), max_length=200, blank=True)
    applicant_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    town = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="applications", verbose_name=_("所属镇街")
    )
    park = models.ForeignKey(
        "registry.Park", on_delete=models.PROTECT, related_name="applications", verbose_name=_("拟入园区")
    )
    parcels = models.ManyToManyField(
        "registry.Parcel", related_name="applications", verbose_name=_("申请地块"), blank=True
    )
    industry_code = models.CharField(_("行业代码（GB/T 4754-2017）"), max_length=4, blank=True)
    land_mu = _decimal(_("申请用地面积（亩）"), 4)
    total_investment = _decimal(_("总投资（万元）"))
    fixed_investment = _decimal(_("固定资产投资（万元）"))
    revenue = _decimal(_("达产年营业收入（万元）"))
    tax = _decimal(_("达产年税收（万元）"))
    value_added = _decimal(_("达产年增加值（万元）"))
    energy_tce = _decimal(_("达产年综合能耗（吨标准煤）"))
    emissions_t = _decimal(_("达产年主要污染物排放量（吨）"), 3)
    rd_expense = _decimal(_("达产年研发经费（万元）"))
    staff = models.PositiveIntegerField(_("用工人数"), null=True, blank=True)
    plot_ratio = _decimal(_("容积率"))
    building_density = _decimal(_("建筑系数（%）"))
    green_share = _decimal(_("绿地率（%）"))
    office_share = _decimal(_("行政办公及生活服务设施用地比例（%）"))
    planned_delivery = models.DateField(_("计划交地日期"), null=True, blank=True)
    planned_start = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_completion = models.DateField(_("计划竣工日期"), null=True, blank=True)
    planned_production = models.DateField(_("计划达产日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    contract = models.ForeignKey(
        "supervision.Contract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("供地合同"),
    )
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_path = "town"

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("项目准入申请")
        verbose_name_plural = _("项目准入申请")

    def __str__(self) -> str:
        return f"{self.number} {self.project}"

    @property
    def applicant(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.applicant_name

    @property
    def latest(self) -> Revision | None:
        return self.revisions.order_by("-number").first()


class Revision(models.Model):
    """One submission: the figures as submitted and their check against the rules in force that day (the rules'
    version and hash kept: a later version of the rules never changes it)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("申请")
    )
    number = models.PositiveSmallIntegerField(_("第几次提交"))
    submitted_on = models.DateField(_("提交日期"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    figures = models.JSONField(_("申报数据"))
    rule_set = models.ForeignKey(
        RuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("准入规则版本")
    )
    rules_version = models.CharField(_("规则版本"), max_length=40)
    rules_hash = models.CharField(_("规则哈希"), max_length=64)
    passed = models.BooleanField(_("符合准入条件"))
    results = models.JSONField(_("逐条审查结果"))

    scope_path = "application__town"

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("申请版本")
        verbose_name_plural = _("申请版本")
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="uniq_application_revision")]

    def __str__(self) -> str:
        return f"{self.application.number} #{self.number}"

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.results if r.get("status") != "pass"]


class Opinion(models.Model):
    """联审意见: one department's opinion on one revision."""

    class Department(models.TextChoices):
        LAND = "land", _("自然资源（土地）")
        ECONOMY = "economy", _("经信（经济）")
        ENVIRONMENT = "environment", _("生态环境（环境）")

    class Kind(models.TextChoices):
        AGREE = "agree", _("同意")
        CONDITIONAL = "conditional", _("有条件同意")
        DISAGREE = "disagree", _("不同意")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("申请")
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("版本"))
    department = models.CharField(_("部门"), max_length=12, choices=Department.choices)
    opinion = models.CharField(_("意见"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("意见说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    at = models.DateTimeField(_("记录时间"), auto_now=True)

    scope_path = "application__town"

    class Meta:
        ordering = ["revision", "department"]
        verbose_name = _("联审意见")
        verbose_name_plural = _("联审意见")
        constraints = [models.UniqueConstraint(fields=["revision", "department"], name="uniq_opinion_department")]

    def __str__(self) -> str:
        return f"{self.revision} {self.department} {self.opinion}"


class Decision(models.Model):
    """准入决定 on one revision: admitted, rejected or returned for changes; an admission despite failed
    rules (一事一议) is an exception and says why."""

    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("准予入园")
        REJECTED = "rejected", _("不予准入")
        RETURNED = "returned", _("退回修改")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("申请")
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("版本"))
    outcome = models.CharField(_("决定"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("理由"))
    exception = models.BooleanField(_("一事一议"), default=False)
    decided_on = models.DateField(_("决定日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("决定人")
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_path = "application__town"

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("准入决定")
        verbose_name_plural = _("准入决定")

    def __str__(self) -> str:
        return f"{self.revision} {self.outcome}"


class Document(models.Model):
    """A document attached to an application, stored under ``admission/`` of the uploads storage by its SHA-256."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="documents", verbose_name=_("申请")
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

    scope_path = "application__town"

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name
