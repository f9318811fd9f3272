"""Importing a ledger (导入): whole or not at all, audited, within the actor's scope.

``ledger_import`` reads the file (``rules.ledger``), plans every row outside any transaction (bulk reads
only), and, when nothing is wrong, writes the whole plan in one ``transaction.atomic()`` with one audit
entry per created or updated object. The plan is made without holding the write lock; every registry
write appends to the audit chain, so when the chain's head moved between planning and writing, the plan
is made again under the lock before anything is written.

``import_preview`` / ``import_confirm`` are the browser flow (``import_jobs.import_queue`` confirms a large batch
in the background): the upload is kept under
``imports/`` of the uploads storage (``kit.storage``) and confirming re-runs the import from exactly that file (with the options the
preview had: ``town`` for contracts, kept in ``ImportBatch.options``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import require_write
from landcycle.audit.models import AuditHead
from landcycle.kit.storage import uploads_storage
from landcycle.rules.ledger import (
    LedgerProblem,
    LedgerResult,
    LedgerUnusable,
    Mapping,
    MappingError,
    load_mapping,
    mapping_path,
)
from landcycle.rules.ledger.limits import check_size
from landcycle.rules.problems import Problem, RuleError

from .geojson import describe
from .kinds import Kind, get_kind
from .models import PLAN_KEPT, PROBLEMS_KEPT, ImportBatch
from .plan import CREATE, INVALID, UNCHANGED, UPDATE, ImportReport, RowPlan, plain, problem_dict
from .upload_limits import read_limits

Progress = Callable[[str, int, int], None]  # (stage, rows done, rows in all)
MappingSpec = dict | Mapping | str | os.PathLike | None  # see resolve_mapping
CONFIRMABLE = (ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED)  # a failed background run may be retried


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def source_bytes(source: str | os.PathLike | bytes | BinaryIO, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            check_size(path.stat().st_size, filename or path.name, read_limits())  # before reading it into memory
            return path.read_bytes(), filename or path.name
        except OSError as exc:
            raise LedgerUnusable(
                f"无法读取文件 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}", rule="ledger.unreadable"
            ) from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), filename or "upload"
    return source.read(), filename or getattr(source, "name", None) or "upload"


def actor_county(actor: User | None) -> str | None:
    """The code of the county the user works in (a county's or a town's user), else None (a city's, the
    province's, a superuser without a region): a reader whose selection is the county's own reads with it."""
    region = getattr(actor, "region", None) if getattr(actor, "region_id", None) else None
    return region.code[:6] if region is not None and len(region.code) >= 6 else None


def resolve_mapping(mapping: MappingSpec, kind: Kind) -> dict | None:
    """A mapping given as a dict, a ``Mapping``, a TOML file path, or the name of a mapping shipped with
    the product (``land_supply_gd``), as the dict ``read_ledger`` takes and a batch stores."""
    if mapping is None or isinstance(mapping, dict):
        return mapping or None
    if isinstance(mapping, Mapping):
        out: dict = {k: list(v) for k, v in mapping.fields.items()}
        if mapping.schema:
            out["schema"] = mapping.schema
        if mapping.units:
            out["units"] = dict(mapping.units)
        if mapping.swap_reversed:
            out["swap_reversed"] = dict(sorted(mapping.swap_reversed))
        return out
    path = Path(mapping)
    if not path.exists():
        shipped = mapping_path(str(mapping))
        if not shipped.exists():
            raise MappingError(f"找不到映射文件 {mapping}", f"Mapping file {mapping} not found")
        path = shipped
    return load_mapping(path, kind.schema)


def require_import(actor: User, kind: Kind) -> None:
    """The role must be allowed to write every area the ledger touches (raises ``PermissionDenied``)."""
    for area in kind.importer().areas:
        require_write(actor, area)


def _head_seq() -> int:
    head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    return head or 0


def _options(kind: Kind, town: object) -> dict:
    """The importer's keyword options; ``town`` only for a kind that places rows in a town (contracts)."""
    if town in (None, ""):
        return {}
    if "town" not in kind.importer().options:
        raise LedgerUnusable(
            f"--town（所属镇街）只适用于供地合同台账（contracts），不适用于“{kind.name}”",
            f"--town (the town) applies to the contracts ledger only, not to '{kind.name}'",
            rule="import.town_not_applicable",
        )
    return {"town": str(town).strip()}


def _plan(kind: Kind, actor: User, result: LedgerResult, progress: Progress | None, options: dict) -> tuple:
    importer = kind.importer()(actor, result, progress, **options)
    plans = importer.plan()
    problems = sorted(importer.problems, key=lambda p: (p.row, _column_index(result, p.column)))
    return importer, plans, problems


def _column_index(result: LedgerResult, header: str) -> int:
    for c in result.columns:
        if c.header == header or c.header.startswith(header + "/"):
            return c.index
    return 10_000


def _report(
    kind: Kind,
    filename: str,
    digest: str,
    result: LedgerResult,
    plans: list[RowPlan],
    problems: list[LedgerProblem],
    data: bytes,
) -> ImportReport:
    counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, INVALID: 0}
    for p in plans:
        counts[p.action] += 1
    return ImportReport(
        kind=kind.name,
        filename=filename,
        sha256=digest,
        status="refused" if problems else "dry_run",
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        invalid=counts[INVALID],
        skipped=len(result.skipped),
        problems=problems,
        plan=plans,
        result=result,
        source=data,
    )


