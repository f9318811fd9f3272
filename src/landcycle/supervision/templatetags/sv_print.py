"""``{% idle_print_links contract %}``: the 打印 / PDF buttons of the idle-land papers on a contract's page, shown only
when the contract has an open idle-land warning (and the fee decision only when a fee is due)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..selectors import fee_warning, idle_warnings

register = template.Library()


@register.simple_tag
def idle_print_links(contract):
    warnings = idle_warnings(contract)
    if not warnings:
        return ""
    url = reverse("contract_idle_notice", args=[contract.pk])
    links = [(url, "print-idle-finding", _("闲置土地认定书（草稿）打印 / PDF"))]
    if fee_warning(warnings) is not None:
        links.append((url + "?doc=fee", "print-idle-fee", _("征缴闲置费决定书（草稿）打印 / PDF")))
    return format_html_join("", '<a class="btn" href="{}" id="{}">{}</a>', links) or format_html("")
