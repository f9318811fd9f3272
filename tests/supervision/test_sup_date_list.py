"""One list of a contract's dates (rules.supervision.contract.DATE_FIELDS): the model, the contract form, the
service and the rows the rules read all follow it, so a date added in one place and forgotten in another fails
here."""

from __future__ import annotations

from django.db import models

from landcycle.rules.supervision import Contract as RuleContract
from landcycle.rules.supervision import Development
from landcycle.rules.supervision.contract import CONTRACT_DATES, DATE_FIELDS, STOPPED
from landcycle.rules.supervision.validate import LABELS
from landcycle.supervision.forms import ContractForm
from landcycle.supervision.models import Contract
from landcycle.supervision.services.contracts import CONTRACT_FIELDS


def test_the_model_has_exactly_the_contract_dates():
    dates = {f.name for f in Contract._meta.concrete_fields if isinstance(f, models.DateField)}
    assert dates == set(DATE_FIELDS)


def test_the_form_service_and_rules_take_every_date():
    assert set(DATE_FIELDS) <= set(ContractForm.base_fields)
    assert set(DATE_FIELDS) <= CONTRACT_FIELDS
    assert set(CONTRACT_DATES) <= set(RuleContract.__dataclass_fields__)
    assert STOPPED in Development.__dataclass_fields__
    assert set(DATE_FIELDS) <= set(LABELS)
