"""Issue 13: a warning rule is shown by its name (竣工逾期), never by its code (``completion.overdue``). The names
live with the rules (rules/supervision/names.py), in both languages; pages pick the reader's."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from landcycle.rules.supervision import names
from landcycle.rules.supervision.names import RULE_NAMES, rule_name
from landcycle.supervision.labels import rule_label

RULES = Path(names.__file__).parent
WARNING_RULE = re.compile(r'"((?:idle|start|completion|production|progress|enterprise|lease)\.[a-z_]+)"')


def test_every_warning_rule_the_rules_raise_has_a_name():
    raised = {m for path in RULES.glob("*.py") for m in WARNING_RULE.findall(path.read_text(encoding="utf-8"))}
    raised -= {"progress.red_behind_points"}  # a policy key, not a rule
    assert raised and raised <= set(RULE_NAMES), sorted(raised - set(RULE_NAMES))
    assert "contract.not_judged" in RULE_NAMES


def test_names_in_both_languages_and_commitments_by_their_kind():
    assert rule_name("completion.overdue") == ("竣工逾期", "Completion overdue")
    kinds = {"tax_per_mu": SimpleNamespace(zh="亩均税收", en="tax per mu")}
    assert rule_name("commitment.tax_per_mu", kinds) == ("承诺指标：亩均税收", "Commitment: tax per mu")
    assert rule_name("county.own_rule") == ("county.own_rule", "county.own_rule")


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "竣工逾期"), ("en", "Completion overdue")])
def test_pages_show_the_name_in_the_readers_language(language, expected):
    with translation.override(language):
        assert rule_label("completion.overdue") == expected
