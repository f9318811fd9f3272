"""``landcycle evaluate LEDGER.xlsx|.csv|.parquet [--policy P.toml] [--year Y] [--mapping M.toml]
--out OUT.xlsx|.csv|.json|.parquet``

Per-mu benefit evaluation (亩均效益综合评价) of a yearly-figures ledger, without any database: every firm's
group, land used, indicators against their benchmarks, capped contributions, score, rank, class, flags
and reasons, per the evaluation policy (default: the shipped ``policies/evaluation.toml``). A row that
cannot be evaluated (no land, no tax, a bad code, a duplicate…) is listed as a problem with its source
row, never scored as zero.

Exit 0 when it evaluated (even with problem rows), 2 when the input is unusable (no file, not a figures
ledger, a broken mapping or policy, no year, an unknown output type).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from landcycle.rules.evaluation import PolicyError, evaluate, load_policy
from landcycle.rules.ledger import LedgerUnusable, load_mapping, mapping_path

EXIT_UNUSABLE = 2
OUTPUTS = (".xlsx", ".csv", ".json", ".parquet")


def _unusable(zh: str, en: str):
    raise CommandError(f"{zh} / {en}", returncode=EXIT_UNUSABLE)


class Command(BaseCommand):
    help = ("亩均效益综合评价（无需数据库） / per-mu benefit evaluation of a figures ledger, without a database: "
            "landcycle evaluate LEDGER.xlsx|.csv|.parquet [--policy P.toml] [--year Y] [--mapping M.toml] "
            "--out OUT.xlsx|.csv|.json|.parquet. Exit 0 evaluated, 2 input unusable.")
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("ledger", metavar="LEDGER", help="企业年度数据台账 .xlsx / .xls / .ods / .csv / .parquet")
        parser.add_argument("--out", required=True, metavar="OUT", help="结果文件 .xlsx / .csv / .json / .parquet")
        parser.add_argument("--policy", metavar="P.toml", help="评价办法文件（默认随产品提供） / the evaluation policy")
        parser.add_argument("--year", type=int, metavar="Y", help="评价年度（默认台账中最近的年度） / the year evaluated")
        parser.add_argument("--mapping", metavar="M.toml", help="列映射文件，或随产品提供的映射名 / a column mapping")
        parser.add_argument("--sheet", help="工作表名称（默认自动识别） / the sheet to read")

    def handle(self, *args, ledger, out, policy=None, year=None, mapping=None, sheet=None, **opts):
        from landcycle.evaluation.ledger import evaluation_schema, read_evaluation_ledger
        from landcycle.evaluation.output import write

        target = Path(out)
        if target.suffix.lower() not in OUTPUTS:
            _unusable(f"结果文件应为 {'、'.join(OUTPUTS)} 之一：{out}", f"--out must end in {', '.join(OUTPUTS)}: {out}")
        source = Path(ledger)
        if not source.is_file():
            _unusable(f"找不到文件 {source}", f"file not found: {source}")
        try:
            rules = load_policy(policy)
        except (PolicyError, OSError) as exc:
            lines = "\n".join(f"[{p.rule}] {p.field}: {p.message}" for p in getattr(exc, "problems", [])) or str(exc)
            _unusable(f"评价办法无法使用：\n{lines}", "the evaluation policy cannot be used")
        try:
            data = None
            if mapping is not None:
                path = Path(mapping) if Path(mapping).exists() else mapping_path(mapping)
                data = load_mapping(path, evaluation_schema(rules))
            read = read_evaluation_ledger(source, rules, mapping=data, sheet=sheet)
        except LedgerUnusable as exc:
            raise CommandError(f"[{exc.rule}] {exc.message}", returncode=EXIT_UNUSABLE) from None
        if year is None:
            if not read.years:
                _unusable("台账没有“年度”列，请用 --year 指定评价年度", "the ledger has no year column: give --year")
            year = read.years[-1]
        elif read.years and year not in read.years:
            _unusable(f"台账中没有 {year} 年度的数据（有：{'、'.join(map(str, read.years))}）",
                      f"the ledger has no rows of {year} (it has {', '.join(map(str, read.years))})")
        if len(read.years) > 1:  # problems of rows of other years are not this evaluation's
            other = {r["_row"] for r in read.result.rows if r.get("year") not in (None, year)}
            read.problems = [p for p in read.problems if p.row not in other]
        result = evaluate(read.frame, rules, year=year)
        write(target, result, read)
        n = result.frame.height
        exempt = int(result.frame["exempt"].sum()) if n else 0
        bad = len({p.row for p in read.problems} | {p.row for p in result.problems})
        counts = result.frame.filter(~result.frame["exempt"])["class"].value_counts(sort=True) if n else None
        classes = " ".join(f"{k} {v}" for k, v in sorted(counts.iter_rows())) if counts is not None else ""
        other = f"；另有其他年度 {'、'.join(str(y) for y in read.years if y != year)} 的行未评价" if len(read.years) > 1 else ""
        self.stdout.write(
            f"{year}年度 评价办法 {rules.version}（{rules.hash}）：参评 {n - exempt} 家（{classes}），不参评 {exempt} 家，"
            f"无法评价 {bad} 行（见 problems）{other} / {year}, policy {rules.version}: {n - exempt} evaluated, "
            f"{exempt} exempt, {bad} rows not evaluated -> {target}")
