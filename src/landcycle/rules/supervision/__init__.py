"""Supervision rules (监管, 三色预警): idle land (国土资源部令第53号), contract dates, commitments,
enterprises, schedules and working-day deadlines. Pure domain code: no Django.

``evaluate_contract(contract, as_of, policy)`` -> ``Assessment`` (findings with colour, reason in Chinese
and English, figures, days overdue, idle-land fee, take-back); ``validate_contract`` -> problems;
``deadline_colour`` and ``progress_colour`` for anything with a deadline or a planned schedule;
``evaluate_enterprise`` for tax per mu and the evaluation class. The policy is
``landcycle/policies/warnings.toml`` (``load_policy``).
"""

from .assessment import Assessment
from .contract import ALLOCATION, GRANT, LEASE, STANDARD, Commitment, Contract, Development, Extension, GovernmentDelay
from .enterprise import EnterpriseStanding, class_finding, evaluate_enterprise, tax_per_mu_finding
from .evaluate import evaluate_contract
from .findings import COLOURS, GREEN, RED, YELLOW, Finding, Unchecked, worst
from .periods import anniversary, full_years_passed, years_and_days
from .policy import PolicyError, WarningPolicy, load_policy, parse_policy
from .schedule import DeadlineStatus, ProgressStatus, deadline_colour, progress_colour
from .validate import validate_contract
from .workdays import CalendarError, WorkCalendar

__all__ = [
    "ALLOCATION",
    "Assessment",
    "COLOURS",
    "CalendarError",
    "Commitment",
    "Contract",
    "DeadlineStatus",
    "Development",
    "EnterpriseStanding",
    "Extension",
    "Finding",
    "GRANT",
    "GREEN",
    "GovernmentDelay",
    "LEASE",
    "PolicyError",
    "ProgressStatus",
    "RED",
    "STANDARD",
    "Unchecked",
    "WarningPolicy",
    "WorkCalendar",
    "YELLOW",
    "anniversary",
    "class_finding",
    "deadline_colour",
    "evaluate_contract",
    "evaluate_enterprise",
    "full_years_passed",
    "load_policy",
    "parse_policy",
    "progress_colour",
    "tax_per_mu_finding",
    "validate_contract",
    "worst",
    "years_and_days",
]
