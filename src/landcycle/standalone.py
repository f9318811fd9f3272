"""The stand-alone engines, ``landcycle evaluate``, ``supervise``, ``admit`` and ``rank``, without Django.

A town officer runs them on the file they were sent; they need no database and no settings, so
``landcycle.cli`` sends them here before Django is imported (starting Django cost about a second of a
run). The management commands of the same names call the same functions, so ``call_command`` and
``manage.py`` behave alike. Nothing imported here may import Django (``tests/test_standalone.py``
checks it in a fresh process).

Exit 0 when it evaluated / supervised (even with problem rows), 2 when the input is unusable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

EXIT_UNUSABLE = 2
EVALUATE_OUTPUTS = (".xlsx", ".csv", ".json", ".parquet")

EVALUATE_HELP = (
    "亩均效益综合评价（无需数据库） / per-mu benefit evaluation of a figures ledger, without a database: "
    "landcycle evaluate LEDGER.xlsx|.csv|.parquet [--policy P.toml] [--year Y] [--mapping M.toml] "
    "--out OUT.xlsx|.csv|.json|.parquet. Exit 0 evaluated, 2 input unusable."
)
SUPERVISE_HELP = (
    "供后监管三色预警（无需数据库） / supervise land contracts on a day, without a database: "
    "landcycle supervise CONTRACTS.xlsx|.csv --as-of DATE --out OUT.json|.xlsx [--mapping M.toml] "
    "[--policy P.toml] [--industrial-only]. Exit 0 supervised, 2 input unusable."
)
ADMIT_HELP = (
    "项目准入审查（无需数据库） / check project applications against the entry rules, without a database: "
    "landcycle admit APPLICATIONS.xlsx|.csv [--rules RULES.toml] [--park P] [--kind K] --out OUT.xlsx|.json. "
    "Exit 0 checked, 2 input unusable."
)
RANK_HELP = (
    "综合指数排名（无需数据库） / rank the units of any table of units × indicators on a composite index, with "
    "rank intervals, without a database: landcycle rank INDICATORS.xlsx|.csv [--policy P.toml] [--runs N] "
    "--out OUT.xlsx|.json. Exit 0 ranked, 2 input unusable."
)


class Unusable(Exception):
    """The input cannot be used: the message (both languages) goes to stderr, the exit code is 2."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _unusable(zh: str, en: str):
    raise Unusable(f"{zh} / {en}")


def evaluate_arguments(parser) -> None:
    parser.add_argument("ledger", metavar="LEDGER", help="企业年度数据台账 .xlsx / .xls / .ods / .csv / .parquet")
    parser.add_argument("--out", required=True, metavar="OUT", help="结果文件 .xlsx / .csv / .json / .parquet")
    parser.add_argument("--policy", metavar="P.toml", help="评价办法文件（默认随产品提供） / the evaluation policy")
    parser.add_argument(
        "--year",
        type=int,
        metavar="Y",
        help="评价年度（默认取年度列、标题或工作表名称中的年度） / the year evaluated (default: from the "
        "year column, the title or the sheet name)",
    )
    parser.add_argument("--mapping", metavar="M.toml", help="列映射文件，或随产品提供的映射名 / a column mapping")
    parser.add_argument("--sheet", help="工作表名称（默认自动识别） / the sheet to read")


def supervise_arguments(parser) -> None:
    parser.add_argument("contracts", metavar="CONTRACTS", help="合同台账 .xlsx / .xls / .ods / .csv")
    parser.add_argument("--as-of", required=True, metavar="DATE", help="监管基准日 YYYY-MM-DD / the supervision date")
    parser.add_argument("--out", required=True, metavar="OUT", help="结果文件 .json 或 .xlsx / the result file")
    parser.add_argument(
        "--mapping",
        metavar="M.toml",
        help="列映射文件，或随产品提供的映射名（如 land_supply_gd；随产品提供的格式按表头自动识别） / a "
        "mapping file or a shipped mapping name (a shipped layout is recognised from its header)",
    )
    parser.add_argument("--policy", metavar="P.toml", help="预警规则文件（默认随产品提供） / the warning policy")
    parser.add_argument(
        "--industrial-only",
        action="store_true",
        help="只监管工业用地（土地用途含“工业”，见规则 [selection]） / only industrial land",
    )
    parser.add_argument("--sheet", help="工作表名称（默认自动识别） / the sheet to read")


