"""``landcycle evaluate --out OUT.xlsx``: the result table with Chinese headers and units, frozen header,
widths, class cells in the house palette; a sheet of problems and one about the policy."""

from __future__ import annotations

import polars as pl

from landcycle.kit import charts
from landcycle.kit.sheets import insert_png, workbook
from landcycle.rules.evaluation import EvaluationResult

from ..charts import bands_of, score_histogram
from ..colours import class_hex, class_light

FIXED = {
    "row": ("行号", 7),
    "sheet": ("工作表", 10),
    "outcome": ("评价情况", 9),
    "uscc": ("统一社会信用代码", 21),
    "name": ("企业名称", 30),
    "town": ("镇街", 12),
    "industry_code": ("行业代码", 9),
    "merge_key": ("合并评价编号", 12),
    "members": ("合并企业数", 9),
    "group_zh": ("分组", 20),
    "land_mu": ("用地面积（亩）", 12),
    "score": ("得分（分）", 9),
    "rank": ("组内名次", 8),
    "group_size": ("组内企业数", 9),
    "percentile": ("百分位（%）", 9),
    "class": ("类别", 6),
    "class_zh": ("类别名称", 12),
    "class_by_rank": ("按名次类别", 9),
    "exemption": ("不参评原因", 16),
    "vetoed": ("一票否决", 8),
    "vetoes": ("否决事项", 16),
    "protected": ("保护", 6),
    "protections": ("保护事项", 16),
    "missing_data": ("缺少数据", 8),
    "imputed": ("按组内平均得分的指标", 18),
    "electricity_10k_kwh": ("用电量（万千瓦时）", 12),
    "electricity_surcharge_yuan_per_kwh": ("电价加价（元/千瓦时）", 12),
    "electricity_surcharge_wan": ("电费加价（万元）", 11),
    "water_surcharge_pct": ("水价加价（%）", 10),
    "land_use_tax_relief_pct": ("土地使用税减免（%）", 12),
    "reason_zh": ("评价说明", 60),
    "problems": ("问题", 60),
}
OUTCOMES = {"evaluated": "已评价", "exempt": "不参评", "problem": "无法评价"}


def columns(data: pl.DataFrame, result: EvaluationResult) -> list[tuple[str, str, int]]:
    """(column, Chinese header, width) in the table's order; English and internal columns are left out."""
    inds = result.policy.indicators()
    out = []
    for c in data.columns:
        if c in FIXED:
            out.append((c, *FIXED[c]))
            continue
        key, _, part = c.rpartition("_")
        ind = inds.get(key)
        if ind is None:
            continue
        unit = ind.unit if ind.unit != "1" else "比值"
        if part == "value":
            out.append((c, f"{ind.zh}（{unit}）", 14))
        elif part == "benchmark":
            out.append((c, f"{ind.zh}基准值（{unit}）", 14))
        elif part == "contribution":
            out.append((c, f"{ind.zh}得分（分）", 11))
    return out


def _histogram(wb, data: pl.DataFrame, result: EvaluationResult, head) -> None:
    """The score histogram stacked by class, as the evaluation pages draw it (kit.charts, as PNG)."""
    if not {"score", "class", "outcome"} <= set(data.columns):
        return
    rows = data.filter(pl.col("outcome") == "evaluated").select("score", "class").iter_rows()
    bands = bands_of(rows)
    if not bands:
        return
    classes = result.policy.classes
    ws = wb.add_worksheet("得分分布")
    ws.write_string(0, 0, "得分分布（每 10 分一档，按类别着色）", head)
    spec = score_histogram(bands, [c.key for c in classes], {c.key: c.zh for c in classes})
    insert_png(ws, 2, 0, charts.png(charts.short_labels(spec)))


def write_xlsx(
    path, data: pl.DataFrame, result: EvaluationResult, found: list[dict], notes: list[tuple[str, str]] = ()
) -> None:
    wb = workbook(str(path), constant_memory=True)
    body = {"font_name": "Microsoft YaHei", "font_size": 10}
    head = wb.add_format(
        {
            **body,
            "bold": True,
            "bg_color": "#eef1f5",
            "border": 1,
            "border_color": "#c9d0da",
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
        }
    )
    text, num = wb.add_format(body), wb.add_format({**body, "num_format": "#,##0.00##"})
    keys = [c.key for c in result.policy.classes]
    klass = {
        k: wb.add_format(
            {
                **body,
                "bold": True,
                "align": "center",
                "font_color": class_hex(k, keys),
                "bg_color": class_light(k, keys),
            }
        )
        for k in keys
    }
    ws = wb.add_worksheet("评价结果")
    cols = columns(data, result)
    ws.set_row(0, 32)
    for i, (_c, title, width) in enumerate(cols):
        ws.write_string(0, i, title, head)
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 6 if len(cols) > 6 else 0)
    names = [c for c, _t, _w in cols]
    for r, row in enumerate(data.select(names).iter_rows(), 1):
        for i, (name, v) in enumerate(zip(names, row, strict=False)):
            if v is None or v == "":
                continue
            if name == "class":
                ws.write_string(r, i, v, klass.get(v, text))
            elif name == "outcome":
                ws.write_string(r, i, OUTCOMES.get(v, v), text)
            elif isinstance(v, bool):
                if v:
                    ws.write_string(r, i, "是", text)
            elif isinstance(v, (int, float)):
                ws.write_number(r, i, v, num)
            else:
                ws.write_string(r, i, str(v), text)
    ws.autofilter(0, 0, max(data.height, 1), len(cols) - 1)
    ps = wb.add_worksheet("问题")
    for i, (title, width) in enumerate([("工作表", 12), ("行号", 7), ("列", 20), ("值", 18), ("说明", 90)]):
        ps.write_string(0, i, title, head)
        ps.set_column(i, i, width)
    ps.freeze_panes(1, 0)
    for r, p in enumerate(found, 1):
        ps.write_string(r, 0, p["sheet"] or "", text)
        ps.write_number(r, 1, p["row"] or 0, text)
        ps.write_string(r, 2, p["column"] or "", text)
        ps.write_string(r, 3, "" if p["value"] is None else str(p["value"]), text)
        ps.write_string(r, 4, p["message"], text)
    info = wb.add_worksheet("评价办法")
    info.set_column(0, 0, 16)
    info.set_column(1, 1, 60)
    facts = [
        ("评价办法", result.policy.title_zh),
        ("版本", result.policy.version),
        ("哈希", result.policy.hash),
        ("评价年度", str(result.year)),
    ] + [("说明", f"{zh} / {en}") for zh, en in notes]
    for r, (k, v) in enumerate(facts):
        info.write_string(r, 0, k, head)
        info.write_string(r, 1, v, text)
    _histogram(wb, data, result, head)
    wb.close()
