"""Issue 13: the audit page speaks a clerk's words — an action's Chinese label, a stored choice (``check``) by
its label, division codes (``["330282109"]``) and the entry's region by the names of their regions, a
reference (an id) by the object it names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from landcycle.audit.services import audit_record
from landcycle.rectification.models import Inspection
from landcycle.web.audit_views import action_label

XINPU, QIAOTOU = "330282112", "330282109"

pytestmark = pytest.mark.django_db


def test_stored_codes_are_shown_by_name(client, personas, registry_data):
    admin = personas["admin"]
    park = registry_data[XINPU]["park"]
    audit_record(
        actor=admin,
        action="inspection.create",
        object_type="rectification.inspection",
        object_id="1",
        object_repr="监督检查",
        region_code=QIAOTOU,
        after={"kind": "check", "regions": [QIAOTOU, XINPU], "recorded_by": admin.pk, "title": "检查"},
    )
    audit_record(
        actor=admin,
        action="park.update",
        obj=park,
        region_code=XINPU,
        before={"kind": "micro"},
        after={"kind": "industrial"},
    )
    client.force_login(admin)
    html = client.get(reverse("audit_list")).content.decode()
    entries = {e.action: e for e in client.get(reverse("audit_list")).context["page_obj"].object_list}
    inspection = {d["field"]: d["after"] for d in entries["inspection.create"].diff}
    assert inspection[str(Inspection._meta.get_field("kind").verbose_name)] == str(
        dict(Inspection._meta.get_field("kind").flatchoices)["check"]
    )
    assert inspection[str(Inspection._meta.get_field("regions").verbose_name)] == "桥头镇、新浦镇"
    assert inspection[str(Inspection._meta.get_field("recorded_by").verbose_name)] == str(admin)
    assert entries["inspection.create"].region_name == "桥头镇"
    assert action_label("inspection.create") == "登记巡视巡察" and action_label("task.progress") == "报告整改进展"
    table = html[html.index('<table class="data">') :]  # the rows (the filter bar's options carry codes)
    assert "[&quot;330282109" not in table and ">330282109<" not in table and ">check<" not in table
    assert "登记巡视巡察" in table and "inspection.create" not in table
