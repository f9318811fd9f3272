"""What the API shows of the new stages (exits, renewal, ranking) and what their writes accept. As in
``serializers``: input serializers are handed to the apps' services, never saved on a model."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework import serializers

from landcycle.exits.models import Case, CaseStep, LeftoverItem, MoneyItem
from landcycle.exits.selectors import colour_of
from landcycle.ranking.models import IndicatorInput, RankingJob, RankingResult, RankingRun
from landcycle.renewal.colours import latest_report, project_colour
from landcycle.renewal.models import FirmFate, Milestone, ProgressReport, RenewalProject
from landcycle.rules import renewal as renewal_rules

from .serializers import TownField, files_of

# ---------------------------------------------------------------- exits


class CaseStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseStep
        fields = ["id", "kind", "date", "people", "place", "minutes", "mediation", "court", "court_case_number"]
        fields += ["outcome"]


class LeftoverItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeftoverItem
        exclude = ["case"]


class MoneyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = MoneyItem
        exclude = ["case"]


class CaseColourSerializer(serializers.Serializer):
    colour = serializers.CharField(allow_null=True, help_text="green / yellow / red / grey; null: cancelled")
    percent_done = serializers.IntegerField()
    state = serializers.CharField()
    days_overdue = serializers.IntegerField(allow_null=True)
    message_zh = serializers.CharField(source="zh")
    message_en = serializers.CharField(source="en")


class CaseSerializer(serializers.ModelSerializer):
    """A case with its steps (timeline), leftover items and money; ``colour`` as on the case list today."""

    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprises = serializers.SlugRelatedField(slug_field="uscc", many=True, read_only=True)
    parcels = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    steps = CaseStepSerializer(many=True, read_only=True)
    items = LeftoverItemSerializer(many=True, read_only=True)
    money = MoneyItemSerializer(many=True, read_only=True)
    files = files_of("case-file")
    colour = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "kind", "ground", "town", "enterprises", "parcels", "responsible_unit"]
        fields += ["responsible_person", "opened_on", "planned_start", "deadline", "reason", "state", "source_label"]
        fields += ["handover_on", "handover_to", "cancelled_on", "cancel_reason", "decision_number", "decision_date"]
        fields += ["notice_date", "hearing_date", "paid", "compensation_wan", "reserve_date", "colour", "version"]
        fields += ["steps", "items", "money", "files"]

    @staticmethod
    def _as_of(obj) -> dt.date:
        return timezone.localdate()

    def get_colour(self, obj) -> CaseColourSerializer:
        return CaseColourSerializer(colour_of(obj, self._as_of(obj))).data


class CaseOpenSerializer(serializers.Serializer):
    """立案 (the case form): parcels by number, enterprises by credit code; ``kind=takeback`` the county only."""

    kind = serializers.ChoiceField(choices=Case.Kind.choices, required=False, default=Case.Kind.VACATING)
    ground = serializers.ChoiceField(choices=Case.Ground.choices)
    town = TownField()
    parcels = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, help_text="地块编号 / parcel numbers"
    )
    enterprises = serializers.ListField(
        child=serializers.CharField(max_length=18), required=False, help_text="企业信用代码 / credit codes"
    )
    responsible_unit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    planned_start = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    opened_on = serializers.DateField(required=False, allow_null=True)


class CasePlanSerializer(serializers.Serializer):
    """The plan of an open case (修改计划); for a take-back, the county also records its decision, notice, hearing,
    compensation and reserve date (收回决定与听证). Only the fields sent change."""

    version = serializers.IntegerField(required=False, help_text="乐观锁：读取时的版本 / the version read")
    ground = serializers.ChoiceField(choices=Case.Ground.choices, required=False)
    responsible_unit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    planned_start = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    notice_date = serializers.DateField(required=False, allow_null=True)
    hearing_date = serializers.DateField(required=False, allow_null=True)
    paid = serializers.ChoiceField(choices=Case.Paid.choices, required=False, allow_blank=True)
    compensation_wan = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    reserve_date = serializers.DateField(required=False, allow_null=True)


class CaseCancelSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="撤销日期 / the day the case is cancelled")
    reason = serializers.CharField(max_length=200, help_text="撤销理由 / why")


class CaseCloseSerializer(serializers.Serializer):
    """验收移交: the site, cleared, is handed over on ``on``."""

    on = serializers.DateField(help_text="移交日期 / the handover day")
    handover_to = serializers.CharField(max_length=200, required=False, allow_blank=True)
    minutes = serializers.CharField(max_length=8000, required=False, allow_blank=True)
    people = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CaseTasksSerializer(serializers.Serializer):
    tasks = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        help_text="本镇街整改任务的 id（/api/rectification/tasks/）/ the ids of the town's rectification tasks the case "
        "answers; [] unlinks",
    )


class StepWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseStep.Kind.choices)
    date = serializers.DateField()
    people = serializers.CharField(max_length=300, required=False, allow_blank=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    minutes = serializers.CharField(max_length=8000, required=False, allow_blank=True)
    mediation = serializers.ChoiceField(choices=CaseStep.Mediation.choices, required=False, allow_blank=True)
    court = serializers.CharField(max_length=100, required=False, allow_blank=True)
    court_case_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    outcome = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _wan(**kw) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kw)


class ItemWriteSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=LeftoverItem.Category.choices)
    description = serializers.CharField(max_length=300)
    quantity = _wan(required=False, allow_null=True)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    claimed_owner = serializers.ChoiceField(choices=LeftoverItem.Owner.choices, required=False, default="unknown")
    claimed_owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    determined_owner = serializers.ChoiceField(choices=LeftoverItem.Owner.choices, required=False, allow_blank=True)
    determined_owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    determined_how = serializers.ChoiceField(choices=LeftoverItem.How.choices, required=False, allow_blank=True)
    determined_on = serializers.DateField(required=False, allow_null=True)
    disposal = serializers.ChoiceField(choices=LeftoverItem.Disposal.choices, required=False, allow_blank=True)
    disposal_date = serializers.DateField(required=False, allow_null=True)
    disposal_cost_wan = _wan(required=False, allow_null=True)
    cost_payer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contractor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    manifest_number = serializers.CharField(max_length=60, required=False, allow_blank=True)


class ItemUpdateSerializer(ItemWriteSerializer):
    """认定归属与处置 (the item's edit form): only the fields sent change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class CaseItemSerializer(LeftoverItemSerializer):
    """A leftover item with its case (number, town)."""

    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    town = serializers.CharField(source="case.town.code", read_only=True)

    class Meta:
        model = LeftoverItem
        fields = "__all__"


class MoneyWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MoneyItem.Kind.choices)
    amount_wan = _wan()
    payer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    paid = serializers.BooleanField(required=False, default=False)
    date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


