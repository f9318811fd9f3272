from django.urls import path

from .views import downloads, imports

urlpatterns = [
    path("imports/new/", imports.ledger_import_new, name="ledger_import_new"),
    path("imports/templates/<slug:kind>.xlsx", imports.ledger_template_download, name="ledger_template"),
    path("imports/<int:pk>/", imports.import_batch_detail, name="import_batch_detail"),
    path("imports/<int:pk>/confirm/", imports.import_batch_confirm, name="import_batch_confirm"),
    path("imports/<int:pk>/report.xlsx", imports.import_batch_report, name="import_batch_report"),
    path("downloads/", downloads.export_job_list, name="export_job_list"),
    path("downloads/<int:pk>/file/", downloads.export_job_file, name="export_job_file"),
]
