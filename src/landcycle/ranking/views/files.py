"""A run as the .xlsx a county circulates (名次、镇街、得分、各维度得分、名次变化) and as a printable A4 page (PDF
through WeasyPrint, kit.printing). Same access as the run's page."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse

from landcycle.kit.listing import file_response
from landcycle.kit.printing import Document, document_response, government_of
from landcycle.kit.sheets import header_format, workbook, write_header, write_row

from .. import selectors
from ..models import RankingRun
from .pages import table_rows


def _title(run: RankingRun) -> str:
    state = "" if run.state == RankingRun.State.PUBLISHED else f"（{run.get_state_display()}）"
    return f"{run.year}年第{run.quarter}季度镇街赛马排名{state}"


def ranking_xlsx(run: RankingRun, rows: list[dict[str, Any]], dims: list[str]) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf, in_memory=True)
    wb.set_properties({"title": _title(run), "comments": f"index {run.policy_version} ({run.policy_hash})"})
    head = header_format(wb)
    number = wb.add_format({"num_format": "0.00"})
    ws = wb.add_worksheet("赛马排名")
    header = ["名次", "镇街", "得分", *[f"{d}得分" for d in dims], "较上季度名次变化", "名次区间（5%–95%）"]
    write_header(ws, header, head, widths=[6, 16, 10, *[10] * len(dims), 14, 16])
    for i, x in enumerate(rows, start=1):
        r = x["r"]
        change = (
            ""
            if x["change"] is None
            else (f"↑{x['change']}" if x["change"] > 0 else (f"↓{-x['change']}" if x["change"] < 0 else "—"))
        )
        interval = "" if r.rank_low is None else f"{r.rank_low}–{r.rank_high}"
        values = [r.rank, r.town.name, r.score, *[d["value"] for d in x["dims"]], change, interval]
        write_row(ws, i, values, [None, None, number, *[number] * len(dims), None, None])
    note = len(rows) + 2
    ws.write(
        note,
        0,
        f"指数：{run.policy_version}（{run.policy_hash}）；名次区间为蒙特卡洛稳健性分析的5%–95%区间，"
        "区间重叠的镇街之间差异并不显著。",
    )
    wb.close()
    return buf.getvalue()


def export_xlsx(request, pk: int):
    run = selectors.access_run(request.user, pk)
    policy = selectors.policy_of(run)
    rows = table_rows(run, policy)
    return file_response(ranking_xlsx(run, rows, [d.name_zh for d in policy.dimensions]), _title(run), "xlsx")


def print_page(request, pk: int):
    run = selectors.access_run(request.user, pk)
    policy = selectors.policy_of(run)
    county = run.county
    doc = Document(
        kind="RK-TABLE",
        title=_title(run),
        object_ref=str(run.pk),
        filename=_title(run),
        authority=government_of(county.name),
        year=run.year,
        draft=run.state == RankingRun.State.DRAFT,
    )
    ctx = {"run": run, "rows": table_rows(run, policy), "dims": [d.name_zh for d in policy.dimensions]}
    return document_response(request, "ranking/print.html", ctx, doc, back=reverse("ranking_run", args=[run.pk]))
