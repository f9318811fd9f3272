"""本县政策版本: a county's own saved versions of a policy (TOML text with history)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CountyPolicy(models.Model):
    """One saved version of a county's own policy text. Never changed after it is saved (a change is a new
    version); when a newer one is saved, the time is recorded in ``superseded_at``. The one not superseded is in
    force for the county (one at most: a database constraint); a county without any uses the shipped file."""

    class Name(models.TextChoices):
        WARNINGS = "warnings", _("预警规则")
        ADMISSION = "admission", _("准入规则")
        RANKING = "ranking", _("赛马指数")
        RECTIFICATION = "rectification", _("整改规则")

    county = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属县（市、区）")
    )
    name = models.CharField(_("政策"), max_length=20, choices=Name.choices)
    toml = models.TextField(_("政策文本（TOML）"))
    version = models.CharField(_("版本"), max_length=40)
    hash = models.CharField(_("内容哈希"), max_length=16)
    note = models.TextField(_("修改说明"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("保存人")
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)

    scope_path = "county"  # accounts.scope: a county's users see their county's, the province's every county's

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("本县政策版本")
        verbose_name_plural = _("本县政策版本")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"],
                condition=models.Q(superseded_at__isnull=True),
                name="uniq_county_policy_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.version}"
