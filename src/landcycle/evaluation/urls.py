from django.urls import path

from . import views, views_results, views_whatif

urlpatterns = [
    path("evaluation/", views.run_list, name="evaluation_runs"),
    path("evaluation/runs/new/", views.run_new, name="evaluation_run_new"),
    path("evaluation/runs/<int:pk>/", views.run_detail, name="evaluation_run_detail"),
    path("evaluation/runs/<int:pk>/results/", views_results.run_results, name="evaluation_run_results"),
    path("evaluation/enterprises/<int:pk>/", views_results.enterprise_result, name="evaluation_enterprise"),
    path("evaluation/whatif/", views_whatif.whatif_page, name="evaluation_whatif"),
    path("evaluation/policies/<int:pk>/", views_whatif.policy_detail, name="evaluation_policy_detail"),
]
