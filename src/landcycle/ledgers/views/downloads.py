"""下载中心: the user's export jobs with their progress, and their files (only the owner downloads a file)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from landcycle.kit.exports import LIST_EXPORTS

from .. import jobs as job_module
from ..jobs import access_job, fail_stale, job_file
from ..models import ExportJob

REFRESH_SECONDS = 3
FILTER_LABELS = {
    "q": _("关键词"),
    "town": _("镇街"),
    "park": _("园区"),
    "status": _("状态"),
    "kind": _("类型"),
    "tenure": _("供地方式"),
    "land_use": _("用途"),
    "scale": _("规模"),
    "division": _("行业大类"),
    "sort": _("排序"),
}


def _describe(job: ExportJob) -> None:
    source = LIST_EXPORTS.get(job.source)
    job.title = source.title if source else job.source
    job.list_link = ""
    if source:
        query = urlencode([(k, v) for k, values in sorted(job.filters.items()) for v in values])
        job.list_link = reverse(source.list_url) + (f"?{query}" if query else "")
    job.filter_text = job.summary or "；".join(
        f"{FILTER_LABELS.get(k, k)}：{'、'.join(v)}" for k, v in sorted(job.filters.items()) if k != "sort"
    )


def export_job_list(request):
    fail_stale()
    jobs = Paginator(ExportJob.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    for job in jobs.object_list:
        _describe(job)
    active = any(job.active for job in jobs.object_list)
    return render(
        request,
        "ledgers/downloads.html",
        {
            "page_obj": jobs,
            "refresh": REFRESH_SECONDS if active else 0,
            "threshold": job_module.JOB_THRESHOLD,
            "lists": [(reverse(s.list_url), s.title) for s in LIST_EXPORTS.values()],
        },
    )


def export_job_file(request, pk: int):
    """The prepared file of the user's own job (404 for anyone else's), streamed from the exports storage."""
    job = access_job(request.user, pk)
    file = job_file(job)
    if file is None:
        raise Http404
    source = LIST_EXPORTS.get(job.source)
    stamp = timezone.localtime(job.finished_at or job.created_at).date().isoformat()
    name = f"{source.title if source else job.source}-{stamp}.{job.fmt}"
    return FileResponse(file, as_attachment=True, filename=name)
