"""Recording on a case: a step (with its photos and documents), a leftover item (and its owner decision and
disposal), money, and the download of a stored file."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from landcycle.accounts.scope import access

from ..forms import ItemForm, MoneyForm, StepForm
from ..models import CaseFile, LeftoverItem
from ..services.records import files_attach, item_add, item_update, money_add, open_file, step_add
from .common import form_page, may_write_case, run_form, writable_case_or_404

ITEM_NAMES = list(ItemForm.base_fields)


def step_new(request, pk):
    case = writable_case_or_404(request.user, pk)
    form = StepForm(request.POST or None, user=request.user, case=case, initial={"kind": request.GET.get("kind", "")})
    files = request.FILES.getlist("files")

    def write(d):
        step = step_add(actor=request.user, case=case, **{k: v for k, v in d.items() if k != "version"})
        if files:
            files_attach(actor=request.user, case=case, files=files, step=step)
        return step

    if run_form(request, form, write, _("已登记环节，并已记入审计日志。")):
        return redirect(reverse("exit_case_detail", args=[case.pk]) + "#timeline")
    return form_page(
        request, form, title=_("登记环节"), back=reverse("exit_case_detail", args=[case.pk]), case=case, multipart=True
    )


def item_new(request, pk):
    case = writable_case_or_404(request.user, pk)
    form = ItemForm(request.POST or None, user=request.user, initial={"claimed_owner": "unknown"})
    files = request.FILES.getlist("files")

    def write(d):
        item = item_add(actor=request.user, case=case, **{k: d[k] for k in ITEM_NAMES})
        if files:
            files_attach(actor=request.user, case=case, files=files, item=item)
        return item

    if run_form(request, form, write, _("已登记遗留物，并已记入审计日志。")):
        return redirect(reverse("exit_case_detail", args=[case.pk]) + "#items")
    return form_page(
        request,
        form,
        title=_("登记遗留物"),
        back=reverse("exit_case_detail", args=[case.pk]),
        case=case,
        multipart=True,
    )


def item_edit(request, pk):
    item = access(LeftoverItem.objects.select_related("case__town"), request.user, pk=pk)
    case = writable_case_or_404(request.user, item.case_id)
    form = ItemForm(request.POST or None, user=request.user, initial={k: getattr(item, k) for k in ITEM_NAMES})
    files = request.FILES.getlist("files")

    def write(d):
        item_update(actor=request.user, item=item, **{k: d[k] for k in ITEM_NAMES})
        if files:
            files_attach(actor=request.user, case=case, files=files, item=item)
        return item

    if run_form(request, form, write, _("已保存，并已记入审计日志。")):
        return redirect(reverse("exit_case_detail", args=[case.pk]) + "#items")
    return form_page(
        request,
        form,
        title=_("认定归属与处置"),
        back=reverse("exit_case_detail", args=[case.pk]),
        case=case,
        intro=item.description,
        multipart=True,
    )


def money_new(request, pk):
    case = writable_case_or_404(request.user, pk)
    form = MoneyForm(request.POST or None, user=request.user)

    def write(d):
        return money_add(actor=request.user, case=case, **{k: v for k, v in d.items() if k != "version"})

    if run_form(request, form, write, _("已登记费用，并已记入审计日志。")):
        return redirect(reverse("exit_case_detail", args=[case.pk]) + "#money")
    return form_page(request, form, title=_("登记费用"), back=reverse("exit_case_detail", args=[case.pk]), case=case)


def file_download(request, pk):
    """A stored photo or document of a case in the reader's scope (images shown inline, thumbnails)."""
    f = access(CaseFile.objects.select_related("case__town"), request.user, pk=pk)
    try:
        handle = open_file(f.path)
    except FileNotFoundError:
        raise Http404 from None
    ctype = mimetypes.guess_type(f.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=ctype, as_attachment=not f.is_image, filename=f.name)


__all__ = ["step_new", "item_new", "item_edit", "money_new", "file_download", "may_write_case"]
