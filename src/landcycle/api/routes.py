"""The API's endpoints, one registration per resource. An app's endpoints join with one line each here
(``register("exits/cases", stage_views.ExitCaseViewSet, "exit-case")``)."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from . import bulk, round_views, stage_views, tokens, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = True


def register(prefix: str, viewset: type, basename: str) -> None:
    router.register(prefix, viewset, basename=basename)


# registry
register("regions", views.RegionViewSet, "region")
register("parks", views.ParkViewSet, "park")
register("parcels", views.ParcelViewSet, "parcel")
register("enterprises", views.EnterpriseViewSet, "enterprise")
register("occupancies", views.OccupancyViewSet, "occupancy")
# supervision
register("contracts", views.ContractViewSet, "contract")
register("warnings/refresh-runs", round_views.RefreshRunViewSet, "warning-refresh")  # before warnings/{id}/
register("warnings", views.WarningViewSet, "warning")
# evaluation
register("evaluation/runs", views.RunViewSet, "evaluation-run")
register("evaluation/jobs", views.EvaluationJobViewSet, "evaluation-job")
# rectification
register("rectification/inspections", views.InspectionViewSet, "inspection")
register("rectification/tasks", views.TaskViewSet, "task")
register("rectification/rounds", round_views.RoundViewSet, "round")
register("rectification/round-items", round_views.RoundItemViewSet, "round-item")
# admission
register("admission/applications", views.ApplicationViewSet, "application")
# ledgers (bulk)
register("ledgers", bulk.LedgerViewSet, "ledger")
# the user's own tokens
register("tokens", tokens.TokenViewSet, "token")
# exits
register("exits/cases", stage_views.ExitCaseViewSet, "exit-case")
register("exits/items", stage_views.LeftoverItemViewSet, "exit-item")
# renewal
register("renewal/projects", stage_views.RenewalProjectViewSet, "renewal-project")
register("renewal/firms", stage_views.FirmFateViewSet, "renewal-firm")
# ranking
register("ranking/runs", stage_views.RankingRunViewSet, "ranking-run")
register("ranking/inputs", stage_views.IndicatorInputViewSet, "ranking-input")
register("ranking/jobs", stage_views.RankingJobViewSet, "ranking-job")
