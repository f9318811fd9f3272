"""What the API shows of each object (read serializers) and what a write accepts (input serializers, handed to
the apps' services: never ``serializer.save()`` on a model)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from landcycle.admission.models import Application
from landcycle.evaluation.models import EvaluationJob, EvaluationResult, EvaluationRun
from landcycle.rectification.models import Inspection, Task
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.rules.admission.application import FIGURE_FIELDS, FIGURES
from landcycle.supervision.models import Contract, Warning

from .models import ApiToken


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class TownField(serializers.SlugRelatedField):
    """A town by its division code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.filter(level=Region.Level.TOWN))
        super().__init__(**kwargs)


def file_url(kind: str, pk: int) -> str:
    """The API address of a stored file (``files.FileDownload``)."""
    return reverse("api:file", args=[kind, pk])


class FileSerializer(serializers.Serializer):
    """One stored file: its name, its size when known, and the API address that answers it (``GET``, the same
    authentication and scope)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def __init__(self, *args, kind: str = "", **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def get_size(self, obj) -> int | None:
        return getattr(obj, "size", None)

    def get_url(self, obj) -> str:
        return file_url(self.kind, obj.pk)


def files_of(kind: str) -> FileSerializer:
    return FileSerializer(many=True, read_only=True, kind=kind)


class ParkSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Park
        fields = ["id", "code", "name", "kind", "town", "town_name", "note", "min_tax_per_mu", "version"]


class ParkUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="乐观锁：读取时的版本 / the version read")
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=Park.Kind.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    min_tax_per_mu = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)


class ParcelSerializer(serializers.ModelSerializer):
    park = serializers.SlugRelatedField(slug_field="code", read_only=True)
    town = serializers.CharField(source="park.town.code", read_only=True)
    area_mu = serializers.DecimalField(max_digits=16, decimal_places=4, read_only=True)

    class Meta:
        model = Parcel
        fields = ["id", "number", "park", "town", "area_m2", "area_mu", "land_use", "tenure", "status", "address"]
        fields += ["version"]


class ParcelUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="乐观锁：读取时的版本 / the version read")
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    land_use = serializers.ChoiceField(choices=Parcel.LandUse.choices, required=False)
    tenure = serializers.ChoiceField(choices=Parcel.Tenure.choices, required=False)
    status = serializers.ChoiceField(choices=Parcel.Status.choices, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    geometry = serializers.JSONField(required=False, allow_null=True)


class EnterpriseSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "industry_code", "scale", "registered_on", "status", "town", "town_name"]
        fields += ["contact", "uscc_override", "uscc_override_reason", "version"]


class EnterpriseWriteSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=18)
    name = serializers.CharField(max_length=200)
    industry_code = serializers.CharField(max_length=4)
    scale = serializers.ChoiceField(choices=Enterprise.Scale.choices)
    registered_on = serializers.DateField()
    town = TownField()
    status = serializers.ChoiceField(choices=Enterprise.Status.choices, required=False)
    contact = serializers.CharField(max_length=50, required=False, allow_blank=True)
    uscc_override = serializers.BooleanField(required=False)
    uscc_override_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EnterpriseUpdateSerializer(EnterpriseWriteSerializer):
    version = serializers.IntegerField(required=False, help_text="乐观锁：读取时的版本 / the version read")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class OccupancySerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    parcel = serializers.SlugRelatedField(slug_field="number", read_only=True)
    lessor = serializers.SlugRelatedField(slug_field="uscc", read_only=True, allow_null=True)

    class Meta:
        model = Occupancy
        fields = ["id", "enterprise", "parcel", "kind", "lessor", "area_m2", "start", "end", "version"]


class OccupancyCreateSerializer(serializers.Serializer):
    enterprise = serializers.CharField(max_length=18, help_text="使用企业的统一社会信用代码 / the user's credit code")
    parcel = serializers.CharField(max_length=40, help_text="地块编号 / parcel number")
    kind = serializers.ChoiceField(choices=Occupancy.Kind.choices)
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    lessor = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text="出租方信用代码 / the lessor's credit code"
    )


class OccupancyEndSerializer(serializers.Serializer):
    end = serializers.DateField()
    version = serializers.IntegerField(required=False, help_text="乐观锁：读取时的版本 / the version read")


class ContractSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    holder = serializers.SlugRelatedField(slug_field="uscc", read_only=True, allow_null=True)
    parcels = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = ["id", "number", "town", "holder", "holder_name", "kind", "project", "location", "land_use"]
        fields += ["price_wan", "term_years", "signed_on", "agreed_delivery", "agreed_start", "agreed_completion"]
        fields += ["agreed_production", "actual_delivery", "actual_start", "actual_completion", "actual_production"]
        fields += ["parcels", "version"]

    def get_parcels(self, obj) -> list[str]:
        return [p.number for p in obj.parcels.all()]


class ContractWriteSerializer(serializers.Serializer):
    """A contract as the contract form takes it (parcels by number; the holder by credit code or exact name; the
    two shares as fractions 0..1, the form's percent / 100). The service checks dates, numbers and commitments."""

    number = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=Contract.Kind.choices)
    parcels = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=False, help_text="地块编号 / parcel numbers"
    )
    holder = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="已登记企业的信用代码或全称 / a registered firm"
    )
    holder_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    project = serializers.CharField(max_length=200, required=False, allow_blank=True)
    price_wan = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    term_years = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    signed_on = serializers.DateField()
    agreed_delivery = serializers.DateField(required=False, allow_null=True)
    actual_delivery = serializers.DateField(required=False, allow_null=True)
    agreed_start = serializers.DateField(required=False, allow_null=True)
    actual_start = serializers.DateField(required=False, allow_null=True)
    start_criterion = serializers.ChoiceField(choices=Contract.StartCriterion.choices, required=False, allow_blank=True)
    start_evidence = serializers.CharField(max_length=300, required=False, allow_blank=True)
    agreed_completion = serializers.DateField(required=False, allow_null=True)
    actual_completion = serializers.DateField(required=False, allow_null=True)
    agreed_production = serializers.DateField(required=False, allow_null=True)
    actual_production = serializers.DateField(required=False, allow_null=True)
    developed_area_share = serializers.DecimalField(
        max_digits=7, decimal_places=6, min_value=0, max_value=1, required=False, allow_null=True
    )
    investment_share = serializers.DecimalField(
        max_digits=7, decimal_places=6, min_value=0, max_value=1, required=False, allow_null=True
    )
    stopped_since = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class ContractUpdateSerializer(ContractWriteSerializer):
    version = serializers.IntegerField(required=False, help_text="乐观锁：读取时的版本 / the version read")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class WarningSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    park = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    evidence = files_of("warning-evidence")

    class Meta:
        model = Warning
        fields = ["id", "subject_type", "subject_id", "subject_label", "town", "park", "rule", "colour", "rank"]
        fields += ["reason_zh", "reason_en", "days_overdue", "fee_wan", "first_raised", "last_changed", "status"]
        fields += ["verify_due", "verified_on", "dispute_reason", "measures", "handling_due", "evidence"]


class WarningVerifySerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(help_text="true 核实属实；false 提出异议 / true confirms, false disputes")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WarningHandleSerializer(serializers.Serializer):
    measures = serializers.CharField(max_length=4000)
    assignee = serializers.CharField(help_text="责任人用户名 / the responsible user's username", max_length=150)
    due = serializers.DateField()


class WarningProgressSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)
    submit = serializers.BooleanField(
        required=False, default=False, help_text="true：处置完成，申请办结 / handling done, submit for acceptance"
    )


class WarningDecideSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true 异议成立（办结）；false 不予采纳 / accept or reject the dispute")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class WarningAcceptSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class WarningSendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class WarningCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    exception = serializers.BooleanField(
        required=False, default=False, help_text="例外销号（规则仍触发）/ close although the rule still fires"
    )


class TaskCloseSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="乐观锁：读取时的版本 / the version read")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    closed_on = serializers.DateField(required=False, allow_null=True)


class TaskReopenSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="乐观锁：读取时的版本 / the version read")
    reason = serializers.CharField(max_length=4000)
    reopened_on = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)


class RunCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    county = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="县（市、区）代码；不填为本人所在县 / county code (default: the user's own county)",
    )
    policy = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="评价办法版本ID；不填为随产品提供的版本 / policy version id (default: shipped)",
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RunNotesSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=2000, allow_blank=True)


class RunSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = EvaluationRun
        fields = [
            "id",
            "county",
            "year",
            "policy_version",
            "policy_hash",
            "status",
            "inputs_fingerprint",
            "computed_at",
        ]
        fields += ["published_at"]


class EvaluationJobSerializer(serializers.ModelSerializer):
    """An evaluation job (a new draft, ``kind`` create, or a draft's recomputation, ``recompute``): ``status``
    queued → running → done (``run``: the run computed) or failed (``error``); ``stage``, ``done``/``total`` and
    ``percent`` while it runs."""

    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    policy_version = serializers.CharField(source="policy.version", read_only=True, default="")
    percent = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationJob
        fields = ["id", "url", "kind", "county", "year", "policy", "policy_version", "notes", "status", "stage"]
        fields += ["done", "total", "percent", "attempts", "error", "run", "created_at", "started_at", "finished_at"]

    def get_percent(self, job: EvaluationJob) -> int:
        from landcycle.evaluation.background import percent  # noqa: PLC0415 -- the task module registers its task

        return percent(job)

    def get_url(self, job: EvaluationJob) -> str:
        return reverse("api:evaluation-job-detail", args=[job.pk])


class ResultSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = EvaluationResult
        exclude = ["run"]


class InspectionSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "kind", "title", "body", "started_on", "ended_on", "regions", "other_units", "summary"]


class TaskSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    finding = serializers.PrimaryKeyRelatedField(read_only=True)
    evidence = files_of("task-evidence")

    class Meta:
        model = Task
        fields = ["id", "number", "title", "finding", "town", "department", "person", "measures", "assigned_on"]
        fields += ["deadline", "status", "percent_done", "last_report_on", "closed_on", "version", "evidence"]


class ProgressSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="乐观锁：读取时的版本 / the version read")
    percent_done = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=4000)
    reported_on = serializers.DateField(required=False)
    request_close = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="佐证材料 / evidence")


class ApplicationSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="code", read_only=True)
    park = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True, allow_null=True)
    documents = files_of("application-document")

    class Meta:
        model = Application
        fields = ["id", "number", "project", "enterprise", "applicant_name", "applicant_uscc", "town", "park"]
        fields += ["industry_code", "land_mu", "status", "note", "version", "documents"]


class ApplicationWriteSerializer(serializers.Serializer):
    """A new application: its texts, the park (by code), the figures of the entry rules (``FIGURES``: land in mu,
    investment, revenue, tax … at full production) and the planned dates; the service checks them all."""

    number = serializers.CharField(max_length=40)
    project = serializers.CharField(max_length=200)
    park = serializers.CharField(max_length=32, help_text="园区编号 / the park's code")
    enterprise = serializers.CharField(required=False, allow_blank=True, max_length=200)
    applicant_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    applicant_uscc = serializers.CharField(required=False, allow_blank=True, max_length=18)
    industry_code = serializers.CharField(required=False, allow_blank=True, max_length=4)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    parcels = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, help_text="地块编号 / parcel numbers"
    )
    planned_delivery = serializers.DateField(required=False, allow_null=True)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_completion = serializers.DateField(required=False, allow_null=True)
    planned_production = serializers.DateField(required=False, allow_null=True)


for _name in FIGURE_FIELDS:
    _zh, _en, _unit = FIGURES[_name]
    ApplicationWriteSerializer._declared_fields[_name] = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text=f"{_zh}（{_unit}） / {_en}",
    )


class ApplicationSubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class TokenSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at", "state"]


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    rule = serializers.CharField()
    message_zh = serializers.CharField()
    message_en = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    problems = ProblemSerializer(many=True)
    status = serializers.IntegerField()


class LedgerProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    column = serializers.CharField()
    field = serializers.CharField()
    rule = serializers.CharField()
    message_zh = serializers.CharField()
    message_en = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    status = serializers.CharField(help_text="imported / refused / dry_run")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invalid = serializers.IntegerField()
    skipped = serializers.IntegerField()
    sha256 = serializers.CharField()
    problems = LedgerProblemSerializer(many=True)


class ImportRequestSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True)),
        required=False,
        help_text="台账行，键为表头 / ledger rows keyed by the column titles",
    )
    file = serializers.FileField(required=False, help_text=".xlsx / .xls / .ods / .csv")
    dry_run = serializers.BooleanField(required=False, default=False)
