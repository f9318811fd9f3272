"""数据导入 in the browser: upload -> preview (what would change, every problem on the source rows) -> confirm.

Only users who may write ledgers (``can_write(user, "ledgers")``) reach these pages; everyone else gets 404,
as for an object outside their scope. A batch belongs to the user who uploaded it (``access_batch``). The
views only call the services (``import_preview``, ``import_confirm``), which check role, scope and every rule
again; nothing is written before the confirm button, and nothing at all when there is one problem.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from landcycle.accounts.scope import can_write
from landcycle.kit import i18n
from landcycle.kit.listing import file_response
from landcycle.registry.selectors import town_choices
from landcycle.rules.ledger import MappingError, load_mapping, mapping_path, shipped_mappings
from landcycle.rules.problems import Problem, RuleError

from .. import import_jobs
from ..import_jobs import import_queue
from ..kinds import IMPORTABLE, get_kind
from ..models import ImportBatch
from ..preview import batch_preview
from ..report import problem_report_xlsx
from ..services import CONFIRMABLE, access_batch, import_confirm, import_preview
from ..template import ledger_template

MAX_MAPPING_BYTES = 256 * 1024
HISTORY_PAGE = 20
PROGRESS_REFRESH_SECONDS = 3


def _importer(request) -> None:
    if not can_write(request.user, "ledgers"):
        raise Http404


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("台账种类"))
    file = forms.FileField(label=gettext_lazy("台账文件"), allow_empty_file=True)  # help text: __init__ (the limit)
    shipped = forms.ChoiceField(
        label=gettext_lazy("常用格式（可选）"),
        required=False,
        help_text=gettext_lazy("系统自带的列映射，用于常见的外部导出文件；选择后无需再上传映射文件。"),
    )
    mapping = forms.FileField(
        label=gettext_lazy("列映射文件（可选）"),
        required=False,
        help_text=gettext_lazy(
            "说明源文件哪一列对应台账的哪一项，由技术人员准备；表头与模板一致时无需上传。"
            "系统自带格式的列对照见本页“常用格式的列对照”。"
        ),
    )
    town = forms.ChoiceField(
        label=gettext_lazy("所属镇街（供地合同）"),
        required=False,
        help_text=gettext_lazy("仅供地合同台账：没有地块编号的合同登记到此镇街；镇街用户默认本镇街。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [("", _("— 请选择台账种类 —"))] + [
            (name, k.schema.title_zh) for name, k in IMPORTABLE.items()
        ]
        shipped = shipped_mappings()
        self.fields["shipped"].choices = [("", _("— 无 —"))] + [(name, title) for name, title, _s in shipped]
        self.shipped_kinds = " ".join(
            name for name, k in IMPORTABLE.items() if k.schema.name in {s for *_n, s in shipped}
        )
        self.fields["town"].choices = [("", _("— 按地块或本镇街 —"))] + (town_choices(user) if user else [])
        self.fields["file"].help_text = _(
            "Excel（.xlsx/.xls）、WPS（.ods）、CSV（UTF-8或GBK），地块图形为GeoJSON"
            "或打包为.zip的Shapefile；不超过%(limit)s"
        ) % {"limit": upload_limit()}
        self.problems: dict[str, list[Problem]] = {}
        self.mapping_data: dict | None = None

    def problem(self, field: str, rule: str, zh: str, en: str) -> None:
        self.problems.setdefault(field, []).append(Problem(field, rule, zh, en))

    def check(self) -> bool:
        """Django's checks, then size and mapping, with the reasons in both languages."""
        if not self.is_valid():
            return False
        kind = IMPORTABLE[self.cleaned_data["kind"]]
        if self.user is not None and not can_import(self.user, kind):
            self.problem(
                "kind",
                "import.role",
                f"您的角色不能导入{kind.schema.title_zh}",
                f"Your role may not import the {kind.schema.title_en} ledger",
            )
        if self.cleaned_data.get("town") and "town" not in kind.importer().options:
            self.problem(
                "town",
                "import.town_not_applicable",
                "所属镇街只适用于供地合同台账，请清空后再上传",
                "A town applies to the contracts ledger only: clear it and upload again",
            )
        upload = self.cleaned_data["file"]
        limit = upload_limit()
        if upload.size > settings.LANDCYCLE_UPLOAD_MAX_BYTES:
            self.problem(
                "file",
                "upload.too_large",
                f"文件有{upload.size / 1048576:.1f} MB，超过{limit}的上限"
                "（设置 LANDCYCLE_UPLOAD_MAX_BYTES）；请按镇街或年度拆分后分别上传",
                f"The file is {upload.size / 1048576:.1f} MB, more than the {limit} limit (setting "
                "LANDCYCLE_UPLOAD_MAX_BYTES): split it by town or year and upload the parts",
            )
        elif upload.size == 0:
            self.problem("file", "upload.empty", "上传的文件是空的", "The uploaded file is empty")
        mapping, shipped = self.cleaned_data.get("mapping"), self.cleaned_data.get("shipped")
        if mapping and shipped:
            self.problem(
                "shipped",
                "mapping.two",
                "请在“常用格式”和“列映射文件”中只选一个",
                "Choose either a shipped format or a mapping file, not both",
            )
        elif mapping:
            self.mapping_data = self._mapping(mapping)
        elif shipped:
            try:
                self.mapping_data = load_mapping(mapping_path(shipped), kind.schema)
            except MappingError as exc:
                self.problem(
                    "shipped",
                    "mapping.kind",
                    f"所选格式不适用于{kind.schema.title_zh}：{exc.zh}",
                    f"The chosen format does not fit the {kind.schema.title_en} ledger: {exc.en}",
                )
        return not self.problems

    def _mapping(self, upload) -> dict | None:
        if upload.size > MAX_MAPPING_BYTES:
            self.problem(
                "mapping",
                "mapping.too_large",
                "映射文件过大（上限256 KB）",
                "The mapping file is too large (256 KB at most)",
            )
            return None
        try:
            return tomllib.loads(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.problem(
                "mapping",
                "mapping.encoding",
                "映射文件应为UTF-8编码的TOML文本",
                "The mapping file must be TOML text in UTF-8",
            )
        except tomllib.TOMLDecodeError as exc:
            self.problem(
                "mapping",
                "mapping.toml",
                f"映射文件不是有效的TOML：{exc}",
                f"The mapping file is not valid TOML: {exc}",
            )
        return None


def upload_limit() -> str:
    """The file size limit (setting ``LANDCYCLE_UPLOAD_MAX_BYTES``) as shown on the page: "50 MB"."""
    n = settings.LANDCYCLE_UPLOAD_MAX_BYTES
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n / 1024:g} KB"


