"""The workbook of ``landcycle rank``, in the layout a county circulates: one sheet of the ranking (rank, unit,
score, rank interval, dimension scores), one of every indicator's value and normalised value, one of the method
(policy, defaults used, sensitivity), one of the problems. Written through kit.sheets (no Django)."""

from __future__ import annotations

import io
from typing import Any

from landcycle.kit.sheets import header_format, workbook, write_header, write_row

PROBLEM_HEADER = ["工作表", "行号", "列", "值", "规则", "问题"]
SENSITIVITY = {
    "normalisation": "标准化方法",
    "aggregation": "合成方法",
    "imputation": "缺失值插补",
    "weights": "权重",
}


def _interval(u: dict[str, Any]) -> str:
    return "" if u["rank_low"] is None else f"{u['rank_low']}–{u['rank_high']}"


def ranked_xlsx(d: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf, in_memory=True)
    method = d["method"]
    policy = method["policy"]
    wb.set_properties({"title": "综合指数排名", "comments": f"index {policy['version'] if policy else 'default'}"})
    head = header_format(wb)
    number = wb.add_format({"num_format": "0.00"})
    units = d["units"]
    dims = [x["name_zh"] for x in method["dimensions"]]
    ws = wb.add_worksheet("排名")
    header = [
        "名次",
        "单位",
        "得分",
        "名次区间（5%–95%）",
        "名次中位数",
        *[f"{n}得分" for n in dims],
        "与之无显著差异的单位",
    ]
    write_header(ws, header, head, widths=[6, 16, 10, 16, 10, *[10] * len(dims), 40])
    for i, u in enumerate(units, start=1):
        values = [
            u["rank"],
            u["unit"],
            u["score"],
            _interval(u),
            u["rank_median"],
            *[u["dimensions"][n] for n in dims],
            "、".join(u["not_different_from"]),
        ]
        write_row(ws, i, values, [None, None, number, None, None, *[number] * len(dims), None])
    names = [x["name"] for x in method["indicators"]]
    vs = wb.add_worksheet("指标")
    top = ["名次", "单位"]
    for n in names:
        top += [f"{n}（原值）", f"{n}（标准化）"]
    write_header(vs, [*top, "提升一个名次所需（单一指标）"], head, widths=[6, 16, *[14] * (2 * len(names)), 40])
    for i, u in enumerate(units, start=1):
        row: list[Any] = [u["rank"], u["unit"]]
        for n in names:
            row += [u["indicators"][n]["value"], u["indicators"][n]["normalised"]]
        g = u.get("gain_a_place")
        row.append("" if g is None else f"{g['indicator']}：{g['value']} → {g['needed']}")
        write_row(vs, i, row)
    ms = wb.add_worksheet("方法")
    write_header(ms, ["项目", "内容"], head, widths=[24, 90])
    lines: list[tuple[str, Any]] = [
        ("指数", policy["title_zh"] if policy else "默认综合指数（未提供指数设置）"),
        ("版本", f"{policy['version']}（{policy['hash']}）" if policy else "default"),
        *[("默认设置", x["zh"]) for x in method["defaults"]],
        ("标准化", method["normalise"]),
        ("权重", method["weights"]),
        ("合成（指标→维度）", method["aggregate"]["indicators"]),
        ("合成（维度→指数）", method["aggregate"]["dimensions"]),
        ("异常值处理", method["treat"]["method"]),
        ("蒙特卡洛次数", method["monte_carlo"]["runs"]),
        ("权重扰动范围", f"±{method['monte_carlo']['weight_range']:.0%}"),
        *[(f"名次方差占比：{SENSITIVITY[k]}", f"{v:.1%}") for k, v in method["sensitivity"].items()],
    ]
    for ind in method["indicators"]:
        lines.append(
            (f"指标：{ind['name']}", f"方向 {ind['direction']:+d}，权重 {ind['weight']}，来源：{ind['source']}")
        )
    for i, (k, v) in enumerate(lines, start=1):
        write_row(ms, i, [k, v])
    ps = wb.add_worksheet("问题")
    write_header(ps, PROBLEM_HEADER, head, widths=[12, 6, 20, 16, 24, 60])
    for i, p in enumerate(d["problems"], start=1):
        write_row(ps, i, [p["sheet"], p["row"], p["column"], p["value"], p["rule"], p["zh"]])
    wb.close()
    return buf.getvalue()