class _Refused(Exception):
    pass


def ledger_import(
    *,
    actor: User,
    kind: str,
    source: str | os.PathLike | bytes | BinaryIO,
    filename: str | None = None,
    mapping: MappingSpec = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    sheet: str | None = None,
    record: bool = True,
    batch: ImportBatch | None = None,
    town: str | None = None,
    claimed: bool = False,
) -> ImportReport:
    """Import a ledger file. Raises ``LedgerUnusable`` (the file cannot be this ledger) and
    ``PermissionDenied`` (the role may not import it); every other problem is in the report, and then
    nothing is written. ``record`` keeps an ``ImportBatch`` of a real run (``batch``: update that one).
    ``town`` (contracts only): the town, code or name, of rows without parcels. ``claimed``: ``batch`` is
    being run in the background (status ``running``, see ``import_jobs``) rather than confirmed in the page."""
    k = get_kind(kind)
    require_import(actor, k)
    options = _options(k, town)
    progress = progress or _no_progress
    data, filename = source_bytes(source, filename)
    digest = hashlib.sha256(data).hexdigest()
    progress("read", 0, 1)
    mapping = resolve_mapping(mapping, k)
    result = k.read(data, mapping=mapping, sheet=sheet, filename=filename, county=actor_county(actor))
    progress("read", 1, 1)
    seq = _head_seq()
    importer, plans, problems = _plan(k, actor, result, progress, options)
    report = _report(k, filename, digest, result, plans, problems, data)
    report.note = importer.note(plans, written=False)
    if dry_run or report.problems:
        if record and not dry_run:
            report.batch = _record(actor, k, report, mapping, batch, options)
        return report
    try:
        with transaction.atomic():
            if batch is not None:
                locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
                if locked.status not in ((ImportBatch.Status.RUNNING,) if claimed else CONFIRMABLE):
                    raise RuleError([already_imported(locked)])
            if report.changed:
                head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
                if head.seq != seq:  # the registry changed since the plan was made: plan again, locked
                    importer, plans, problems = _plan(k, actor, result, progress, options)
                    report = _report(k, filename, digest, result, plans, problems, data)
                    if report.problems:
                        raise _Refused
                try:
                    report.audit_entries = importer.write(plans)
                except RuleError as exc:  # a service refused what the plan allowed: nothing is kept
                    report.problems = [
                        LedgerProblem("", 0, p.field, None, p.rule, p.zh, p.en, p.field) for p in exc.problems
                    ]
                    report.status = "refused"
                    raise _Refused from None
                report.note = importer.note(plans, written=True)
            report.status = "imported"
            if record:
                report.batch = _record(actor, k, report, mapping, batch, options)
    except _Refused:
        if record:
            report.batch = _record(actor, k, report, mapping, batch, options)
    return report


