"""Optimistic locking of edit forms: the one mechanism every edited object shares.

- A model that is edited through a form inherits :class:`Versioned` (``version``, starting at 1).
- Its edit form carries the version it was read at, in a hidden field named ``version`` (the form's
  ``version=`` argument, :class:`VersionedForm`).
- The service takes ``expected_version`` and calls :func:`claim_version` inside its transaction, before it
  writes: the row is locked (``SELECT … FOR UPDATE``; SQLite's writers are serialised by ``BEGIN
  IMMEDIATE``), its version compared with the one the form showed, and the object's next version set for
  the save. ``expected_version=None`` (imports, the command line, the sample county) skips the
  comparison but still bumps the version, so that a form opened before such a write is refused after it.
  Bulk writes (ledger imports) bump with ``version = version + 1`` (:func:`bump_many`).
- A conflicting save raises :class:`EditConflict` (a ``RuleError``): nothing is written, no audit row.
  Its problem says, in both languages, who changed the object, when and which fields — read from the
  audit log, whose entries record who and the before/after — and carries the current values, which the
  form shows (``web/_edit_conflict.html``) with a link to reload the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from landcycle.rules.problems import Problem, RuleError

VERSION_FIELD = "version"  # the hidden field's name, in every form (fuzz tests post it)
IGNORED = {"id", VERSION_FIELD}
MAX_SHOWN = 160  # characters of a current value shown on the conflict panel


class Versioned(models.Model):
    """Adds ``version``: 1 on creation, + 1 on every write (form, service, import)."""

    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True


# ------------------------------------------------------------------ the conflict
@dataclass
class ChangedField:
    name: str
    label: str  # in the language active when the conflict was found (the request's)
    current: str


@dataclass
class ConflictDetail:
    object_label: str
    seen: int
    current_version: int
    by: str = ""
    at: str = ""
    fields: list[ChangedField] = field(default_factory=list)


@dataclass(frozen=True)
class ConflictProblem(Problem):
    """The problem of a refused stale save; ``detail`` feeds the form's conflict panel."""

    detail: ConflictDetail | None = field(default=None, compare=False, hash=False)


class EditConflict(RuleError):
    def __init__(self, problem: ConflictProblem):
        super().__init__([problem])
        self.detail = problem.detail


def _missing_version() -> RuleError:
    return RuleError(
        [
            Problem(
                VERSION_FIELD,
                "edit.version_missing",
                "缺少版本号，请刷新页面后重新填写",
                "The form's version is missing: reload the page and enter your changes again",
            )
        ]
    )


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def current_value(obj, name: str) -> str:
    """``obj``'s value of ``name`` as a reader sees it (choice labels, related objects by name)."""
    try:
        f = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return "—"
    if f.many_to_many:
        return _shown("、".join(str(o) for o in getattr(obj, name).all()))
    if f.choices:
        return _shown(getattr(obj, f"get_{name}_display")())
    return _shown(getattr(obj, name))


def _loads(text: str) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def conflict_detail(obj, seen: int, current_version: int) -> ConflictDetail:
    """Who changed ``obj`` since version ``seen``, when and which fields — from the audit log."""
    from landcycle.audit.models import AuditEntry  # noqa: PLC0415 -- models of every app import this module while they load; the log is read only to explain a conflict

    model = type(obj)
    entries = (
        AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-seq")[:50]
    )
    newer = []
    for e in entries:
        after = _loads(e.after)
        v = after.get(VERSION_FIELD)
        if isinstance(v, int) and v <= seen:
            break
        newer.append((e, _loads(e.before), after))
        if not isinstance(v, int):  # written before versions existed: the last entry is all we can name
            break
    detail = ConflictDetail(object_label=str(obj), seen=seen, current_version=current_version)
    if not newer:
        return detail
    last = newer[0][0]
    detail.by = str(last.actor) if last.actor is not None else last.actor_name
    detail.at = timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M")
    names: list[str] = []
    for _e, before, after in reversed(newer):
        for key in sorted(set(before) | set(after)):
            if key not in IGNORED and before.get(key) != after.get(key) and key not in names:
                names.append(key)
    fresh = model._base_manager.get(pk=obj.pk)
    detail.fields = [ChangedField(n, _label(model, n), current_value(fresh, n)) for n in names]
    return detail


