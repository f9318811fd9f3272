"""The official result table as .xlsx (XlsxWriter): a title, Chinese headers with units, the header
frozen, column widths, numbers as numbers, credit codes as text, and the class cells coloured from the
house palette (A green, B blue, C orange, D red: evaluation.colours, the same as the pages). A second sheet says which run,
policy version and hash, and what each class means and costs; a third lists the benchmarks."""

from __future__ import annotations

import io

from django.utils import timezone

from landcycle.kit import charts
from landcycle.kit.sheets import insert_png, workbook

from . import selectors
from .charts import classes_by_town, score_histogram
from .colours import class_hex, class_light
from .models import EvaluationResult, EvaluationRun

HEAD = {
    "bold": True,
    "bg_color": "#eef1f5",
    "border": 1,
    "border_color": "#c9d0da",
    "text_wrap": True,
    "valign": "vcenter",
    "align": "center",
    "font_name": "Microsoft YaHei",
    "font_size": 10,
}
BODY = {"font_name": "Microsoft YaHei", "font_size": 10}
HEADER_ROW = 2


def headers(lab) -> list[tuple[str, int, str]]:
    """(header text, width, kind) of every column; kind picks the cell format."""
    cols = [
        ("序号", 6, "int"),
        ("镇街", 12, "text"),
        ("企业名称", 30, "text"),
        ("统一社会信用代码", 21, "code"),
        ("行业代码", 9, "code"),
        ("分组", 20, "text"),
        ("用地面积（亩）", 12, "num2"),
    ]
    for ind in lab.policy.indicators().values():
        unit = "%" if ind.unit == "1" else ind.unit
        cols.append((f"{ind.zh}（{unit}）", 14, "pct" if ind.unit == "1" else "num2"))
        cols.append((f"{ind.zh}得分（分）", 11, "num2"))
    cols += [
        ("得分（分）", 9, "num2"),
        ("组内名次", 8, "int"),
        ("组内企业数", 9, "int"),
        ("百分位（%）", 9, "num1"),
        ("类别", 6, "class"),
        ("类别名称", 12, "text"),
        ("按名次类别", 9, "text"),
        ("评价情况", 9, "text"),
        ("评价说明", 60, "text"),
    ]
    return cols


def _row(i: int, r: EvaluationResult, lab) -> list:
    level = lab.policy.classes
    names = {c.key: c.zh for c in level}
    groups = {g.key: g.zh for g in lab.policy.groups}
    out = [
        i,
        r.town.name,
        r.enterprise.name,
        r.enterprise.uscc,
        r.enterprise.industry_code,
        groups.get(r.group, r.group) if r.group else None,
        r.land_mu,
    ]
    for key, ind in lab.policy.indicators().items():
        got = r.indicators.get(key) or {}
        value = got.get("value")
        out += [value * 100 if value is not None and ind.unit == "1" else value, got.get("contribution")]
    out += [
        r.score,
        r.rank,
        r.group_size,
        r.percentile,
        r.evaluation_class or None,
        names.get(r.evaluation_class) if r.evaluation_class else None,
        r.class_by_rank or None,
        str(EvaluationResult.Outcome(r.outcome).label),
        r.reason_zh,
    ]
    return out


def results_xlsx(run: EvaluationRun, rows, lab, *, title: str) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf, constant_memory=True)
    head = wb.add_format(HEAD)
    fmt = {
        "text": wb.add_format(BODY),
        "code": wb.add_format({**BODY, "num_format": "@"}),
        "int": wb.add_format({**BODY, "num_format": "0"}),
        "num2": wb.add_format({**BODY, "num_format": "#,##0.00"}),
        "num1": wb.add_format({**BODY, "num_format": "0.0"}),
        "pct": wb.add_format({**BODY, "num_format": "0.00"}),
    }
    keys = lab.class_keys
    klass = {
        k: wb.add_format(
            {
                **BODY,
                "bold": True,
                "align": "center",
                "font_color": class_hex(k, keys),
                "bg_color": class_light(k, keys),
            }
        )
        for k in keys
    }
    ws = wb.add_worksheet("评价结果")
    cols = headers(lab)
    ws.write_string(0, 0, title, wb.add_format({"bold": True, "font_size": 14, "font_name": "Microsoft YaHei"}))
    status = str(EvaluationRun.Status(run.status).label)
    when = run.published_at or run.computed_at
    ws.write_string(
        1,
        0,
        f"评价办法：{lab.policy.title_zh} 版本 {run.policy_version}（哈希 {run.policy_hash}）；"
        f"批次 #{run.pk}，{status}{'于 ' + timezone.localtime(when).strftime('%Y-%m-%d') if when else ''}；"
        f"导出于 {timezone.localdate().isoformat()}",
        wb.add_format({**BODY, "font_color": "#56657a"}),
    )
    ws.set_row(HEADER_ROW, 32)
    for c, (text, width, _kind) in enumerate(cols):
        ws.write_string(HEADER_ROW, c, text, head)
        ws.set_column(c, c, width)
    ws.freeze_panes(HEADER_ROW + 1, 3)
    n = 0
    for n, r in enumerate(rows.iterator(chunk_size=2000), 1):
        for c, (value, (_t, _w, kind)) in enumerate(zip(_row(n, r, lab), cols, strict=False)):
            if value is None or value == "":
                continue
            if kind == "class":
                ws.write_string(HEADER_ROW + n, c, value, klass.get(value, fmt["text"]))
            elif kind in ("text", "code"):
                ws.write_string(HEADER_ROW + n, c, str(value), fmt[kind])
            else:
                ws.write_number(HEADER_ROW + n, c, value, fmt[kind])
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(n, 1), len(cols) - 1)
    _about(wb, head, run, lab)
    _benchmarks(wb, head, run, lab)
    _charts(wb, rows, lab)
    wb.close()
    return buf.getvalue()


