from django.urls import path

from . import views

urlpatterns = [
    path("rectification/", views.rectification_ledger, name="rectification_ledger"),
    path("rectification/summary/", views.rectification_summary, name="rectification_summary"),
    path("rectification/checks/new/", views.check_create, name="check_create"),
    path("rectification/inspections/", views.inspection_list, name="inspection_list"),
    path("rectification/inspections/new/", views.inspection_create, name="inspection_create"),
    path("rectification/inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("rectification/inspections/<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("rectification/inspections/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("rectification/inspections/<int:pk>/suggestions/new/", views.suggestion_create, name="suggestion_create"),
    path("rectification/findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("rectification/suggestions/<int:pk>/edit/", views.suggestion_edit, name="suggestion_edit"),
    path("rectification/findings/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("rectification/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("rectification/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("rectification/tasks/<int:pk>/links/", views.task_links_edit, name="task_links_edit"),
    path("rectification/tasks/<int:pk>/update/", views.task_update, name="task_update"),
    path("rectification/tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("rectification/tasks/<int:pk>/reopen/", views.task_reopen, name="task_reopen"),
    path("rectification/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("rectification/rounds/", views.round_list, name="round_list"),
    path("rectification/rounds/new/", views.round_open, name="round_open"),
    path("rectification/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rectification/rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rectification/rounds/<int:pk>/report.xlsx", views.round_export, name="round_export"),
    path("rectification/items/<int:pk>/submit/", views.round_item_submit, name="round_item_submit"),
    path("rectification/items/<int:pk>/review/", views.round_item_review, name="round_item_review"),
    path("rectification/rechecks/<int:pk>/review/", views.relapse_check_review, name="relapse_check_review"),
]
