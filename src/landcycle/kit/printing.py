"""Official documents (公文、清单、告知书): one print page in HTML and the same page as an A4 PDF.

Every document the product prints goes through :func:`document_response`: the view builds a context, the
template extends ``web/print/base.html`` (title, 文号, date, issuing authority, signature and seal boxes, the
print CSS ``web/print.css``), and the reader gets either the HTML print page (the browser's print works) or, with
``?format=pdf``, the PDF rendered by WeasyPrint from the very same HTML (:func:`html_to_pdf`, the one function
that turns HTML into PDF). Page numbers "第 X 页 共 Y 页" and repeated table headers come from the CSS.

The document number (文号) is typed by the user in the small form above the page (:class:`DocumentForm`) and is
not stored: numbers are given by the issuing office's own register of outgoing documents (发文登记), which the
product does not replace. Left blank, the document prints ``〔年〕 号`` with room to write it by hand. Every
printout carries a system reference (kind, object, date) in its footer, so a paper copy can be traced back.

Nothing is fetched from the network while rendering: the URL fetcher serves the product's static files from the
staticfiles finders and refuses everything else.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# WeasyPrint resolves the page's relative URLs (/static/…) against this base; the fetcher maps it back.
BASE_URL = "http://landcycle.print/"
PDF_TYPE = "application/pdf"


class PrintUnavailable(RuntimeError):
    """WeasyPrint (or the Pango library it needs) cannot be loaded on this machine."""


@lru_cache(maxsize=1)
def _weasyprint() -> Any:
    try:
        import weasyprint  # noqa: PLC0415 -- loads Pango through cffi: only when a PDF is asked for
    except (ImportError, OSError) as exc:  # OSError: the shared library (Pango) is missing
        raise PrintUnavailable(str(exc)) from exc
    return weasyprint


def pdf_unavailable_reason() -> str:
    """Why PDFs cannot be made here ("" when they can): WeasyPrint or Pango missing."""
    try:
        _weasyprint()
    except PrintUnavailable as exc:
        return str(exc)
    return ""


def static_file(url: str) -> tuple[bytes, str] | None:
    """The bytes and type of a static file of the product named by an URL of the print page, else None."""
    parts = urlsplit(url)
    static = "/" + settings.STATIC_URL.strip("/") + "/"
    if parts.netloc != urlsplit(BASE_URL).netloc or not parts.path.startswith(static):
        return None
    found = finders.find(parts.path[len(static) :])
    if not found:
        return None
    path = found if isinstance(found, str) else found[0]
    with open(path, "rb") as fh:
        return fh.read(), mimetypes.guess_type(path)[0] or "application/octet-stream"


@lru_cache(maxsize=1)
def _fetcher_class() -> Any:
    wp = _weasyprint()

    class StaticOnlyFetcher(wp.URLFetcher):  # type: ignore[misc,name-defined]
        """The product's static files only (from the finders, so no collectstatic is needed); every other URL is
        refused, so a document never reaches the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            found = static_file(url)
            if found is None:
                raise ValueError(f"print: refused to fetch {url}")
            body, mime = found
            return wp.urls.URLFetcherResponse(url, body, {"Content-Type": mime})

    return StaticOnlyFetcher