def can_import(user, kind) -> bool:
    """The role may write every area the ledger touches (what ``services.require_import`` enforces)."""
    return all(can_write(user, area) for area in kind.importer().areas)


def ledger_import_new(request):
    """The 数据导入 page: every ledger with its template, the upload form, the user's batches."""
    _importer(request)
    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}, user=request.user
    )
    if request.method == "POST" and form.check():
        upload = form.cleaned_data["file"]
        try:
            batch = import_preview(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file_bytes=upload.read(),
                filename=Path(upload.name or "").name,
                mapping=form.mapping_data,
                town=form.cleaned_data.get("town") or None,
            )
        except MappingError as exc:
            form.problem("mapping", exc.rule, exc.zh, exc.en)
        except PermissionDenied:
            raise Http404 from None
        else:
            return redirect("import_batch_detail", batch.pk)
    history = Paginator(ImportBatch.objects.filter(actor=request.user).defer("problems", "plan"), HISTORY_PAGE)
    page = history.get_page(request.GET.get("page"))
    for b in page.object_list:  # the ledger's name, not its internal kind
        known = IMPORTABLE.get(b.kind)
        b.kind_title = known.schema.title_zh if known else b.kind
    kinds = [
        {
            "name": name,
            "kind": k,
            "about": k.zh.split("：", 1)[-1],
            "key": "、".join(_field_title(k, f) for f in k.schema.key),
        }
        for name, k in IMPORTABLE.items()
    ]
    return render(
        request,
        "ledgers/import.html",
        {
            "form": form,
            "kinds": kinds,
            "page_obj": page,
            "max_mb": settings.LANDCYCLE_UPLOAD_MAX_BYTES // (1024 * 1024),
            "formats": shipped_formats(),
        },
        status=400 if form.problems or form.errors else 200,
    )


def shipped_formats() -> list[dict]:
    """The formats shipped with the product (常用格式) as a clerk reads them: for each, the ledger it fills and
    a table of its columns — the source file's header, the item of the ledger it fills, the source's unit."""
    by_schema = {k.schema.name: k for k in IMPORTABLE.values()}
    out = []
    for name, title, schema_name in shipped_mappings():
        kind = by_schema.get(schema_name)
        if kind is None:
            continue
        try:
            data = load_mapping(mapping_path(name), kind.schema)
        except MappingError:  # a broken shipped file is the import's to report, not this table's
            continue
        units = data.get("units") or {}
        rows = []
        for field_name in kind.schema.field_names:
            header = data.get(field_name)
            if not isinstance(header, str):
                continue
            spec = kind.schema.field(field_name)
            rows.append({"header": header, "label": spec.title, "unit": units.get(header, "")})
        out.append({"title": title, "kind": kind.schema.title_zh, "rows": rows})
    return out


