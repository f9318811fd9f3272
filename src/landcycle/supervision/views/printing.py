"""Idle-land papers for a contract that supervision found idle (闲置土地, 《闲置土地处置办法》国土资源部令第53号),
as print pages and PDFs (kit/printing.py), both DRAFTS (草稿) for the land officer to check and complete:

- ``?doc=finding`` (default) 闲置土地认定书: the contract and parcels, the facts (the open idle-land warnings with
  their reasons and figures), the government causes on record (Art. 8), the conclusion (Art. 2) and what follows
  (Art. 14: the fee after ``idle_after_years``, take-back after ``take_back_after_years`` — the policy's numbers);
- ``?doc=fee`` 征缴土地闲置费决定书: only when a fee is due (an open, non-exempt idle warning with a fee).

A contract without an open idle-land warning has no such paper: 404, as for a contract outside the reader's scope.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.urls import reverse

from landcycle.accounts.scope import access
from landcycle.kit.printing import Document, document_response
from landcycle.registry.models import Parcel, Region
from landcycle.rules.supervision.findings import money, pct
from landcycle.rules.supervision.idle import government_causes

from ..convert import policy_of, rule_contract
from ..models import Contract
from ..selectors import fee_warning, idle_warnings

DOCS = {"finding": ("IDLE-FINDING", "闲置土地认定书"), "fee": ("IDLE-FEE", "征缴土地闲置费决定书")}
# the same price words as the rules (rules/supervision/contract.py PRICE_ZH) for the kinds that pay a fee
CONTRACT_WORDS = {
    "grant": "国有建设用地使用权出让合同",
    "standard": "国有建设用地使用权出让合同（标准地）",
    "allocation": "国有建设用地划拨决定书",
    "lease": "国有建设用地使用权租赁合同",
}


def _county_of(town) -> str:
    region = town
    while region is not None and region.level != Region.Level.COUNTY and region.parent_id:
        region = region.parent
    return region.name if region is not None else ""


def _share_text(share: Decimal) -> str:
    return pct(share, 0) if (share * 100) == (share * 100).to_integral_value() else pct(share)


def contract_idle_notice(request, pk):
    c = access(Contract.objects.select_related("town", "holder"), request.user, pk=pk)
    warnings = idle_warnings(c)
    if not warnings:
        raise Http404
    which = request.GET.get("doc", "finding")
    if which not in DOCS:
        raise Http404
    fee = fee_warning(warnings)
    if which == "fee" and fee is None:
        raise Http404
    rules = policy_of(c)  # the contract's county's warning policy (本县政策)
    rule = rules.idle_land
    causes = [zh for zh, _en in government_causes(rule_contract(c), rules)]
    kind, title = DOCS[which]
    county = _county_of(c.town)
    checked = max(w.checked_on for w in warnings)
    doc = Document(
        kind=kind,
        title=title,
        object_ref=f"{c.pk}",
        filename=f"{title}（草稿）_{c.holder_name}_{c.number}",
        authority=f"{county}自然资源和规划局" if county else "",
        draft=True,
        letterhead=True,
    )
    ctx = {
        "c": c,
        "which": which,
        "warnings": [fee] if which == "fee" else warnings,
        "fee_warning": fee,
        "take_back": any(w.take_back and not w.exempt for w in warnings),
        "exempt": all(w.exempt for w in warnings),
        "causes": causes,
        "checked": checked,
        "parcels": list(Parcel.objects.filter(contract_links__contract=c).select_related("park").defer("geometry")),
        "contract_word": CONTRACT_WORDS.get(c.kind, "供地合同"),
        "rule": rule,
        "fee_share": _share_text(rule.fee_share),
        "price": money(c.price_wan) if c.price_wan is not None else None,
        "county": county,
        "figures": fee.figures if fee else warnings[0].figures,
        "boxes": [
            {"unit": "承办单位（盖章）", "lines": ["经办人（签字）", "审核人（签字）"], "seal": True},
            {"unit": "国有建设用地使用权人签收", "lines": ["签收人（签字）", "送达方式"], "seal": True},
        ],
    }
    return document_response(
        request, "supervision/print/idle.html", ctx, doc, back=reverse("contract_detail", args=[c.pk])
    )
