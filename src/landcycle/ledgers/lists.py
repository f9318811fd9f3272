"""A list page's ``?export=xlsx|csv`` (列表导出), the handler the ledgers app registers with
``kit.exports.set_handler``: the ledger exporter writes exactly the rows on screen (the list's rows selector:
scope and filters), in the format the importer reads back; an export of more than ``jobs.JOB_THRESHOLD`` rows
becomes a job on the downloads page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from landcycle.kit.exports import ListExport, export_filters, list_rows
from landcycle.kit.listing import export_format, file_response

from . import jobs
from .export import ledger_export


def list_export_response(request, export: ListExport):
    """The list as the user sees it, as a ledger file; over ``JOB_THRESHOLD`` rows, a queued job and a redirect
    to the downloads page."""
    fmt = export_format(request) or "xlsx"
    filters = export_filters(request.GET)
    rows = list_rows(export, request.user, filters)
    total = rows.count()
    if total > jobs.JOB_THRESHOLD:
        job = jobs.job_queue(
            user=request.user,
            source=export.name,
            fmt=fmt,
            filters=filters,
            total=total,
            summary=getattr(rows, "listing", None) and rows.listing.summary() or "",
        )
        messages.info(
            request,
            _("共%(n)s行，超过%(limit)s行，已转为后台导出任务（编号%(id)s），完成后在此下载。")
            % {"n": f"{total:,}", "limit": f"{jobs.JOB_THRESHOLD:,}", "id": job.pk},
        )
        return redirect("export_job_list")
    data = ledger_export(user=request.user, kind=export.kind, queryset=rows, fmt=fmt)
    return file_response(data, export.title, fmt)
