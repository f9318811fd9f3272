"""The edit history (修改记录) of an inspection, its findings and suggestions, read from the audit log: who
changed what, when, each field before and after. (A task's history is its own: TaskEvent.)"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from landcycle.audit.models import AuditEntry
from landcycle.registry.models import Region

from .models import Finding, Inspection, Suggestion

MODELS = {
    "rectification.inspection": Inspection,
    "rectification.finding": Finding,
    "rectification.suggestion": Suggestion,
}
HIDDEN = {"id", "inspection", "recorded_by", "recorded_at", "number", "version"}


def _load(text: str) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _show(name: str, value, regions: dict, findings: dict) -> str:
    if value in (None, "", []):
        return "—"
    if name == "regions":
        return "、".join(regions.get(code, code) for code in value)
    if name == "finding":
        return findings.get(value, str(value))
    if name == "kind":
        return str(dict(Inspection.Kind.choices).get(value, value))
    return str(value)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a key the model no longer has
        return name


def inspection_history(insp: Inspection) -> list[dict]:
    """The edits (not the creations) of the inspection and of its findings and suggestions, newest first."""
    findings = {f.pk: f for f in insp.findings.all()}
    suggestions = dict(insp.suggestions.values_list("pk", "number"))
    ids = {
        "rectification.inspection": [str(insp.pk)],
        "rectification.finding": [str(pk) for pk in findings],
        "rectification.suggestion": [str(pk) for pk in suggestions],
    }
    entries = []
    for object_type, keys in ids.items():
        entries += list(
            AuditEntry.objects.filter(
                object_type=object_type, object_id__in=keys, action__endswith=".update"
            ).select_related("actor")
        )
    entries.sort(key=lambda e: -e.seq)
    codes = set()
    for e in entries:
        for side in (_load(e.before), _load(e.after)):
            codes.update(side.get("regions") or [])
    regions = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    finding_names = {pk: _("问题%(n)s") % {"n": f.number} for pk, f in findings.items()}
    out = []
    for e in entries:
        model = MODELS[e.object_type]
        before, after = _load(e.before), _load(e.after)
        rows = [
            {
                "field": _label(model, k),
                "before": _show(k, before.get(k), regions, finding_names),
                "after": _show(k, after.get(k), regions, finding_names),
            }
            for k in after
            if k not in HIDDEN and before.get(k) != after.get(k)
        ]
        if model is Inspection:
            what = _("检查")
        elif model is Finding:
            f = findings.get(int(e.object_id))
            what = _("问题%(n)s") % {"n": f.number} if f else _("问题")
        else:
            what = _("意见建议%(n)s") % {"n": suggestions.get(int(e.object_id), "")}
        actor = getattr(e.actor, "display_name", "") or e.actor_name
        out.append({"at": e.at, "actor": actor, "what": what, "rows": rows})
    return out
