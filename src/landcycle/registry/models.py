"""The registry: regions, parks, parcels, enterprises and who occupies which parcel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from landcycle.audit.versions import Versioned
from landcycle.rules.codes import industry_class
from landcycle.rules.units import m2_to_mu


class Region(models.Model):
    """行政区划: province > city > county > town/subdistrict, by the 2023 statistical codes.

    Codes are hierarchical (a town's 9-digit code starts with its county's 6), which is what scope
    filtering relies on.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（市、区）")
        TOWN = "town", _("乡镇（街道）")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        """镇, 街道 or 开发区/园区, read off the official name."""
        if self.level != self.Level.TOWN:
            return self.get_level_display()
        if self.name.endswith("街道"):
            return str(_("街道"))
        if self.name.endswith("镇") or self.name.endswith("乡"):
            return str(_("镇"))
        return str(_("功能区"))

    scope_path = ""  # a region is in scope when its own code starts with the user's prefix


class Park(Versioned):
    """工业园区 / 小微园区 / 老旧工业区块 in one town."""

    class Kind(models.TextChoices):
        INDUSTRIAL = "industrial", _("工业园区")
        MICRO = "micro", _("小微园区")
        OLD_BLOCK = "old_block", _("老旧工业区块")

    code = models.CharField(_("园区编号"), max_length=32, unique=True)
    name = models.CharField(_("园区名称"), max_length=100)
    kind = models.CharField(_("园区类型"), max_length=16, choices=Kind.choices)
    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="parks", verbose_name=_("所属镇街"))
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # 最低亩均税收标准: enterprises of the park below it are warned (supervision, policies/warnings.toml)
    min_tax_per_mu = models.DecimalField(
        _("最低亩均税收标准（万元/亩）"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    scope_path = "town"

    class Meta:
        ordering = ["town__code", "code"]
        # each list filter with the API's cursor order (id): a filtered cursor page is one range of one index
        indexes = [models.Index(fields=["kind", "id"], name="park_kind_id")]
        verbose_name = _("园区")
        verbose_name_plural = _("园区")

    def __str__(self) -> str:
        return self.name


class Parcel(Versioned):
    """地块. Area is stored exactly in square metres; mu is derived (m² × 15 / 10000)."""

    class Tenure(models.TextChoices):
        GRANTED = "granted", _("出让")
        ALLOCATED = "allocated", _("划拨")
        LEASED = "leased", _("租赁")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("在用")
        UNDER_CONSTRUCTION = "construction", _("在建")
        IDLE = "idle", _("闲置")
        RESERVE = "reserve", _("储备")
        VACATING = "vacating", _("腾退中")

    class LandUse(models.TextChoices):
        INDUSTRIAL = "industrial", _("工业用地")
        WAREHOUSE = "warehouse", _("仓储用地")
        NEW_INDUSTRY = "m0", _("新型产业用地（M0）")
        COMMERCIAL = "commercial", _("商服用地")

    number = models.CharField(_("地块编号"), max_length=40, unique=True)
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("所属园区"))
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=14, decimal_places=2)
    geometry = models.JSONField(_("图形（GeoJSON）"), null=True, blank=True)
    land_use = models.CharField(_("用途"), max_length=16, choices=LandUse.choices, default=LandUse.INDUSTRIAL)
    tenure = models.CharField(_("供地方式"), max_length=16, choices=Tenure.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_USE)
    address = models.CharField(_("坐落"), max_length=200, blank=True)

    scope_path = "park__town"

    class Meta:
        ordering = ["number"]
        # each list filter with the API's cursor order (id): a filtered cursor page is one range of one index
        indexes = [
            models.Index(fields=["status", "id"], name="parcel_status_id"),
            models.Index(fields=["tenure", "id"], name="parcel_tenure_id"),
            models.Index(fields=["land_use", "id"], name="parcel_land_use_id"),
        ]
        verbose_name = _("地块")
        verbose_name_plural = _("地块")

    def __str__(self) -> str:
        return self.number

    @property
    def area_mu(self) -> Decimal:
        return m2_to_mu(self.area_m2)


class Enterprise(Versioned):
    """企业, keyed by its 统一社会信用代码 (GB 32100-2015)."""

    class Scale(models.TextChoices):
        ABOVE = "above", _("规上")
        BELOW = "below", _("规下")

    class Status(models.TextChoices):
        OPERATING = "operating", _("在营")
        SUSPENDED = "suspended", _("停产")
        RELOCATED = "relocated", _("迁出")
        DEREGISTERED = "deregistered", _("注销")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_override = models.BooleanField(_("校验位人工确认"), default=False)
    uscc_override_reason = models.CharField(_("人工确认理由"), max_length=200, blank=True)
    name = models.CharField(_("企业名称"), max_length=200)
    industry_code = models.CharField(_("行业代码（GB/T 4754-2017）"), max_length=4)
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices)
    registered_on = models.DateField(_("成立日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPERATING)
    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("所属镇街"))
    contact = models.CharField(_("联系人"), max_length=50, blank=True)

    scope_path = "town"

    class Meta:
        ordering = ["name"]
        indexes = [
            # the default order (the enterprise list, the API's) with its tie-breaker (kit.listing.total_order): a
            # page read off this index, not every firm sorted
            models.Index(fields=["name", "id"], name="enterprise_name_id"),
            # each list filter with the API's cursor order (id); the industry filter is a prefix, read as a range
            # (kit.listing.code_prefix)
            models.Index(fields=["status", "id"], name="enterprise_status_id"),
            models.Index(fields=["scale", "id"], name="enterprise_scale_id"),
            models.Index(fields=["industry_code", "id"], name="enterprise_industry_id"),
        ]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name

    @property
    def industry(self):
        return industry_class(self.industry_code)


class Occupancy(Versioned):
    """An enterprise on a parcel, as owner (自有) or tenant (租赁), over a period.

    A lease names its lessor when the lessor is itself an enterprise, so that "land let to others"
    can be subtracted from the lessor's land used (DOMAIN §2).
    """

    class Kind(models.TextChoices):
        OWNED = "owned", _("自有")
        LEASED = "leased", _("租赁")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("企业")
    )
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("地块"))
    kind = models.CharField(_("使用方式"), max_length=8, choices=Kind.choices)
    lessor = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="lettings", verbose_name=_("出租方")
    )
    area_m2 = models.DecimalField(_("使用面积（平方米）"), max_digits=14, decimal_places=2)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True)

    scope_path = "parcel__park__town"

    class Meta:
        ordering = ["parcel__number", "start"]
        verbose_name = _("用地关系")
        verbose_name_plural = _("用地关系")

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.parcel}"

    @property
    def area_mu(self) -> Decimal:
        return m2_to_mu(self.area_m2)

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
