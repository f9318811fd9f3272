"""Checks applied before a contract is written: input that is not a number or a date, parcels and holders
that cannot be found in the actor's scope, then the supervision rules' own ``validate_contract`` (dates
that contradict each other, commitments without a unit, delays without evidence). Every problem names
the field and the rule, in Chinese and English."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from landcycle.accounts.scope import scoped
from landcycle.registry.models import Enterprise, Parcel, Region
from landcycle.rules.codes import normalize_uscc
from landcycle.rules.dates import date_problems
from landcycle.rules.problems import Problem
from landcycle.rules.supervision.validate import label

SPLIT = re.compile(r"[、,，;；\s]+")
NUMBER_FIELDS = {"price_wan": 2, "area_m2": 2, "developed_area_share": 6, "investment_share": 6}
EXTRA_LABELS = {
    "term_years": ("使用年限（年）", "term (years)"),
    "committed": ("承诺值", "committed value"),
    "measured": ("实测值", "measured value"),
    "new_date": ("延期后日期", "new date"),
    "approved_on": ("批准日期", "approval date"),
    "measured_on": ("实测日期", "measured on"),
    "recorded_on": ("登记日期", "recorded on"),
}


def _label(name: str) -> tuple[str, str]:
    return EXTRA_LABELS.get(name) or label(name)


def to_decimal(name: str, value, problems: list[Problem], places: int = 6):
    """A number from a form, a ledger cell or code; None for empty; a problem for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = "true"
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        d = Decimal(text)
        if not d.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        zh, en = _label(name)
        problems.append(
            Problem(name, "contract.not_a_number", f"{zh}“{value}”不是数字", f"{en} '{value}' is not a number")
        )
        return None
    return d.quantize(Decimal(1).scaleb(-places)) if d.as_tuple().exponent < -places else d


def to_date(name: str, value, problems: list[Problem]):
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        zh, en = _label(name)
        problems.append(
            Problem(
                name,
                "contract.not_a_date",
                f"{zh}“{value}”不是日期（应为2026-11-29的格式）",
                f"{en} '{value}' is not a date (expected e.g. 2026-11-29)",
            )
        )
        return None


def plausible_date(name: str, value, contract) -> list[Problem]:
    """A date recorded about ``contract`` (an extension, a delay, a measurement) within the plausible range of
    policies/registry.toml ``[dates]``: not before 1949-10-01, at most 50 years after the signing date."""
    zh, en = _label(name)
    return date_problems(name, value, zh, en, signed_on=getattr(contract, "signed_on", None), contract=True)


def to_int(name: str, value, problems: list[Problem]):
    d = to_decimal(name, value, problems)
    if d is None:
        return None
    if d != d.to_integral_value() or d < 0:
        zh, en = _label(name)
        problems.append(
            Problem(
                name,
                "contract.not_a_whole_number",
                f"{zh}应为非负整数（{value}）",
                f"{en} must be a whole number ≥ 0 ({value})",
            )
        )
        return None
    return int(d)


def resolve_parcels(actor, parcels, problems: list[Problem]) -> list[Parcel]:
    """Parcels given as objects or numbers (a text may list several, separated by 、 , ; or spaces), each
    one in the actor's scope."""
    if isinstance(parcels, str):
        parcels = [p for p in SPLIT.split(parcels) if p]
    out, numbers = [], []
    for p in parcels or ():
        if isinstance(p, Parcel):
            out.append(p)
        elif str(p).strip():
            numbers.append(str(p).strip())
    if numbers:
        found = {
            p.number: p for p in scoped(Parcel.objects.select_related("park__town"), actor).filter(number__in=numbers)
        }
        for n in numbers:
            if n in found:
                out.append(found[n])
            else:
                problems.append(
                    Problem(
                        "parcels",
                        "contract.unknown_parcel",
                        f"在您的辖区内找不到编号为“{n}”的地块，请先在“地块”中登记",
                        f"no parcel numbered '{n}' in your region: register it under Parcels first",
                    )
                )
    ids = [p.pk for p in out]
    if len(set(ids)) != len(ids):
        problems.append(Problem("parcels", "contract.parcel_twice", "同一地块列了两次", "a parcel is listed twice"))
    return list({p.pk: p for p in out}.values())


def resolve_holder(actor, holder, problems: list[Problem]) -> Enterprise | None:
    """The holder as a registered enterprise: an object, its credit code or its exact name; None for none."""
    if holder is None or isinstance(holder, Enterprise):
        return holder
    text = str(holder).strip()
    if not text:
        return None
    qs = scoped(Enterprise.objects.select_related("town"), actor)
    code = normalize_uscc(text.split()[0])
    found = qs.filter(uscc=code).first() or qs.filter(name=text).first()
    if found is None:
        problems.append(
            Problem(
                "holder",
                "contract.unknown_holder",
                f"在您的辖区内找不到统一社会信用代码或名称为“{text}”的企业；未登记的受让人请只填写“土地使用权人”名称",
                f"no enterprise with the credit code or name '{text}' in your region; for a holder "
                "not in the registry fill in the holder's name only",
            )
        )
    return found


def contract_town(parcels: list[Parcel], town, problems: list[Problem]) -> Region | None:
    """The contract's town: its parcels' town (one), else the town given."""
    towns = {p.park.town_id: p.park.town for p in parcels}
    if len(towns) > 1:
        problems.append(
            Problem(
                "parcels",
                "contract.parcels_in_several_towns",
                "一份合同的地块应在同一镇街",
                "the parcels of one contract must lie in one town",
            )
        )
        return None
    if towns:
        return next(iter(towns.values()))
    if isinstance(town, Region):
        return town
    if town:
        found = Region.objects.filter(code=str(town).strip(), level=Region.Level.TOWN).first()
        if found:
            return found
    if not any(p.field == "parcels" for p in problems):  # an unknown parcel already says what is wrong
        problems.append(
            Problem(
                "parcels",
                "contract.no_parcel_or_town",
                "请填写合同涉及的地块编号（或所属镇街）",
                "give the contract's parcel numbers (or its town)",
            )
        )
    return None


def holder_problems(holder, holder_name: str) -> list[Problem]:
    if holder is None and not (holder_name or "").strip():
        return [
            Problem(
                "holder_name",
                "contract.holder_missing",
                "请填写土地使用权人（受让人或承租人）",
                "give the holder (the grantee or lessee)",
            )
        ]
    return []
