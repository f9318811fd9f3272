"""Users, their region node and their role."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    CITY_ANALYST = "city_analyst", _("市局分析员")
    TOWN_OFFICER = "town_officer", _("镇街经办人")
    SUPERVISOR = "supervisor", _("纪检监督员")
    LEADER = "leader", _("领导（只读）")
    PROVINCE = "province", _("省级（只读）")


class User(AbstractUser):
    """A person working in one region node (the county, or one town) with one role."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey(
        "registry.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("所属区划"),
    )
    organisation = models.CharField(_("单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username
