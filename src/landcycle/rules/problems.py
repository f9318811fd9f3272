"""A rule that was broken, named and explained in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field, which rule (a stable code), and the message in both languages."""

    field: str
    rule: str
    zh: str
    en: str

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"

    def __str__(self) -> str:  # pragma: no cover - convenience
        return f"[{self.rule}] {self.field}: {self.message}"


class RuleError(ValueError):
    """Raised by a rule with every problem it found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))
