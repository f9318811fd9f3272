"""The endpoints. Reads go through ``accounts.scope`` (``scoped`` for lists, ``access`` for one object: 404
outside scope) or the app's own selector where the pages use one; writes go through the apps' services."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, access, can_write, scoped
from landcycle.admission.models import Application
from landcycle.admission.services.applications import application_register, application_submit
from landcycle.evaluation import background as evaluation_jobs
from landcycle.evaluation import services as evaluation_services
from landcycle.evaluation.models import EvaluationJob
from landcycle.evaluation.selectors import jobs_for, results_in_scope, runs_for, versions_for
from landcycle.kit.cache import TIMEOUT
from landcycle.kit.pagecache import request_key
from landcycle.rectification.models import Task
from landcycle.rectification.selectors import inspections_visible
from landcycle.rectification.services.progress import progress_submit, task_close, task_reopen
from landcycle.registry import services as registry_services
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.rules.problems import Problem, RuleError
from landcycle.supervision.models import Contract, Warning
from landcycle.supervision.refresh import warnings_refresh
from landcycle.supervision.services.contracts import contract_create, contract_update
from landcycle.supervision.services.warnings import (
    warning_accept,
    warning_close,
    warning_decide_dispute,
    warning_handle,
    warning_progress,
    warning_send_back,
    warning_verify,
)

from . import serializers as s
from .errors import checked
from .filters import QF
from .pagination import CURSOR_HELP

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="规则或格式问题 / problems with the input"),
    401: OpenApiResponse(s.ErrorSerializer, description="未登录或令牌无效 / not authenticated"),
    403: OpenApiResponse(s.ErrorSerializer, description="角色无权 / the role may not"),
    404: OpenApiResponse(s.ErrorSerializer, description="不存在或不在辖区 / not found in scope"),
    429: OpenApiResponse(s.ErrorSerializer, description="请求过多 / throttled"),
}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k in (401, 404, 429)}
LIST_ERRORS = {k: v for k, v in ERRORS.items() if k in (400, 401, 429)}


def _deny(user: User, area: Area) -> None:
    """A role that may not write this area anywhere: 403 with the bilingual reason (an object out of scope was
    already 404)."""
    if not can_write(user, area):
        raise PermissionDenied(
            f"您的角色不能修改此类数据 / Your role ({getattr(user, 'role', '')}) may not change this kind of data"
        )


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and detail of one model through the one scope mechanism."""

    model: Any = None
    query_filters: tuple[QF, ...] = ()
    ordering_fields: tuple[str, ...] = ("id",)

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def visible(self) -> QuerySet:
        return scoped(self.base_queryset(), self.request.user)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.visible()

    def get_object(self):
        return access(self.visible(), self.request.user, pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return kept(request, lambda: super(ScopedViewSet, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return kept(request, lambda: super(ScopedViewSet, self).retrieve(request, *args, **kwargs))


def kept(request, compute) -> Response:
    """A GET's answer kept for its reader until any write (kit.pagecache: the same key — reader, address, day,
    language, the state of all the data — with the host, which the pages' links carry, and the format asked for).
    The data is kept, not the bytes: each format renders it. Authentication and throttling have run before."""
    key = request_key(request, vary=lambda r: f"{r.get_host()}:{getattr(r, 'accepted_media_type', '')}")
    if key is None:
        return compute()
    data = cache.get(key)
    if data is not None:
        response = Response(data)
        response["X-Page-Cache"] = "hit"
        return response
    response = compute()
    if response.status_code == 200:
        cache.set(key, response.data, TIMEOUT)
        response["X-Page-Cache"] = "miss"
    return response


_town = QF("town", "town__code__startswith", description="镇街代码（前缀） / town code (prefix)")


@extend_schema_view(list=extend_schema(responses={200: s.RegionSerializer(many=True), **LIST_ERRORS}))
class RegionViewSet(ScopedViewSet):
    """镇街（及用户可见的区划） / the towns (and regions) in the user's scope."""

    model = Region
    serializer_class = s.RegionSerializer
    query_filters = (QF("level", "level", description="province / city / county / town"),)
    ordering_fields = ("code", "name")

    def base_queryset(self):
        return Region.objects.select_related("parent")


class ParkViewSet(mixins.UpdateModelMixin, ScopedViewSet):
    """园区 / parks; PATCH changes a park through the registry's service."""

    model = Park
    count_apps = ("registry",)  # the list's count from the cache (api.pagination)
    serializer_class = s.ParkSerializer
    query_filters = (_town, QF("kind", "kind"), QF("code", "code"))
    ordering_fields = ("code", "name")
    http_method_names = ["get", "patch", "head", "options"]

    def base_queryset(self):
        return Park.objects.select_related("town").defer("boundary")

    @extend_schema(request=s.ParkUpdateSerializer, responses={200: s.ParkSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        park = self.get_object()
        _deny(request.user, Area.REGISTRY)
        data = s.ParkUpdateSerializer(data=request.data)
        checked(data)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        park = registry_services.park_update(actor=request.user, park=park, expected_version=version, **changes)
        return Response(s.ParkSerializer(park).data)


def _in_scope(user: User, qs: QuerySet, field: str, **lookup):
    """An object the user's scope holds, named in a request, or a problem on that field (outsiders learn nothing)."""
    found = scoped(qs, user).filter(**lookup).first()
    if found is None:
        value = next(iter(lookup.values()))
        raise RuleError(
            [
                Problem(
                    field,
                    "api.does_not_exist",
                    f"在您的辖区内找不到“{value}”",
                    f"no '{value}' in your scope",
                )
            ]
        )
    return found


class ParcelViewSet(mixins.UpdateModelMixin, ScopedViewSet):
    """地块 / parcels; PATCH changes a parcel through the registry's service (same checks, audit, version)."""

    model = Parcel
    count_apps = ("registry",)  # the list's count from the cache (api.pagination)
    serializer_class = s.ParcelSerializer
    query_filters = (
        QF("town", "park__town__code__startswith", description="镇街代码（前缀） / town code (prefix)"),
        QF("park", "park__code", description="园区编号 / park code"),
        QF("status", "status"),
        QF("tenure", "tenure"),
        QF("number", "number"),
    )
    ordering_fields = ("number", "area_m2")
    http_method_names = ["get", "patch", "head", "options"]

    def base_queryset(self):
        return Parcel.objects.select_related("park__town").defer("geometry", "park__boundary")

    @extend_schema(request=s.ParcelUpdateSerializer, responses={200: s.ParcelSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        parcel = access(Parcel.objects.select_related("park__town"), request.user, pk=kwargs["pk"])
        _deny(request.user, Area.REGISTRY)
        data = s.ParcelUpdateSerializer(data=request.data)
        checked(data)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        parcel = registry_services.parcel_update(actor=request.user, parcel=parcel, expected_version=version, **changes)
        return Response(s.ParcelSerializer(parcel).data)


class EnterpriseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    """企业 / enterprises; POST registers one, PATCH changes one, through the registry's services."""

    model = Enterprise
    count_apps = ("registry",)  # the list's count from the cache (api.pagination)
    serializer_class = s.EnterpriseSerializer
    query_filters = (
        _town,
        QF("uscc", "uscc", description="统一社会信用代码 / credit code"),
        QF("status", "status"),
        QF("scale", "scale"),
        QF("industry", "industry_code", "prefix", "行业代码前缀 / industry code prefix"),
        QF("q", "name__contains", description="名称包含 / name contains"),
    )
    ordering_fields = ("name", "uscc", "registered_on")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Enterprise.objects.select_related("town")

    @extend_schema(request=s.EnterpriseWriteSerializer, responses={201: s.EnterpriseSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        _deny(request.user, Area.REGISTRY)
        data = s.EnterpriseWriteSerializer(data=request.data)
        checked(data)
        ent = registry_services.enterprise_create(actor=request.user, **data.validated_data)
        return Response(s.EnterpriseSerializer(ent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EnterpriseUpdateSerializer, responses={200: s.EnterpriseSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        ent = self.get_object()
        _deny(request.user, Area.REGISTRY)
        data = s.EnterpriseUpdateSerializer(data=request.data, partial=True)
        checked(data)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        ent = registry_services.enterprise_update(
            actor=request.user, enterprise=ent, expected_version=version, **changes
        )
        return Response(s.EnterpriseSerializer(ent).data)


class OccupancyViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """用地关系 / who uses which parcel; POST records one, ``end`` ends one, through the registry's services."""

    model = Occupancy
    serializer_class = s.OccupancySerializer
    query_filters = (
        QF("town", "parcel__park__town__code__startswith", description="镇街代码（前缀） / town code (prefix)"),
        QF("enterprise", "enterprise__uscc", description="企业信用代码 / credit code"),
        QF("parcel", "parcel__number", description="地块编号 / parcel number"),
        QF("kind", "kind"),
        QF("active_on", "start__lte", "date", "该日有效 / in force on that day (start ≤ day)"),
    )

    def base_queryset(self):
        return Occupancy.objects.select_related("enterprise", "parcel", "lessor").defer("parcel__geometry")

    @extend_schema(request=s.OccupancyCreateSerializer, responses={201: s.OccupancySerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        _deny(request.user, Area.REGISTRY)
        data = s.OccupancyCreateSerializer(data=request.data)
        checked(data)
        values = dict(data.validated_data)
        user = request.user
        values["enterprise"] = _in_scope(user, Enterprise.objects.all(), "enterprise", uscc=values["enterprise"])
        values["parcel"] = _in_scope(
            user, Parcel.objects.select_related("park__town"), "parcel", number=values["parcel"]
        )
        lessor = values.pop("lessor", "")
        values["lessor"] = _in_scope(user, Enterprise.objects.all(), "lessor", uscc=lessor) if lessor else None
        occ = registry_services.occupancy_create(actor=user, **values)
        return Response(s.OccupancySerializer(self.base_queryset().get(pk=occ.pk)).data, status=201)

    @extend_schema(request=s.OccupancyEndSerializer, responses={200: s.OccupancySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        occ = self.get_object()
        _deny(request.user, Area.REGISTRY)
        data = s.OccupancyEndSerializer(data=request.data)
        checked(data)
        occ = registry_services.occupancy_end(
            actor=request.user,
            occupancy=Occupancy.objects.select_related("parcel__park__town").get(pk=occ.pk),
            end=data.validated_data["end"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(s.OccupancySerializer(self.base_queryset().get(pk=occ.pk)).data)


class ContractViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    """供地合同 / land supply contracts; POST registers one, PATCH changes one, as the contract form does: through
    the contracts service, and the contract's warnings recomputed on today's date in the same transaction."""

    model = Contract
    count_apps = ("registry", "supervision")  # the list's count from the cache (api.pagination)
    serializer_class = s.ContractSerializer
    query_filters = (
        _town,
        QF("number", "number"),
        QF("kind", "kind"),
        QF("holder", "holder__uscc", description="土地使用权人信用代码 / holder's credit code"),
        QF("signed_from", "signed_on__gte", "date"),
        QF("signed_to", "signed_on__lte", "date"),
    )
    ordering_fields = ("number", "signed_on")

    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        parcels = Prefetch("parcels", queryset=Parcel.objects.only("id", "number"))
        return Contract.objects.select_related("town", "holder").prefetch_related(parcels)

    @staticmethod
    def _values(data) -> dict:
        values = dict(data.validated_data)
        if "holder" in values:
            values["holder"] = (values["holder"] or "").strip() or None
        return values

    @extend_schema(request=s.ContractWriteSerializer, responses={201: s.ContractSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        _deny(request.user, Area.CONTRACTS)
        values = self._values(checked(s.ContractWriteSerializer(data=request.data)))
        with transaction.atomic():  # the write and the refresh of its warnings stand or fall together
            contract = contract_create(actor=request.user, **values)
            warnings_refresh(actor=request.user, as_of=timezone.localdate(), contract_ids=[contract.pk])
        return Response(s.ContractSerializer(self.base_queryset().get(pk=contract.pk)).data, status=201)

    @extend_schema(request=s.ContractUpdateSerializer, responses={200: s.ContractSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        # as the edit page reads it: without the list's prefetch of parcel numbers (the service reads their towns)
        contract = access(Contract.objects.select_related("town", "holder"), request.user, pk=kwargs["pk"])
        _deny(request.user, Area.CONTRACTS)
        values = self._values(checked(s.ContractUpdateSerializer(data=request.data, partial=True)))
        version = values.pop("version", None)
        with transaction.atomic():
            contract = contract_update(actor=request.user, contract=contract, expected_version=version, **values)
            warnings_refresh(actor=request.user, as_of=timezone.localdate(), contract_ids=[contract.pk])
        return Response(s.ContractSerializer(self.base_queryset().get(pk=contract.pk)).data)


class WarningViewSet(ScopedViewSet):
    """预警 / warnings; a town answers its own: verify (核实) and handle (处置), through the warnings service."""

    model = Warning
    serializer_class = s.WarningSerializer
    query_filters = (
        _town,
        QF("colour", "colour"),
        QF("status", "status"),
        QF("rule", "rule"),
        QF("subject_type", "subject_type"),
    )
    ordering_fields = ("rank", "first_raised", "id")

    def base_queryset(self):
        return Warning.objects.select_related("town", "park").prefetch_related("evidence")

    @extend_schema(request=s.WarningVerifySerializer, responses={200: s.WarningSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        warning = self.get_object()
        _deny(request.user, Area.WARNING_ANSWER)
        data = s.WarningVerifySerializer(data=request.data)
        checked(data)
        warning = warning_verify(actor=request.user, warning=warning, **data.validated_data)
        return Response(s.WarningSerializer(warning).data)

    @extend_schema(request=s.WarningHandleSerializer, responses={200: s.WarningSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        warning = self.get_object()
        _deny(request.user, Area.WARNING_ANSWER)
        data = s.WarningHandleSerializer(data=request.data)
        checked(data)
        values = dict(data.validated_data)
        assignee = User.objects.filter(username=values.pop("assignee")).first()
        warning = warning_handle(actor=request.user, warning=warning, assignee=assignee, **values)
        return Response(s.WarningSerializer(warning).data)

    @extend_schema(request=s.WarningProgressSerializer, responses={200: s.WarningSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """The town reports on its handling (``submit``: done, for the county's acceptance)."""
        warning = self.get_object()
        _deny(request.user, Area.WARNING_ANSWER)
        data = checked(s.WarningProgressSerializer(data=request.data)).validated_data
        warning = warning_progress(actor=request.user, warning=warning, **data)
        return Response(s.WarningSerializer(warning).data)

    @extend_schema(request=s.WarningDecideSerializer, responses={200: s.WarningSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The county decides a town's dispute (异议): accepted closes the warning, rejected sends it back."""
        warning = self.get_object()
        _deny(request.user, Area.SUPERVISION)
        data = checked(s.WarningDecideSerializer(data=request.data)).validated_data
        warning = warning_decide_dispute(actor=request.user, warning=warning, **data)
        return Response(s.WarningSerializer(warning).data)

    @extend_schema(request=s.WarningAcceptSerializer, responses={200: s.WarningSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The county accepts a town's submitted handling (验收): the warning is closed."""
        warning = self.get_object()
        _deny(request.user, Area.SUPERVISION)
        data = checked(s.WarningAcceptSerializer(data=request.data)).validated_data
        warning = warning_accept(actor=request.user, warning=warning, **data)
        return Response(s.WarningSerializer(warning).data)

    @extend_schema(request=s.WarningSendBackSerializer, responses={200: s.WarningSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """The county sends a submitted handling back to the town (退回), with its reason."""
        warning = self.get_object()
        _deny(request.user, Area.SUPERVISION)
        data = checked(s.WarningSendBackSerializer(data=request.data)).validated_data
        warning = warning_send_back(actor=request.user, warning=warning, **data)
        return Response(s.WarningSerializer(warning).data)

    @extend_schema(request=s.WarningCloseSerializer, responses={200: s.WarningSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """销号 by the county: refused while the rule still fires, unless closed as an exception with a reason."""
        warning = self.get_object()
        _deny(request.user, Area.SUPERVISION)
        data = checked(s.WarningCloseSerializer(data=request.data)).validated_data
        warning = warning_close(actor=request.user, warning=warning, **data)
        return Response(s.WarningSerializer(warning).data)


class RunViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """评价批次 / evaluation runs of the counties of the user's region (drafts only for the roles that compute them,
    as on the pages); ``results``: the run's results in the user's scope — the pull of a published run. POST
    queues the computation of a draft of a county's year (``county``: by default the user's own) and ``recompute``
    the recomputation of a draft: both answer 202 with the job (follow its ``url``, ``/api/evaluation/jobs/{id}/``,
    until it is done); ``publish`` and ``notes`` act on a draft, as on the run's page (the evaluation's writers).
    Another county's run is a 404."""

    serializer_class = s.RunSerializer
    http_method_names = ["get", "post", "head", "options"]
    query_filters = (
        QF("year", "year", "int"),
        QF("status", "status"),
        QF("county", "county__code", description="县（市、区）代码 / county code"),
    )
    ordering_fields = ("year", "id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return runs_for(None).none()
        return self.visible()

    def visible(self):
        return runs_for(self.request.user).order_by("-year", "-id")

    def get_object(self):
        try:
            return self.visible().get(pk=int(self.kwargs["pk"]))
        except (ValueError, TypeError, self.visible().model.DoesNotExist):
            raise Http404 from None

    @extend_schema(
        responses={200: s.ResultSerializer(many=True), **READ_ERRORS},
        parameters=[
            OpenApiParameter("town", str, description="镇街代码（前缀） / town code (prefix)"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
            OpenApiParameter("cursor", str, description=CURSOR_HELP),
        ],
    )
    @action(detail=True, methods=["get"], serializer_class=s.ResultSerializer, filter_backends=[])
    def results(self, request, pk=None):
        run = self.get_object()
        qs = results_in_scope(run, request.user).select_related("enterprise", "town").order_by("pk")
        town = request.query_params.get("town")
        if town:
            qs = qs.filter(town__code__startswith=town)
        return kept(request, lambda: self._results(qs))

    def _results(self, qs) -> Response:
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ResultSerializer(page, many=True).data)

    @extend_schema(request=s.RunCreateSerializer, responses={202: s.EvaluationJobSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        _deny(request.user, Area.EVALUATION)
        data = checked(s.RunCreateSerializer(data=request.data)).validated_data
        policy = county = None
        if data.get("policy") is not None:
            policy = versions_for(request.user).filter(pk=data["policy"]).first()
            if policy is None:
                raise RuleError(
                    [Problem("policy", "api.does_not_exist", "没有这个评价办法版本", "no such policy version")]
                )
        if data.get("county"):
            county = Region.objects.filter(code=data["county"], level=Region.Level.COUNTY).first()
            if county is None:
                raise RuleError([Problem("county", "api.does_not_exist", "没有这个县（市、区）", "no such county")])
        job = evaluation_jobs.job_queue(
            actor=request.user, year=data["year"], county=county, policy=policy, notes=data.get("notes", "")
        )
        return _accepted(job)

    @extend_schema(request=None, responses={202: s.EvaluationJobSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        run = self.get_object()
        _deny(request.user, Area.EVALUATION)
        return _accepted(evaluation_jobs.job_queue(actor=request.user, run=run))

    @extend_schema(request=None, responses={200: s.RunSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        run = self.get_object()
        _deny(request.user, Area.EVALUATION)
        return Response(s.RunSerializer(evaluation_services.run_publish(actor=request.user, run=run)).data)

    @extend_schema(request=s.RunNotesSerializer, responses={200: s.RunSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        run = self.get_object()
        _deny(request.user, Area.EVALUATION)
        data = checked(s.RunNotesSerializer(data=request.data)).validated_data
        run = evaluation_services.run_update_notes(actor=request.user, run=run, notes=data["notes"])
        return Response(s.RunSerializer(run).data)


def _accepted(job) -> Response:
    """202 with the job queued: its body, and its address in ``Location`` (and ``url``) to follow."""
    body = s.EvaluationJobSerializer(job).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


@extend_schema_view(list=extend_schema(responses={200: s.EvaluationJobSerializer(many=True), **LIST_ERRORS}))
class EvaluationJobViewSet(ScopedViewSet):
    """评价计算任务 / the evaluation's jobs (what ``POST /api/evaluation/runs/`` and ``recompute`` queued): their
    status, stage and progress, then the run (``run``) or why they failed (``error``). Those of the counties of the
    user's region, to the roles that see drafts (the evaluation's writers); 404 to everyone else."""

    model = EvaluationJob
    serializer_class = s.EvaluationJobSerializer
    query_filters = (
        QF("county", "county__code", description="县（市、区）代码 / county code"),
        QF("status", "status"),
        QF("kind", "kind"),
        QF("year", "year", "int"),
    )
    ordering_fields = ("created_at", "id")

    def visible(self):
        return jobs_for(self.request.user).order_by("-created_at", "-id")

    def get_object(self):
        return access_or_404(self.visible(), self.kwargs["pk"])


class InspectionViewSet(ScopedViewSet):
    """检查 / inspections (visible to the regions they covered and the towns their tasks went to)."""

    model = None
    serializer_class = s.InspectionSerializer
    query_filters = (QF("kind", "kind"), QF("started_from", "started_on__gte", "date"))
    ordering_fields = ("started_on", "id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return inspections_visible(None)
        return self.visible()

    def visible(self):
        return inspections_visible(self.request.user).prefetch_related("regions").order_by("-started_on", "-id")

    def get_object(self):
        return access_or_404(self.visible(), self.kwargs["pk"])


def access_or_404(qs: QuerySet, pk: object):
    """One object of an already scoped queryset (a selector's), or 404."""
    try:
        return qs.get(pk=int(str(pk)))
    except (ValueError, TypeError, qs.model.DoesNotExist):
        raise Http404 from None


class TaskViewSet(ScopedViewSet):
    """整改任务 / rectification tasks; a town reports progress on its own (the one rule ``may_update_task``)."""

    model = Task
    serializer_class = s.TaskSerializer
    query_filters = (_town, QF("status", "status"), QF("deadline_to", "deadline__lte", "date"))
    ordering_fields = ("deadline", "number", "id")

    def base_queryset(self):
        return Task.objects.select_related("town", "finding").prefetch_related("evidence")

    @extend_schema(request=s.ProgressSerializer, responses={201: s.TaskSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        task = self.get_object()
        _deny(request.user, Area.RECTIFICATION_UPDATE if task.town.level == Region.Level.TOWN else Area.RECTIFICATION)
        data = s.ProgressSerializer(data=request.data)
        checked(data)
        values = dict(data.validated_data)
        report = progress_submit(actor=request.user, task=task, files=values.pop("files", []), **values)
        task = self.base_queryset().get(pk=report.task.pk)
        return Response(s.TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TaskCloseSerializer, responses={200: s.TaskSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """销号 by the supervisor after checking the evidence: refused without evidence since the last reopening."""
        task = self.get_object()
        _deny(request.user, Area.RECTIFICATION)
        data = checked(s.TaskCloseSerializer(data=request.data)).validated_data
        task_close(actor=request.user, task=task, **data)
        return Response(s.TaskSerializer(self.base_queryset().get(pk=task.pk)).data)

    @extend_schema(request=s.TaskReopenSerializer, responses={200: s.TaskSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """反弹重启: a closed task reopens on relapse, with its reason (and a new deadline when given)."""
        task = self.get_object()
        _deny(request.user, Area.RECTIFICATION)
        data = checked(s.TaskReopenSerializer(data=request.data)).validated_data
        task_reopen(actor=request.user, task=task, **data)
        return Response(s.TaskSerializer(self.base_queryset().get(pk=task.pk)).data)


class ApplicationViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """准入申请 / admission applications; POST registers a draft, ``submit`` checks it against the park's rules."""

    model = Application
    serializer_class = s.ApplicationSerializer
    query_filters = (_town, QF("status", "status"), QF("park", "park__code"), QF("number", "number"))
    ordering_fields = ("number", "id")

    def base_queryset(self):
        return Application.objects.select_related("town", "park", "enterprise").prefetch_related("documents")

    @extend_schema(request=s.ApplicationWriteSerializer, responses={201: s.ApplicationSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        _deny(request.user, Area.ADMISSION)
        data = s.ApplicationWriteSerializer(data=request.data)
        checked(data)
        values = {k: v for k, v in data.validated_data.items() if v is not None}
        app = application_register(actor=request.user, **values)
        return Response(s.ApplicationSerializer(self.base_queryset().get(pk=app.pk)).data, status=201)

    @extend_schema(request=s.ApplicationSubmitSerializer, responses={200: s.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        app = self.get_object()
        _deny(request.user, Area.ADMISSION)
        data = s.ApplicationSubmitSerializer(data=request.data)
        checked(data)
        application_submit(actor=request.user, application=app, expected_version=data.validated_data.get("version"))
        return Response(s.ApplicationSerializer(self.base_queryset().get(pk=app.pk)).data)
