"""kit/printing.py: the one HTML → PDF function (A4, page numbers, repeated table headers), the download's Chinese
file name, the fetcher that reads only the product's static files."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from landcycle.kit import printing
from landcycle.kit.printing import (
    BASE_URL,
    content_disposition,
    government_of,
    html_to_pdf,
    safe_filename,
    static_file,
)
from print_support import needs_pdf, page_texts, pdf_pages


def _long_table(rows: int) -> str:
    body = "".join(f"<tr><td>第{i}行</td><td>整改措施{i}</td></tr>" for i in range(1, rows + 1))
    return (
        '<html><head><link rel="stylesheet" href="/static/web/print.css"></head><body class="print-page">'
        '<table class="grid"><thead><tr><th>表头序号</th><th>表头措施</th></tr></thead>'
        f"<tbody>{body}</tbody></table></body></html>"
    )


def test_content_disposition_names_the_file_in_chinese_with_a_plain_fallback():
    cd = content_disposition("对账单_2026年11月上半月_新浦镇.pdf")
    assert cd.startswith('attachment; filename="document.pdf"; ')
    assert cd.endswith("filename*=UTF-8''" + quote("对账单_2026年11月上半月_新浦镇.pdf", safe=""))
    assert (
        content_disposition("report 2026.pdf")
        == "attachment; filename=\"report 2026.pdf\"; filename*=UTF-8''report%202026.pdf"
    )


def test_safe_filename_drops_what_file_systems_refuse():
    assert safe_filename('a/b\\c:d*e?"f<g>h|i') == "a_b_c_d_e__f_g_h_i"
    assert safe_filename("  ") == "document"


def test_government_of_a_region():
    assert government_of("新浦镇") == "新浦镇人民政府"
    assert government_of("浒山街道") == "浒山街道办事处"
    assert government_of("") == ""


def test_the_fetcher_reads_static_files_and_nothing_else():
    css = static_file(BASE_URL + "static/web/print.css")
    assert css is not None and b"@page" in css[0] and css[1] == "text/css"
    assert static_file("https://cdn.example.com/static/web/print.css") is None
    assert static_file(BASE_URL + "static/web/none.css") is None
    assert static_file("file:///etc/passwd") is None


@needs_pdf
def test_a_long_table_runs_over_pages_with_its_header_on_each():
    html = _long_table(120)
    data = html_to_pdf(html)
    assert data.startswith(b"%PDF")
    texts = page_texts(html)
    assert pdf_pages(data) == len(texts) >= 3
    for n, text in enumerate(texts, 1):
        assert "表头序号" in text, f"page {n} lost the table header"
        assert f"第{n}页共{len(texts)}页" in text.replace(" ", ""), f"page {n} has no page number"
    assert "第120行" in texts[-1] and "第1行" in texts[0]


@needs_pdf
def test_a_short_table_is_one_page():
    data = html_to_pdf(_long_table(5))
    assert data.startswith(b"%PDF") and pdf_pages(data) == 1


@pytest.mark.parametrize("url", ["https://example.com/x.png", "file:///etc/hostname", BASE_URL + "accounts/login/"])
@needs_pdf
def test_a_document_never_fetches_from_outside(url):
    fetcher = printing._fetcher_class()()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.fetch(BASE_URL + "static/web/print.css").status == 200
