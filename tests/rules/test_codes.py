import pytest
from hypothesis import given
from hypothesis import strategies as st

from landcycle.rules.codes import (
    USCC_ALPHABET,
    divisions,
    industry_class,
    industry_lineage,
    industry_problems,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    uscc_check_char,
    uscc_problems,
)

REAL = ["914403001922038216", "91110000710926094P", "91310000631696382C"]  # DOMAIN.md §7


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code):
    assert uscc_problems(code) == []


@pytest.mark.parametrize("code", REAL)
def test_lower_case_and_full_width_are_normalised(code):
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code.lower())
    assert normalize_uscc(f" {wide} ") == code
    assert is_valid_uscc(wide)


@pytest.mark.parametrize("code", REAL)
def test_every_single_substitution_is_caught(code):
    # GB 32100's mod-31 check catches every change of one character
    for i in range(18):
        for c in USCC_ALPHABET:
            if c == code[i]:
                continue
            bad = code[:i] + c + code[i + 1 :]
            if i >= 2 and i < 8 and not c.isdigit():
                continue  # caught by the division rule instead; checked below
            assert not is_valid_uscc(bad), bad


def test_messages_name_the_rule_in_both_languages():
    (p,) = uscc_problems("914403001922038217")
    assert p.rule == "uscc.check" and "校验位" in p.zh and "check character" in p.en and "'6'" in p.en
    (p,) = uscc_problems("91440300192203821")
    assert p.rule == "uscc.length" and "17" in p.zh
    (p,) = uscc_problems("91440300192203821O")
    assert p.rule == "uscc.alphabet" and "O" in p.zh
    (p,) = uscc_problems("9144AB00192203821X")
    assert p.rule == "uscc.division"


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
def test_made_codes_are_valid(org8):
    code = make_uscc("91", "330282", org8)
    assert len(code) == 18 and is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]


def test_industry_classes_and_derived_group():
    assert industry_class("3311").name == "金属结构制造"
    assert industry_class("33") is None and industry_class("9999") is None
    lineage = industry_lineage("3851")
    assert [i.level for i in lineage] == [1, 2, 3, 4]
    assert lineage[0].code == "C" and lineage[1].code == "38" and lineage[2].code == "385"
    assert industry_problems("3311.0") == []  # spreadsheets' float
    (p,) = industry_problems("9999")
    assert p.rule == "industry.unknown" and "GB/T 4754-2017" in p.en


def test_group_missing_from_the_list_is_derived_from_the_class():
    from landcycle.rules.codes import industries

    table = industries()
    missing = [c for c in table.values() if c.level == 4 and c.code[:3] not in table]
    assert missing, "the shipped list lacks some groups (DOMAIN §7)"
    lineage = industry_lineage(missing[0].code)
    assert lineage[2].code == missing[0].code[:3]


def test_divisions_of_cixi():
    tree = divisions("330282")
    towns = {d.code: d.name for d in tree if d.level == "town"}
    assert towns["330282112"] == "新浦镇" and towns["330282109"] == "桥头镇" and towns["330282114"] == "横河镇"
    assert [d.level for d in tree[:3]] == ["province", "city", "county"]
    with pytest.raises(KeyError):
        divisions("999999")
