"""Figures of applications in 新浦镇's industrial park (registry_data): one that passes the shipped default rules."""

from __future__ import annotations

import datetime as dt

import pytest

XINPU = "330282112"

DAY = dt.date(2026, 3, 2)

GOOD = {
    "project": "年产50万台智能家电项目",
    "applicant_name": "慈溪市新浦智能家电有限公司",
    "industry_code": "3851",
    "land_mu": "20",
    "total_investment": "5000",
    "fixed_investment": "4000",
    "revenue": "6000",
    "tax": "200",
    "value_added": "3000",
    "energy_tce": "1000",
    "emissions_t": "2",
    "rd_expense": "180",
    "staff": "120",
    "plot_ratio": "1.5",
    "building_density": "40",
    "green_share": "15",
    "office_share": "5",
    "planned_delivery": "2026-05-01",
    "planned_start": "2026-08-01",
    "planned_completion": "2027-12-31",
    "planned_production": "2028-12-31",
}


# fixtures, imported by the test modules (a conftest.py here would shadow tests/conftest.py, which other test
# modules import as "conftest")
@pytest.fixture
def xinpu(registry_data):
    return registry_data[XINPU]


@pytest.fixture
def draft(xinpu, personas):
    from landcycle.admission.services.applications import application_register

    return application_register(actor=personas["xinpu"], number="ZR-2026-001", park=xinpu["park"], **GOOD)