def _field_title(kind, name: str) -> str:
    column = next((c for c in kind.columns if c.field == name), None)
    if column is not None:
        return kind.header(column)
    spec = kind.schema.field(name)
    return spec.label or (spec.aliases[0] if spec.aliases else name)


def ledger_template_download(request, kind: str):
    _importer(request)
    try:
        k = get_kind(kind)
    except Exception:
        raise Http404 from None
    if not k.exportable:
        raise Http404
    return file_response(ledger_template(k.name, user=request.user), f"{k.schema.title_zh}模板", "xlsx")


def import_batch_detail(request, pk: int):
    """The preview of a batch (before confirming) and, afterwards, its result; while a large confirm runs
    in the background, its progress (the page refreshes itself)."""
    _importer(request)
    batch = access_batch(request.user, pk)
    kind = IMPORTABLE.get(batch.kind)
    progress = None
    if batch.in_background:
        if batch.status == ImportBatch.Status.RUNNING:
            try:
                if import_jobs.fail_stale():
                    batch.refresh_from_db()
            except OperationalError:  # the import holds the write lock: it is alive
                pass
        progress = _progress(batch)
    return render(
        request,
        "ledgers/batch.html",
        {
            "batch": batch,
            "kind": kind,
            "preview": batch_preview(batch),
            "progress": progress,
            "refresh": PROGRESS_REFRESH_SECONDS if batch.in_background else 0,
            "can_confirm": batch.status in CONFIRMABLE and not batch.problem_count,
        },
    )


def _progress(batch: ImportBatch) -> dict | None:
    """What the page says of a background import: 排队中, 正在检查 N / M 行, 正在导入 N / M 行."""
    if not batch.in_background:
        return None
    p = import_jobs.progress_read(batch.pk) or {"stage": "queued", "done": 0, "total": batch.rows}
    done, total = p.get("done", 0), p.get("total", 0) or batch.rows
    stage = p.get("stage") if batch.status == ImportBatch.Status.RUNNING else "queued"
    if stage == "write":
        text = _("正在导入 %(n)s / %(m)s 行") % {"n": f"{done:,}", "m": f"{total:,}"}
    elif stage == "plan":
        text = _("正在检查 %(n)s / %(m)s 行（检查完毕后写入）") % {"n": f"{done:,}", "m": f"{total:,}"}
    elif stage == "read":
        text = _("正在读取文件（共 %(m)s 行）") % {"m": f"{batch.rows:,}"}
    else:
        text = _("排队等待后台导入（共 %(m)s 行）") % {"m": f"{batch.rows:,}"}
    percent = 0 if stage != "write" or not total else min(100, int(100 * done / total))
    return {"stage": stage, "done": done, "total": total, "text": text, "percent": percent}


@require_POST
def import_batch_confirm(request, pk: int):
    """Confirm a previewed batch: written at once, or — over ``IMPORT_BACKGROUND_ROWS`` rows — queued for the
    background, the batch page showing its progress."""
    _importer(request)
    batch = access_batch(request.user, pk)
    limit = settings.IMPORT_BACKGROUND_ROWS
    try:
        if batch.rows > limit:
            import_queue(actor=request.user, batch=batch)
            messages.info(
                request,
                _(
                    "共%(n)s行，超过%(limit)s行，已转入后台导入；本页自动刷新显示进度，导入完成前"
                    "不会写入任何数据，您可以离开本页。"
                )
                % {"n": f"{batch.rows:,}", "limit": f"{limit:,}"},
            )
            return redirect("import_batch_detail", batch.pk)
        import_confirm(actor=request.user, batch=batch)
    except RuleError as exc:
        for p in exc.problems:
            messages.error(request, i18n.text(p))
        return redirect("import_batch_detail", batch.pk)
    batch.refresh_from_db()
    if batch.status != ImportBatch.Status.IMPORTED:
        messages.error(request, _("登记内容在预览后发生了变化，重新检查发现问题，未写入任何数据。"))
    return redirect("import_batch_detail", batch.pk)


def import_batch_report(request, pk: int):
    _importer(request)
    batch = access_batch(request.user, pk)
    stem = Path(batch.filename or "ledger").stem or "ledger"
    return file_response(problem_report_xlsx(batch), f"问题报告-{stem}", "xlsx")
