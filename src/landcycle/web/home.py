"""The home page: what each role has to do today, each item linking to the page where it is done.

Town officer: the round report due from their town, warnings waiting for an answer, tasks near or past
their deadline, contract dates near or passed. Supervisor: what waits for review and overdue tasks.
County administrator: open work by town. City analyst: evaluation runs to publish or to compute.
Leader: the dashboard's charts (web/dashboard.py). Everything goes through the user's scope (the selectors scope every query), and
the number of queries does not grow with the rows (tests/web/test_home.py counts them).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from landcycle.accounts.models import Role, User
from landcycle.admission.selectors import admitted_unsigned, applications_to_finish, applications_to_review
from landcycle.evaluation.selectors import draft_runs, latest_year_without_run
from landcycle.kit.cache import cached, scope_key
from landcycle.kit.pagecache import cached_page
from landcycle.rectification.selectors import (
    items_to_review,
    open_round_reports,
    open_work_by_town,
    rechecks_to_review,
    tasks_near_deadline,
    tasks_ready_to_close,
)
from landcycle.registry.selectors import towns_in_scope
from landcycle.supervision.convert import page_policies
from landcycle.supervision.labels import rule_label
from landcycle.supervision.models import Extension, Warning
from landcycle.supervision.selectors import (
    contract_dates_due,
    last_checked,
    warning_counts_by_town,
    warnings_to_decide,
    warnings_waiting,
)
from landcycle.web.dashboard import dashboard_charts

SHOWN = 8  # items listed per section; the section's link leads to all of them
SOON_DAYS = 30  # "near": a deadline or agreed date within this many days


def _url(name: str, args: list | None = None, **params) -> str:
    url = reverse(name, args=args or [])
    return f"{url}?{urlencode(params)}" if params else url


def _item(text: str, value: str, url: str, tone: str = "") -> dict:
    return {"text": text, "value": value, "url": url, "tone": tone}


def _when(due: dt.date, as_of: dt.date) -> tuple[str, str]:
    """How a date stands today, said plainly, and its tone."""
    days = (due - as_of).days
    if days < 0:
        return _("已逾期 %(n)s 天") % {"n": -days}, "red"
    if days == 0:
        return _("今天到期"), "red"
    return _("还有 %(n)s 天") % {"n": days}, "yellow" if days <= 7 else ""


def _section(
    title: str, items: list[dict], total: int, more_url: str = "", empty: str = "", more: bool | None = None
) -> dict:
    """A to-do list: its items (at most SHOWN), the count on its badge, the link to all of them."""
    more = total > len(items) if more is None else more
    return {"title": title, "items": items, "total": total, "more_url": more_url, "empty": empty, "more": more}


# ------------------------------------------------------------------ town officer
def _in_language(zh: str, en: str) -> str:
    """A text stored in both languages, in the user's (Chinese when there is no English)."""
    return en if (get_language() or "").startswith("en") and en else zh


def _round_section(user: User, as_of: dt.date) -> dict:
    items = []
    rounds = open_round_reports(user)
    for r in rounds:
        label = _in_language(r["round__label_zh"], r["round__label_en"])
        url = _url("round_detail", [r["round_id"]])
        if r["missing"]:
            state, tone = _when(r["round__due_on"], as_of)
            text = _("%(round)s对账：%(n)s 项待报送，截止 %(due)s，%(state)s") % {
                "round": label,
                "n": r["missing"],
                "due": r["round__due_on"].isoformat(),
                "state": state,
            }
            items.append(_item(text, r["round__due_on"].isoformat(), url, tone))
        else:
            text = _("%(round)s对账：%(n)s 项已全部报送，等待审核") % {"round": label, "n": r["items"]}
            items.append(_item(text, r["round__due_on"].isoformat(), url, "ok"))
    missing = sum(r["missing"] for r in rounds)
    return _section(_("对账报送"), items, missing, _url("round_list"), _("当前没有需要报送的对账事项。"), more=False)


