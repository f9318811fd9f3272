"""Blank ledger templates (台账模板): the headers the importer reads, dropdowns for every enumeration, a
frozen header, text-formatted code columns, and a 说明 sheet saying what each column takes. A filled
template imports without a mapping."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from landcycle.accounts.scope import scoped
from landcycle.kit.sheets import HEADER, header_format, workbook, write_cell
from landcycle.registry.models import Region

from .export import cell_formats
from .kinds import Kind, enum_label, get_kind

TEMPLATE_ROWS = 5000  # rows that get the dropdowns and column formats
KIND_ZH = {
    "text": "文字",
    "code": "代码（文本）",
    "int": "整数",
    "decimal": "数值",
    "date": "日期",
    "enum": "选项",
    "bool": "是/否",
}
NOTES = {
    "uscc": "18位统一社会信用代码（GB 32100-2015），字母大写；单元格为文本格式，请勿改为数字",
    "lessor": "租赁时填写出租方的统一社会信用代码；自有用地留空",
    "town": "镇街全称（如新浦镇）或9位统计用区划代码（如330282112）；镇街经办人可留空，默认本镇街",
    "industry_code": "GB/T 4754-2017 行业小类4位代码（如3851），可带门类字母（C3851）",
    "code": "唯一编号，重复导入时按此更新",
    "number": "唯一编号，重复导入时按此更新",
    "park": "已登记园区的园区编号",
    "parcel": "已登记地块的地块编号",
    "year": "4位年份，如2025",
    "end": "仍在使用的留空",
    "enterprise_name": "仅供核对，不导入",
    "name": "",
}
KIND_NOTES = {
    "contracts": {  # 供地合同
        "contract_number": "唯一编号，重复导入时按此更新；为空时用“来源标识”列",
        "parcel_number": "已登记地块的地块编号，多个用“、”分隔；没有地块的合同留空，按“所属镇街”登记",
        "holder": "受让人或承租人全称",
        "holder_uscc": "受让人已在企业台账登记时填写其统一社会信用代码；未登记的留空，只填“土地使用权人”",
        "land_use": "含“工业”的才导入（如工业用地），其他用途的行跳过",
        "term_years": "年数，如50",
        "developed_area_share": "0到1之间的小数，或百分数（如35%）",
        "investment_share": "0到1之间的小数，或百分数（如25%）",
        "government_delay": "《闲置土地处置办法》第八条所列原因：未按约定交地、规划修改、政策调整、军事管制或文物保护、"
        "自然灾害等不可抗力、政府或有关部门的行为",
        "government_delay_evidence": "填写政府原因时必填：佐证材料（文件名称、文号）",
        "extended_start": "批准延期后的新日期，须晚于原约定日期",
        "extended_completion": "批准延期后的新日期，须晚于原约定日期",
        "extended_production": "批准延期后的新日期，须晚于原约定日期",
        "plot_ratio_lower": "承诺的最低容积率（标准地“5+X”指标）",
    }
}
GENERAL = [
    "第一行为表头，请勿修改表头文字；从第二行起每行一条记录，可删除或留空多余的行。",
    "橙色表头为必填列；蓝色表头为选填列，留空表示“无”（不是0）。",
    "数值按表头括号中的单位填写（如“面积（平方米）”填平方米数）；不要在数字后写单位。",
    "日期写作 2019-11-13；选项列请从下拉列表中选择。",
    "再次导入同一文件不会重复登记：按唯一编号（代码）新增或更新，内容相同的行保持不变。",
]


def ledger_template(kind: str, *, user=None) -> bytes:
    """An .xlsx template for the ledger. With ``user``, the town column offers the towns in their scope."""
    k = get_kind(kind)
    if not k.exportable:
        raise ValueError(f"the {kind} ledger has no template (it is read from GIS software)")
    buf = io.BytesIO()
    wb = workbook(buf)
    ws = wb.add_worksheet(k.schema.title_zh[:31])
    formats = cell_formats(wb, k)
    heads = {True: header_format(wb, True), False: header_format(wb, False)}
    towns = _town_list(wb, user) if user is not None and any(c.field == "town" for c in k.columns) else None
    for c, column in enumerate(k.columns):
        spec = k.spec(column)
        ws.set_column(c, c, column.width, formats[c])
        ws.write_string(0, c, k.header(column), heads[spec.required])
        ws.write_comment(0, c, _help(k, column), {"x_scale": 2, "y_scale": 1.5})
        if spec.kind == "enum":
            labels = list(spec.enum_labels)
            ws.data_validation(
                1,
                c,
                TEMPLATE_ROWS,
                c,
                {
                    "validate": "list",
                    "source": labels,
                    "input_title": spec.title[:32],
                    "input_message": ("可选：" + "、".join(labels))[:255],
                    "error_title": "不是可选值",
                    "error_message": ("请从下拉列表中选择：" + "、".join(labels))[:255],
                },
            )
        elif towns is not None and column.field == "town":
            ws.data_validation(
                1,
                c,
                TEMPLATE_ROWS,
                c,
                {
                    "validate": "list",
                    "source": towns,
                    "error_type": "warning",
                    "input_message": "选择镇街，或填写9位区划代码",
                },
            )
    ws.set_row(0, 30)
    ws.freeze_panes(1, 0)
    _instructions(wb, k, formats)
    wb.close()
    return buf.getvalue()


def _help(k: Kind, column) -> str:
    spec = k.spec(column)
    parts = ["必填 / required" if spec.required else "选填 / optional"]
    if spec.unit:
        parts.append(f"单位：{spec.unit}")
    if spec.kind == "enum":
        parts.append("可选：" + "、".join(spec.enum_labels))
    note = _note(k, column.field)
    if note:
        parts.append(note)
    return "\n".join(parts)


def _note(k: Kind, field: str) -> str:
    return KIND_NOTES.get(k.name, {}).get(field) or NOTES.get(field, "")


def _town_list(wb, user) -> str | None:
    names = list(scoped(Region.objects.filter(level=Region.Level.TOWN), user).values_list("name", flat=True))
    if not names:
        return None
    sheet = wb.add_worksheet("选项")
    for i, name in enumerate(names):
        sheet.write_string(i, 0, name)
    sheet.hide()
    return f"=选项!$A$1:$A${len(names)}"


def _example(k: Kind, column):
    spec = k.spec(column)
    value = column.example
    if value in (None, ""):
        return None
    if spec.kind == "enum":
        return enum_label(spec, value)
    if spec.kind == "decimal":
        return Decimal(str(value))
    if spec.kind == "date":
        return dt.date.fromisoformat(value)
    return value


def _instructions(wb, k: Kind, formats) -> None:
    ws = wb.add_worksheet("说明")
    title = wb.add_format({"bold": True, "font_size": 14})
    bold = wb.add_format(HEADER)
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    ws.write_string(0, 0, f"{k.schema.title_zh}填写说明 / How to fill in the {k.schema.title_en} ledger", title)
    for i, line in enumerate(GENERAL, 1):
        ws.write_string(i, 0, f"{i}. {line}")
    r = len(GENERAL) + 2
    for c, (text, width) in enumerate(
        [("列名", 24), ("必填", 6), ("单位", 10), ("类型", 12), ("可选值", 36), ("示例", 22), ("说明", 50)]
    ):
        ws.write_string(r, c, text, bold)
        ws.set_column(c, c, width)
    for column in k.columns:
        r += 1
        spec = k.spec(column)
        example = _example(k, column)
        ws.write_string(r, 0, k.header(column), wrap)
        ws.write_string(r, 1, "是" if spec.required else "否", wrap)
        ws.write_string(r, 2, spec.unit or "", wrap)
        ws.write_string(r, 3, KIND_ZH.get(spec.kind, spec.kind), wrap)
        ws.write_string(r, 4, "、".join(spec.enum_labels) if spec.kind == "enum" else "", wrap)
        ws.write_string(r, 5, "" if example is None else str(example), wrap)
        ws.write_string(r, 6, _note(k, column.field), wrap)
    r += 2
    ws.write_string(
        r,
        0,
        "示例行（填写在第一个工作表中，本表不导入） / an example row (fill in the first sheet; this "
        "sheet is not imported)",
        wb.add_format({"bold": True}),
    )
    r += 1
    for c, column in enumerate(k.columns):
        ws.write_string(r, c, k.header(column), bold)
        write_cell(ws, r + 1, c, _example(k, column), formats[c])
