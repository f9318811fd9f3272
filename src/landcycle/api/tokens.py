"""``/api/tokens/``: a user's own tokens — list, create (the key is in the answer, once), revoke."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import serializers as s
from .errors import checked
from .models import ApiToken
from .services import token_create, token_revoke
from .views import ERRORS, access_or_404


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(min_value=1, max_value=3650, default=90)


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.TokenSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)

    def get_object(self):
        return access_or_404(self.get_queryset(), self.kwargs["pk"])

    @extend_schema(
        request=TokenCreateSerializer,
        responses={
            201: inline_serializer("TokenCreated", {"token": s.TokenSerializer(), "key": serializers.CharField()}),
            **ERRORS,
        },
    )
    def create(self, request):
        data = TokenCreateSerializer(data=request.data)
        checked(data)
        token, key = token_create(actor=request.user, user=request.user, **data.validated_data)
        return Response({"token": s.TokenSerializer(token).data, "key": key}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.TokenSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = token_revoke(actor=request.user, token=self.get_object())
        return Response(s.TokenSerializer(token).data)