def _warning_section(user: User, as_of: dt.date) -> dict:
    """Warnings waiting for the town's answer: to verify (by their due date) or to handle."""
    waiting = warnings_waiting(user)
    total = waiting.count()
    items = []
    for w in waiting[:SHOWN]:
        if w.status == Warning.Status.OPEN and w.verify_due:
            state, tone = _when(w.verify_due, as_of)
            step = _("待核实，期限 %(due)s，%(state)s") % {"due": w.verify_due.isoformat(), "state": state}
        else:
            step, tone = w.get_status_display(), ""
        text = _("%(subject)s：%(reason)s（%(step)s）") % {
            "subject": w.subject_label,
            "reason": _in_language(w.reason_zh, w.reason_en),
            "step": step,
        }
        items.append(_item(text, w.get_colour_display(), reverse("warning_detail", args=[w.pk]), tone or w.colour))
    return _section(
        _("待核实、待处置的预警"),
        items,
        total,
        _url("warning_board", status="active"),
        _("没有等待本镇街核实或处置的预警。"),
    )


def _decide_section(user: User) -> dict:
    """For the county: handling waiting for acceptance and disputes to decide."""
    waiting = warnings_to_decide(user)
    pols = page_policies()  # each rule named by its warning's county's policy (本县政策)
    items = [
        _item(
            (
                _("%(town)s申请办结：%(subject)s（%(rule)s）")
                if w.status == Warning.Status.SUBMITTED
                else _("%(town)s提出异议：%(subject)s（%(rule)s）")
            )
            % {"town": w.town.name, "subject": w.subject_label, "rule": rule_label(w.rule, pols.of_subject(w))},
            w.get_status_display(),
            reverse("warning_detail", args=[w.pk]),
        )
        for w in waiting[:SHOWN]
    ]
    return _section(
        _("待验收、待裁定的预警"),
        items,
        waiting.count(),
        _url("warning_board", status=Warning.Status.SUBMITTED),
        _("没有待验收的处置或待裁定的异议。"),
    )


def _task_section(user: User, as_of: dt.date, title: str, overdue_only: bool = False) -> dict:
    tasks = tasks_near_deadline(user, as_of, -1 if overdue_only else SOON_DAYS)
    total = tasks.count()
    items = []
    for t in tasks[:SHOWN]:
        state, tone = _when(t.deadline, as_of)
        text = _("整改任务 %(number)s %(title)s（%(town)s，进度 %(pct)s%%）：时限 %(due)s，%(state)s") % {
            "number": t.number,
            "title": t.title,
            "town": t.town.name,
            "pct": t.percent_done,
            "due": t.deadline.isoformat(),
            "state": state,
        }
        items.append(_item(text, t.deadline.isoformat(), reverse("task_detail", args=[t.pk]), tone))
    more = (
        _url("rectification_ledger", status="overdue") if overdue_only else _url("rectification_ledger", status="open")
    )
    empty = _("没有逾期的整改任务。") if overdue_only else _("%(n)s 天内没有到期的整改任务。") % {"n": SOON_DAYS}
    return _section(title, items, total, more, empty)


def _contract_section(user: User, as_of: dt.date) -> dict:
    rows = contract_dates_due(user, as_of, SOON_DAYS)
    milestones = dict(Extension.Milestone.choices)
    items = []
    for r in rows[:SHOWN]:
        state, tone = _when(r["due"], as_of)
        text = _("合同 %(number)s（%(holder)s）约定%(milestone)s日期 %(due)s，%(state)s") % {
            "number": r["number"],
            "holder": r["holder"],
            "milestone": milestones[r["milestone"]],
            "due": r["due"].isoformat(),
            "state": state,
        }
        items.append(_item(text, r["due"].isoformat(), reverse("contract_detail", args=[r["pk"]]), tone))
    return _section(
        _("合同约定日期临近或已过"),
        items,
        len(rows),
        _url("contract_list"),
        _("%(n)s 天内没有到期的合同约定日期。") % {"n": SOON_DAYS},
    )


def _application_items(rows) -> list[dict]:
    return [
        _item(
            _("%(number)s %(project)s（%(park)s）") % {"number": a.number, "project": a.project, "park": a.park.name},
            a.get_status_display(),
            reverse("application_detail", args=[a.pk]),
            "yellow" if a.status == a.Status.RETURNED else "",
        )
        for a in rows[:SHOWN]
    ]


