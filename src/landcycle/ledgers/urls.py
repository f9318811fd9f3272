from django.urls import path

from . import views, views_jobs

urlpatterns = [
    path("imports/new/", views.ledger_import_new, name="ledger_import_new"),
    path("imports/templates/<slug:kind>.xlsx", views.ledger_template_download, name="ledger_template"),
    path("imports/<int:pk>/", views.import_batch_detail, name="import_batch_detail"),
    path("imports/<int:pk>/confirm/", views.import_batch_confirm, name="import_batch_confirm"),
    path("imports/<int:pk>/report.xlsx", views.import_batch_report, name="import_batch_report"),
    path("downloads/", views_jobs.export_job_list, name="export_job_list"),
    path("downloads/<int:pk>/file/", views_jobs.export_job_file, name="export_job_file"),
]
