from django.urls import path

from .views import printing, results, runs, whatif

urlpatterns = [
    path("evaluation/", runs.run_list, name="evaluation_runs"),
    path("evaluation/runs/new/", runs.run_new, name="evaluation_run_new"),
    path("evaluation/runs/<int:pk>/", runs.run_detail, name="evaluation_run_detail"),
    path("evaluation/jobs/<int:pk>/", runs.job_detail, name="evaluation_job"),
    path("evaluation/runs/<int:pk>/results/", results.run_results, name="evaluation_run_results"),
    path("evaluation/enterprises/<int:pk>/", results.enterprise_result, name="evaluation_enterprise"),
    path("evaluation/enterprises/<int:pk>/notice/", printing.enterprise_notice, name="evaluation_enterprise_notice"),
    path("evaluation/whatif/", whatif.whatif_page, name="evaluation_whatif"),
    path("evaluation/policies/<int:pk>/", whatif.policy_detail, name="evaluation_policy_detail"),
    path("evaluation/policies/<int:pk>/policy.toml", whatif.policy_file, name="evaluation_policy_file"),
]
