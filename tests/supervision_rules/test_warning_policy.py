"""The shipped warning policy and what a county's edited copy may get wrong; ledger rows to contracts."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from fractions import Fraction
from importlib import resources

import pytest

from landcycle.rules.supervision import PolicyError, load_policy, parse_policy
from landcycle.rules.supervision.ledger_rows import SUPERVISED_LAND_SUPPLY, row_to_contract

POLICY = load_policy()


def shipped() -> dict:
    return tomllib.loads(resources.files("landcycle.policies").joinpath("warnings.toml").read_text("utf-8"))


def test_shipped_defaults_are_the_rules_of_domain_3_and_4():
    p = POLICY
    assert p.name == "warnings" and p.version == "2026.2" and len(p.hash) == 16
    assert (p.idle_land.idle_after_years, p.idle_land.take_back_after_years, p.idle_land.fee_share) == (
        1,
        2,
        Decimal("0.2"),
    )
    assert p.idle_land.stalled_area_share_below == Fraction(1, 3)
    assert p.idle_land.stalled_investment_share_below == Fraction(1, 4)
    assert p.idle_land.government_delay_colour == "yellow" and p.idle_land.leap_day == "feb28"
    assert (p.contract_dates.notice, p.contract_dates.grace) == (30, 90)
    assert (p.commitments.yellow_below, p.commitments.red_below) == (Decimal("1.0"), Decimal("0.8"))
    assert (p.progress.yellow_behind, p.progress.red_behind) == (10, 30)
    assert p.enterprise.red_classes == ("D",) and p.industrial_land_use == ("工业",)
    assert set(p.commitment_kinds) == {
        "investment_intensity",
        "plot_ratio",
        "tax_per_mu",
        "energy_per_value_added",
        "emissions_per_value_added",
        "rnd_share",
    }
    assert set(p.idle_land.causes) >= {"late_delivery", "plan_change", "force_majeure"}


def test_every_mistake_is_reported_at_once():
    data = shipped()
    data["idle_land"]["colour"] = "purple"
    data["idle_land"]["stalled_area_share_below"] = "a third"
    data["contract_dates"]["grace_days"] = -1
    data["commitments"]["red_below"] = 1.2
    data["calendar"]["holidays"] = ["2027-13-01"]
    with pytest.raises(PolicyError) as exc:
        parse_policy(data)
    fields = {p.field for p in exc.value.problems}
    assert fields == {
        "idle_land.colour",
        "idle_land.stalled_area_share_below",
        "contract_dates.grace_days",
        "calendar.holidays",
        "commitments.red_below",
    }
    assert all(p.zh.startswith("预警规则“") and p.en.startswith("warning policy '") for p in exc.value.problems)


def test_a_policy_file_that_is_not_toml(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("version = ", "utf-8")
    with pytest.raises(PolicyError) as exc:
        load_policy(bad)
    assert exc.value.problems[0].rule == "policy.syntax"


def test_row_to_contract_reads_extensions_delays_and_commitments():
    row = {
        "_row": 5,
        "contract_number": "CX-9",
        "holder": "某公司",
        "supply_type": "lease",
        "price": Decimal(10),
        "contract_date": dt.date(2020, 1, 1),
        "agreed_start": dt.date(2020, 6, 1),
        "agreed_completion": dt.date(2022, 6, 1),
        "extended_completion": dt.date(2023, 6, 1),
        "government_delay": "自然灾害等不可抗力",
        "government_delay_evidence": "气象局证明",
        "plot_ratio_lower": Decimal("1.2"),
        "measured_plot_ratio": Decimal("1.1"),
        "committed_tax_per_mu": Decimal(30),
    }
    fields = set(row) - {"_row"}
    c = row_to_contract(row, POLICY, fields)
    assert c.kind == "lease" and c.agreed("completion") == dt.date(2023, 6, 1) and c.extended("completion")
    assert c.government_delays[0].cause == "force_majeure"
    # plot ratio: committed = the contract's lower limit, measured column present; tax per mu has no measured column
    assert [(m.kind, m.committed, m.measured) for m in c.commitments] == [
        ("plot_ratio", Decimal("1.2"), Decimal("1.1"))
    ]
    assert SUPERVISED_LAND_SUPPLY.name == "land_supply"  # every land-supply mapping still applies