def already_imported(batch: ImportBatch) -> Problem:
    return Problem(
        "batch",
        "import.already_imported",
        f"该批次已于{timezone.localtime(batch.finished_at):%Y-%m-%d %H:%M}导入"
        if batch.finished_at
        else "该批次已处理",
        "This batch has already been imported",
    )


def in_background() -> Problem:
    return Problem(
        "batch",
        "import.in_background",
        "该批次正在后台导入，请等待完成",
        "This batch is being imported in the background: wait until it is done",
    )


def _record(
    actor: User,
    kind: Kind,
    report: ImportReport,
    mapping: MappingSpec,
    batch: ImportBatch | None,
    options: dict | None = None,
) -> ImportBatch:
    b = batch or ImportBatch(
        kind=kind.name,
        filename=report.filename[:255],
        sha256=report.sha256,
        size=len(report.source or b""),
        actor=actor,
        mapping=mapping,
        options=options or {},
        region_code=actor.region.code if getattr(actor, "region_id", None) else "",
    )
    fill_batch(b, report)
    b.status = ImportBatch.Status.IMPORTED if report.imported else ImportBatch.Status.REFUSED
    b.finished_at = timezone.now() if report.imported else None
    b.message = report.summary()
    b.save()
    b.report = report
    return b


def fill_batch(batch: ImportBatch, report: ImportReport) -> None:
    batch.created, batch.updated, batch.unchanged = report.created, report.updated, report.unchanged
    batch.invalid, batch.skipped = report.invalid, report.skipped
    batch.problem_count = len(report.problems)
    batch.problems = [problem_dict(p) for p in report.problems[:PROBLEMS_KEPT]]
    batch.plan = [compact(p) for p in report.plan if p.action in (CREATE, UPDATE)][:PLAN_KEPT]
    batch.sheet = report.result.sheet[:100] if report.result else ""
    batch.note = report.note


def compact(plan: RowPlan) -> dict:
    """A row plan as a batch keeps it: a shape shown as a few words, long values cut."""

    def short(value: Any) -> Any:
        if isinstance(value, dict) and "coordinates" in value:
            return describe(value)
        value = plain(value)
        return value if not isinstance(value, str) or len(value) <= 200 else value[:200] + "…"

    label = str(plan.obj)[:100] if plan.obj is not None else ""
    return {
        "row": plan.row,
        "key": plan.key,
        "label": label if label != plan.key else "",
        "action": plan.action,
        "changes": {k: [short(a), short(b)] for k, (a, b) in plan.changes.items()},
    }


