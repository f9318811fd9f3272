"""`landcycle rectification` — the rectification ledger from the command line (acts as the system user):

summary [--as-of D]                 the county's summary sentence and tasks by town
colours [--as-of D]                 every task with its colour and reasons
round-open [--on D]                 open the round of the period containing D (default today)
round-close [--on D]                close the open round (all updates must have been reviewed)
remind [--on D] [--days N]          the reports still missing from rounds due within N days (default 2) or
                                    past due, one line per responsible unit — run daily by a timer
                                    (docs/deployment.md); the officers see the same on their home page
export --out FILE [--round ID]      the official ledger (or a round's report) as .xlsx
sample [--today D]                  the sample county's ledger (after `landcycle demo --no-serve`)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from landcycle.accounts.services import system_user
from landcycle.rectification.export import ledger_xlsx, round_xlsx
from landcycle.rectification.models import Round
from landcycle.rectification.sample.build import build_rectification_sample
from landcycle.rectification.selectors import reports_due_soon, round_units, tasks_visible, with_colours
from landcycle.rectification.services.rounds import round_close, round_open
from landcycle.rectification.summary import county_summary
from landcycle.registry.models import Region
from landcycle.rules.problems import RuleError


def _date(text: str | None) -> dt.date:
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"不是日期（应为 2026-11-29）/ not a date (use 2026-11-29): {text}") from None


class Command(BaseCommand):
    help = "整改台账 / rectification ledger: summary, colours, round-open, round-close, export, sample"

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["summary", "colours", "round-open", "round-close", "remind", "export", "sample"]
        )
        parser.add_argument("--as-of", dest="as_of", help="基准日 / day the colours are computed for (YYYY-MM-DD)")
        parser.add_argument("--on", help="开启或结束对账的日期 / day a round is opened or closed (YYYY-MM-DD)")
        parser.add_argument("--today", help="示例数据的“今天” / the sample's today (default 2026-11-29)")
        parser.add_argument("--out", help="导出文件 / the .xlsx file to write")
        parser.add_argument("--round", type=int, help="对账轮次编号 / the round to export")
        parser.add_argument(
            "--days", type=int, default=2, help="提前提醒的天数 / remind of rounds due within this many days"
        )

    def handle(self, *args, action, **opts):
        actor = system_user()
        try:
            getattr(self, "do_" + action.replace("-", "_"))(actor, opts)
        except RuleError as exc:
            raise CommandError("\n".join(p.message for p in exc.problems)) from exc

    def do_summary(self, actor, opts):
        s = county_summary(actor, _date(opts.get("as_of")))
        self.stdout.write(s["sentence_zh"])
        self.stdout.write(s["sentence_en"])
        self.stdout.write(
            f"\n{'责任单位 / unit':<20}{'任务':>6}{'已销号':>6}{'整改中':>6}{'逾期':>6}{'红':>4}{'黄':>4}{'绿':>4}"
        )
        for r in [*s["rows"], s["total"]]:
            self.stdout.write(
                f"{r['label']:<20}{r['tasks']:>6}{r['closed']:>6}{r['open']:>6}{r['overdue']:>6}"
                f"{r['red']:>4}{r['yellow']:>4}{r['green']:>4}"
            )

    def do_colours(self, actor, opts):
        as_of = _date(opts.get("as_of"))
        for t in with_colours(tasks_visible(actor).select_related("town").order_by("finding__number", "number"), as_of):
            colour = t.tc.colour if t.is_open else "-"
            self.stdout.write(
                f"{t.number:<6} {colour:<7} {t.get_status_display():<5} {t.percent_done:>3}%  {t.unit:<14} {t.tc.zh}"
            )

    def do_round_open(self, actor, opts):
        rnd = round_open(actor=actor, on=_date(opts.get("on")))
        self.stdout.write(
            f"已开启 / opened: {rnd.label_zh} ({rnd.period_start} – {rnd.period_end}), "
            f"{rnd.items.count()} 项 / items, 报送截止 / due {rnd.due_on}"
        )

    def do_round_close(self, actor, opts):
        rnd = Round.objects.filter(status=Round.Status.OPEN).order_by("-period_start").first()
        if rnd is None:
            raise CommandError("没有进行中的对账 / no round is open")
        rnd = round_close(actor=actor, round=rnd, on=_date(opts.get("on")))
        self.stdout.write(f"已结束 / closed: {rnd.label_zh}, 未报送 / flagged {rnd.items.filter(flagged=True).count()}")

    def do_remind(self, actor, opts):
        on = _date(opts.get("on"))
        days = opts.get("days")
        if days is None or not 0 <= days <= 31:
            raise CommandError("--days 应在 0–31 之间 / --days must be between 0 and 31")
        rows = reports_due_soon(actor, on, days)
        for r in rows:
            left = (r["round__due_on"] - on).days
            when_zh = "已逾期" if left < 0 else ("今天截止" if left == 0 else f"还有{left}天截止")
            when_en = "overdue" if left < 0 else ("due today" if left == 0 else f"due in {left} day(s)")
            unit = r["task__department"] or r["task__town__name"]
            line = (
                f"提醒 / reminder: {r['round__label_zh']}对账 {unit} {r['missing']} 项未报送，截止 "
                f"{r['round__due_on'].isoformat()}（{when_zh}）/ {r['round__label_en']}: {unit} has "
                f"{r['missing']} report(s) missing, due {r['round__due_on'].isoformat()} ({when_en})"
            )
            self.stdout.write(line)
        units = len(rows)
        self.stdout.write(
            f"{on.isoformat()}：{units} 个责任单位需要提醒 / {units} unit(s) to remind"
            if units
            else f"{on.isoformat()}：没有临近截止的未报送事项 / nothing due within {days} day(s) is missing"
        )

    def do_export(self, actor, opts):
        if not opts.get("out"):
            raise CommandError("--out FILE.xlsx")
        if opts.get("round"):
            rnd = Round.objects.select_related("county").filter(pk=opts["round"]).first()
            if rnd is None:
                raise CommandError(f"没有编号为 {opts['round']} 的对账 / no round {opts['round']}")
            items = list(
                rnd.items.select_related("task__town", "task__finding", "report").prefetch_related("report__evidence")
            )
            title, data = round_xlsx(rnd, items, round_units(items))
        else:
            as_of = _date(opts.get("as_of"))
            tasks = with_colours(
                tasks_visible(actor)
                .select_related("town", "finding__inspection")
                .prefetch_related("parks", "parcels", "enterprises", "contracts")
                .order_by("finding__number", "number"),
                as_of,
            )
            county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
            title, data = ledger_xlsx(tasks, as_of, county.name if county else "")
        Path(opts["out"]).write_bytes(data)
        self.stdout.write(f"{title} -> {opts['out']}")

    def do_sample(self, actor, opts):
        today = _date(opts.get("today")) if opts.get("today") else dt.date(2026, 11, 29)
        counts = build_rectification_sample(actor=actor, today=today)
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