def _admission_section(user: User) -> dict:
    """For a town: drafts to submit, returned applications to amend, admitted projects to sign."""
    rows = list(applications_to_finish(user)) + list(admitted_unsigned(user))
    return _section(
        _("项目准入：待提交、待修改、待签约"),
        _application_items(rows),
        len(rows),
        _url("application_list"),
        _("没有待提交、待修改或待签约的准入申请。"),
    )


def _review_section(user: User) -> dict:
    """For the county: applications waiting for the joint review and the decision."""
    waiting = applications_to_review(user)
    return _section(
        _("项目准入：待联审、待决定"),
        _application_items(waiting),
        waiting.count(),
        _url("application_list", status="submitted"),
        _("没有待联审的准入申请。"),
    )


def _town_officer(user: User, as_of: dt.date) -> dict:
    return {
        "sections": [
            _round_section(user, as_of),
            _warning_section(user, as_of),
            _task_section(user, as_of, _("临近时限或逾期的整改任务")),
            _contract_section(user, as_of),
            _admission_section(user),
        ]
    }


# ------------------------------------------------------------------ supervisor
def _supervisor(user: User, as_of: dt.date) -> dict:
    review = items_to_review(user)
    items = [
        _item(
            _("%(round)s：%(town)s报送了整改任务 %(number)s %(title)s（进度 %(pct)s%%），待审核")
            % {
                "round": _in_language(i.round.label_zh, i.round.label_en),
                "town": i.task.town.name,
                "number": i.task.number,
                "title": i.task.title,
                "pct": i.percent_reported if i.percent_reported is not None else i.task.percent_done,
            },
            i.submitted_on.isoformat() if i.submitted_on else "",
            reverse("round_detail", args=[i.round_id]) + f"#item-{i.pk}",
        )
        for i in review[:SHOWN]
    ]
    rechecks = rechecks_to_review(user)
    recheck_items = [
        _item(
            _("回头看：整改任务 %(number)s（%(town)s）于 %(closed)s 销号，待复核是否反弹")
            % {
                "number": c.task.number,
                "town": c.task.town.name,
                "closed": c.closed_on.isoformat(),
            },
            c.watch_until.isoformat(),
            reverse("round_detail", args=[c.round_id]) + "#rechecks",
        )
        for c in rechecks[:SHOWN]
    ]
    closing = tasks_ready_to_close(user)
    close_items = [
        _item(
            _("整改任务 %(number)s %(title)s（%(town)s）已报完成 100%%，待销号")
            % {
                "number": t.number,
                "title": t.title,
                "town": t.town.name,
            },
            t.last_report_on.isoformat() if t.last_report_on else "",
            reverse("task_detail", args=[t.pk]),
        )
        for t in closing[:SHOWN]
    ]
    return {
        "sections": [
            _section(
                _("待审核的对账事项"),
                items,
                review.count(),
                _url("round_list"),
                _("没有待审核的对账事项。"),
            ),
            _section(
                _("待销号的整改任务"),
                close_items,
                closing.count(),
                _url("rectification_ledger", status="open"),
                _("没有已报完成、待销号的整改任务。"),
            ),
            _section(_("回头看待复核"), recheck_items, rechecks.count(), _url("round_list"), _("没有待复核的回头看。")),
            _task_section(user, as_of, _("逾期的整改任务"), overdue_only=True),
        ]
    }


# ------------------------------------------------------------------ county administrator and leader
def _cell(n: int, url: str, tone: str = "") -> dict:
    return {"n": n, "url": url if n else "", "tone": tone if n else ""}


def _town_figures(user: User, as_of: dt.date) -> tuple[dict, dict, dict]:
    """The town table's counts (warnings by colour and overdue verification, overdue tasks and missing reports,
    contracts with an agreed date passed) read every warning, task and contract of the scope: kept in the cache
    (kit.cache) per scope and day until a write of the registry, supervision or rectification commits; the key also
    holds the supervision date of the latest refresh, which a refresh moves without an audit entry for each figure
    (as supervision.figures does)."""

    def compute() -> tuple[dict, dict, dict]:
        late: dict[int, int] = {}
        for r in contract_dates_due(user, as_of, 0):
            if r["late"] > 0:
                late[r["town_id"]] = late.get(r["town_id"], 0) + 1
        warnings = {k: dict(v) for k, v in warning_counts_by_town(user).items()}
        work = {k: dict(v) for k, v in open_work_by_town(user, as_of).items()}
        return warnings, work, late

    key = f"home_towns:{scope_key(user)}:{as_of.isoformat()}:{timezone.localdate().isoformat()}:{last_checked(user)}"
    return cached(("registry", "supervision", "rectification"), key, compute)


