"""Warnings of the sample county in every state of their answer (预警处置, docs/warnings.md): in each demo town some
red and yellow warnings are verified, some handled, one submitted for acceptance, one accepted and closed, one
disputed — written through supervision's services by the demo accounts (the town officer answers, the county
administrator accepts), so every step has its history and its audit row like a real one.

The rest stay 待核实, as they would on the day after a refresh. Chosen in a fixed order (worst first, then by
subject), so every build shows the same warnings in the same states."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.supervision.models import Warning
from landcycle.supervision.services.warnings import (
    warning_accept,
    warning_handle,
    warning_progress,
    warning_verify,
)

# how many warnings of each demo town end in each state
PLAN = (("confirmed", 2), ("handling", 2), ("submitted", 1), ("closed", 1), ("disputed", 1))
MEASURES = {
    "contract": "约谈土地使用权人，督促限期动工，逾期按《闲置土地处置办法》处置",
    "enterprise": "走访企业，制定亩均效益提升方案，按季度跟踪税收和产出",
    "parcel": "核实地块现状，督促租约到期企业限期腾退",
}


def _one_per_subject(town) -> list[Warning]:
    seen: set[tuple[str, int]] = set()
    out = []
    qs = Warning.objects.filter(town=town, status=Warning.Status.OPEN, colour__in=("red", "yellow"))
    for w in qs.order_by("-rank", "subject_type", "subject_id", "rule"):
        if (w.subject_type, w.subject_id) not in seen:
            seen.add((w.subject_type, w.subject_id))
            out.append(w)
    return out


def _answer(w: Warning, state: str, officer: User, admin: User, due: dt.date) -> None:
    if state == "disputed":
        warning_verify(
            actor=officer,
            warning=w,
            confirmed=False,
            reason="经现场核实，该地块已于本月动工，施工许可证已办理，请县里复核",
        )
        return
    warning_verify(actor=officer, warning=w, confirmed=True, reason="经现场核实，情况属实")
    if state == "confirmed":
        return
    measures = MEASURES.get(w.subject_type, "制定整改措施并限期落实")
    warning_handle(actor=officer, warning=w, measures=measures, assignee=officer, due=due)
    if state == "handling":
        return
    warning_progress(actor=officer, warning=w, note="已约谈并取得书面承诺，措施已落实", submit=True)
    if state == "closed":
        warning_accept(actor=admin, warning=w, note="经复核，处置到位，同意办结")


def answer_sample_warnings(admin: User, officers: list[User]) -> int:
    """Answer a few warnings of each officer's town; returns how many were answered."""
    due = timezone.localdate() + dt.timedelta(days=60)
    n = 0
    for officer in officers:
        chosen = iter(_one_per_subject(officer.region))
        for state, count in PLAN:
            for _i in range(count):
                w = next(chosen, None)
                if w is None:
                    break
                _answer(w, state, officer, admin, due)
                n += 1
    return n
