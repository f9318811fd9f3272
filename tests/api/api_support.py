"""The API's fixtures: every object of both towns (registry, contracts and warnings, a published run, rectification,
a draft application of each town) and a client that sends a token."""

from __future__ import annotations

import pytest

from conftest import QIAOTOU, XINPU

PERSONAS = ("admin", "analyst", "supervisor", "leader", "xinpu", "qiaotou")
OWN_TOWN = {"xinpu": XINPU, "qiaotou": QIAOTOU}
OTHER = {XINPU: QIAOTOU, QIAOTOU: XINPU}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(registry_data, supervision_data, evaluation_data, rectification_data, personas):
    """Both towns' objects; each town also has a draft application registered by its officer."""
    from landcycle.admission.services.applications import application_register

    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        d = registry_data[code]
        d["application"] = application_register(
            actor=personas[who],
            number=f"ZR-{code}",
            park=d["park"],
            project=f"{d['town'].name}新项目",
            applicant_name="新设企业",
            industry_code="3851",
            land_mu="10",
        )
    return registry_data


def leak_markers(d) -> list[str]:
    """Strings only that town's objects carry."""
    return [
        d["owner"].uscc,
        d["owner"].name,
        d["tenant"].uscc,
        d["parcels"][0].number,
        d["parcels"][1].number,
        d["park"].code,
        d["contract"].number,
        d["task"].title,
        d["inspection"].title,
        d["application"].number,
    ]


def token_for(user, name="test", days=30):
    from landcycle.api.services import token_create

    return token_create(actor=user, user=user, name=name, days=days)[1]


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}