def _mapping(mapping: str | None, schema):
    from landcycle.rules.ledger import load_mapping, mapping_path  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)

    if mapping is None:
        return None
    path = Path(mapping) if Path(mapping).exists() else mapping_path(mapping)
    return load_mapping(path, schema)


def _why_none(read, result, year: int) -> tuple[str, str]:
    """One line on why nothing was evaluated."""
    from collections import Counter  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)

    if not read.rows:
        return "台账中没有数据行", "the ledger has no data rows"
    found = [*read.problems, *result.problems]
    if not found and not result.frame.height:
        return f"台账中没有 {year} 年度的数据行", f"the ledger has no rows of {year}"
    if not found:
        return "全部企业不参评", "every firm is exempt"
    first: dict[str, object] = {}
    for p in found:
        first.setdefault(p.rule, p)
    rule, n = Counter(p.rule for p in found).most_common(1)[0]
    p = first[rule]
    return (
        f"没有可评价的企业：最常见的问题是“{p.zh}”（{n} 处，见 problems）",
        f"nothing could be evaluated: the most common problem is '{p.en}' ({n} times, see problems)",
    )


def evaluate_ledger(*, ledger, out, policy=None, year=None, mapping=None, sheet=None) -> str:
    """Run ``landcycle evaluate``; returns the summary line. Raises ``Unusable``."""
    import polars as pl  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)

    from landcycle.evaluation.ledger import (  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
        YearError,
        evaluation_schema,
        present_fields,
        read_evaluation_ledger,
        resolve_year,
    )
    from landcycle.evaluation.output import write  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.evaluation import PolicyError, evaluate, load_policy  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.evaluation.absent import AbsentRefused, absent_columns, describe, without  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.ledger import LedgerUnusable  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)

    target = Path(out)
    if target.suffix.lower() not in EVALUATE_OUTPUTS:
        _unusable(
            f"结果文件应为 {'、'.join(EVALUATE_OUTPUTS)} 之一：{out}",
            f"--out must end in {', '.join(EVALUATE_OUTPUTS)}: {out}",
        )
    source = Path(ledger)
    if not source.is_file():
        _unusable(f"找不到文件 {source}", f"file not found: {source}")
    try:
        rules = load_policy(policy)
    except (PolicyError, OSError) as exc:
        lines = "\n".join(f"[{p.rule}] {p.field}: {p.message}" for p in getattr(exc, "problems", [])) or str(exc)
        _unusable(f"评价办法无法使用：\n{lines}", "the evaluation policy cannot be used")
    try:
        data = _mapping(mapping, evaluation_schema(rules))
        read = read_evaluation_ledger(source, rules, mapping=data, sheet=sheet)
    except LedgerUnusable as exc:
        raise Unusable(f"[{exc.rule}] {exc.message}") from None
    try:
        year, _where = resolve_year(read, year)
    except YearError as exc:
        raise Unusable(f"[evaluate.year] {exc}") from None
    if len(read.years) > 1:  # problems of rows of other years are not this evaluation's
        other = set(read.result.frame.filter(pl.col("year").is_not_null() & (pl.col("year") != year))["_row"])
        read.problems = [p for p in read.problems if p.row not in other]
    if read.mapping:
        read.notes.append(
            (f"按表头识别为随产品提供的格式“{read.mapping}”", f"recognised the shipped layout {read.mapping}")
        )
    absent = absent_columns(rules, present_fields(read))
    if any(a.field == "land_mu" for a in absent):
        _unusable(
            "台账没有用地面积列（自有用地、租赁用地、出租用地或用地面积），无法计算任何亩均指标",
            "the ledger has no land column (owned, leased, let land or land used): no per-mu indicator can be computed",
        )
    try:
        used, reason_notes = without(rules, absent)
    except AbsentRefused as exc:
        raise Unusable(f"[evaluate.missing_column] {exc}") from None
    if absent:
        zh, en = describe(absent)
        read.notes.insert(
            0,
            (
                f"{zh}。这些企业按其余指标评价，权重按比例调整为合计100分",
                f"{en}. Those firms are evaluated on the other indicators, weights rescaled to 100",
            ),
        )
    result = evaluate(read.frame, used, year=year)
    if reason_notes:
        frame = result.frame
        for key, (nz, ne) in reason_notes.items():
            hit = (pl.col("group") == key) & ~pl.col("exempt")
            frame = frame.with_columns(
                pl.when(hit)
                .then(pl.lit(nz) + pl.col("reason_zh").fill_null(""))
                .otherwise(pl.col("reason_zh"))
                .alias("reason_zh"),
                pl.when(hit)
                .then(pl.lit(ne) + pl.col("reason_en").fill_null(""))
                .otherwise(pl.col("reason_en"))
                .alias("reason_en"),
            )
        result.frame = frame
    write(target, result, read)
    n = result.frame.height
    exempt = int(result.frame["exempt"].sum()) if n else 0
    bad = len({p.row for p in read.problems} | {p.row for p in result.problems})
    counts = result.frame.filter(~result.frame["exempt"])["class"].value_counts(sort=True) if n else None
    classes = " ".join(f"{k} {v}" for k, v in sorted(counts.iter_rows())) if counts is not None else ""
    other = (
        f"；另有其他年度 {'、'.join(str(y) for y in read.years if y != year)} 的行未评价" if len(read.years) > 1 else ""
    )
    head_zh = "".join(f"【{zh}】" for zh, _en in read.notes)
    head_en = "".join(f"[{en}] " for _zh, en in read.notes)
    if n - exempt == 0:
        zh, en = _why_none(read, result, year)
        head_zh, head_en = f"{head_zh}【{zh}】", f"{head_en}[{en}] "
    return (
        f"{head_zh}{year}年度 评价办法 {rules.version}（{rules.hash}）：参评 {n - exempt} 家（{classes}），不参评 {exempt} 家，"
        f"无法评价 {bad} 行（见 problems）{other} / {head_en}{year}, policy {rules.version}: {n - exempt} evaluated, "
        f"{exempt} exempt, {bad} rows not evaluated -> {target}"
    )