# ---------------------------------------------------------------------- the browser flow
def access_batch(user: User, pk: object) -> ImportBatch:
    """A batch of this user, or 404 (a batch belongs to its actor)."""
    try:
        return ImportBatch.objects.get(pk=pk, actor_id=user.pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def stored_bytes(batch: ImportBatch) -> bytes | None:
    """The file kept for a batch, read through the uploads storage; None when there is none or it is gone."""
    storage = uploads_storage()
    if not batch.stored_file or not storage.exists(batch.stored_file):
        return None
    try:
        with storage.open(batch.stored_file, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def import_preview(
    *,
    actor: User,
    kind: str,
    uploaded_file_bytes: bytes,
    filename: str,
    mapping: MappingSpec = None,
    progress: Progress | None = None,
    town: str | None = None,
) -> ImportBatch:
    """Keep the upload, check it without writing, and record a batch: ``previewed`` when it can be
    imported, ``refused`` with its problems otherwise. ``batch.report`` holds the row plan. ``town``: see
    ``ledger_import`` (kept with the batch for the confirmation)."""
    k = get_kind(kind)
    require_import(actor, k)
    options = _options(k, town)
    data = bytes(uploaded_file_bytes)
    digest = hashlib.sha256(data).hexdigest()
    suffix = "".join(c for c in Path(filename or "").suffix.lower() if c.isalnum() or c == ".")[:8]
    relative = f"imports/{digest}{suffix}"
    storage = uploads_storage()
    if not storage.exists(relative):  # kept once by content; a concurrent save of the same bytes gets its own name
        relative = storage.save(relative, ContentFile(data))
    batch = ImportBatch(
        kind=k.name,
        filename=(filename or "")[:255],
        sha256=digest,
        size=len(data),
        stored_file=relative,
        actor=actor,
        status=ImportBatch.Status.REFUSED,
        options=options,
        region_code=actor.region.code if getattr(actor, "region_id", None) else "",
    )
    try:
        mapping = batch.mapping = resolve_mapping(mapping, k)
        report = ledger_import(
            actor=actor,
            kind=k.name,
            source=data,
            filename=filename,
            mapping=mapping,
            dry_run=True,
            record=False,
            progress=progress,
            **options,
        )
    except LedgerUnusable as exc:
        batch.problems = [
            {
                "sheet": "",
                "row": 0,
                "column": "",
                "value": None,
                "rule": exc.rule,
                "zh": exc.zh,
                "en": exc.en,
                "field": "",
            }
        ]
        batch.problem_count, batch.message = 1, exc.message
        batch.save()
        batch.report = None
        return batch
    fill_batch(batch, report)
    batch.status = ImportBatch.Status.PREVIEWED if report.ok else ImportBatch.Status.REFUSED
    batch.message = report.summary()
    batch.save()
    batch.report = report
    return batch


def confirmable(actor: User, batch: ImportBatch, claimed: bool = False) -> bytes:
    """The stored file of a batch that may be imported now (``claimed``: by the background worker that set it
    ``running``); a ``RuleError`` for a batch of someone else, one already imported or under way, one that
    had problems, or one whose stored file changed."""
    if batch.actor_id != getattr(actor, "pk", None):
        raise PermissionDenied("该导入批次不属于您 / This import batch is not yours")
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.IMPORTED:
        raise RuleError([already_imported(batch)])
    allowed = (ImportBatch.Status.RUNNING,) if claimed else CONFIRMABLE
    if batch.in_background and batch.status not in allowed:
        raise RuleError([in_background()])
    if batch.status not in allowed or batch.problem_count:
        raise RuleError(
            [
                Problem(
                    "batch",
                    "import.had_problems",
                    f"该批次预览时有{batch.problem_count}个问题，请修改文件后重新上传",
                    f"The preview found {batch.problem_count} problems: fix the file and upload it again",
                )
            ]
        )
    data = stored_bytes(batch)
    if data is None or hashlib.sha256(data).hexdigest() != batch.sha256:
        batch.status = ImportBatch.Status.REFUSED
        batch.message = "预览后的文件已丢失或被改动 / the previewed file is missing or was changed"
        batch.save(update_fields=["status", "message"])
        raise RuleError(
            [
                Problem(
                    "batch",
                    "import.file_changed",
                    "预览后的文件已丢失或被改动，请重新上传",
                    "The previewed file is missing or was changed since the preview: upload it again",
                )
            ]
        )
    return data


def import_confirm(
    *, actor: User, batch: ImportBatch, progress: Progress | None = None, claimed: bool = False
) -> ImportBatch:
    """Import a previewed batch from its stored file. Refuses (``RuleError``) a batch of someone else, one
    already imported, one that had problems, or one whose stored file changed; when the registry changed
    since the preview and the file no longer imports cleanly, the batch ends ``refused`` with the new
    problems and nothing is written. ``claimed``: the background worker runs a batch it has claimed
    (status ``running``, ``import_jobs.import_run``)."""
    data = confirmable(actor, batch, claimed)
    try:
        ledger_import(
            actor=actor,
            kind=batch.kind,
            source=data,
            filename=batch.filename,
            mapping=batch.mapping,
            sheet=batch.sheet or None,
            progress=progress,
            batch=batch,
            claimed=claimed,
            **(batch.options or {}),
        )
    except LedgerUnusable as exc:  # e.g. the batch's town is no longer registered
        raise RuleError([Problem("batch", exc.rule, exc.zh, exc.en)]) from None
    return batch
