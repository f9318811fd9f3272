"""Land contracts (供地合同) and what is recorded about them after signing.

Money in 万元, area in m² (mu derived exactly), shares as fractions 0..1. The rules that judge a contract
are in ``landcycle.rules.supervision``; ``supervision.convert`` turns these rows into its dataclasses.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from landcycle.audit.versions import Versioned
from landcycle.rules.units import m2_to_mu

MAINTAINED = ("warn_rank", "warn_idle", "warn_grey")  # written by supervision.maintained only


class Contract(Versioned):
    """One land contract: grant (出让), lease (租赁), standard land (标准地) or allocation (划拨)."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("出让")
        LEASE = "lease", _("租赁")
        STANDARD = "standard", _("标准地")
        ALLOCATION = "allocation", _("划拨")

    class StartCriterion(models.TextChoices):
        """What "started" (动工开发) means, 《闲置土地处置办法》第三十条 (DOMAIN §3)."""

        DEEP_PIT = "deep_pit", _("深基坑开挖完毕")
        PILES = "piles", _("所有基础桩打入")
        FOUNDATION_THIRD = "foundation_third", _("地基施工完成三分之一")

    number = models.CharField(_("合同编号"), max_length=60, unique=True)
    town = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("所属镇街")
    )
    parcels = models.ManyToManyField(
        "registry.Parcel", through="ContractParcel", related_name="contracts", verbose_name=_("地块"), blank=True
    )
    holder = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("土地使用权人（已登记企业）"),
    )
    holder_name = models.CharField(_("土地使用权人"), max_length=200)
    kind = models.CharField(_("合同类型"), max_length=12, choices=Kind.choices, default=Kind.GRANT)
    project = models.CharField(_("项目名称"), max_length=200, blank=True)
    location = models.CharField(_("宗地坐落"), max_length=200, blank=True)
    land_use = models.CharField(_("土地用途"), max_length=60, blank=True)
    price_wan = models.DecimalField(_("成交价格（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=14, decimal_places=2, null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("使用年限（年）"), null=True, blank=True)
    signed_on = models.DateField(_("合同签订日期"), null=True, blank=True)
    agreed_delivery = models.DateField(_("约定交地日期"), null=True, blank=True)
    agreed_start = models.DateField(_("约定开工日期"), null=True, blank=True)
    agreed_completion = models.DateField(_("约定竣工日期"), null=True, blank=True)
    agreed_production = models.DateField(_("约定达产日期"), null=True, blank=True)
    actual_delivery = models.DateField(_("实际交地日期"), null=True, blank=True)
    actual_start = models.DateField(
        _("实际开工日期"),
        null=True,
        blank=True,
        help_text=_(
            "动工开发（《闲置土地处置办法》第三十条）：需挖深基坑的项目，基坑开挖完毕；使用桩基的项目，打入所有基础桩；"
            "其他项目，地基施工完成三分之一。仅领取施工许可证或举行开工仪式不算动工。"
        ),
    )
    actual_completion = models.DateField(_("实际竣工日期"), null=True, blank=True)
    actual_production = models.DateField(_("实际达产日期"), null=True, blank=True)
    start_criterion = models.CharField(_("动工认定依据"), max_length=16, choices=StartCriterion.choices, blank=True)
    start_evidence = models.CharField(
        _("动工佐证材料"), max_length=300, blank=True, help_text=_("如现场核查记录、监理日志、照片编号")
    )
    developed_area_share = models.DecimalField(
        _("已开发面积占比"), max_digits=7, decimal_places=6, null=True, blank=True
    )
    investment_share = models.DecimalField(_("已投资额占比"), max_digits=7, decimal_places=6, null=True, blank=True)
    stopped_since = models.DateField(_("停工日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    scope_path = "town"

    # its open warnings, kept by the warnings refresh and the warning services (``supervision.maintained``) in the
    # same transaction as the warnings: the contract list orders and filters by them off an index (issue 18)
    warn_rank = models.SmallIntegerField(_("最重预警"), default=-1, editable=False)  # -1 none open, 0 green…, 2 red
    warn_idle = models.PositiveIntegerField(_("闲置土地预警"), default=0, editable=False)  # open idle warnings
    warn_grey = models.BooleanField(_("有未能判定的预警"), default=False, editable=False)

    class Meta:
        ordering = ["-signed_on", "number"]
        # the default order (the API's contract list) reads a page off this index instead of sorting every contract
        indexes = [
            models.Index(fields=["-signed_on", "number"], name="contract_signed_number"),
            # the contract list's default order (worst open warning first)
            models.Index(fields=["-warn_rank", "-signed_on", "number"], name="contract_worst_signed"),
        ]
        verbose_name = _("供地合同")
        verbose_name_plural = _("供地合同")

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        """An edit never writes the maintained warning fields (``MAINTAINED``): an instance read before a refresh
        would otherwise put back what the refresh replaced."""
        if not self._state.adding and self.pk is not None and kwargs.get("update_fields") is None:
            if not kwargs.get("force_insert"):
                kwargs["update_fields"] = [
                    f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in MAINTAINED
                ]
        super().save(*args, **kwargs)

    @property
    def area_mu(self) -> Decimal | None:
        return None if self.area_m2 is None else m2_to_mu(self.area_m2)


class ContractParcel(models.Model):
    """A parcel under a contract (a contract may cover several parcels, a parcel see several contracts)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="parcel_links", verbose_name=_("合同")
    )
    parcel = models.ForeignKey(
        "registry.Parcel", on_delete=models.PROTECT, related_name="contract_links", verbose_name=_("地块")
    )

    scope_path = "contract__town"

    class Meta:
        verbose_name = _("合同地块")
        verbose_name_plural = _("合同地块")
        constraints = [models.UniqueConstraint(fields=["contract", "parcel"], name="uniq_contract_parcel")]

    def __str__(self) -> str:
        return f"{self.contract_id}:{self.parcel_id}"


class Commitment(Versioned):
    """One commitment (承诺指标) of a 标准地 contract and the value measured at its review.

    ``kind`` is a kind of the warning policy (investment_intensity, plot_ratio, tax_per_mu,
    energy_per_value_added, emissions_per_value_added, rnd_share) or a local "+X" code, which then says
    its names, direction and stage. A share ("%") is kept as a fraction: 0.03 for 3 %."""

    class Direction(models.TextChoices):
        MIN = "min", _("不低于")
        MAX = "max", _("不高于")

    class Stage(models.TextChoices):
        COMPLETION = "completion", _("竣工验收")
        PRODUCTION = "production", _("达产复核")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("合同"))
    kind = models.CharField(_("指标"), max_length=40)
    label_zh = models.CharField(_("指标名称（中文）"), max_length=60, blank=True)
    label_en = models.CharField(_("指标名称（英文）"), max_length=60, blank=True)
    committed = models.DecimalField(_("承诺值"), max_digits=16, decimal_places=6)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices, blank=True)
    stage = models.CharField(_("考核阶段"), max_length=12, choices=Stage.choices, blank=True)
    measured = models.DecimalField(_("实测值"), max_digits=16, decimal_places=6, null=True, blank=True)
    measured_on = models.DateField(_("实测日期"), null=True, blank=True)

    scope_path = "contract__town"

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = _("承诺指标")
        verbose_name_plural = _("承诺指标")
        constraints = [models.UniqueConstraint(fields=["contract", "kind"], name="uniq_commitment_kind")]

    def __str__(self) -> str:
        return f"{self.contract} {self.kind}"


class Extension(models.Model):
    """An approved extension (延期) of one milestone: its new agreed date."""

    class Milestone(models.TextChoices):
        START = "start", _("开工")
        COMPLETION = "completion", _("竣工")
        PRODUCTION = "production", _("达产")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("合同"))
    milestone = models.CharField(_("延期事项"), max_length=12, choices=Milestone.choices)
    new_date = models.DateField(_("延期后日期"))
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    reason = models.CharField(_("延期理由"), max_length=300, blank=True)

    scope_path = "contract__town"

    class Meta:
        ordering = ["contract", "approved_on", "pk"]
        verbose_name = _("延期")
        verbose_name_plural = _("延期")

    def __str__(self) -> str:
        return f"{self.contract} {self.milestone} → {self.new_date}"


class GovernmentDelay(models.Model):
    """A delay caused by the government (《闲置土地处置办法》第八条), with its cause and evidence."""

    class Cause(models.TextChoices):
        LATE_DELIVERY = "late_delivery", _("未按约定期限、条件交付土地")
        PLAN_CHANGE = "plan_change", _("土地利用总体规划、城乡规划依法修改")
        POLICY_CHANGE = "policy_change", _("国家出台相关政策")
        MILITARY_HERITAGE = "military_heritage", _("军事管制、文物保护")
        FORCE_MAJEURE = "force_majeure", _("自然灾害等不可抗力")
        GOVERNMENT_ACTION = "government_action", _("政府、政府有关部门的行为")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="government_delays", verbose_name=_("合同")
    )
    cause = models.CharField(_("原因"), max_length=20, choices=Cause.choices)
    description = models.CharField(_("情况说明"), max_length=300, blank=True)
    evidence = models.CharField(_("佐证材料"), max_length=300)
    evidence_ref = models.CharField(_("佐证文件"), max_length=200, blank=True)
    days = models.PositiveIntegerField(
        _("延误天数"),
        null=True,
        blank=True,
        help_text=_(
            "政府原因造成的延误时长；约定日期按此顺延。未填时按第十二条上限（一年）计，顺延期满后照常征收闲置费"
        ),
    )
    recorded_on = models.DateField(_("登记日期"), null=True, blank=True)

    scope_path = "contract__town"

    class Meta:
        ordering = ["contract", "recorded_on", "pk"]
        verbose_name = _("政府原因延迟")
        verbose_name_plural = _("政府原因延迟")

    def __str__(self) -> str:
        return f"{self.contract} {self.cause}"
