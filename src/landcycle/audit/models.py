"""The append-only, hash-chained audit log: who changed what, when, before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write. ``seq`` is contiguous and ``hash`` covers this row and the previous row's hash, so
    an edited, deleted or reordered row breaks the chain (see ``landcycle audit verify``)."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
        db_constraint=False,
    )
    actor_name = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象ID"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    before = models.TextField(_("修改前"), blank=True)  # canonical JSON text, hashed as stored
    after = models.TextField(_("修改后"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    scope_path = None  # read through its own page, by role (see accounts.scope.can_read_audit)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["at"]),
            # the audit page's filters, each with the page's order (newest first by seq): a filtered page, and its
            # older / newer keyset pages, are one range of one index (issue 18)
            models.Index(fields=["actor_name", "seq"], name="audit_actor_seq"),
            models.Index(fields=["action", "seq"], name="audit_action_seq"),
            models.Index(fields=["object_type", "seq"], name="audit_type_seq"),
            models.Index(fields=["region_code", "seq"], name="audit_region_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} ({self.actor_name})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit entries are append-only")


class AuditHead(models.Model):
    """The chain's head (one row), locked while a new entry is appended."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"


class AuditAppHead(models.Model):
    """The last entry about each app's objects (``object_type``'s app label), moved in the transaction of every
    write: what changed since is a cached figure's question (kit.cache files a figure under the heads of the apps it
    reads, so any process, with any cache backend, knows at once whether it is still current)."""

    app = models.CharField(max_length=64, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.app} #{self.seq}"
