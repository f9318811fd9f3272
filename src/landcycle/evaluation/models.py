"""Yearly figures of enterprises, the inputs of the per-mu evaluation (亩均效益综合评价)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class YearlyFigure(models.Model):
    """One enterprise's figures for one year, in the units of DOMAIN §2."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="figures",
                                   verbose_name=_("企业"))
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = models.DecimalField(_("主营业务收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    tax = models.DecimalField(_("实缴税收（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_added = models.DecimalField(_("工业增加值（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    energy_tce = models.DecimalField(_("综合能耗（吨标准煤）"), max_digits=14, decimal_places=2, null=True, blank=True)
    emissions_t = models.DecimalField(_("主要污染物排放（吨）"), max_digits=14, decimal_places=3, null=True, blank=True)
    rnd = models.DecimalField(_("研发经费（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    staff = models.PositiveIntegerField(_("年平均职工人数"), null=True, blank=True)
    electricity_10k_kwh = models.DecimalField(_("用电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True)

    scope_path = "enterprise__town"

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_figure_enterprise_year")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"
