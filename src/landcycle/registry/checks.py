"""Registry rules applied before any write: each returns the Problems it finds (bilingual)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from landcycle.rules.codes import industry_problems, normalize_uscc, uscc_problems
from landcycle.rules.dates import date_problems
from landcycle.rules.geometry import ShapeLimits, area_mismatch, area_problems, as_geojson, parse_polygon
from landcycle.rules.policy import load_default
from landcycle.rules.problems import Problem, RuleError


def registry_policy() -> dict:
    return load_default("registry")


def enterprise_problems(
    *, uscc: str, industry_code: str, uscc_override: bool, uscc_override_reason: str, registered_on
) -> list[Problem]:
    problems = []
    code_problems = uscc_problems(uscc)
    if code_problems:
        only_check = len(code_problems) == 1 and code_problems[0].rule == "uscc.check"
        if not (uscc_override and only_check):
            problems += code_problems
        if uscc_override and only_check and not (uscc_override_reason or "").strip():
            problems.append(
                Problem(
                    "uscc_override_reason",
                    "uscc.override_reason",
                    "人工确认校验位不符的代码时必须填写理由",
                    "A manual override of a failing check character needs a reason",
                )
            )
    problems += industry_problems(industry_code)
    if isinstance(registered_on, dt.date) and registered_on > timezone.localdate():
        problems.append(
            Problem(
                "registered_on", "date.future", "成立日期不能晚于今天", "The registration date cannot be in the future"
            )
        )
    else:  # the plausible range (policies/registry.toml [dates]): not before 1949-10-01
        problems += date_problems("registered_on", registered_on, "成立日期", "registration date")
    return problems


def shape_limits() -> ShapeLimits:
    """The limits on one parcel shape and on a shapes file, from settings (LANDCYCLE_SHAPE_*)."""
    return ShapeLimits(
        max_points=settings.LANDCYCLE_SHAPE_MAX_POINTS,
        max_rings=settings.LANDCYCLE_SHAPE_MAX_RINGS,
        max_parts=settings.LANDCYCLE_SHAPE_MAX_PARTS,
        max_bytes=settings.LANDCYCLE_SHAPE_FILE_MAX_BYTES,
    )


def parcel_problems(*, area_m2, geometry) -> tuple[dict | None, list[Problem]]:
    """(normalised GeoJSON or None, problems)."""
    policy = registry_policy()["parcel"]
    problems = area_problems(area_m2, "area_m2", policy)
    if geometry in (None, "", {}):
        return None, problems
    geom, geo_problems = parse_polygon(geometry, "geometry", shape_limits())
    problems += geo_problems
    if geom is not None and not problems:
        problems += area_mismatch(Decimal(str(area_m2)), geom, policy["area_tolerance_pct"], "geometry")
    if geom is None:
        return None, problems
    return as_geojson(geom), problems


def occupancy_problems(*, area_m2, start, end, parcel_area_m2, kind, lessor, enterprise) -> list[Problem]:
    problems = area_problems(area_m2, "area_m2")
    if not problems and Decimal(str(area_m2)) > Decimal(str(parcel_area_m2)):
        problems.append(
            Problem(
                "area_m2",
                "occupancy.area_exceeds_parcel",
                f"使用面积{area_m2}平方米大于地块面积{parcel_area_m2}平方米",
                f"The occupied area {area_m2} m² exceeds the parcel's {parcel_area_m2} m²",
            )
        )
    problems += date_problems("start", start, "起始日期", "start date")  # the plausible range ([dates])
    problems += date_problems("end", end, "终止日期", "end date")
    if end is not None and start is not None and end < start:
        problems.append(
            Problem(
                "end", "occupancy.end_before_start", "终止日期早于起始日期", "The end date is before the start date"
            )
        )
    if lessor is not None and kind != "leased":
        problems.append(
            Problem("lessor", "occupancy.lessor_on_owned", "只有租赁关系才有出租方", "Only a lease has a lessor")
        )
    if lessor is not None and enterprise is not None and lessor.pk == enterprise.pk:
        problems.append(
            Problem(
                "lessor", "occupancy.self_lease", "企业不能向自己租地", "An enterprise cannot lease land from itself"
            )
        )
    return problems


def town_code_problems(code: str, field: str = "code") -> list[Problem]:
    """A town or subdistrict (乡镇/街道) is named by its 9-digit statistical code: its county's 6 digits and 3
    of its own (新浦镇 330282112). The 12-digit form (330282112000) is accepted and shortened."""
    value = str(code or "").strip()
    if len(value) == 12 and value.endswith("000"):
        value = value[:9]
    if len(value) != 9 or not value.isdigit() or value.endswith("000"):
        return [
            Problem(
                field,
                "region.town_code",
                f"镇街区划代码应为9位数字（如330282112），实为“{code}”",
                f"A town's division code has 9 digits (e.g. 330282112), got '{code}'",
            )
        ]
    return []


def field_problems(
    obj, *, exclude=None, validate_unique: bool = True, validate_constraints: bool = True
) -> list[Problem]:
    """Django's own field checks (lengths, choices, digits, uniqueness) as Problems, messages in both
    languages. Bulk writers (ledger imports) pass ``exclude`` (foreign keys they resolved themselves) and
    ``validate_unique=False`` (they plan by natural key), which keeps the check free of queries."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_constraints)
    except ValidationError as exc:
        problems = []
        for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.error_list)]:
            for err in errors:
                with translation.override("zh-hans"):
                    zh = " ".join(err.messages)
                with translation.override("en"):
                    en = " ".join(err.messages)
                problems.append(Problem(field, f"field.{err.code or 'invalid'}", zh, en))
        return problems
    return []


def clean_or_raise(obj, **options) -> None:
    """Django's own field checks (lengths, choices, uniqueness), with messages in both languages."""
    raise_if(field_problems(obj, **options))


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise RuleError(problems)


__all__ = [
    "normalize_uscc",
    "enterprise_problems",
    "parcel_problems",
    "occupancy_problems",
    "field_problems",
    "clean_or_raise",
    "raise_if",
    "registry_policy",
    "town_code_problems",
]