def supervise_contracts(*, contracts, as_of, out, mapping=None, policy=None, industrial_only=False, sheet=None) -> str:
    """Run ``landcycle supervise``; returns the summary line. Raises ``Unusable``."""
    from landcycle.rules.ledger import LedgerUnusable  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.ledger.limits import ReadLimits  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.supervision import PolicyError, load_policy  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.supervision.ledger_rows import SUPERVISED_LAND_SUPPLY  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.supervision.run import supervise_ledger  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)
    from landcycle.rules.supervision.serialise import report_dict  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise Unusable(
            f"监管基准日“{as_of}”不是日期（YYYY-MM-DD） / --as-of '{as_of}' is not a date (YYYY-MM-DD)"
        ) from None
    target = Path(out)
    if target.suffix.lower() not in (".json", ".xlsx"):
        raise Unusable(f"结果文件应为 .json 或 .xlsx：{out} / --out must end in .json or .xlsx")
    source = Path(contracts)
    if not source.is_file():
        raise Unusable(f"找不到文件 {source} / file not found: {source}")
    try:
        rules = load_policy(policy)
    except PolicyError as exc:
        lines = "\n".join(f"[{p.rule}] {p.message}" for p in exc.problems)
        raise Unusable(f"预警规则无法使用 / the warning policy cannot be used:\n{lines}") from None
    try:
        data = _mapping(mapping, SUPERVISED_LAND_SUPPLY)
        report = supervise_ledger(
            source,
            as_of=day,
            mapping=data,
            policy=rules,
            industrial_only=industrial_only,
            sheet=sheet,
            limits=ReadLimits.from_env(),
        )
    except LedgerUnusable as exc:
        raise Unusable(f"[{exc.rule}] {exc.message}") from None
    d = report_dict(report, source.name)
    if target.suffix.lower() == ".json":
        target.write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        from landcycle.supervision.export import report_xlsx  # noqa: PLC0415 -- each stand-alone command loads only its own engine (evaluate needs polars, supervise does not)

        target.write_bytes(report_xlsx(d))
    s = d["summary"]
    head_zh = f"【按表头识别为随产品提供的格式“{report.mapping}”】" if report.mapping else ""
    head_en = f"[recognised the shipped layout {report.mapping}] " if report.mapping else ""
    return (
        f"{head_zh}{d['as_of']} 监管{s['supervised']}份合同：红{s['red']} 黄{s['yellow']} 绿{s['green']} "
        f"提醒{s['blue']} 未能判定{s['grey']}；闲置土地{s['idle']}宗"
        f"（政府原因免责{s['idle_exempt']}），可无偿收回{s['take_back']}宗，应征闲置费{s['fees_wan']}万元；"
        f"未监管{s['not_supervised']}行（见 problems） / {head_en}supervised {s['supervised']} contracts on "
        f"{d['as_of']}: red {s['red']}, yellow {s['yellow']}, green {s['green']}, reminder {s['blue']}, not judged "
        f"{s['grey']}; idle {s['idle']} (exempt "
        f"{s['idle_exempt']}), take-back {s['take_back']}, fees {s['fees_wan']} 万元; {s['not_supervised']} rows "
        f"not supervised -> {target}"
    )


