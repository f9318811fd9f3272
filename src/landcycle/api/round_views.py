"""The endpoints of the twice-monthly reconciliation (对账销号) and of the warnings refresh.

- ``rectification/rounds``: the rounds of the user's county (``rectification.selectors.rounds_visible``, as on the
  rounds page); the supervisor opens the round of a period and closes it. Each round's counts are those of the
  items in the user's scope (a town sees its own).
- ``rectification/round-items``: a round's items in the user's scope (a town officer: their town's); the supervisor
  confirms or challenges each (``review``). A town reports progress on the task itself (``tasks/{id}/progress/``).
- ``warnings/refresh-runs``: the county recomputes its warnings in the background (202 with the run to follow);
  anyone in the region reads how the latest runs went.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from landcycle.accounts.scope import Area, region_prefix, scoped
from landcycle.rectification.models import Round, RoundItem
from landcycle.rectification.selectors import rounds_visible
from landcycle.rectification.services import rounds as round_services
from landcycle.registry.models import Region
from landcycle.supervision.background import fail_stale, refresh_queue
from landcycle.supervision.models import RefreshRun

from .errors import checked
from .filters import QF
from .views import ERRORS, LIST_ERRORS, ScopedViewSet, _deny, _in_scope, access_or_404

# ---------------------------------------------------------------- serializers


class RoundSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = serializers.IntegerField(source="n_items", read_only=True, help_text="您辖区内的事项 / items in your scope")
    submitted = serializers.IntegerField(source="n_submitted", read_only=True)
    confirmed = serializers.IntegerField(source="n_confirmed", read_only=True)
    challenged = serializers.IntegerField(source="n_challenged", read_only=True)
    flagged = serializers.IntegerField(source="n_flagged", read_only=True)

    class Meta:
        model = Round
        fields = ["id", "county", "label_zh", "label_en", "period_start", "period_end", "due_on", "status"]
        fields += ["opened_on", "closed_on", "policy_version", "items", "submitted", "confirmed", "challenged"]
        fields += ["flagged"]


class RoundOpenSerializer(serializers.Serializer):
    on = serializers.DateField(
        help_text="开启日期：开启它所在对账周期的一轮 / opens the round of the period holding this day"
    )
    county = serializers.CharField(
        max_length=12, required=False, help_text="县（市、区）代码，辖区只有一个县时可省略 / the county's code"
    )


class DaySerializer(serializers.Serializer):
    on = serializers.DateField(help_text="结束日期 / the day the round closes")


class RoundItemSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(read_only=True)
    task = serializers.PrimaryKeyRelatedField(read_only=True)
    town = serializers.CharField(source="task.town.code", read_only=True)
    report = serializers.PrimaryKeyRelatedField(read_only=True, help_text="本轮报送的进展 / the update of this round")

    class Meta:
        model = RoundItem
        fields = ["id", "round", "task", "town", "snapshot", "report", "submitted_on", "percent_reported"]
        fields += ["update_text", "decision", "review_note", "reviewed_on", "flagged", "final"]


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[RoundItem.Decision.CONFIRMED, RoundItem.Decision.CHALLENGED])
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, help_text="质询须写明 / needed to challenge"
    )
    seen_report = serializers.IntegerField(
        required=False, allow_null=True, help_text="审核时读到的进展 id（防止审核期间又有新报送）/ the update read"
    )


class RefreshRunSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RefreshRun
        fields = ["id", "scope", "as_of", "status", "attempts", "summary", "error", "actor", "created_at"]
        fields += ["started_at", "finished_at"]


class RefreshQueueSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="监管基准日 / the supervision date")


# ---------------------------------------------------------------- rounds


def _counted(qs: QuerySet, user) -> QuerySet:
    mine = scoped(RoundItem.objects.all(), user)

    def n(extra: Q | None = None) -> Count:
        q = Q(items__in=mine) & (extra or Q())
        return Count("items", filter=q, distinct=True)

    return qs.annotate(
        n_items=n(),
        n_submitted=n(Q(items__report__isnull=False)),
        n_confirmed=n(Q(items__decision="confirmed")),
        n_challenged=n(Q(items__decision="challenged")),
        n_flagged=n(Q(items__flagged=True)),
    )


@extend_schema_view(list=extend_schema(responses={200: RoundSerializer(many=True), **LIST_ERRORS}))
class RoundViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """对账轮次 / the reconciliation rounds of the user's county (twice a month); POST opens the round of a period
    (every open task is frozen in a snapshot), ``close`` ends it (the supervisor)."""

    model = Round
    serializer_class = RoundSerializer
    query_filters = (QF("status", "status"), QF("period_from", "period_start__gte", "date"))
    ordering_fields = ("period_start", "id")
    http_method_names = ["get", "post", "head", "options"]

    def visible(self) -> QuerySet:
        return _counted(rounds_visible(self.request.user).select_related("county"), self.request.user).order_by(
            "-period_start", "-id"
        )

    def get_object(self):
        return access_or_404(self.visible(), self.kwargs["pk"])

    def _answer(self, rnd: Round, code: int = 200) -> Response:
        return Response(RoundSerializer(self.visible().get(pk=rnd.pk)).data, status=code)

    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        _deny(request.user, Area.RECTIFICATION)
        data = checked(RoundOpenSerializer(data=request.data)).validated_data
        county = None
        if data.get("county"):
            county = _in_scope(
                request.user, Region.objects.filter(level=Region.Level.COUNTY), "county", code=data["county"]
            )
        rnd = round_services.round_open(actor=request.user, county=county, on=data["on"])
        return self._answer(rnd, status.HTTP_201_CREATED)

    @extend_schema(request=DaySerializer, responses={200: RoundSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        rnd = self.get_object()
        _deny(request.user, Area.RECTIFICATION)
        data = checked(DaySerializer(data=request.data)).validated_data
        round_services.round_close(actor=request.user, round=rnd, on=data["on"])
        return self._answer(rnd)


@extend_schema_view(list=extend_schema(responses={200: RoundItemSerializer(many=True), **LIST_ERRORS}))
class RoundItemViewSet(ScopedViewSet):
    """对账事项 / the items of the rounds in the user's scope; ``review`` confirms (确认) an update or challenges (质询)
    it with a note (the supervisor)."""

    model = RoundItem
    serializer_class = RoundItemSerializer
    query_filters = (
        QF("round", "round_id", "int", description="对账轮次 id / the round's id"),
        QF("town", "task__town__code__startswith", description="镇街代码（前缀） / town code (prefix)"),
        QF("decision", "decision"),
        QF("flagged", "flagged", "bool"),
    )
    ordering_fields = ("id",)

    def base_queryset(self):
        return RoundItem.objects.select_related("round", "task__town").order_by("round_id", "task__town__code", "pk")

    @extend_schema(request=ReviewSerializer, responses={200: RoundItemSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        item = self.get_object()
        _deny(request.user, Area.RECTIFICATION)
        data = checked(ReviewSerializer(data=request.data)).validated_data
        round_services.round_item_review(
            actor=request.user,
            item=item,
            decision=data["decision"],
            note=data.get("note", ""),
            seen_report=data.get("seen_report"),
        )
        return Response(RoundItemSerializer(self.base_queryset().get(pk=item.pk)).data)


# ---------------------------------------------------------------- warnings refresh


def _refresh_runs(user) -> QuerySet:
    """The refreshes of the user's region and of the regions above it (a county's refresh covers its towns)."""
    prefix = region_prefix(user)
    if prefix is None:
        return RefreshRun.objects.none()
    above = [prefix[:k] for k in (0, 2, 4, 6, 9) if k < len(prefix)]
    return RefreshRun.objects.filter(Q(scope__startswith=prefix) | Q(scope__in=above)).select_related("actor")


@extend_schema_view(list=extend_schema(responses={200: RefreshRunSerializer(many=True), **LIST_ERRORS}))
class RefreshRunViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """预警重新计算 / the warnings refresh: POST queues it for the user's region and answers 202 with the run (follow
    ``status``: queued, running, done, failed); one runs at a time per region (400 ``refresh.running``)."""

    model = RefreshRun
    serializer_class = RefreshRunSerializer
    query_filters = (QF("status", "status"),)
    ordering_fields = ("created_at", "id")
    http_method_names = ["get", "post", "head", "options"]

    def visible(self) -> QuerySet:
        fail_stale()
        return _refresh_runs(self.request.user).order_by("-created_at", "-id")

    def get_object(self):
        return access_or_404(self.visible(), self.kwargs["pk"])

    @extend_schema(request=RefreshQueueSerializer, responses={202: RefreshRunSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        _deny(request.user, Area.SUPERVISION)
        data = checked(RefreshQueueSerializer(data=request.data)).validated_data
        run = refresh_queue(actor=request.user, as_of=data["as_of"])
        return Response(RefreshRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
