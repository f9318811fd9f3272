"""What the print tests share: skip when WeasyPrint cannot load Pango, count a PDF's pages, read the text a
page of a rendered document holds."""

from __future__ import annotations

import re
import zlib

import pytest

from landcycle.kit.printing import pdf_unavailable_reason

WHY = pdf_unavailable_reason()
needs_pdf = pytest.mark.skipif(bool(WHY), reason=f"WeasyPrint cannot load Pango on this machine: {WHY}")


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF: its /Type /Page objects, also inside compressed object streams."""
    chunks = [data]
    # up to "endstream" with the end-of-line before it: a decompressor stops at the end of its own data (the
    # rest is its unused_data), so a stream whose last byte is a CR or LF is read whole
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            chunks.append(zlib.decompressobj().decompress(m.group(1)))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", c)) for c in chunks)


def page_texts(html: str) -> list[str]:
    """The text laid out on each page when WeasyPrint renders ``html`` (as kit.printing does)."""
    from landcycle.kit import printing  # noqa: PLC0415 -- WeasyPrint only when the test runs

    wp = printing._weasyprint()
    doc = wp.HTML(string=html, base_url=printing.BASE_URL, url_fetcher=printing._fetcher_class()()).render()
    out = []
    for page in doc.pages:
        texts = []

        def walk(box, texts=texts):
            if hasattr(box, "text") and isinstance(box.text, str):
                texts.append(box.text)
            for child in getattr(box, "children", []) or []:
                walk(child)

        walk(page._page_box)
        out.append("".join(texts))
    return out
