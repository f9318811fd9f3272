from django.urls import path

from .views import edit, ledger, rounds, tasks

urlpatterns = [
    path("rectification/", ledger.rectification_ledger, name="rectification_ledger"),
    path("rectification/summary/", ledger.rectification_summary, name="rectification_summary"),
    path("rectification/checks/new/", edit.check_create, name="check_create"),
    path("rectification/inspections/", ledger.inspection_list, name="inspection_list"),
    path("rectification/inspections/new/", edit.inspection_create, name="inspection_create"),
    path("rectification/inspections/<int:pk>/", ledger.inspection_detail, name="inspection_detail"),
    path("rectification/inspections/<int:pk>/edit/", edit.inspection_edit, name="inspection_edit"),
    path("rectification/inspections/<int:pk>/findings/new/", edit.finding_create, name="finding_create"),
    path("rectification/inspections/<int:pk>/suggestions/new/", edit.suggestion_create, name="suggestion_create"),
    path("rectification/findings/<int:pk>/edit/", edit.finding_edit, name="finding_edit"),
    path("rectification/suggestions/<int:pk>/edit/", edit.suggestion_edit, name="suggestion_edit"),
    path("rectification/findings/<int:pk>/tasks/new/", edit.task_create, name="task_create"),
    path("rectification/tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("rectification/tasks/<int:pk>/edit/", edit.task_edit, name="task_edit"),
    path("rectification/tasks/<int:pk>/links/", edit.task_links_edit, name="task_links_edit"),
    path("rectification/tasks/<int:pk>/update/", tasks.task_update, name="task_update"),
    path("rectification/tasks/<int:pk>/close/", tasks.task_close, name="task_close"),
    path("rectification/tasks/<int:pk>/reopen/", tasks.task_reopen, name="task_reopen"),
    path("rectification/evidence/<int:pk>/", tasks.evidence_download, name="evidence_download"),
    path("rectification/rounds/", rounds.round_list, name="round_list"),
    path("rectification/rounds/new/", rounds.round_open, name="round_open"),
    path("rectification/rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rectification/rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rectification/rounds/<int:pk>/report.xlsx", rounds.round_export, name="round_export"),
    path("rectification/items/<int:pk>/submit/", rounds.round_item_submit, name="round_item_submit"),
    path("rectification/items/<int:pk>/review/", rounds.round_item_review, name="round_item_review"),
    path("rectification/rechecks/<int:pk>/review/", rounds.relapse_check_review, name="relapse_check_review"),
]
