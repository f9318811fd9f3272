"""Benchmarks as counties set them: the previous year's average (the group's, the county's or the industry
division's ratio of sums of year − 1), so that firms know their target in advance."""

from __future__ import annotations

import polars as pl
import pytest
from eval_helpers import by_uscc, code, frame, policy_dict, small

from landcycle.rules.evaluation import evaluate, evaluate_years, parse_policy
from landcycle.rules.evaluation.policy import PolicyError


def _previous(scope: str = "group") -> dict:
    data = policy_dict()
    for g in data["groups"]:
        for ind in g["indicators"]:
            ind["benchmark"] = {"method": "previous_year", "scope": scope, "min_firms": 2}
    return data


def _years(rows: list[dict]) -> pl.DataFrame:
    """Rows with a ``year`` key as one frame (the helpers' schema has no year column)."""
    parts = [
        frame([{k: v for k, v in r.items() if k != "year"}]).with_columns(
            pl.lit(r["year"], pl.Int64).alias("year"), pl.lit(i + 2, pl.Int64).alias("_row")
        )
        for i, r in enumerate(rows)
    ]
    return pl.concat(parts)


def _two_years() -> pl.DataFrame:
    # 2024: two firms, tax 40 and 20 on 5 mu each -> 60 / 10 = 6 万元/亩; electricity 10 each -> 3 元/kWh
    # 2025: the same firms pay 80 and 40: this year's own ratio of sums would be 12
    rows = [
        {**small(1, tax=40.0), "year": 2024},
        {**small(2, tax=20.0), "year": 2024},
        {**small(1, tax=80.0), "year": 2025},
        {**small(2, tax=40.0), "year": 2025},
    ]
    return _years(rows)


def test_the_benchmark_is_the_previous_years_ratio_of_sums_of_the_group():
    result = evaluate(_two_years(), _previous(), year=2025)
    rows = by_uscc(result)
    assert rows[code(1)]["tax_per_mu_benchmark"] == pytest.approx(6.0)
    assert rows[code(1)]["tax_per_mu_value"] == pytest.approx(16.0)
    b = result.benchmarks.filter((pl.col("indicator") == "tax_per_mu") & (pl.col("group") == "below_large")).row(
        0, named=True
    )
    assert b["method"] == "previous_year:group" and b["year"] == 2024 and b["firms"] == 2
    # same-year stays an option: the default policy's benchmark is this year's 12
    same = by_uscc(evaluate(_two_years(), policy_dict(), year=2025))
    assert same[code(1)]["tax_per_mu_benchmark"] == pytest.approx(12.0)


def test_the_previous_year_can_be_given_apart_and_evaluate_years_passes_it():
    both = _two_years()
    apart = evaluate(
        both.filter(pl.col("year") == 2025), _previous(), year=2025, previous=both.filter(pl.col("year") == 2024)
    )
    assert by_uscc(apart)[code(2)]["tax_per_mu_benchmark"] == pytest.approx(6.0)
    years = evaluate_years(both, _previous())
    assert by_uscc(years[2025])[code(2)]["tax_per_mu_benchmark"] == pytest.approx(6.0)


def test_without_the_previous_years_figures_the_firms_are_problems_that_say_so():
    result = evaluate(_two_years().filter(pl.col("year") == 2025), _previous(), year=2025)
    assert result.frame.filter(~pl.col("exempt")).height == 0
    rules = set(result.problems_frame["rule"].to_list())
    assert "benchmark.no_previous_year" in rules
    assert any("2024年" in z for z in result.problems_frame["zh"].to_list())


def test_county_and_industry_scopes():
    rows = [
        {**small(1, tax=40.0), "year": 2024},
        {**small(2, tax=20.0, land=2.0), "year": 2024},
        {**small(1, tax=80.0), "year": 2025},
        {**small(2, tax=40.0, land=2.0), "year": 2025},
    ]
    df = _years(rows)
    # the two firms fall in different groups (≥ 3 mu and < 3 mu): group scope gives 8 and 10, county 60 / 7
    grouped = by_uscc(evaluate(df, _previous("group"), year=2025))
    assert grouped[code(1)]["tax_per_mu_benchmark"] == pytest.approx(8.0)
    assert grouped[code(2)]["tax_per_mu_benchmark"] == pytest.approx(10.0)
    county = by_uscc(evaluate(df, _previous("county"), year=2025))
    assert county[code(1)]["tax_per_mu_benchmark"] == county[code(2)]["tax_per_mu_benchmark"] == pytest.approx(60 / 7)
    industry = evaluate(df, _previous("industry"), year=2025)
    divs = industry.benchmarks.filter(pl.col("division").is_not_null())
    assert divs.height and set(divs["method"]) == {"previous_year:industry"} and set(divs["year"]) == {2024}
    ind = by_uscc(industry)
    assert ind[code(1)]["tax_per_mu_benchmark"] == ind[code(2)]["tax_per_mu_benchmark"] == pytest.approx(60 / 7)


def test_a_scope_the_policy_does_not_know_is_refused():
    data = _previous("province")
    with pytest.raises(PolicyError) as err:
        parse_policy(data)
    assert any("scope" in p.field for p in err.value.problems)