def _county_admin(user: User, as_of: dt.date) -> dict:
    towns = list(towns_in_scope(user).order_by("code"))
    warnings, work, late = _town_figures(user, as_of)
    rounds = open_round_reports(user)
    round_url = _url("round_detail", [rounds[0]["round_id"]]) if rounds else _url("round_list")
    rows = []
    for t in towns:
        w = warnings.get(t.pk, {})
        k = work.get(t.pk, {})
        cells = [
            _cell(w.get("red", 0), _url("warning_board", town=t.code, colour="red", status="active"), "red"),
            _cell(w.get("yellow", 0), _url("warning_board", town=t.code, colour="yellow", status="active"), "yellow"),
            _cell(w.get("verify_overdue", 0), _url("warning_board", town=t.code, status="overdue"), "red"),
            _cell(k.get("overdue_tasks", 0), _url("rectification_ledger", town=t.code, status="overdue"), "red"),
            _cell(k.get("missing_reports", 0), round_url, "yellow"),
            _cell(late.get(t.pk, 0), _url("contract_list", town=t.code), "red"),
        ]
        rows.append({"town": t, "cells": cells, "busy": any(c["n"] for c in cells)})
    rows.sort(key=lambda r: (not r["busy"], r["town"].code))
    heads = [_("红色预警"), _("黄色预警"), _("预警核实逾期"), _("逾期整改任务"), _("本轮未报送"), _("合同约定日期已过")]
    totals = [sum(r["cells"][i]["n"] for r in rows) for i in range(len(heads))]
    return {
        "sections": [_decide_section(user), _review_section(user)],
        "town_table": {"title": _("各镇街待办"), "heads": heads, "rows": rows, "totals": totals},
    }


def _leader(user: User, as_of: dt.date) -> dict:
    """The leader's home is the dashboard (web/dashboard.py): charts by town, each a link to the rows behind it."""
    return {"dashboard": dashboard_charts(user, as_of)}


# ------------------------------------------------------------------ city analyst
def _analyst(user: User, as_of: dt.date) -> dict:
    drafts = draft_runs(user)
    items = [
        _item(
            _("%(year)s 年度评价批次 #%(pk)s 仍是草稿，核对后发布") % {"year": r.year, "pk": r.pk},
            str(r.year),
            reverse("evaluation_run_detail", args=[r.pk]),
            "yellow",
        )
        for r in drafts[:SHOWN]
    ]
    year = latest_year_without_run(user)
    missing = (
        [
            _item(
                _("%(year)s 年度已有企业数据，尚无评价批次") % {"year": year},
                str(year),
                reverse("evaluation_run_new"),
                "yellow",
            )
        ]
        if year
        else []
    )
    return {
        "sections": [
            _section(
                _("待发布的评价批次"), items, drafts.count(), _url("evaluation_runs"), _("没有草稿状态的评价批次。")
            ),
            _section(
                _("尚未评价的年度"), missing, len(missing), _url("evaluation_runs"), _("每个有数据的年度都已评价。")
            ),
        ]
    }


ROLE_PAGES = {
    Role.TOWN_OFFICER: _town_officer,
    Role.SUPERVISOR: _supervisor,
    Role.COUNTY_ADMIN: _county_admin,
    Role.CITY_ANALYST: _analyst,
    Role.LEADER: _leader,
}


def today() -> dt.date:
    """The day the to-do lists are worked out for (tests set it)."""
    return timezone.localdate()


@cached_page(vary=lambda request: today())
def home(request):
    user = request.user
    if user.role == Role.PROVINCE and not user.is_superuser:  # a province's work starts from its counties side by side
        return redirect("county_compare")
    as_of = today()
    build = _county_admin if user.is_superuser else ROLE_PAGES.get(user.role)
    ctx = build(user, as_of) if build else {}
    ctx["as_of"] = as_of
    return render(request, "web/home.html", ctx)
