"""Idle land (闲置土地) — 《闲置土地处置办法》(国土资源部令第53号).

Art. 2: idle when construction has not started one full year after the agreed start date, or when it
started but the developed area is < 1/3 (or the investment < 25 %) and work has stopped for one full
year. Art. 14: one year -> idle-land fee of 20 % of the land price; two years -> the land may be taken
back without compensation. Art. 8: a delay caused by the government exempts from both; the finding
stays visible (in the policy's ``government_delay_colour``). Years are counted by ``periods``.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from .contract import PRICE_EN, PRICE_ZH, START, Contract
from .findings import Finding, Unchecked, money, pct
from .periods import anniversary, span_en, span_zh
from .policy import WarningPolicy


def government_causes(c: Contract, policy: WarningPolicy) -> list[tuple[str, str]]:
    """(zh, en) of every government cause on record (Art. 8), a late delivery included when the policy
    says so."""
    rule = policy.idle_land
    out = []
    if (rule.late_delivery_is_government_cause and c.actual_delivery and c.agreed_delivery
            and c.actual_delivery > c.agreed_delivery):
        zh, en = rule.causes.get("late_delivery", ("未按约定期限交付土地", "land delivered late"))
        out.append((f"{zh}（约定{c.agreed_delivery}交地，实际{c.actual_delivery}交地）",
                    f"{en} (agreed {c.agreed_delivery}, delivered {c.actual_delivery})"))
    for d in c.government_delays:
        zh, en = rule.causes.get(d.cause, (d.cause, d.cause))
        detail = f"：{d.description}" if d.description else ""
        out.append((f"{zh}{detail}，佐证：{d.evidence}", f"{en}{': ' + d.description if d.description else ''}; "
                    f"evidence: {d.evidence}"))
    return out


def _exempt_text(causes) -> tuple[str, str]:
    zh = "；".join(z for z, _ in causes)
    en = "; ".join(e for _, e in causes)
    return (f"；属政府原因（{zh}），依第八条免征闲置费、不予无偿收回",
            f"; caused by the government ({en}): exempt from the fee and from take-back (Art. 8)")


def _fee(c: Contract, policy: WarningPolicy) -> tuple:
    """(fee 万元 or None, zh text, en text)."""
    share = policy.idle_land.fee_share
    pz, pe = PRICE_ZH.get(c.kind, "价款"), PRICE_EN.get(c.kind, "price")
    p = pct(share, 0) if (share * 100) == (share * 100).to_integral_value() else pct(share)
    if c.price_wan is None:
        return None, (f"，应征收闲置费={pz}×{p}，但{pz}未填，无法计算"), (
            f"; an idle-land fee of {p} of the {pe} is due, but the price is not recorded")
    fee = money(c.price_wan * share)
    return fee, (f"，应征收闲置费={pz}×{p}={money(c.price_wan)}万元×{p}={fee}万元"), (
        f"; idle-land fee due = {pe} × {p} = {money(c.price_wan)} 万元 × {p} = {fee} 万元")


def idle_findings(c: Contract, as_of: dt.date, policy: WarningPolicy) -> tuple[list[Finding], list[Unchecked]]:
    rule = policy.idle_land
    ld = rule.leap_day
    causes = government_causes(c, policy)
    exempt = bool(causes)
    ex_zh, ex_en = _exempt_text(causes) if exempt else ("", "")
    out: list[Finding] = []
    unchecked: list[Unchecked] = []
    start = c.agreed(START)
    started = c.actual(START, as_of)
    ext_zh, ext_en = ("（延期后）", " (as extended)") if c.extended(START) else ("", "")
    if start is None and started is None:
        unchecked.append(Unchecked("idle.not_started", "无约定开工日期，无法判定是否闲置",
                                   "no agreed start date: idle land cannot be judged"))
    elif started is None and as_of > anniversary(start, rule.idle_after_years, ld):
        days = (as_of - start).days
        fee, fz, fe = _fee(c, policy)
        base = {"agreed_start": start, "days_since_agreed_start": days,
                "idle_from": anniversary(start, rule.idle_after_years, ld) + dt.timedelta(days=1),
                "fee_share": rule.fee_share, "price_wan": c.price_wan}
        zh = f"约定开工日{ext_zh}{start}已过{span_zh(start, as_of, ld)}仍未开工，属闲置土地"
        en = f"not started {span_en(start, as_of, ld)} after the agreed start {start}{ext_en}: idle land"
        if exempt:
            out.append(Finding("idle.not_started", rule.government_delay_colour, zh + ex_zh, en + ex_en,
                               {**base, "fee_wan": None, "government_causes": [z for z, _ in causes]},
                               days, None, False, True))
        else:
            out.append(Finding("idle.not_started", rule.colour, zh + fz, en + fe, {**base, "fee_wan": fee}, days, fee))
        back = anniversary(start, rule.take_back_after_years, ld)
        if as_of > back:
            zh = (f"约定开工日{ext_zh}{start}已过{span_zh(start, as_of, ld)}仍未开工，"
                  f"满{rule.take_back_after_years}年，可无偿收回国有建设用地使用权")
            en = (f"not started {span_en(start, as_of, ld)} after the agreed start {start}{ext_en}: "
                  f"{rule.take_back_after_years} full years, the land may be taken back without compensation")
            figs = {"agreed_start": start, "days_since_agreed_start": days, "take_back_from": back + dt.timedelta(days=1)}
            if exempt:
                out.append(Finding("idle.take_back", rule.government_delay_colour, zh + ex_zh, en + ex_en, figs,
                                   days, None, False, True))
            else:
                out.append(Finding("idle.take_back", rule.take_back_colour, zh, en, figs, days, None, True))
    if started is not None:
        f, u = _stalled(c, as_of, policy, exempt, ex_zh, ex_en)
        out += f
        unchecked += u
    return out, unchecked


def _stalled(c: Contract, as_of, policy, exempt, ex_zh, ex_en):
    rule, dev, ld = policy.idle_land, c.development, policy.idle_land.leap_day
    stopped = dev.stopped_since
    if stopped is None or stopped > as_of or c.actual("completion", as_of) is not None:
        return [], []
    area, inv = dev.developed_area_share, dev.investment_share
    if area is None and inv is None:
        return [], [Unchecked("idle.stalled", f"{stopped}起停工，但未填已开发面积或投资占比，无法判定是否闲置",
                              f"stopped since {stopped}, but neither the developed area nor the investment share "
                              "is recorded: idle land cannot be judged")]
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
    head_zh = f"已动工但{'、'.join(why_zh)}，自{stopped}起中止开发建设{span_zh(stopped, as_of, ld)}"
    head_en = f"started, but {' and '.join(why_en)}; stopped since {stopped} ({span_en(stopped, as_of, ld)})"
    days = (as_of - stopped).days
    figs = {"stopped_since": stopped, "days_stopped": days, "developed_area_share": area, "investment_share": inv}
    idle_end = anniversary(stopped, rule.stalled_after_years, ld)
    if as_of <= idle_end:
        return [Finding("idle.stalled_watch", rule.stalled_watch_colour,
                        f"{head_zh}，满{rule.stalled_after_years}年（{idle_end}后）将认定为闲置土地",
                        f"{head_en}; idle land after {idle_end} ({rule.stalled_after_years} full year"
                        f"{'s' if rule.stalled_after_years != 1 else ''})", figs, None)], []
    out = []
    if exempt:
        out.append(Finding("idle.stalled", rule.government_delay_colour, head_zh + "，属闲置土地" + ex_zh,
                           head_en + ": idle land" + ex_en, {**figs, "fee_wan": None}, days, None, False, True))
    else:
        fee, fz, fe = _fee(c, policy)
        out.append(Finding("idle.stalled", rule.colour, head_zh + "，属闲置土地" + fz, head_en + ": idle land" + fe,
                           {**figs, "fee_wan": fee}, days, fee))
    back = anniversary(stopped, rule.take_back_after_years, ld)
    if rule.stalled_take_back and as_of > back:
        zh = f"{head_zh}，满{rule.take_back_after_years}年，可无偿收回国有建设用地使用权"
        en = f"{head_en}: {rule.take_back_after_years} full years, the land may be taken back without compensation"
        if exempt:
            out.append(Finding("idle.take_back", rule.government_delay_colour, zh + ex_zh, en + ex_en, figs, days,
                               None, False, True))
        else:
            out.append(Finding("idle.take_back", rule.take_back_colour, zh, en, figs, days, None, True))
    return out, []


def _frac_zh(f: Fraction) -> str:
    if f.numerator == 1 and f.denominator in (2, 3, 4, 5, 10):
        return f"{'二三四五十'[(2, 3, 4, 5, 10).index(f.denominator)]}分之一"
    return pct(f)