def conflict_problem(obj, seen: int, current_version: int) -> ConflictProblem:
    d = conflict_detail(obj, seen, current_version)
    model = type(obj)
    with translation.override("zh-hans"):
        what_zh = f"{model._meta.verbose_name}“{d.object_label}”"
        fields_zh = "、".join(_label(model, f.name) for f in d.fields)
    with translation.override("en"):
        what_en = f"'{d.object_label}'"  # the model's English names are plurals (list titles)
        fields_en = ", ".join(_label(model, f.name) for f in d.fields)
    who_zh = f"已被{d.by}于{d.at}修改" if d.by else "已被他人修改"
    who_en = f"was changed by {d.by} at {d.at}" if d.by else "was changed by someone else"
    zh = (
        f"{what_zh}在您打开此页面后{who_zh}"
        + (f"（改动：{fields_zh}）" if fields_zh else "")
        + "，您的修改未保存。请刷新页面，查看最新内容后重新填写。"
    )
    en = (
        f"{what_en} {who_en} after you opened this page"
        + (f" (changed: {fields_en})" if fields_en else "")
        + "; your changes were not saved. Reload the page, read the latest values and enter yours again."
    )
    return ConflictProblem(VERSION_FIELD, "edit.conflict", zh, en, detail=d)


# ------------------------------------------------------------------ the service side
def claim_version(obj, expected_version) -> None:
    """Call inside the write's transaction, before writing ``obj``: lock its row, refuse a stale
    ``expected_version`` (:class:`EditConflict`), and set ``obj.version`` to the next version, which the
    caller's ``save()`` writes. ``expected_version=None``: no comparison (imports, commands)."""
    if expected_version is not None and not isinstance(expected_version, int):
        try:
            expected_version = int(str(expected_version).strip())
        except ValueError:
            raise _missing_version() from None
    current = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list(VERSION_FIELD, flat=True).get()
    if expected_version is not None and expected_version != current:
        raise EditConflict(conflict_problem(obj, expected_version, current))
    obj.version = current + 1


def check_version(obj, expected_version) -> None:
    """Like :func:`claim_version` but leaves ``obj.version`` as it is: for services that bump only when
    something changed (:func:`bump`)."""
    claim_version(obj, expected_version)
    obj.version -= 1


def bump(obj) -> None:
    """``version = version + 1`` of one object already claimed in this transaction."""
    obj.version += 1
    type(obj)._base_manager.filter(pk=obj.pk).update(version=obj.version)


def bump_many(model, objs, chunk: int = 500) -> None:
    """Bulk writes: ``UPDATE … SET version = version + 1 WHERE id IN (…)``; the objects in memory follow
    (so that the audit row's ``after`` names the new version)."""
    if not any(f.name == VERSION_FIELD for f in model._meta.concrete_fields):
        return
    objs = list(objs)
    for i in range(0, len(objs), chunk):
        part = objs[i : i + chunk]
        model._base_manager.filter(pk__in=[o.pk for o in part]).update(version=F(VERSION_FIELD) + 1)
    for o in objs:
        if isinstance(o.version, int):
            o.version += 1


# ------------------------------------------------------------------ the form side
class VersionedForm:
    """Form mixin: ``version=<the object's version>`` adds the hidden ``version`` field (edit forms only);
    a refused save's problem goes to the top of the form and ``form.conflict`` feeds the conflict panel."""

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: ConflictDetail | None = None
        if version is not None:
            self.fields[VERSION_FIELD] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=1,
                error_messages={
                    "required": _("缺少版本号，请刷新页面后重新填写"),
                    "invalid": _("缺少版本号，请刷新页面后重新填写"),
                    "min_value": _("缺少版本号，请刷新页面后重新填写"),
                },
            )
            self.initial[VERSION_FIELD] = version

    def version_problems(self, problems) -> list:
        """Take the version's problems (shown at the top of the form); return the others."""
        rest = []
        for p in problems:
            if p.field != VERSION_FIELD:
                rest.append(p)
                continue
            if isinstance(p, ConflictProblem):
                self.conflict = p.detail
            if p.rule.startswith("form."):  # Django's own error of the hidden field: said by full_clean
                continue
            if p not in self.top_problems:
                self.top_problems.append(p)
        return rest

    def full_clean(self):
        super().full_clean()
        if VERSION_FIELD in self.fields and VERSION_FIELD in self._errors:  # a hidden field: say it at the top
            self.version_problems([_missing_version().problems[0]])

    def take_version(self, data: dict):
        """The version the form was read at, taken out of the cleaned data (for ``expected_version``)."""
        return data.pop(VERSION_FIELD, None)
