"""The engine's input frame, read from the database: a fixed number of queries whatever the county's size.

For a year: every enterprise with a YearlyFigure of that year, its figures, its registry fields (credit
code, name, town, industry, scale, registration date, status) and its land at the year's end (31
December) from Occupancy — owned, leased and let to others, in mu (DOMAIN §2: land used = owned + leased
− let), by the same test as ``registry.selectors.held_q`` (running, or a lease the firm overstays: kept until
it has left). ``_row`` carries the enterprise id, so the engine's results and problems map back to
enterprises without a lookup.

Registry facts the policy reads:
- ``land_granted_on`` (construction-period exemption): the earliest start of the firm's owned land held
  at the year's end (a firm whose only own land was granted within 3 years is in its construction period);
- the evaluation facts of the year (``EvaluationFact``, ``evaluation.facts``): one boolean column per
  flag kind of the shipped policy (vetoes ``veto_*``, protections ``construction`` / ``protected``, the
  exemption ``relocated`` 政策性搬迁 — a recorded fact, not the status 迁出) and ``merge_key`` (合并评价),
  the same columns the stand-alone ``landcycle evaluate`` reads from a ledger, so vetoes, protections
  and merging apply in every run.

``county`` (a county's code) narrows the frame to the enterprises of that county's towns: a run evaluates one
county (issue 18). The filter is on the town code prefix, in the same queries.

``fingerprint`` is the SHA-256 of the frame in enterprise order (CSV text): two runs that read the same
figures and land have the same fingerprint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

import polars as pl
from django.db.models import Min, Sum

from landcycle.accounts.scope import scoped
from landcycle.registry.models import Occupancy
from landcycle.registry.selectors import held_q
from landcycle.rules.evaluation.policy import FIGURE_FIELDS

from .facts import flag_kinds, merge_kind
from .models import EvaluationFact, YearlyFigure

MU_PER_M2 = 15 / 10000  # 1 mu = 2000/3 m²
SCHEMA = {
    "_row": pl.Int64,
    "enterprise_id": pl.Int64,
    "town_id": pl.Int64,
    "year": pl.Int64,
    "uscc": pl.String,
    "uscc_override": pl.Boolean,
    "name": pl.String,
    "town": pl.String,
    "industry_code": pl.String,
    "scale": pl.String,
    "registered_on": pl.Date,
    "status": pl.String,
    "land_owned_mu": pl.Float64,
    "land_leased_mu": pl.Float64,
    "land_let_mu": pl.Float64,
    "land_granted_on": pl.Date,
    **{f: pl.Float64 for f in FIGURE_FIELDS},
}


def schema() -> dict:
    """The frame's columns: the registry's and the figures (``SCHEMA``), then one boolean column per flag
    kind of evaluation fact and the merge key."""
    return {**SCHEMA, **{k: pl.Boolean for k in flag_kinds()}, merge_kind(): pl.String}


def _facts(years: tuple[int, ...], county: str) -> dict[tuple[int, int], dict[str, object]]:
    """{(enterprise, year): {kind: True | merge key}} in one query."""
    out: dict[tuple[int, int], dict[str, object]] = defaultdict(dict)
    merge = merge_kind()
    facts = EvaluationFact.objects.filter(year__in=years)
    if county:
        facts = facts.filter(enterprise__town__code__startswith=county)
    for ent, year, kind, value in facts.values_list("enterprise_id", "year", "kind", "value"):
        out[(ent, year)][kind] = (value or None) if kind == merge else True
    return out


@dataclass
class Inputs:
    """The frame of one or more years, with what a run records about what it read."""

    frame: pl.DataFrame
    years: tuple[int, ...]
    county: str = ""  # the county's code when read for one county ("": every enterprise)

    def year(self, year: int) -> pl.DataFrame:
        return self.frame.filter(pl.col("year") == year)

    def counts(self, year: int) -> dict:
        part = self.year(year)
        land = part.select(
            pl.any_horizontal(pl.col("land_owned_mu", "land_leased_mu", "land_let_mu").is_not_null()).sum()
        ).item()
        return {
            "enterprises": part.height,
            "figures": part.height,
            "with_land": int(land or 0),
            "towns": part["town_id"].n_unique(),
        }

    def fingerprint(self, year: int) -> str:
        part = self.year(year).sort("enterprise_id")
        return hashlib.sha256(part.write_csv().encode("utf-8")).hexdigest()


def _land(ids: set[int], day: dt.date, county: str) -> dict[int, dict]:
    """Owned, leased and let-to-others area (m²) on ``day`` and the earliest start of owned land held,
    in two grouped queries (the definition of ``registry.selectors.land_used_many``, by kind)."""
    out: dict[int, dict] = defaultdict(dict)
    occupancies = Occupancy.objects.filter(held_q(day))
    held = (
        (occupancies.filter(enterprise__town__code__startswith=county) if county else occupancies)
        .order_by()
        .values("enterprise_id", "kind")
        .annotate(m2=Sum("area_m2"), first=Min("start"))
    )
    for r in held:
        if r["enterprise_id"] in ids:
            out[r["enterprise_id"]][r["kind"]] = (r["m2"], r["first"])
    lets = occupancies.filter(lessor__isnull=False)
    let = (
        (lets.filter(lessor__town__code__startswith=county) if county else lets)
        .order_by()
        .values("lessor_id")
        .annotate(m2=Sum("area_m2"))
    )
    for r in let:
        if r["lessor_id"] in ids:
            out[r["lessor_id"]]["let"] = (r["m2"], None)
    return out


def _mu(part) -> float | None:
    return None if part is None else float(part[0]) * MU_PER_M2


def read_inputs(years: list[int] | tuple[int, ...], county: str = "") -> Inputs:
    """The frame for ``years`` (of the enterprises of ``county``, a county's code, when given): one query for the
    figures with their enterprises, two per year for land."""
    years = tuple(sorted({int(y) for y in years}))
    fields = [
        "enterprise_id",
        "year",
        *FIGURE_FIELDS,
        "enterprise__uscc",
        "enterprise__uscc_override",
        "enterprise__name",
        "enterprise__town_id",
        "enterprise__town__name",
        "enterprise__industry_code",
        "enterprise__scale",
        "enterprise__registered_on",
        "enterprise__status",
    ]
    rows_of = YearlyFigure.objects.filter(year__in=years)
    if county:
        rows_of = rows_of.filter(enterprise__town__code__startswith=county)
    figures = list(rows_of.order_by("year", "enterprise_id").values_list(*fields))
    full = schema()
    cols: dict[str, list] = {name: [] for name in full}
    by_year: dict[int, list] = defaultdict(list)
    for row in figures:
        by_year[row[1]].append(row)
    facts = _facts(years, county)
    flags, merge = flag_kinds(), merge_kind()
    for year in years:
        rows = by_year.get(year, [])
        land = _land({r[0] for r in rows}, dt.date(year, 12, 31), county)
        for r in rows:
            (ent, yr, *figs, uscc, override, name, town_id, town, industry, scale, registered, status) = r
            parts = land.get(ent, {})
            owned = parts.get(Occupancy.Kind.OWNED)
            known = facts.get((ent, yr), {})
            values = [
                ent,
                ent,
                town_id,
                yr,
                uscc,
                override,
                name,
                town,
                industry,
                scale,
                registered,
                status,
                _mu(owned),
                _mu(parts.get(Occupancy.Kind.LEASED)),
                _mu(parts.get("let")),
                owned[1] if owned else None,
                *[None if v is None else float(v) for v in figs],
                *[bool(known.get(k)) for k in flags],
                known.get(merge),
            ]
            for name_, value in zip(full, values, strict=False):
                cols[name_].append(value)
    return Inputs(frame=pl.DataFrame(cols, schema=full), years=years, county=county)


def figure_years(user=None, county: str = "") -> list[int]:
    """Years that have figures (of enterprises in ``user``'s scope when given, of ``county``'s when given), latest
    first."""
    figures = YearlyFigure.objects.all() if user is None else scoped(YearlyFigure.objects.all(), user)
    if county:
        figures = figures.filter(enterprise__town__code__startswith=county)
    return list(figures.order_by("-year").values_list("year", flat=True).distinct())