def _charts(wb, rows, lab) -> None:
    """The page's charts as pictures: the score histogram and the classes by town of the rows exported."""
    results = rows.model.objects.filter(pk__in=rows.values("pk"))
    ws = wb.add_worksheet("图表")
    title = wb.add_format({"bold": True, "font_size": 12, "font_name": "Microsoft YaHei"})
    row = 0
    bands = selectors.score_histogram(results)
    if bands:
        ws.write_string(row, 0, "得分分布（每 10 分一档，按类别着色）", title)
        row += 1 + insert_png(
            ws, row + 1, 0, charts.png(charts.short_labels(score_histogram(bands, lab.class_keys, lab.classes)))
        )
    counts = selectors.counts_by(results, "town", lab.class_keys)
    towns = selectors.town_names(results)
    counts.sort(key=lambda r: towns.get(r["key"], ("", ""))[0])
    data = [
        {"town": towns.get(r["key"], ("", "—"))[1], "cls": c["key"], "n": c["n"], "url": ""}
        for r in counts
        for c in r["cells"]
    ]
    if any(d["n"] for d in data):
        ws.write_string(row + 1, 0, "各镇街类别分布（家）", title)
        spec = classes_by_town(
            data, lab.class_keys, lab.classes, town_title="镇街", count_title="企业数（家）", colour_title="类别"
        )
        insert_png(ws, row + 2, 0, charts.png(charts.short_labels(spec)))


def _about(wb, head, run: EvaluationRun, lab) -> None:
    ws = wb.add_worksheet("说明")
    text = wb.add_format(BODY)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 5, 18)
    facts = [
        ("评价年度", str(run.year)),
        ("批次", f"#{run.pk}"),
        ("状态", str(EvaluationRun.Status(run.status).label)),
        ("评价办法", lab.policy.title_zh),
        ("办法版本", run.policy_version),
        ("办法哈希", run.policy_hash),
        ("输入数据指纹（SHA-256）", run.inputs_fingerprint),
        (
            "参评 / 不参评 / 无法评价（家）",
            f"{run.summary.get('evaluated', 0)} / {run.summary.get('exempt', 0)} / {run.summary.get('problems', 0)}",
        ),
        ("备注", run.notes or ""),
    ]
    for r, (k, v) in enumerate(facts):
        ws.write_string(r, 0, k, head)
        ws.write_string(r, 1, v, text)
    top = len(facts) + 1
    for c, h in enumerate(
        ["类别", "名称", "组内占比（%）", "电价加价（元/千瓦时）", "水价加价（%）", "城镇土地使用税减免（%）"]
    ):
        ws.write_string(top, c, h, head)
    for i, lv in enumerate(lab.policy.classes, 1):
        ws.write_string(top + i, 0, lv.key, text)
        ws.write_string(top + i, 1, lv.zh, text)
        for c, v in enumerate(
            [lv.share, lv.electricity_surcharge_yuan_per_kwh, lv.water_surcharge_pct, lv.land_use_tax_relief_pct], 2
        ):
            if v is not None:
                ws.write_number(top + i, c, v, text)


def _benchmarks(wb, head, run: EvaluationRun, lab) -> None:
    ws = wb.add_worksheet("基准值")
    text, num = wb.add_format(BODY), wb.add_format({**BODY, "num_format": "#,##0.0000"})
    for c, (h, w) in enumerate(
        [
            ("分组", 22),
            ("指标", 28),
            ("单位", 14),
            ("基准值", 14),
            ("方法", 14),
            ("行业大类", 10),
            ("报送企业数（家）", 14),
        ]
    ):
        ws.write_string(0, c, h, head)
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 0)
    inds = lab.policy.indicators()
    groups = {g.key: g.zh for g in lab.policy.groups}
    methods = {
        "group_mean": "组内总量比",
        "industry_mean": "行业总量比",
        "fixed": "公布值",
        "previous_year:group": "上年组内总量比",
        "previous_year:county": "上年全县总量比",
        "previous_year:industry": "上年行业总量比",
    }
    for r, b in enumerate(run.benchmarks, 1):
        ind = inds.get(b["indicator"])
        ws.write_string(r, 0, groups.get(b["group"], b["group"]), text)
        ws.write_string(r, 1, ind.zh if ind else b["indicator"], text)
        ws.write_string(r, 2, ind.unit if ind else "", text)
        if b.get("benchmark") is not None:
            ws.write_number(r, 3, b["benchmark"], num)
        method = methods.get(b["method"], b["method"])
        ws.write_string(r, 4, f"{method}（{b['year']}年）" if b.get("year") else method, text)
        if b.get("division"):
            ws.write_string(r, 5, b["division"], text)
        ws.write_number(r, 6, b.get("firms") or 0, text)