def admit_arguments(parser) -> None:
    parser.add_argument("applications", metavar="APPLICATIONS", help="项目准入申请台账 .xlsx / .xls / .ods / .csv")
    parser.add_argument("--out", required=True, metavar="OUT", help="结果文件 .xlsx 或 .json / the result file")
    parser.add_argument("--rules", metavar="RULES.toml", help="准入规则文件（默认随产品提供） / the entry rules")
    parser.add_argument("--park", metavar="P", help="园区编号（覆盖台账中的园区编号） / the park code of every row")
    parser.add_argument(
        "--kind",
        choices=("industrial", "micro", "old_block"),
        help="园区类型（覆盖台账中的园区类型） / the kind of park of every row",
    )
    parser.add_argument("--sheet", help="工作表名称（默认自动识别） / the sheet to read")


def admit_ledger(*, applications, out, rules=None, park=None, kind=None, sheet=None) -> str:
    """Run ``landcycle admit``; returns the summary line. Raises ``Unusable``."""
    from landcycle.admission.export import admitted_xlsx  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.admission.ledger import APPLICATIONS, admit_rows  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.admission.policy import PolicyError, load_policy  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.admission.serialise import admitted_dict  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.ledger import LedgerUnusable, read_ledger  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.ledger.limits import ReadLimits  # noqa: PLC0415 -- each stand-alone command loads only its own engine

    target = Path(out)
    if target.suffix.lower() not in (".json", ".xlsx"):
        _unusable(f"结果文件应为 .json 或 .xlsx：{out}", f"--out must end in .json or .xlsx: {out}")
    source = Path(applications)
    if not source.is_file():
        _unusable(f"找不到文件 {source}", f"file not found: {source}")
    try:
        text = None if rules is None else Path(rules).read_bytes().decode("utf-8")
        policy = load_policy(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise Unusable(f"无法读取准入规则文件：{exc} / cannot read the entry rules: {exc}") from None
    except PolicyError as exc:
        lines = "\n".join(f"[{p.rule}] {p.message}" for p in exc.problems)
        raise Unusable(f"准入规则无法使用 / the entry rules cannot be used:\n{lines}") from None
    try:
        read = read_ledger(source, APPLICATIONS, sheet=sheet, limits=ReadLimits.from_env())
    except LedgerUnusable as exc:
        raise Unusable(f"[{exc.rule}] {exc.message}") from None
    admitted = admit_rows(read.rows, policy, park=park, park_kind=kind)
    d = admitted_dict(admitted, read, source.name, policy)
    if target.suffix.lower() == ".json":
        target.write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        target.write_bytes(admitted_xlsx(d))
    s = d["summary"]
    return (
        f"准入规则 {policy.version}：审查{s['checked']}个项目，符合{s['passed']}个，不符合{s['failed']}个；"
        f"无法审查{s['not_checked']}行（见 problems） / entry rules {policy.version}: {s['checked']} checked, "
        f"{s['passed']} pass, {s['failed']} fail, {s['not_checked']} rows not checked -> {target}"
    )


def rank_arguments(parser) -> None:
    parser.add_argument("indicators", metavar="INDICATORS", help="单位×指标表 .xlsx / .xls / .ods / .csv")
    parser.add_argument("--out", required=True, metavar="OUT", help="结果文件 .xlsx 或 .json / the result file")
    parser.add_argument(
        "--policy",
        metavar="P.toml",
        help="指数设置文件（不提供时：等权、极差标准化、算术平均） / the index (default: equal weights, min-max, "
        "arithmetic mean)",
    )
    parser.add_argument(
        "--runs", type=int, metavar="N", help="蒙特卡洛次数（默认1000） / Monte Carlo runs (default 1000)"
    )
    parser.add_argument("--sheet", help="工作表名称（默认第一个有数据的工作表） / the sheet to read")


def rank_table(*, indicators, out, policy=None, runs=None, sheet=None) -> str:
    """Run ``landcycle rank``; returns the summary line. Raises ``Unusable``."""
    from landcycle.rules.ledger import LedgerUnusable  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.ledger.limits import ReadLimits  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.ranking.policy import PolicyError, load_policy  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.ranking.report import rank_report  # noqa: PLC0415 -- each stand-alone command loads only its own engine
    from landcycle.rules.ranking.table import default_policy, read_any, read_for_policy  # noqa: PLC0415 -- each stand-alone command loads only its own engine

    target = Path(out)
    if target.suffix.lower() not in (".json", ".xlsx"):
        _unusable(f"结果文件应为 .json 或 .xlsx：{out}", f"--out must end in .json or .xlsx: {out}")
    source = Path(indicators)
    if not source.is_file():
        _unusable(f"找不到文件 {source}", f"file not found: {source}")
    if runs is not None and not 1 <= runs <= 100_000:
        _unusable(f"--runs 应在 1 到 100000 之间：{runs}", f"--runs must be in 1–100000: {runs}")
    index = None
    if policy is not None:
        try:
            index = load_policy(Path(policy).read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise Unusable(f"无法读取指数设置文件：{exc} / cannot read the index: {exc}") from None
        except PolicyError as exc:
            lines = "\n".join(f"[{p.rule}] {p.message}" for p in exc.problems)
            raise Unusable(f"指数设置无法使用 / the index cannot be used:\n{lines}") from None
    try:
        if index is None:
            read = read_any(source, sheet=sheet, limits=ReadLimits.from_env())
            index = default_policy(read.columns)
        else:
            read = read_for_policy(source, index, sheet=sheet, limits=ReadLimits.from_env())
    except LedgerUnusable as exc:
        raise Unusable(f"[{exc.rule}] {exc.message}") from None
    if len(read.table.units) < 2:
        _unusable("表中少于两个单位，无法排名", "fewer than two units: nothing to rank")
    d = rank_report(read, index, default=policy is None, runs=runs)
    if target.suffix.lower() == ".json":
        target.write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        from landcycle.ranking.export import ranked_xlsx  # noqa: PLC0415 -- each stand-alone command loads only its own engine

        target.write_bytes(ranked_xlsx(d))
    units = d["units"]
    first = units[0]
    which = "默认方法" if policy is None else f"指数 {index.version}"
    which_en = "default method" if policy is None else f"index {index.version}"
    return (
        f"{which}：{len(units)}个单位、{len(index.indicators)}个指标，蒙特卡洛{d['method']['monte_carlo']['runs']}次；"
        f"第1名 {first['unit']}（{first['score']}，名次区间 {first['rank_low']}–{first['rank_high']}）；"
        f"问题{len(d['problems'])}条 / {which_en}: {len(units)} units, {len(index.indicators)} indicators, "
        f"{d['method']['monte_carlo']['runs']} runs; first {first['unit']}; {len(d['problems'])} problems -> {target}"
    )


COMMANDS = {
    "evaluate": (EVALUATE_HELP, evaluate_arguments, evaluate_ledger),
    "supervise": (SUPERVISE_HELP, supervise_arguments, supervise_contracts),
    "admit": (ADMIT_HELP, admit_arguments, admit_ledger),
    "rank": (RANK_HELP, rank_arguments, rank_table),
}


def main(argv: list[str]) -> int:
    """``argv``: the command name and its arguments (``["evaluate", "x.xlsx", "--out", "r.csv"]``)."""
    name, args = argv[0], argv[1:]
    text, arguments, run = COMMANDS[name]
    parser = argparse.ArgumentParser(prog=f"landcycle {name}", description=text)
    arguments(parser)
    # the options every Django command accepts, so that scripts written for `manage.py` keep working
    parser.add_argument("-v", "--verbosity", type=int, default=1, help=argparse.SUPPRESS)
    for flag in ("--settings", "--pythonpath"):
        parser.add_argument(flag, help=argparse.SUPPRESS)
    for flag in ("--traceback", "--no-color", "--force-color", "--skip-checks"):
        parser.add_argument(flag, action="store_true", help=argparse.SUPPRESS)
    opts = vars(parser.parse_args(args))
    for k in ("verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color", "skip_checks"):
        opts.pop(k, None)
    try:
        line = run(**opts)
    except Unusable as exc:
        sys.stderr.write(f"CommandError: {exc.message}\n")
        return EXIT_UNUSABLE
    sys.stdout.write(line + "\n")
    return 0
