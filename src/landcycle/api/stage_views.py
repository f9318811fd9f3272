"""The endpoints of the new stages: exits (cases with their steps, leftover items and money), renewal (projects with
their milestones and reports, the firms' fates) and ranking (runs, their results, the hand-entered figures).

Reads use each app's own selector, as its pages do (``exits.selectors.cases``, ``renewal.selectors.projects``,
``ranking.selectors.runs_for``); writes go through the apps' services with the pages' checks in front of them."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from landcycle.accounts.scope import Area
from landcycle.exits.models import Case, CaseStep, LeftoverItem
from landcycle.exits.selectors import cases as exit_cases
from landcycle.exits.services.cases import (
    TAKEBACK_FIELDS,
    case_cancel,
    case_close,
    case_tasks_link,
    case_update,
    open_case,
)
from landcycle.exits.services.common import is_county as exits_county
from landcycle.exits.services.common import require_open
from landcycle.exits.services.records import item_add, item_update, money_add, step_add
from landcycle.kit.indicators import Quarter
from landcycle.ranking import selectors as ranking
from landcycle.ranking.background import compute_queue, correct_queue
from landcycle.ranking.models import IndicatorInput, RankingJob
from landcycle.ranking.services import run_publish
from landcycle.rectification.models import Task
from landcycle.registry.models import Enterprise, Park, Region
from landcycle.renewal.models import FirmFate, ProgressReport
from landcycle.renewal.selectors import projects as renewal_projects
from landcycle.renewal.services.common import is_county as renewal_county
from landcycle.renewal.services.firms import fate_record
from landcycle.renewal.services.progress import report_progress
from landcycle.renewal.services.projects import project_approve, project_create, project_start, project_update
from landcycle.rules.problems import Problem, RuleError

from . import stage_serializers as s
from .errors import checked
from .filters import QF
from .pagination import CURSOR_HELP
from .views import ERRORS, LIST_ERRORS, READ_ERRORS, ScopedViewSet, _deny, _in_scope, access_or_404

_town = QF("town", "town__code__startswith", description="镇街代码（前缀） / town code (prefix)")


class SelectorViewSet(ScopedViewSet, metaclass=ABCMeta):
    """List and detail of an app's selector (already scoped as its pages are): out of it is 404. Each viewset names
    its selector in ``selected``."""

    @abstractmethod
    def selected(self) -> QuerySet: ...

    def visible(self) -> QuerySet:
        return self.selected()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.visible()

    def get_object(self):
        return access_or_404(self.visible(), self.kwargs["pk"])


# ---------------------------------------------------------------- exits


@extend_schema_view(list=extend_schema(responses={200: s.CaseSerializer(many=True), **LIST_ERRORS}))
class ExitCaseViewSet(mixins.CreateModelMixin, SelectorViewSet):
    """腾退与收回案件 / vacating and take-back cases with their steps, leftover items and money. POST opens a case (a
    take-back the county only); PATCH changes the plan of an open case (a take-back's decision and hearing too);
    ``steps``, ``items`` and ``money`` record on an open case, ``close`` hands the cleared site over (验收移交),
    ``cancel`` withdraws the case with a reason and ``tasks`` links the town's rectification tasks it answers, as
    its page does."""

    model = Case
    serializer_class = s.CaseSerializer
    query_filters = (
        _town,
        QF("state", "state"),
        QF("kind", "kind"),
        QF("ground", "ground"),
        QF("number", "number"),
        QF("opened_from", "opened_on__gte", "date"),
    )
    ordering_fields = ("number", "opened_on", "deadline", "id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def selected(self):
        return exit_cases(self.request.user).prefetch_related(
            "enterprises", "parcels", Prefetch("steps", queryset=CaseStep.objects.all()), "items", "money", "files"
        )

    def _answer(self, case: Case, code: int = 200) -> Response:
        return Response(s.CaseSerializer(self.selected().get(pk=case.pk)).data, status=code)

    def _writable(self) -> Case:
        """The case in scope (else 404), a role that writes cases (else 403), a take-back the county's (else 403),
        and still open (else 400 ``exits.case_not_open``: the case page offers no form on a closed case, money
        included)."""
        case = self.get_object()
        _deny(self.request.user, Area.EXITS)
        if case.kind == Case.Kind.TAKEBACK and not exits_county(self.request.user):
            _deny_takeback()
        require_open(case)
        return case

    @extend_schema(request=s.CaseOpenSerializer, responses={201: s.CaseSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        user = request.user
        _deny(user, Area.EXITS)
        data = checked(s.CaseOpenSerializer(data=request.data)).validated_data
        values = dict(data)
        if values["kind"] == Case.Kind.TAKEBACK and not exits_county(user):
            _deny_takeback()
        case = open_case(
            user,
            kind=values.pop("kind"),
            ground=values.pop("ground"),
            town=values.pop("town"),
            parcels=values.pop("parcels", []),
            enterprises=values.pop("enterprises", []),
            **values,
        )
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.StepWriteSerializer, responses={201: s.CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        case = self._writable()
        data = checked(s.StepWriteSerializer(data=request.data)).validated_data
        step_add(actor=request.user, case=case, **data)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.ItemWriteSerializer, responses={201: s.CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        case = self._writable()
        data = checked(s.ItemWriteSerializer(data=request.data)).validated_data
        item_add(actor=request.user, case=case, **data)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.MoneyWriteSerializer, responses={201: s.CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def money(self, request, pk=None):
        case = self._writable()
        data = checked(s.MoneyWriteSerializer(data=request.data)).validated_data
        money_add(actor=request.user, case=case, **data)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.CasePlanSerializer, responses={200: s.CaseSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        case = self._writable()
        values = dict(checked(s.CasePlanSerializer(data=request.data, partial=True)).validated_data)
        version = values.pop("version", None)
        if case.kind != Case.Kind.TAKEBACK and set(values) & TAKEBACK_FIELDS:
            raise RuleError(
                [
                    Problem(
                        name,
                        "exits.takeback_field",
                        "收回决定、听证、补偿和储备日期只用于闲置土地收回案件",
                        "the decision, hearing, compensation and reserve date belong to a take-back case only",
                    )
                    for name in sorted(set(values) & TAKEBACK_FIELDS)
                ]
            )
        case_update(actor=request.user, case=case, expected_version=version, **values)
        return self._answer(case)

    @extend_schema(request=s.CaseCloseSerializer, responses={200: s.CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self._writable()
        data = checked(s.CaseCloseSerializer(data=request.data)).validated_data
        case_close(actor=request.user, case=case, **data)
        return self._answer(case)

    @extend_schema(request=s.CaseCancelSerializer, responses={200: s.CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        case = self._writable()
        data = checked(s.CaseCancelSerializer(data=request.data)).validated_data
        case_cancel(actor=request.user, case=case, on=data["on"], reason=data["reason"])
        return self._answer(case)

    @extend_schema(request=s.CaseTasksSerializer, responses={200: s.CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        case = self.get_object()
        _deny(request.user, Area.EXITS)
        if case.kind == Case.Kind.TAKEBACK and not exits_county(request.user):
            _deny_takeback()
        ids = list(dict.fromkeys(checked(s.CaseTasksSerializer(data=request.data)).validated_data["tasks"]))
        found = {t.pk: t for t in Task.objects.filter(town=case.town, pk__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise RuleError(
                [
                    Problem(
                        "tasks",
                        "exits.task_unknown",
                        f"{case.town}没有 id 为 {i} 的整改任务",
                        f"the town {case.town.code} has no rectification task with id {i}",
                    )
                    for i in missing
                ]
            )
        case_tasks_link(actor=request.user, case=case, tasks=[found[i] for i in ids])
        return self._answer(case)


class LeftoverItemViewSet(mixins.UpdateModelMixin, ScopedViewSet):
    """遗留物 / the leftover items of the cases in scope; PATCH records the owner decision (认定归属) and the disposal
    (处置), or corrects an item of an open case, as the item's edit form does."""

    model = LeftoverItem
    serializer_class = s.CaseItemSerializer
    query_filters = (
        QF("town", "case__town__code__startswith", description="镇街代码（前缀） / town code (prefix)"),
        QF("case", "case__number", description="案件编号 / case number"),
        QF("category", "category"),
        QF("determined_owner", "determined_owner"),
        QF("disposal", "disposal"),
    )
    ordering_fields = ("id",)
    http_method_names = ["get", "patch", "head", "options"]

    def base_queryset(self):
        return LeftoverItem.objects.select_related("case__town")

    @extend_schema(request=s.ItemUpdateSerializer, responses={200: s.CaseItemSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        user = request.user
        _deny(user, Area.EXITS)
        if item.case.kind == Case.Kind.TAKEBACK and not exits_county(user):
            _deny_takeback()
        data = checked(s.ItemUpdateSerializer(data=request.data, partial=True)).validated_data
        item_update(actor=user, item=item, **data)
        return Response(s.CaseItemSerializer(self.base_queryset().get(pk=item.pk)).data)


def _deny_takeback() -> None:
    raise PermissionDenied(
        "闲置土地收回由县（市、区）决定，只有县级管理员可以登记和办理 / "
        "a take-back of idle land is decided by the county: only the county administrator may record it"
    )


# ---------------------------------------------------------------- renewal


@extend_schema_view(list=extend_schema(responses={200: s.ProjectSerializer(many=True), **LIST_ERRORS}))
class RenewalProjectViewSet(mixins.CreateModelMixin, SelectorViewSet):
    """改造提升项目 / renewal projects with their milestones and monthly reports. The county registers a plan (POST),
    changes it while it is a draft (PATCH) and approves it (``approve``); the town starts the approved project
    (``start``: the firms on its parcels are listed for their fates) and sends each month's progress (``report``,
    with the milestones reached) as the phone form does."""

    model = None
    serializer_class = s.ProjectSerializer
    query_filters = (_town, QF("state", "state"), QF("kind", "kind"), QF("number", "number"))
    ordering_fields = ("number", "planned_start", "id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _answer(self, project, code: int = 200) -> Response:
        return Response(s.ProjectSerializer(self.selected().get(pk=project.pk)).data, status=code)

    def _county(self) -> None:
        _deny(self.request.user, Area.RENEWAL)
        if not renewal_county(self.request.user):
            raise PermissionDenied(
                "改造项目方案由县级登记和批准 / Renewal plans are registered and approved by the county"
            )

    def _parks(self, codes: list[str]) -> list[Park]:
        parks = []
        for code in dict.fromkeys(codes):
            parks.append(_in_scope(self.request.user, Park.objects.select_related("town"), "parks", code=code))
        return parks

    @extend_schema(request=s.ProjectCreateSerializer, responses={201: s.ProjectSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        self._county()
        values = dict(checked(s.ProjectCreateSerializer(data=request.data)).validated_data)
        parks = self._parks(values.pop("parks"))
        project = project_create(actor=request.user, parks=parks, milestones=values.pop("milestones", None), **values)
        return self._answer(project, status.HTTP_201_CREATED)

    @extend_schema(request=s.ProjectUpdateSerializer, responses={200: s.ProjectSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        self._county()
        values = dict(checked(s.ProjectUpdateSerializer(data=request.data, partial=True)).validated_data)
        parks = self._parks(values.pop("parks")) if "parks" in values else None
        project_update(
            actor=request.user, project=project, parks=parks, milestones=values.pop("milestones", None), **values
        )
        return self._answer(project)

    @extend_schema(request=s.ProjectApproveSerializer, responses={200: s.ProjectSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        project = self.get_object()
        self._county()
        data = checked(s.ProjectApproveSerializer(data=request.data)).validated_data
        project_approve(actor=request.user, project=project, approved_on=data["approved_on"], document=data["document"])
        return self._answer(project)

    @extend_schema(request=s.ProjectStartSerializer, responses={200: s.ProjectSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        project = self.get_object()
        _deny(request.user, Area.RENEWAL)
        data = checked(s.ProjectStartSerializer(data=request.data)).validated_data
        project_start(actor=request.user, project=project, started_on=data["started_on"])
        return self._answer(project)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return renewal_projects(None).none()
        return self.visible()

    def selected(self):
        reports = Prefetch("reports", queryset=ProgressReport.objects.prefetch_related("evidence"))
        return renewal_projects(self.request.user).prefetch_related("parks", "parcels", "milestones", reports)

    @extend_schema(request=s.ReportWriteSerializer, responses={201: s.ProjectSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        project = self.get_object()
        _deny(request.user, Area.RENEWAL)
        data = checked(s.ReportWriteSerializer(data=request.data)).validated_data
        values = dict(data)
        report_progress(
            actor=request.user,
            project=project,
            milestones_done=values.pop("milestones_done", None) or {},
            files=values.pop("files", []),
            **values,
        )
        return Response(s.ProjectSerializer(self.selected().get(pk=project.pk)).data, status=201)


@extend_schema_view(list=extend_schema(responses={200: s.FirmFateSerializer(many=True), **LIST_ERRORS}))
class FirmFateViewSet(ScopedViewSet):
    """企业去向 / what becomes of each firm on a renewal block; ``fate`` records it (a firm that leaves opens a
    vacating case once)."""

    model = FirmFate
    serializer_class = s.FirmFateSerializer
    query_filters = (
        QF("town", "project__town__code__startswith", description="镇街代码（前缀） / town code (prefix)"),
        QF("project", "project__number", description="项目编号 / project number"),
        QF("fate", "fate"),
        QF("enterprise", "enterprise__uscc", description="企业信用代码 / credit code"),
    )
    ordering_fields = ("id", "decided_on")

    def base_queryset(self):
        return FirmFate.objects.select_related("project__town", "enterprise", "destination", "merged_into")

    @extend_schema(request=s.FateWriteSerializer, responses={200: s.FirmFateSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def fate(self, request, pk=None):
        row = self.get_object()
        user = request.user
        _deny(user, Area.RENEWAL)
        values = dict(checked(s.FateWriteSerializer(data=request.data)).validated_data)
        park = values.pop("destination", "")
        firm = values.pop("merged_into", "")
        # the form offers the parks of the user's scope and the firms listed on the same block
        values["destination"] = _in_scope(user, Park.objects.all(), "destination", code=park) if park else None
        if firm:
            on_block = Enterprise.objects.filter(renewal_fates__project=row.project, uscc=firm)
            values["merged_into"] = on_block.exclude(pk=row.enterprise_id).first()
            if values["merged_into"] is None:
                raise RuleError(
                    [
                        Problem(
                            "merged_into",
                            "api.does_not_exist",
                            f"本项目的企业中没有“{firm}”",
                            f"no '{firm}' among the project's firms",
                        )
                    ]
                )
        fate_record(actor=user, project=row.project, enterprise=row.enterprise, **values)
        return Response(s.FirmFateSerializer(self.base_queryset().get(pk=row.pk)).data)


# ---------------------------------------------------------------- ranking


@extend_schema_view(list=extend_schema(responses={200: s.RankingRunSerializer(many=True), **LIST_ERRORS}))
class RankingRunViewSet(mixins.CreateModelMixin, SelectorViewSet):
    """镇街赛马批次 / the quarterly town ranking's runs: published (and superseded) runs are public inside the
    county (and to the city's and province's users), drafts the county's (404 to a town, to the province and to
    another county), as on the pages. ``results``: every town's result of the run. POST queues the computation of a
    county's quarter (202 with the job: follow its ``url``, ``/api/ranking/jobs/{id}/``, until it is done);
    ``publish`` as the county does on the run's page; ``correct`` queues the correction of a published run (202 with
    the job, whose ``run`` is the correction's draft once done)."""

    model = None
    serializer_class = s.RankingRunSerializer
    query_filters = (
        QF("county", "county__code", description="县（市、区）代码 / county code"),
        QF("year", "year", "int"),
        QF("quarter", "quarter", "int"),
        QF("state", "state"),
    )
    ordering_fields = ("year", "quarter", "id")
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ranking.runs_for(None)
        return self.visible()

    def selected(self):
        return ranking.runs_for(self.request.user).select_related("county").order_by("-year", "-quarter", "-id")

    def _county_writer(self) -> None:
        """The pages' rule: a role that computes the ranking (403 otherwise) at county level (404 otherwise)."""
        _deny(self.request.user, Area.RANKING)
        if not ranking.county_level(self.request.user):
            raise Http404

    @extend_schema(
        responses={200: s.RankingResultSerializer(many=True), **READ_ERRORS},
        parameters=[
            OpenApiParameter("town", str, description="镇街代码（前缀） / town code (prefix)"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
            OpenApiParameter("cursor", str, description=CURSOR_HELP),
        ],
    )
    @action(detail=True, methods=["get"], serializer_class=s.RankingResultSerializer, filter_backends=[])
    def results(self, request, pk=None):
        run = self.get_object()
        qs = run.results.select_related("town").order_by("rank", "town__code", "pk")
        town = request.query_params.get("town")
        if town:
            qs = qs.filter(town__code__startswith=town)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.RankingResultSerializer(page, many=True).data)

    @extend_schema(request=s.RankingComputeSerializer, responses={202: s.RankingJobSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        self._county_writer()
        data = checked(s.RankingComputeSerializer(data=request.data)).validated_data
        county = None
        if data.get("county"):
            county = Region.objects.filter(code=data["county"], level=Region.Level.COUNTY).first()
            if county is None:
                raise Http404
        job = compute_queue(actor=request.user, quarter=Quarter.parse(data["quarter"]), county=county)
        body = s.RankingJobSerializer(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(request=s.EmptySerializer, responses={200: s.RankingRunSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        run = self.get_object()
        self._county_writer()
        run = run_publish(actor=request.user, run=run)
        return Response(s.RankingRunSerializer(run).data)

    @extend_schema(request=s.RankingCorrectSerializer, responses={202: s.RankingJobSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        run = self.get_object()
        self._county_writer()
        data = checked(s.RankingCorrectSerializer(data=request.data)).validated_data
        job = correct_queue(actor=request.user, run=run, reason=data["reason"])
        body = s.RankingJobSerializer(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


@extend_schema_view(list=extend_schema(responses={200: s.RankingJobSerializer(many=True), **LIST_ERRORS}))
class RankingJobViewSet(SelectorViewSet):
    """赛马计算任务 / the ranking's compute jobs (what ``POST /api/ranking/runs/`` queued): their status, stage and
    progress, then the draft (``run``) or why they failed (``error``). The county's, as its drafts are (404 to a town,
    to the province and to another county)."""

    model = RankingJob
    serializer_class = s.RankingJobSerializer
    query_filters = (
        QF("county", "county__code", description="县（市、区）代码 / county code"),
        QF("status", "status"),
        QF("year", "year", "int"),
        QF("quarter", "quarter", "int"),
    )
    ordering_fields = ("created_at", "id")

    def selected(self):
        return ranking.jobs_for(self.request.user).order_by("-created_at", "-id")


@extend_schema_view(list=extend_schema(responses={200: s.IndicatorInputSerializer(many=True), **LIST_ERRORS}))
class IndicatorInputViewSet(SelectorViewSet):
    """季度手工指标 / the figures the county enters by hand for the ranking; a town sees those of published quarters
    only (a draft's figures are the county's until the quarter is published), as on the inputs page."""

    model = IndicatorInput
    serializer_class = s.IndicatorInputSerializer
    query_filters = (
        QF("year", "year", "int"),
        QF("quarter", "quarter", "int"),
        QF("town", "town__code", description="镇街代码 / town code"),
        QF("indicator", "indicator"),
    )
    ordering_fields = ("year", "quarter", "id")

    def selected(self):
        qs = IndicatorInput.objects.select_related("town").order_by("-year", "-quarter", "town__code", "indicator")
        qs = ranking.in_counties(qs, self.request.user, path="town")
        if ranking.county_level(self.request.user):
            return qs
        quarters = Q(pk__in=[])
        for county, year, quarter in ranking.published_quarters(self.request.user):
            quarters |= Q(town__code__startswith=county, year=year, quarter=quarter)
        return qs.filter(quarters)
