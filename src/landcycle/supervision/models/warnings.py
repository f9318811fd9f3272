"""Three-colour warnings (三色预警): one per subject and rule, with its reason and its history.

A warning's colour, reason and figures are what its rule said at the last refresh (``checked_on``).
Green means the rule no longer fires: the warning is kept, with its history, until someone closes it
(销号). Its handling state (处置状态, ``status``) follows the answer workflow (DOMAIN §10, docs/warnings.md):

    open 待核实 ──verify──▶ confirmed 待处置 ──handle──▶ handling 处置中 ──submit──▶ submitted 待验收
      │                          ▲                         ▲                          │ accept
      └─dispute─▶ disputed 异议待裁定 ─reject─┘                 └──────send back─────────┤
                     │ accept                                                         ▼
                     └────────────────────────────────────────────────────────▶ closed 已办结

Every step, every colour change and every reopening is a ``WarningEvent`` row and an audit row; evidence files
(photos, PDF) are ``WarningEvidence`` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# blue (a reminder) and grey (not judged) call for no action on a breach: rank 0 like green, but they are
# their own colour, counted apart in every summary (never as green)
RANK = {"green": 0, "blue": 0, "grey": 0, "yellow": 1, "red": 2}


class Warning(models.Model):
    class SubjectType(models.TextChoices):
        CONTRACT = "contract", _("合同")
        ENTERPRISE = "enterprise", _("企业")
        PARCEL = "parcel", _("地块")

    class Colour(models.TextChoices):
        RED = "red", _("红")
        YELLOW = "yellow", _("黄")
        GREEN = "green", _("绿")
        BLUE = "blue", _("提醒")
        GREY = "grey", _("未能判定")

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        DISPUTED = "disputed", _("异议待裁定")
        CONFIRMED = "confirmed", _("已核实待处置")
        HANDLING = "handling", _("处置中")
        SUBMITTED = "submitted", _("处置待验收")
        CLOSED = "closed", _("已办结")

    class Closure(models.TextChoices):
        """How a warning was closed: only an accepted handling reopens when its cause is still there."""

        RESOLVED = "resolved", _("规则不再触发，销号")
        ACCEPTED = "accepted", _("处置验收办结")
        DISPUTE = "dispute", _("异议成立，不属问题")
        EXCEPTION = "exception", _("例外销号")

    subject_type = models.CharField(_("对象类型"), max_length=20, choices=SubjectType.choices)
    subject_id = models.PositiveBigIntegerField(_("对象ID"))
    subject_label = models.CharField(_("对象"), max_length=250)
    town = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="warnings", verbose_name=_("所属镇街")
    )
    park = models.ForeignKey(
        "registry.Park",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warnings",
        verbose_name=_("园区"),
    )
    rule = models.CharField(_("规则"), max_length=60)
    colour = models.CharField(_("颜色"), max_length=8, choices=Colour.choices)
    rank = models.PositiveSmallIntegerField(_("严重程度"), default=0)  # green/blue/grey 0, yellow 1, red 2
    reason_zh = models.TextField(_("原因（中文）"))
    reason_en = models.TextField(_("原因（英文）"), blank=True)
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    days_overdue = models.IntegerField(_("逾期天数"), null=True, blank=True)
    fee_wan = models.DecimalField(_("应征闲置费（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    take_back = models.BooleanField(_("可无偿收回"), default=False)
    exempt = models.BooleanField(_("政府原因免责"), default=False)
    first_raised = models.DateField(_("首次预警"))
    last_changed = models.DateField(_("颜色变化"))
    checked_on = models.DateField(_("最近复核"))
    policy_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    status = models.CharField(_("处理状态"), max_length=14, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_warnings",
        verbose_name=_("责任人"),
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认人"),
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("销号人"),
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_reason = models.CharField(_("销号说明"), max_length=500, blank=True)
    closed_exception = models.BooleanField(_("例外销号"), default=False)
    closure = models.CharField(_("办结方式"), max_length=10, choices=Closure.choices, blank=True)
    # the answer (预警处置): verification due, what the town said, and its handling
    opened_on = models.DateField(_("本轮预警日期"), null=True, blank=True)  # raised or last reopened
    verify_due = models.DateField(_("核实期限"), null=True, blank=True)
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核实人"),
    )
    dispute_reason = models.TextField(_("异议理由"), blank=True)
    measures = models.TextField(_("处置措施"), blank=True)
    handling_due = models.DateField(_("处置期限"), null=True, blank=True)

    scope_path = "town"

    class Meta:
        ordering = ["-rank", "-last_changed", "pk"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "rule"], name="uniq_warning_subject_rule")
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "rank"]),
            models.Index(fields=["status", "verify_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} · {self.rule}"[:200]

    @property
    def active(self) -> bool:
        """Still calls for attention: not closed and its rule fires."""
        return self.status != self.Status.CLOSED and self.colour != self.Colour.GREEN

    @property
    def verify_overdue(self) -> bool:
        """Not verified by its due date (核实逾期), as of today."""
        from django.utils import timezone  # noqa: PLC0415 -- a property read on pages only

        return (
            self.status == self.Status.OPEN and self.verify_due is not None and self.verify_due < timezone.localdate()
        )


class WarningEvent(models.Model):
    """One line of a warning's history: a colour change (by a refresh), or an action by a person."""

    class Kind(models.TextChoices):
        COLOUR = "colour", _("颜色变化")
        ACKNOWLEDGE = "acknowledge", _("确认")  # before the answer workflow: now "verify"
        VERIFY = "verify", _("核实属实")
        DISPUTE = "dispute", _("提出异议")
        DISPUTE_OK = "dispute_ok", _("异议成立")
        DISPUTE_NO = "dispute_no", _("异议不成立")
        HANDLE = "handle", _("处置措施")
        PROGRESS = "progress", _("处置进展")
        SUBMIT = "submit", _("申请办结")
        ACCEPT = "accept", _("验收办结")
        SEND_BACK = "send_back", _("退回重新处置")
        ASSIGN = "assign", _("指派")
        CLOSE = "close", _("销号")
        REOPEN = "reopen", _("重新打开")

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events", verbose_name=_("预警"))
    kind = models.CharField(_("事件"), max_length=12, choices=Kind.choices, default=Kind.COLOUR)
    at = models.DateTimeField(_("时间"))
    as_of = models.DateField(_("基准日"))
    from_colour = models.CharField(_("原颜色"), max_length=8, blank=True)
    to_colour = models.CharField(_("新颜色"), max_length=8, blank=True)
    reason_zh = models.TextField(_("说明（中文）"), blank=True)
    reason_en = models.TextField(_("说明（英文）"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人"), max_length=150)  # "refresh" for the recomputation

    scope_path = "warning__town"

    class Meta:
        ordering = ["warning", "at", "pk"]
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")

    def __str__(self) -> str:
        return f"{self.warning_id} {self.kind} {self.from_colour}->{self.to_colour}"


class WarningEvidence(models.Model):
    """One evidence file of a warning's answer (佐证材料: a photo from the site, a PDF), stored under
    ``warning-evidence/`` of the uploads storage by its SHA-256 (``path`` is its name in that storage). Downloadable only
    through ``access`` (404 outside the user's scope)."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("预警"))
    event = models.ForeignKey(
        WarningEvent, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("预警记录")
    )
    name = models.CharField(_("文件名"), max_length=200)
    extension = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    path = models.CharField(_("存储路径"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_path = "warning__town"

    class Meta:
        ordering = ["warning", "pk"]
        verbose_name = _("预警佐证材料")
        verbose_name_plural = _("预警佐证材料")

    def __str__(self) -> str:
        return self.name


class WarningSubject(models.Model):
    """One subject (a contract, an enterprise, a parcel) with warnings not closed, as the warning board lists it:
    its worst colour (``severity``: red 4, yellow 3, grey 2, blue 1, green 0), its oldest warning, its open
    warnings, the earliest verification due. Kept by the warnings refresh and the warning services
    (``supervision.maintained``) in the same transaction as the warnings, so the board reads a page off an index
    instead of grouping every warning of the scope (issue 18). No row: nothing open."""

    subject_type = models.CharField(_("对象类型"), max_length=20, choices=Warning.SubjectType.choices)
    subject_id = models.PositiveBigIntegerField(_("对象ID"))
    subject_label = models.CharField(_("对象"), max_length=250)
    town = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属镇街"))
    park = models.ForeignKey(
        "registry.Park", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("园区")
    )
    severity = models.PositiveSmallIntegerField(_("最重颜色"), default=0)
    oldest = models.DateField(_("首次预警"))
    open_count = models.PositiveIntegerField(_("未办结预警"), default=0)
    verify_due = models.DateField(_("核实期限"), null=True, blank=True)  # the earliest of its warnings to verify

    scope_path = "town"

    class Meta:
        verbose_name = _("预警对象")
        verbose_name_plural = _("预警对象")
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"], name="uniq_warning_subject")]
        indexes = [
            # the board's default order: worst first, then the oldest
            models.Index(
                fields=["-severity", "oldest", "subject_label", "subject_type", "subject_id"], name="subject_board"
            ),
            models.Index(fields=["oldest"], name="subject_oldest"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"
