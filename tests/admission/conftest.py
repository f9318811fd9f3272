"""Fixtures of the admission tests: a draft in 新浦镇's industrial park."""

from __future__ import annotations

import pytest
from admission_data import GOOD, XINPU


@pytest.fixture
def xinpu(registry_data):
    return registry_data[XINPU]


@pytest.fixture
def draft(xinpu, personas):
    from landcycle.admission.services.applications import application_register

    return application_register(actor=personas["xinpu"], number="ZR-2026-001", park=xinpu["park"], **GOOD)
