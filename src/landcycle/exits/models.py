"""Exit (退出): vacating cases (腾退案件) and take-backs of idle land (收回), their steps, leftover items (遗留物),
money and files."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from landcycle.audit.versions import Versioned


def _wan(label) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True)


class Case(Versioned):
    """腾退案件 or 收回案件: enterprises and parcels of one town, a ground, a plan, and a state."""

    class Kind(models.TextChoices):
        VACATING = "vacating", _("腾退")
        TAKEBACK = "takeback", _("闲置土地收回")

    class Ground(models.TextChoices):
        LEASE_ENDED = "lease_ended", _("租约到期未续租")
        D_CLASS = "d_class", _("连续评为D类")
        IDLE_LAND = "idle_land", _("闲置土地收回")
        RENEWAL = "renewal", _("改造提升项目")
        COURT_ORDER = "court_order", _("法院裁判")
        VOLUNTARY = "voluntary", _("自愿退出")

    class State(models.TextChoices):
        OPEN = "open", _("办理中")
        CLOSED = "closed", _("已移交")
        CANCELLED = "cancelled", _("已撤销")

    class Paid(models.TextChoices):
        FREE = "free", _("无偿收回")
        PAID = "paid", _("有偿收回")

    number = models.CharField(_("案件编号"), max_length=32, unique=True)
    kind = models.CharField(_("案件类型"), max_length=10, choices=Kind.choices, default=Kind.VACATING)
    ground = models.CharField(_("退出事由"), max_length=16, choices=Ground.choices)
    town = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="exit_cases", verbose_name=_("所属镇街")
    )
    enterprises = models.ManyToManyField(
        "registry.Enterprise", related_name="exit_cases", blank=True, verbose_name=_("涉及企业")
    )
    parcels = models.ManyToManyField("registry.Parcel", related_name="exit_cases", blank=True, verbose_name=_("地块"))
    # rectification tasks (整改任务) this case answers: linked from the case's side (exits sits above rectification)
    tasks = models.ManyToManyField(
        "rectification.Task", related_name="exit_cases", blank=True, verbose_name=_("关联整改任务")
    )
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    opened_on = models.DateField(_("立案日期"))
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    reason = models.TextField(_("立案理由"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    # where the case comes from (a warning, or any other record), kept generically and as text
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("来源类型")
    )
    source_id = models.PositiveBigIntegerField(_("来源ID"), null=True, blank=True)
    source_label = models.CharField(_("来源"), max_length=250, blank=True)
    handover_on = models.DateField(_("移交日期"), null=True, blank=True)
    handover_to = models.CharField(_("移交对象"), max_length=200, blank=True)
    cancelled_on = models.DateField(_("撤销日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销理由"), max_length=200, blank=True)
    # take-back of idle land (收回): the decision, notice, hearing, compensation and the land reserve
    decision_number = models.CharField(_("收回决定书文号"), max_length=60, blank=True)
    decision_date = models.DateField(_("收回决定日期"), null=True, blank=True)
    notice_date = models.DateField(_("告知日期"), null=True, blank=True)
    hearing_date = models.DateField(_("听证日期"), null=True, blank=True)
    paid = models.CharField(_("收回方式"), max_length=6, choices=Paid.choices, blank=True)
    compensation_wan = _wan(_("补偿金额（万元）"))
    reserve_date = models.DateField(_("纳入土地储备日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("立案人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_path = "town"

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("腾退案件")
        verbose_name_plural = _("腾退案件")

    def __str__(self) -> str:
        return self.number

    @property
    def area_mu(self) -> Decimal:
        return sum((p.area_mu for p in self.parcels.all()), Decimal(0))


class CaseStep(models.Model):
    """One step of a case as it happened: notice, survey, talk, meeting, mediation, agreement, cleared,
    handover (and for a take-back: decision, hearing). Steps may repeat."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("告知")
        SURVEY = "survey", _("踏勘")
        TALK = "talk", _("约谈")
        MEETING = "meeting", _("专题会议")
        MEDIATION = "mediation", _("调解")
        AGREEMENT = "agreement", _("签订协议")
        CLEARED = "cleared", _("场地清理完毕")
        HANDOVER = "handover", _("验收移交")
        DECISION = "decision", _("收回决定")
        HEARING = "hearing", _("听证")

    class Mediation(models.TextChoices):
        PEOPLE = "people", _("人民调解")
        JUDICIAL = "judicial", _("司法调解")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps", verbose_name=_("案件"))
    kind = models.CharField(_("环节"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("日期"))
    people = models.CharField(_("参加人员"), max_length=300, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    minutes = models.TextField(_("纪要"), blank=True)
    mediation = models.CharField(_("调解方式"), max_length=10, choices=Mediation.choices, blank=True)
    court = models.CharField(_("法院"), max_length=100, blank=True)
    court_case_number = models.CharField(_("案号"), max_length=60, blank=True)
    outcome = models.CharField(_("结果"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_path = "case__town"

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("案件环节")
        verbose_name_plural = _("案件环节")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.date}"


class LeftoverItem(models.Model):
    """遗留物: one line of a case's inventory, with its claimed and determined owner and its disposal."""

    class Category(models.TextChoices):
        RUBBISH = "rubbish", _("垃圾")
        EQUIPMENT = "equipment", _("设备")
        RAW = "raw", _("原材料")
        GOODS = "goods", _("成品")
        STRUCTURE = "structure", _("建筑物、构筑物")
        HAZARDOUS = "hazardous", _("危险废物")

    class Owner(models.TextChoices):
        FIRM = "firm", _("企业")
        LANDLORD = "landlord", _("出租方/业主")
        THIRD = "third", _("第三方")
        UNKNOWN = "unknown", _("不明")

    class How(models.TextChoices):
        AGREEMENT = "agreement", _("协商一致")
        MEDIATION = "mediation", _("调解")
        RULING = "ruling", _("裁判")

    class Disposal(models.TextChoices):
        TAKEN = "taken", _("所有人自行搬离")
        SOLD = "sold", _("变卖")
        SCRAPPED = "scrapped", _("报废清运")
        CONTRACTOR = "contractor", _("危废处置单位处置")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items", verbose_name=_("案件"))
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    description = models.CharField(_("名称及描述"), max_length=300)
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    location = models.CharField(_("存放位置"), max_length=200, blank=True)
    claimed_owner = models.CharField(_("主张归属"), max_length=10, choices=Owner.choices, default=Owner.UNKNOWN)
    claimed_owner_name = models.CharField(_("主张归属方名称"), max_length=200, blank=True)
    determined_owner = models.CharField(_("认定归属"), max_length=10, choices=Owner.choices, blank=True)
    determined_owner_name = models.CharField(_("认定归属方名称"), max_length=200, blank=True)
    determined_how = models.CharField(_("认定方式"), max_length=10, choices=How.choices, blank=True)
    determined_on = models.DateField(_("认定日期"), null=True, blank=True)
    disposal = models.CharField(_("处置方式"), max_length=10, choices=Disposal.choices, blank=True)
    disposal_date = models.DateField(_("处置日期"), null=True, blank=True)
    disposal_cost_wan = _wan(_("处置费用（万元）"))
    cost_payer = models.CharField(_("费用承担方"), max_length=200, blank=True)
    contractor = models.CharField(_("危废处置单位"), max_length=200, blank=True)
    manifest_number = models.CharField(_("危险废物转移联单号"), max_length=60, blank=True)

    scope_path = "case__town"

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("遗留物")
        verbose_name_plural = _("遗留物")

    def __str__(self) -> str:
        return self.description


class MoneyItem(models.Model):
    """Costs of a case (清理、处置、补偿、诉讼费) and what was recovered (追偿), who pays and whether paid."""

    class Kind(models.TextChoices):
        CLEARING = "clearing", _("清理费用")
        DISPOSAL = "disposal", _("处置费用")
        COMPENSATION = "compensation", _("补偿")
        COURT_FEE = "court_fee", _("诉讼/调解费用")
        RECOVERY = "recovery", _("追偿收回")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="money", verbose_name=_("案件"))
    kind = models.CharField(_("类别"), max_length=14, choices=Kind.choices)
    amount_wan = models.DecimalField(_("金额（万元）"), max_digits=14, decimal_places=2)
    payer = models.CharField(_("付款方"), max_length=200, blank=True)
    paid = models.BooleanField(_("已支付"), default=False)
    date = models.DateField(_("日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope_path = "case__town"

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("案件费用")
        verbose_name_plural = _("案件费用")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_wan}"

    @property
    def is_recovery(self) -> bool:
        return self.kind == self.Kind.RECOVERY


class CaseFile(models.Model):
    """A photo or document of a case, a step or an item, stored under ``exits/`` of the uploads storage by its SHA-256."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files", verbose_name=_("案件"))
    step = models.ForeignKey(
        CaseStep, null=True, blank=True, on_delete=models.CASCADE, related_name="files", verbose_name=_("环节")
    )
    item = models.ForeignKey(
        LeftoverItem, null=True, blank=True, on_delete=models.CASCADE, related_name="files", verbose_name=_("遗留物")
    )
    name = models.CharField(_("文件名"), max_length=200)
    extension = models.CharField(_("类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    path = models.CharField(_("存储路径"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_path = "case__town"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("案件材料")
        verbose_name_plural = _("案件材料")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.extension in {"png", "jpg", "jpeg", "webp"}
