"""Issue 13: the policy page shows the policy as tables a clerk reads (indicators, weights, caps, benchmarks,
class bands, vetoes, sources) — no TOML text and no hash on the page, the file downloadable for experts; the
run pages keep the hash only under 技术信息."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import XINPU
from landcycle.evaluation.models import PolicyVersion
from landcycle.evaluation.policy import shipped_policy_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin", "xinpu", "leader"])
def test_the_policy_is_a_readable_table_and_the_file_a_download(client, personas, evaluation_data, who):
    version = evaluation_data[XINPU]["policy_version"]
    client.force_login(personas[who])
    html = client.get(reverse("evaluation_policy_detail", args=[version.pk])).content.decode()
    for words in ("亩均税收", "实缴税收 ÷ 用地面积", "30", "本组当年平均", "优先发展类", "组内排名 20%", "一票否决"):
        assert words in html, words
    assert "黄岩区" in html and "淮安市" in html  # where the shipped numbers come from
    assert "[[groups]]" not in html and "numerator" not in html and "ev-toml" not in html
    head = html[: html.index("技术信息")]
    assert version.hash not in head  # the hash only in the folded technical details
    url = reverse("evaluation_policy_file", args=[version.pk])
    assert url in html
    download = client.get(url)
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert download.content.decode() == version.toml


def test_run_pages_keep_the_hash_out_of_sight(client, personas, evaluation_data):
    run = evaluation_data[XINPU]["run"]
    client.force_login(personas["admin"])
    listed = client.get(reverse("evaluation_runs")).content.decode()
    assert run.policy_hash not in listed
    results = client.get(reverse("evaluation_run_results", args=[run.pk])).content.decode()
    assert run.policy_hash not in results
    detail = client.get(reverse("evaluation_run_detail", args=[run.pk])).content.decode()
    assert (
        run.policy_hash in detail[detail.index("技术信息") :]
        and run.policy_hash not in detail[: detail.index("技术信息")]
    )


def test_a_countys_own_version_names_no_shipped_sources(client, personas, evaluation_data):
    text = shipped_policy_text().replace("weight = 30", "weight = 35", 1).replace("weight = 20", "weight = 15", 1)
    own = PolicyVersion.objects.create(name="evaluation", version="2026.9", hash="0123456789abcdef", toml=text)
    client.force_login(personas["admin"])
    page = client.get(reverse("evaluation_policy_detail", args=[own.pk]))
    html = page.content.decode()
    assert page.context["tables"].groups[0]["indicators"][0]["weight"] == "35"
    assert "黄岩区" not in html and "未登记依据文件" in html
