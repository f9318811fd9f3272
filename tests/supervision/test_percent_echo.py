"""Issue 13: a percentage typed on the contract form ("150 %") is echoed as typed ("150%"), not as the stored
share ("1.5"), in the problem that refuses it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import XINPU
from landcycle.rules.supervision.validate import percent_text
from landcycle.supervision.models import Contract

pytestmark = pytest.mark.django_db


def test_percent_text():
    assert percent_text(1.5) == "150%" and percent_text("0.125") == "12.5%" and percent_text(2) == "200%"


def test_a_share_over_100_percent_is_echoed_as_typed(client, supervision_data, personas):
    client.force_login(personas["admin"])
    d = supervision_data[XINPU]
    before = Contract.objects.count()
    resp = client.post(
        reverse("contract_create"),
        {
            "number": "HT-PCT-1",
            "kind": "grant",
            "parcels": d["parcels"][0].number,
            "holder_name": "宁波测试有限公司",
            "signed_on": "2025-05-01",
            "developed_area_share": "150 %",
        },
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and Contract.objects.count() == before
    [p] = resp.context["form"].problems["developed_area_share"]
    assert p.rule == "contract.share_range" and "150%" in p.zh and "1.5" not in p.zh and "150%" in html