def html_to_pdf(html: str) -> bytes:
    """The one HTML → PDF function of the product (WeasyPrint; A4, margins and page numbers from the page's CSS)."""
    wp = _weasyprint()
    return wp.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()()).write_pdf()


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` — the Chinese name for every browser that reads
    RFC 6266/5987, a plain fallback for the others."""
    stem, _dot, ext = filename.rpartition(".")
    ascii_stem = stem.encode("ascii", "ignore").decode().strip(" ._-").replace('"', "")
    if sum(ch.isalpha() for ch in ascii_stem) < 3:  # a Chinese name: its ASCII leftovers say nothing
        ascii_stem = "document"
    fallback = f"{ascii_stem}.{ext}" if _dot else ascii_stem
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def safe_filename(name: str) -> str:
    """A file name without characters that file systems or headers refuse."""
    bad = '\\/:*?"<>|\r\n\t'
    out = "".join("_" if ch in bad else ch for ch in name).strip(" .")
    return out[:150] or "document"


class DocumentForm(forms.Form):
    """The small form above a print page: what the office adds before it prints (nothing is stored)."""

    number = forms.CharField(
        label=_("文号"),
        max_length=60,
        required=False,
        help_text=_("按本单位发文登记填写，如 慈自然资〔2026〕12号；留空则打印空白文号，手工填写"),
    )
    date = forms.DateField(
        label=_("成文日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    authority = forms.CharField(label=_("发文机关"), max_length=100, required=False)


@dataclass
class Document:
    """What the base template needs to lay out one document."""

    kind: str  # a short code, printed in the system reference (RC-LIST, RC-ROUND, EV-NOTICE, IDLE-…)
    title: str
    object_ref: str  # what the document is about, for the system reference (an id, a number)
    filename: str  # without .pdf
    authority: str = ""
    number: str = ""
    date: dt.date | None = None
    draft: bool = False
    letterhead: bool = False  # 公文 with the authority's red header (notices); else a form title (lists)
    year: int = 0

    @property
    def reference(self) -> str:
        return f"{self.kind}-{self.object_ref}"


def read_form(request: HttpRequest, doc: Document) -> DocumentForm:
    """Fill the document's number, date and authority from the query string (defaults kept when blank or invalid);
    the form to show above the page, with the values the document uses."""
    if doc.date is None:
        doc.date = timezone.localdate()
    form = DocumentForm(request.GET or None, initial={"authority": doc.authority, "date": doc.date})
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        doc.number = d["number"].strip()
        doc.date = d["date"] or doc.date
        doc.authority = d["authority"].strip() or doc.authority
    if not doc.year:
        doc.year = doc.date.year
    # shown again with what the document uses (a blank or invalid date falls back to the default)
    return DocumentForm(initial={"number": doc.number, "date": doc.date, "authority": doc.authority})


def wants_pdf(request: HttpRequest) -> bool:
    return request.GET.get("format") == "pdf"


def document_response(
    request: HttpRequest, template: str, context: dict[str, Any], doc: Document, *, back: str = ""
) -> HttpResponse:
    """The print page (HTML) or, with ``?format=pdf``, its PDF as a download named after the document.

    The document itself is always in Chinese (an official paper); the form above it follows the reader."""
    form = read_form(request, doc)
    pdf = wants_pdf(request)
    ctx = {
        **context,
        "doc": doc,
        "pdf": pdf,
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    if not pdf:  # the form above the page, in the reader's language
        ctx["toolbar"] = render_to_string(
            "web/print/_toolbar.html", {"form": form, "doc": doc, "back": back, "keep": _kept(request, form)}
        )
    with translation.override("zh-hans"):
        html = render_to_string(template, ctx, request=request)
    if not pdf:
        return HttpResponse(html)
    resp = HttpResponse(html_to_pdf(html), content_type=PDF_TYPE)
    resp["Content-Disposition"] = content_disposition(safe_filename(doc.filename) + ".pdf")
    return resp


def _kept(request: HttpRequest, form: DocumentForm) -> list[tuple[str, str]]:
    """The page's own query parameters (a town, a list) carried through the form."""
    return [(k, v) for k, v in request.GET.items() if k not in form.fields and k != "format"]


def government_of(region_name: str) -> str:
    """The people's government (or sub-district office) of a region, by its name: 新浦镇 → 新浦镇人民政府,
    浒山街道 → 浒山街道办事处, 慈溪市 → 慈溪市人民政府. A default the user may change on the form."""
    if not region_name:
        return ""
    if region_name.endswith("街道"):
        return f"{region_name}办事处"
    return f"{region_name}人民政府"
