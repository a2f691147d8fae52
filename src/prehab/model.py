"""Plain data shared by every layer: problems, conclusions, prescriptions.

Kept free of any library import so the CLI, the engine, the planner and the TUI can all
exchange these without pulling each other in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Fact = dict[str, Any]
"""A fact: ``{"fact": kind, field: value, ...}`` as written in TOML (kind under key ``fact``)."""

ConclusionType = Literal["prescribe", "flag", "caution", "refer", "note", "suppress"]


class UserError(Exception):
    """A problem the user caused and can fix; the message says how. Shown, never a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a user file, located so the user can go and fix it."""

    file: str
    line: int | None
    path: str
    message: str
    fix: str = ""
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text} ({self.fix})" if self.fix else text


@dataclass(frozen=True)
class MatchedFact:
    """A fact a rule matched, by the condition name it matched under."""

    name: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Reason:
    """Why a conclusion was drawn: one rule firing on some facts."""

    rule_id: str
    title: str
    why: str
    source: str
    matched: tuple[MatchedFact, ...]
    chain: tuple[str, ...] = ()
    """Rule ids whose flags led to this firing, earliest first (excluding ``rule_id``)."""
    priority: int = 0


@dataclass(frozen=True)
class Conclusion:
    """One conclusion of one rule firing, before planning."""

    type: ConclusionType
    reason: Reason
    exercise: str = ""
    dose: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    flag: str = ""
    region: str = ""
    kinds: tuple[str, ...] = ()


@dataclass
class Prescription:
    """An exercise to do today, merged from every rule that asked for it."""

    exercise: str
    name: str
    kind: str
    dose: dict[str, Any]
    minutes: float
    reasons: list[Reason]

    @property
    def priority(self) -> int:
        return max((r.priority for r in self.reasons), default=0)


@dataclass
class Evaluation:
    """Everything one evaluation of one athlete produced."""

    prescriptions: list[Prescription]
    conclusions: list[Conclusion]
    fired: list[str]
    flags: list[str]
    suppressed: list[tuple[Prescription, Reason]]
    errors: list[str] = field(default_factory=list)

    def of_type(self, kind: ConclusionType) -> list[Conclusion]:
        return [c for c in self.conclusions if c.type == kind]

    @property
    def referrals(self) -> list[Conclusion]:
        return self.of_type("refer")

    @property
    def cautions(self) -> list[Conclusion]:
        return self.of_type("caution")

    @property
    def notes(self) -> list[Conclusion]:
        return self.of_type("note")
