"""Fixtures of the exits tests: a vacating case on 新浦镇's first parcel (its owner and a tenant)."""

from __future__ import annotations

import datetime as dt

import pytest

XINPU, QIAOTOU = "330282112", "330282109"
OPENED = dt.date(2026, 3, 1)


@pytest.fixture
def xp(registry_data):
    return registry_data[XINPU]


@pytest.fixture
def case(xp, personas):
    from landcycle.exits.services.cases import open_case

    return open_case(
        personas["xinpu"],
        ground="lease_ended",
        town=xp["town"],
        enterprises=[xp["tenant"]],
        parcels=[xp["parcels"][0]],
        responsible_unit="新浦镇经发办",
        responsible_person="王建",
        planned_start=OPENED,
        deadline=dt.date(2026, 12, 31),
        reason="租约到期未腾退",
        opened_on=OPENED,
    )
