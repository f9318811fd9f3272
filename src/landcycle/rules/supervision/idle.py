"""Idle land (闲置土地) — 《闲置土地处置办法》(国土资源部令第53号).

Art. 2: idle when construction has not started one full year after the agreed start date, or when it
started but the developed area is < 1/3 (or the investment < 25 %) and work has stopped for one full
year. Art. 14: one year -> idle-land fee of 20 % of the grant or allocation price; two years -> the land may be
taken back without compensation. Art. 8: a delay caused by the government moves the agreed dates by its
length (``agreed_dates``); within the moved period the finding stays visible, exempt (in the policy's
``government_delay_colour``), after it the fee and take-back apply again. Years are counted by ``periods``.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from .agreed_dates import AgreedDates, settle
from .contract import PRICE_EN, PRICE_ZH, START, Contract
from .findings import Finding, Unchecked, money, pct
from .periods import anniversary, span_en, span_zh
from .policy import WarningPolicy


def government_causes(c: Contract, policy: WarningPolicy) -> list[tuple[str, str]]:
    """(zh, en) of every government cause on record (Art. 8), a late delivery included when the policy
    says so."""
    rule = policy.idle_land
    out = []
    if (
        rule.late_delivery_is_government_cause
        and c.actual_delivery
        and c.agreed_delivery
        and c.actual_delivery > c.agreed_delivery
    ):
        zh, en = rule.causes.get("late_delivery", ("未按约定期限交付土地", "land delivered late"))
        out.append(
            (
                f"{zh}（约定{c.agreed_delivery}交地，实际{c.actual_delivery}交地）",
                f"{en} (agreed {c.agreed_delivery}, delivered {c.actual_delivery})",
            )
        )
    for d in c.government_delays:
        zh, en = rule.causes.get(d.cause, (d.cause, d.cause))
        detail = f"：{d.description}" if d.description else ""
        out.append(
            (
                f"{zh}{detail}，佐证：{d.evidence}",
                f"{en}{': ' + d.description if d.description else ''}; evidence: {d.evidence}",
            )
        )
    return out


def _exempt_text(causes) -> tuple[str, str]:
    zh = "；".join(z for z, _ in causes)
    en = "; ".join(e for _, e in causes)
    return (
        f"；属政府原因（{zh}），依第八条在顺延期内免征闲置费、不予无偿收回",
        f"; caused by the government ({en}): exempt from the fee and from take-back within the moved period (Art. 8)",
    )


def _fee(c: Contract, policy: WarningPolicy) -> tuple:
    """(fee 万元 or None, zh text, en text)."""
    share = policy.idle_land.fee_share
    pz, pe = PRICE_ZH.get(c.kind, "价款"), PRICE_EN.get(c.kind, "price")
    p = pct(share, 0) if (share * 100) == (share * 100).to_integral_value() else pct(share)
    if c.price_wan is None:
        return (
            None,
            (f"，应征收闲置费={pz}×{p}，但{pz}未填，无法计算"),
            (f"; an idle-land fee of {p} of the {pe} is due, but the price is not recorded"),
        )
    fee = money(c.price_wan * share)
    return (
        fee,
        (f"，应征收闲置费={pz}×{p}={money(c.price_wan)}万元×{p}={fee}万元"),
        (f"; idle-land fee due = {pe} × {p} = {money(c.price_wan)} 万元 × {p} = {fee} 万元"),
    )


def idle_findings(
    c: Contract, as_of: dt.date, policy: WarningPolicy, ad: AgreedDates | None = None
) -> tuple[list[Finding], list[Unchecked]]:
    """Idle land on ``as_of``. ``c`` carries the agreed dates to judge by (``agreed_dates.settle``: a
    government-caused delay has moved them by its length); ``ad`` says what moved. Within the moved
    period the finding stays visible, exempt (Art. 8); after it the fee and take-back apply (Art. 14).
    The fee applies to granted and allocated land (出让价款、划拨价款, ``fee_kinds``); a lease not started
    gets its own warning (``lease.not_started``) without a fee or take-back."""
    rule = policy.idle_land
    ld = rule.leap_day
    if ad is None:
        ad = settle(c, policy, government_causes(c, policy))
        c = ad.contract
    causes = ad.causes
    out: list[Finding] = []
    unchecked: list[Unchecked] = []
    start = c.agreed(START)
    started = c.actual(START, as_of)
    ext_zh, ext_en = ("（延期后）", " (as extended)") if c.extended(START) else ("", "")
    if ad.unshifted_start is not None:
        ext_zh, ext_en = ("（顺延后）", " (as moved)")
    feeable = c.kind in rule.fee_kinds
    if start is None and started is None:
        unchecked.append(
            Unchecked(
                "idle.not_started",
                "无约定开工日期（也无实际交地日期可依第三十条推定），无法判定是否闲置",
                "no agreed start date (nor an actual delivery to count one from, Art. 30): idle land cannot be judged",
            )
        )
    elif start is not None and started is None and as_of > anniversary(start, rule.idle_after_years, ld):
        days = (as_of - start).days
        base = {
            "agreed_start": start,
            "days_since_agreed_start": days,
            "idle_from": anniversary(start, rule.idle_after_years, ld) + dt.timedelta(days=1),
            "fee_share": rule.fee_share,
            "price_wan": c.price_wan,
        }
        if ad.unshifted_start is not None:
            base["unshifted_start"] = ad.unshifted_start
        zh = f"约定开工日{ext_zh}{start}已过{span_zh(start, as_of, ld)}仍未开工"
        en = f"not started {span_en(start, as_of, ld)} after the agreed start {start}{ext_en}"
        if not feeable:
            pz = PRICE_ZH.get(c.kind, "价款")
            out.append(
                Finding(
                    "lease.not_started",
                    rule.lease_idle_colour,
                    zh + f"；闲置费按出让或划拨价款计征（第十四条），{pz}不适用，按租赁合同约定追究",
                    en + "; the idle-land fee is a share of a grant or allocation price (Art. 14), not of "
                    "a lease price: the lease contract's own terms apply",
                    {**base, "fee_wan": None},
                    days,
                )
            )
            return out, unchecked
        fee, fz, fe = _fee(c, policy)
        out.append(
            Finding(
                "idle.not_started",
                rule.colour,
                zh + "，属闲置土地" + fz,
                en + ": idle land" + fe,
                {**base, "fee_wan": fee},
                days,
                fee,
            )
        )
        back = anniversary(start, rule.take_back_after_years, ld)
        if as_of > back:
            zh = (
                f"约定开工日{ext_zh}{start}已过{span_zh(start, as_of, ld)}仍未开工，"
                f"满{rule.take_back_after_years}年，可无偿收回国有建设用地使用权"
            )
            en = (
                f"not started {span_en(start, as_of, ld)} after the agreed start {start}{ext_en}: "
                f"{rule.take_back_after_years} full years, the land may be taken back without compensation"
            )
            figs = {
                "agreed_start": start,
                "days_since_agreed_start": days,
                "take_back_from": back + dt.timedelta(days=1),
            }
            out.append(Finding("idle.take_back", rule.take_back_colour, zh, en, figs, days, None, True))
    elif (
        start is not None  # (None with started None is the first case)
        and started is None
        and causes
        and ad.unshifted_start is not None
        and as_of > anniversary(ad.unshifted_start, rule.idle_after_years, ld)
    ):
        orig = ad.unshifted_start
        days = (as_of - orig).days
        ex_zh, ex_en = _exempt_text(causes)
        idle_end = anniversary(start, rule.idle_after_years, ld)
        zh = (
            f"原约定开工日{orig}已过{span_zh(orig, as_of, ld)}仍未开工{ex_zh}；顺延后的开工日为{start}，"
            f"{idle_end}后仍未开工即征收闲置费"
        )
        en = (
            f"not started {span_en(orig, as_of, ld)} after the original agreed start {orig}{ex_en}; the moved "
            f"start is {start}: the fee applies if still not started after {idle_end}"
        )
        rule_id = "idle.not_started" if feeable else "lease.not_started"
        out.append(
            Finding(
                rule_id,
                rule.government_delay_colour,
                zh,
                en,
                {
                    "agreed_start": orig,
                    "moved_start": start,
                    "days_since_agreed_start": days,
                    "fee_wan": None,
                    "fee_from": idle_end + dt.timedelta(days=1),
                    "government_causes": [z for z, _ in causes],
                },
                days,
                None,
                False,
                True,
            )
        )
    if started is not None:
        f, u = _stalled(c, as_of, policy, ad)
        out += f
        unchecked += u
    return out, unchecked


def _stalled(c: Contract, as_of, policy, ad):
    """Started, then stalled (Art. 2(2)). A government cause on record moves the stop date by the recorded
    delay (bounded as in ``agreed_dates``); take-back of such land is the county's choice
    (``stalled_take_back``, default off: Art. 14(2) speaks of land not started for two years)."""
    rule, dev, ld = policy.idle_land, c.development, policy.idle_land.leap_day
    stopped = dev.stopped_since
    causes = ad.causes
    if stopped is None or stopped > as_of or c.actual("completion", as_of) is not None:
        return [], []
    moved_zh = moved_en = ""
    if causes and ad.stall_shift_days:
        moved = stopped + dt.timedelta(days=ad.stall_shift_days)
        moved_zh = f"（因政府原因（{'；'.join(z for z, _ in causes)}）顺延{ad.stall_shift_days}天，自{moved}起算）"
        moved_en = (
            f" (moved by {ad.stall_shift_days} days for a government cause "
            f"({'; '.join(e for _, e in causes)}): counted from {moved})"
        )
    else:
        moved = stopped
    area, inv = dev.developed_area_share, dev.investment_share
    if area is None and inv is None:
        return [], [
            Unchecked(
                "idle.stalled",
                f"{stopped}起停工，但未填已开发面积或投资占比，无法判定是否闲置",
                f"stopped since {stopped}, but neither the developed area nor the investment share "
                "is recorded: idle land cannot be judged",
            )
        ]
    low_area = area is not None and Fraction(str(area)) < rule.stalled_area_share_below
    low_inv = inv is not None and Fraction(str(inv)) < rule.stalled_investment_share_below
    if not (low_area or low_inv):
        return [], []
    why_zh, why_en = [], []
    if low_area:
        why_zh.append(f"已开发面积占比{pct(Fraction(str(area)))}不足{_frac_zh(rule.stalled_area_share_below)}")
        why_en.append(f"developed area {pct(Fraction(str(area)))} below {pct(rule.stalled_area_share_below)}")
    if low_inv:
        why_zh.append(f"已投资额占比{pct(Fraction(str(inv)))}不足{pct(rule.stalled_investment_share_below, 0)}")
        why_en.append(f"investment {pct(Fraction(str(inv)))} below {pct(rule.stalled_investment_share_below, 0)}")
    head_zh = f"已动工但{'、'.join(why_zh)}，自{stopped}起中止开发建设{span_zh(stopped, as_of, ld)}{moved_zh}"
    head_en = f"started, but {' and '.join(why_en)}; stopped since {stopped} ({span_en(stopped, as_of, ld)}){moved_en}"
    days = (as_of - stopped).days
    figs = {"stopped_since": stopped, "days_stopped": days, "developed_area_share": area, "investment_share": inv}
    if moved != stopped:
        figs["counted_from"] = moved
    idle_end = anniversary(moved, rule.stalled_after_years, ld)
    if as_of <= idle_end:
        return [
            Finding(
                "idle.stalled_watch",
                rule.stalled_watch_colour,
                f"{head_zh}，满{rule.stalled_after_years}年（{idle_end}后）将认定为闲置土地",
                f"{head_en}; idle land after {idle_end} ({rule.stalled_after_years} full year"
                f"{'s' if rule.stalled_after_years != 1 else ''})",
                figs,
                None,
            )
        ], []
    out = []
    if c.kind not in rule.fee_kinds:
        out.append(
            Finding(
                "lease.stalled",
                rule.lease_idle_colour,
                head_zh + "；租赁价款不适用闲置费（第十四条），按租赁合同约定追究",
                head_en + "; no idle-land fee on a lease price (Art. 14): the lease contract's terms apply",
                {**figs, "fee_wan": None},
                days,
            )
        )
        return out, []
    fee, fz, fe = _fee(c, policy)
    out.append(
        Finding(
            "idle.stalled",
            rule.colour,
            head_zh + "，属闲置土地" + fz,
            head_en + ": idle land" + fe,
            {**figs, "fee_wan": fee},
            days,
            fee,
        )
    )
    back = anniversary(moved, rule.take_back_after_years, ld)
    if rule.stalled_take_back and as_of > back:
        zh = f"{head_zh}，满{rule.take_back_after_years}年，可无偿收回国有建设用地使用权（本县规则：已动工后停工的土地也适用收回）"
        en = (
            f"{head_en}: {rule.take_back_after_years} full years, the land may be taken back without compensation "
            "(county rule: take-back applies to land that started and stalled)"
        )
        out.append(Finding("idle.take_back", rule.take_back_colour, zh, en, figs, days, None, True))
    return out, []


def _frac_zh(f: Fraction) -> str:
    if f.numerator == 1 and f.denominator in (2, 3, 4, 5, 10):
        return f"{'二三四五十'[(2, 3, 4, 5, 10).index(f.denominator)]}分之一"
    return pct(f)
