"""The workbook of ``landcycle admit``: one sheet of applications with their verdict, one of every rule checked,
one of the problems that kept rows from being checked. Written through kit.sheets (no Django)."""

from __future__ import annotations

import io
from typing import Any

from landcycle.kit.sheets import header_format, workbook, write_header, write_row

APP_HEADER = [
    "行号",
    "申请编号",
    "项目名称",
    "园区编号",
    "园区类型",
    "审查结论",
    "不符合或未提供的规则",
    "无法审查的原因",
]
RULE_HEADER = [
    "行号",
    "申请编号",
    "项目名称",
    "规则",
    "数值",
    "下限",
    "上限",
    "单位",
    "结论",
    "说明",
    "依据",
    "规则层级",
]
PROBLEM_HEADER = ["工作表", "行号", "列", "值", "规则", "问题"]


def _verdict(a: dict[str, Any]) -> str:
    if not a["checked"]:
        return "无法审查"
    return "符合准入条件" if a["passed"] else "不符合准入条件"


def admitted_xlsx(d: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf, in_memory=True)
    wb.set_properties({"title": "项目准入审查结果", "comments": f"entry rules {d['policy']['version']}"})
    head = header_format(wb)
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet("审查结论")
    write_header(ws, APP_HEADER, head, widths=[6, 14, 24, 12, 12, 16, 30, 40])
    for i, a in enumerate(d["applications"], start=1):
        names = {r["rule"]: r["name_zh"] for r in a["rules"]}
        failed = "、".join(names[k] for k in a["failed_rules"])
        why = "；".join(p["zh"] for p in a["problems"])
        write_row(
            ws,
            i,
            [a["row"], a["number"], a["project"], a["park"], a["park_kind"], _verdict(a), failed, why],
            [wrap] * 8,
        )
    rs = wb.add_worksheet("逐条审查")
    write_header(rs, RULE_HEADER, head, widths=[6, 14, 24, 20, 10, 10, 10, 12, 8, 60, 40, 14])
    r = 1
    for a in d["applications"]:
        for x in a["rules"]:
            write_row(
                rs,
                r,
                [
                    a["row"],
                    a["number"],
                    a["project"],
                    x["name_zh"],
                    x["value"],
                    x["min"],
                    x["max"],
                    x["unit"],
                    x["status_zh"],
                    x["reason_zh"],
                    x["source"],
                    x["layer"],
                ],
            )
            r += 1
    ps = wb.add_worksheet("问题")
    write_header(ps, PROBLEM_HEADER, head, widths=[12, 6, 20, 16, 24, 60])
    for i, p in enumerate(d["problems"], start=1):
        write_row(ps, i, [p["sheet"], p["row"], p["column"], p["value"], p["rule"], p["zh"]])
    wb.close()
    return buf.getvalue()