# ---------------------------------------------------------------- renewal


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "kind", "order", "planned_on", "done_on"]


class ProgressReportSerializer(serializers.ModelSerializer):
    evidence = serializers.SerializerMethodField()
    evidence_files = files_of("renewal-evidence")

    class Meta:
        model = ProgressReport
        fields = ["id", "period", "reported_on", "demolished_mu", "removed_m2", "investment_made", "percent_done"]
        fields += ["text", "reporter_name", "evidence", "evidence_files"]

    def get_evidence(self, obj) -> list[str]:
        """The evidence files' names (``evidence_files`` has them with their download address)."""
        return [e.name for e in obj.evidence.all()]


class ProjectColourSerializer(serializers.Serializer):
    colour = serializers.CharField()
    planned_percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    done_percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    message_zh = serializers.CharField(source="zh")


class ProjectSerializer(serializers.ModelSerializer):
    """A renewal project with its plan, milestones (planned and done) and monthly reports; ``colour`` and
    ``percent_done`` as on the projects list today."""

    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parks = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    parcels = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    reports = ProgressReportSerializer(many=True, read_only=True)
    colour = serializers.SerializerMethodField()
    percent_done = serializers.SerializerMethodField()

    class Meta:
        model = RenewalProject
        fields = ["id", "number", "name", "town", "parks", "parcels", "kind", "state", "lead_unit", "lead_person"]
        fields += ["approval_document", "approved_on", "planned_start", "planned_end", "started_on", "finished_on"]
        fields += ["area_mu", "demolish_mu", "demolish_m2", "rebuild_mu", "rebuild_m2", "illegal_m2", "investment"]
        fields += ["new_floor_m2", "plot_ratio", "target_tax_per_mu", "target_firms", "note", "colour"]
        fields += ["percent_done", "milestones", "reports"]

    def get_colour(self, obj) -> ProjectColourSerializer:
        return ProjectColourSerializer(project_colour(obj, timezone.localdate())).data

    def get_percent_done(self, obj) -> int:
        if obj.state == RenewalProject.State.DONE:
            return 100
        latest = latest_report(obj, timezone.localdate())
        return latest.percent_done if latest else 0


class ReportWriteSerializer(serializers.Serializer):
    """The monthly report (the phone form): figures so far, percent done, what happened; milestones reached
    (``{kind: date}``, the form's "actual date" fields) and evidence files (multipart)."""

    period = serializers.DateField(help_text="报送月份（该月任一日）/ the month reported (any day of it)")
    percent_done = serializers.IntegerField(min_value=0, max_value=100)
    demolished_mu = _wan(required=False, allow_null=True)
    removed_m2 = _wan(required=False, allow_null=True)
    investment_made = _wan(required=False, allow_null=True)
    text = serializers.CharField(max_length=8000)
    milestones_done = serializers.DictField(
        child=serializers.DateField(allow_null=True),
        required=False,
        help_text="节点实际完成日期 / milestones reached: {kind: date}, " + ", ".join(renewal_rules.MILESTONES),
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="佐证材料 / evidence")


