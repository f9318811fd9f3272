"""``landcycle supervise CONTRACTS.xlsx|.csv --as-of DATE --out OUT.json|.xlsx [--mapping M.toml]
[--policy P.toml] [--industrial-only] [--sheet NAME]``

Supervises a contract ledger on a day without any database: idle land (国土资源部令第53号), agreed
start/completion/production dates, development progress and commitments, per the warning policy
(default: the shipped ``policies/warnings.toml``). Writes, per contract, its source row, holder, colour,
every rule that fires with its reason and figures, days overdue and the idle-land fee (万元); plus the
rows that could not be supervised (sheet, row, column, value, message).

Exit 0 when it supervised (even with problem rows), 2 when the input is unusable (unreadable file, no
contract header, a broken mapping or policy, a bad date or output name).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from landcycle.rules.ledger import LedgerUnusable, load_mapping, mapping_path
from landcycle.rules.supervision import PolicyError, load_policy
from landcycle.rules.supervision.ledger_rows import SUPERVISED_LAND_SUPPLY
from landcycle.rules.supervision.run import supervise_ledger
from landcycle.rules.supervision.serialise import report_dict

EXIT_UNUSABLE = 2


class Command(BaseCommand):
    help = ("供后监管三色预警（无需数据库） / supervise land contracts on a day, without a database: "
            "landcycle supervise CONTRACTS.xlsx|.csv --as-of DATE --out OUT.json|.xlsx [--mapping M.toml] "
            "[--policy P.toml] [--industrial-only]. Exit 0 supervised, 2 input unusable.")
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("contracts", metavar="CONTRACTS", help="合同台账 .xlsx / .xls / .ods / .csv")
        parser.add_argument("--as-of", required=True, metavar="DATE", help="监管基准日 YYYY-MM-DD / the supervision date")
        parser.add_argument("--out", required=True, metavar="OUT", help="结果文件 .json 或 .xlsx / the result file")
        parser.add_argument("--mapping", metavar="M.toml",
                            help="列映射文件，或随产品提供的映射名（如 land_supply_gd） / a mapping file or a shipped mapping name")
        parser.add_argument("--policy", metavar="P.toml", help="预警规则文件（默认随产品提供） / the warning policy")
        parser.add_argument("--industrial-only", action="store_true",
                            help="只监管工业用地（土地用途含“工业”，见规则 [selection]） / only industrial land")
        parser.add_argument("--sheet", help="工作表名称（默认自动识别） / the sheet to read")

    def handle(self, *args, contracts, as_of, out, mapping=None, policy=None, industrial_only=False, sheet=None, **opts):
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"监管基准日“{as_of}”不是日期（YYYY-MM-DD） / --as-of '{as_of}' is not a date (YYYY-MM-DD)",
                               returncode=EXIT_UNUSABLE) from None
        target = Path(out)
        if target.suffix.lower() not in (".json", ".xlsx"):
            raise CommandError(f"结果文件应为 .json 或 .xlsx：{out} / --out must end in .json or .xlsx",
                               returncode=EXIT_UNUSABLE)
        source = Path(contracts)
        if not source.is_file():
            raise CommandError(f"找不到文件 {source} / file not found: {source}", returncode=EXIT_UNUSABLE)
        try:
            rules = load_policy(policy)
        except PolicyError as exc:
            lines = "\n".join(f"[{p.rule}] {p.message}" for p in exc.problems)
            raise CommandError(f"预警规则无法使用 / the warning policy cannot be used:\n{lines}",
                               returncode=EXIT_UNUSABLE) from None
        try:
            data = None
            if mapping is not None:
                path = Path(mapping) if Path(mapping).exists() else mapping_path(mapping)
                data = load_mapping(path, SUPERVISED_LAND_SUPPLY)
            report = supervise_ledger(source, as_of=day, mapping=data, policy=rules, industrial_only=industrial_only,
                                      sheet=sheet)
        except LedgerUnusable as exc:
            raise CommandError(f"[{exc.rule}] {exc.message}", returncode=EXIT_UNUSABLE) from None
        d = report_dict(report, source.name)
        if target.suffix.lower() == ".json":
            target.write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            from landcycle.supervision.export import report_xlsx

            target.write_bytes(report_xlsx(d))
        s = d["summary"]
        self.stdout.write(
            f"{d['as_of']} 监管{s['supervised']}份合同：红{s['red']} 黄{s['yellow']} 绿{s['green']} 提醒{s['blue']} 未能判定{s['grey']}；闲置土地{s['idle']}宗"
            f"（政府原因免责{s['idle_exempt']}），可无偿收回{s['take_back']}宗，应征闲置费{s['fees_wan']}万元；"
            f"未监管{s['not_supervised']}行（见 problems） / supervised {s['supervised']} contracts on {d['as_of']}: "
            f"red {s['red']}, yellow {s['yellow']}, green {s['green']}, reminder {s['blue']}, not judged {s['grey']}; idle {s['idle']} (exempt {s['idle_exempt']}), "
            f"take-back {s['take_back']}, fees {s['fees_wan']} 万元; {s['not_supervised']} rows not supervised -> {target}")
