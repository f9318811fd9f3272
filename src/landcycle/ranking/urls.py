from django.urls import path

from .views import files, pages

urlpatterns = [
    path("ranking/", pages.home, name="ranking_home"),
    path("ranking/compute/", pages.compute, name="ranking_compute"),
    path("ranking/jobs/<int:pk>/", pages.job_detail, name="ranking_job"),
    path("ranking/policy/", pages.policy_page, name="ranking_policy"),
    path("ranking/inputs/", pages.inputs_page, name="ranking_inputs"),
    path("ranking/runs/<int:pk>/", pages.run_detail, name="ranking_run"),
    path("ranking/runs/<int:pk>/robustness/", pages.robustness, name="ranking_run_robustness"),
    path("ranking/runs/<int:pk>/publish/", pages.publish, name="ranking_run_publish"),
    path("ranking/runs/<int:pk>/correct/", pages.correct, name="ranking_run_correct"),
    path("ranking/runs/<int:pk>/ranking.xlsx", files.export_xlsx, name="ranking_run_export"),
    path("ranking/runs/<int:pk>/print/", files.print_page, name="ranking_run_print"),
    path("ranking/results/<int:pk>/", pages.town_detail, name="ranking_result"),
]