def _plan_fields(required: bool) -> dict[str, serializers.Field]:
    """The plan's figures (方案指标), as the project form has them."""
    fields: dict[str, serializers.Field] = {
        name: serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
        for name in ("demolish_mu", "demolish_m2", "rebuild_mu", "rebuild_m2", "illegal_m2", "investment")
    }
    fields["area_mu"] = serializers.DecimalField(max_digits=14, decimal_places=2, required=required)
    fields["new_floor_m2"] = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    fields["plot_ratio"] = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    fields["target_tax_per_mu"] = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    fields["target_firms"] = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    return fields


class _ProjectPlan(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=RenewalProject.Kind.choices)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    parks = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=False, help_text="涉及园区编号 / park codes"
    )
    lead_unit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    lead_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    milestones = serializers.DictField(
        child=serializers.DateField(),
        required=False,
        help_text="计划节点日期 / planned milestones: {kind: date}, " + ", ".join(renewal_rules.MILESTONES),
    )

    def get_fields(self):
        return {**super().get_fields(), **_plan_fields(required=True)}


class ProjectCreateSerializer(_ProjectPlan):
    """登记改造项目 (the county): a draft plan in a town, on its parks (the parcels are the parks' parcels)."""

    number = serializers.CharField(max_length=40)
    town = TownField()


class ProjectUpdateSerializer(_ProjectPlan):
    """修改改造方案 (the county, a draft only): the fields sent change; ``parks`` replaces the parks and parcels,
    ``milestones`` the planned milestones."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class ProjectApproveSerializer(serializers.Serializer):
    approved_on = serializers.DateField(help_text="批准日期 / the day the plan was approved")
    document = serializers.CharField(max_length=200, help_text="批准文件（文号）/ the approval document")


class ProjectStartSerializer(serializers.Serializer):
    started_on = serializers.DateField(help_text="实际开工日期 / the day work started")


class FirmFateSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="number", read_only=True)
    town = serializers.CharField(source="project.town.code", read_only=True)
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    destination = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    merged_into = serializers.SlugRelatedField(slug_field="uscc", read_only=True, allow_null=True)

    class Meta:
        model = FirmFate
        fields = ["id", "project", "town", "enterprise", "enterprise_name", "fate", "destination", "merged_into"]
        fields += ["decided_on", "area_m2", "note", "case_id"]


class FateWriteSerializer(serializers.Serializer):
    fate = serializers.ChoiceField(choices=FirmFate.Fate.choices)
    decided_on = serializers.DateField(required=False, allow_null=True)
    destination = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="迁入园区编号 / the park moved to (moves)"
    )
    merged_into = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text="并入企业信用代码 / merged into (merged)"
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


# ---------------------------------------------------------------- ranking


class RankingRunSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = RankingRun
        fields = ["id", "county", "county_name", "year", "quarter", "label", "state", "policy_name", "policy_version"]
        fields += ["policy_hash"]
        fields += ["computed_at", "published_at", "supersedes", "reason", "method"]


class RankingResultSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = RankingResult
        fields = ["id", "town", "town_name", "score", "rank", "rank_low", "rank_high", "rank_median", "dimensions"]
        fields += ["indicators", "gain", "not_different_from"]


class IndicatorInputSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IndicatorInput
        fields = ["id", "town", "year", "quarter", "indicator", "value", "source", "version"]


class RankingComputeSerializer(serializers.Serializer):
    quarter = serializers.RegexField(
        r"^(20\d\d|2100)Q[1-4]$", max_length=6, help_text="季度 / the quarter, 2000Q1 … 2100Q4, e.g. 2025Q3"
    )
    county = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="县（市、区）代码；默认为本人所在县 / the county's code; default: the user's own county",
    )


class RankingJobSerializer(serializers.ModelSerializer):
    """A compute job: ``status`` queued → running → done (``run``: the draft) or failed (``error``); ``stage``,
    ``done``/``total`` and ``percent`` while it runs. A correction's job names the published run it corrects
    (``corrects``) and its ``reason``; null and empty for a compute."""

    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    label = serializers.CharField(read_only=True)
    percent = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = RankingJob
        fields = ["id", "url", "county", "year", "quarter", "label", "status", "stage", "done", "total", "percent"]
        fields += ["attempts", "error", "run", "corrects", "reason", "created_at", "started_at", "finished_at"]

    def get_percent(self, job: RankingJob) -> int:
        from landcycle.ranking.background import percent  # noqa: PLC0415 -- the task module registers its task

        return percent(job)

    def get_url(self, job: RankingJob) -> str:
        from django.urls import reverse  # noqa: PLC0415

        return reverse("api:ranking-job-detail", args=[job.pk])


class RankingCorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, help_text="更正理由 / why the published run is corrected")


class EmptySerializer(serializers.Serializer):
    """No body."""
