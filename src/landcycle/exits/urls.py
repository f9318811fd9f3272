from django.urls import path

from .views import cases as c
from .views import records as r
from .views import summary as s

urlpatterns = [
    path("exits/", c.case_list, name="exit_case_list"),
    path("exits/new/", c.case_new, name="exit_case_new"),
    path("exits/<int:pk>/", c.case_detail, name="exit_case_detail"),
    path("exits/<int:pk>/edit/", c.case_edit, name="exit_case_edit"),
    path("exits/<int:pk>/close/", c.case_close_view, name="exit_case_close"),
    path("exits/<int:pk>/tasks/", c.case_tasks, name="exit_case_tasks"),
    path("exits/<int:pk>/cancel/", c.case_cancel_view, name="exit_case_cancel"),
    path("exits/<int:pk>/steps/new/", r.step_new, name="exit_step_new"),
    path("exits/<int:pk>/items/new/", r.item_new, name="exit_item_new"),
    path("exits/<int:pk>/money/new/", r.money_new, name="exit_money_new"),
    path("exits/items/<int:pk>/edit/", r.item_edit, name="exit_item_edit"),
    path("exits/files/<int:pk>/", r.file_download, name="exit_file"),
    path("exits/summary/", s.summary_page, name="exit_summary"),
    path("exits/free-land/", s.free_land, name="exit_free_land"),
]
