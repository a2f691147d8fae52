"""Plain data shared by every layer: problems, conclusions, prescriptions.

Kept free of any library (every record type is a ``prehab.record.Record``: ARCHITECTURE.md) so
the CLI, the engine, the planner and the TUI can all exchange these without pulling each other in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from prehab.errors import UserError as UserError  # most modules take it with the plain data
from prehab.record import Record, field

Fact = dict[str, Any]
"""A fact: ``{"fact": kind, field: value, ...}`` as written in TOML (kind under key ``fact``)."""

ConclusionType = Literal[
    "prescribe", "flag", "caution", "refer", "note", "hold", "instead", "progress", "load"
]
URGENCY_ORDER = ("emergency", "doctor-today", "doctor-soon", "physio")
URGENCY_LABEL = {
    "emergency": "EMERGENCY: get help now",
    "doctor-today": "see a doctor today",
    "doctor-soon": "see a doctor within days",
    "physio": "see a physiotherapist before loading it",
}


class Problem(Record, frozen=True):
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


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that keep a file from being used (a warning only tells)."""
    return [p for p in problems if p.severity == "error"]


class MatchedFact(Record, frozen=True):
    """A fact a rule matched, by the condition name it matched under."""

    name: str
    values: dict[str, Any]


class Reason(Record, frozen=True):
    """Why a conclusion was drawn: one rule firing on some facts."""

    rule_id: str
    title: str
    why: str
    source: str
    matched: tuple[MatchedFact, ...]
    chain: tuple[str, ...] = ()
    """Rule ids whose flags led to this firing, earliest first (excluding ``rule_id``)."""
    priority: int = 0


class Hold(Record, frozen=True):
    """A restriction the planner applies (regions resolved): what no plan item may be.

    Every non-empty criterion must match; within one, any value matches. See
    ``prehab.plan.holds`` for how it meets an exercise.
    """

    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()
    mode: str = "remove"
    works: tuple[str, ...] = ()

    def describe(self) -> str:
        """The hold in words, so the text shown is derived from what is enforced."""
        subject = " or ".join(self.kinds) + " work" if self.kinds else "exercise"
        parts = []
        if self.loads:
            parts.append(f"at a {' or '.join(self.loads)} load")
        if self.tags:
            parts.append("that is " + " or ".join(t.replace("_", "-") for t in self.tags))
        if self.exercises:
            parts.append("(" + ", ".join(self.exercises) + ")")
        if self.works:
            parts.append("for the " + ", ".join(r.replace("_", " ") for r in self.works))
        if self.regions and "all" not in self.regions:
            regions = ", ".join(r.replace("_", " ") for r in self.regions)
            touch = "loads or stretches" if not self.kinds or "mobility" in self.kinds else "loads"
            parts.append(f"that {touch} the {regions}")
        what = " ".join([subject, *parts])
        if self.mode == "regress":
            return f"easier versions of any {what}"
        if self.mode == "reduce":
            return f"one step easier: any {what}"
        if self.mode == "deload":
            return f"one set fewer (never below two) on any {what}, daily routines apart"
        if self.mode == "pause":
            return f"no {what} for now, daily routines apart"
        if subject == "exercise" and not parts:
            return "no exercise at all"
        return f"no {what}"


class Conclusion(Record, frozen=True):
    """One conclusion of one rule firing, before planning."""

    type: ConclusionType
    reason: Reason
    exercise: str = ""
    dose: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    flag: str = ""
    region: str = ""
    hold: Hold | None = None
    urgency: str = ""
    direction: str = ""
    """For ``progress``: up, hold or down along the ladder named in ``exercise``."""


COMPLAINT_KINDS = ("tightness", "soreness", "pain", "injury")
"""Fact kinds that are the runner's own complaint: items answering them come first in Today."""


class Prescription(Record):
    """An exercise to do today, merged from every rule that asked for it."""

    exercise: str
    name: str
    kind: str
    dose: dict[str, Any]
    minutes: float
    reasons: list[Reason]

    regressed_from: str = ""
    """The exercise a hold swapped for this easier one ("" when prescribed as is)."""
    progress_note: str = ""
    """Why this step of its ladder today ("2 sessions of X at RPE 7 or less: progress to Y")."""
    full_minutes: float = 0.0
    """The minutes before a deload took a set off (0: not deloaded). The day's time budget counts
    this, so the minutes a deload frees are not filled with more work (``plan.day``)."""

    @property
    def priority(self) -> int:
        return max((r.priority for r in self.reasons), default=0)

    @property
    def complaints(self) -> set[str]:
        """The runner's own complaints this item answers, e.g. ``tightness:hip_flexors``."""
        out = set()
        for reason in self.reasons:
            for m in reason.matched:
                kind = m.values.get("fact")
                if kind in COMPLAINT_KINDS:
                    what = m.values.get("region") or m.values.get("condition") or m.values.get("sign") or ""
                    out.add(f"{kind}:{what}")
        return out


class Evaluation(Record):
    """Everything one evaluation of one athlete produced."""

    prescriptions: list[Prescription]
    conclusions: list[Conclusion]
    fired: list[str]
    flags: list[str]
    suppressed: list[tuple[Prescription, Reason]]
    """Prescriptions a hold removed, with the reason of the hold."""
    errors: list[str] = field(default_factory=list)
    regressed: list[tuple[str, Prescription, Reason]] = field(default_factory=list)
    """(original exercise id, the easier prescription given instead, the hold's reason)."""
    eased_names: dict[str, str] = field(default_factory=dict)
    """The name of each exercise in ``regressed``, by id: NOT TODAY says what an easier item
    stands in for in words, not ids."""

    def of_type(self, kind: ConclusionType) -> list[Conclusion]:
        return [c for c in self.conclusions if c.type == kind]

    @property
    def referrals(self) -> list[Conclusion]:
        """Most urgent first (emergency, doctor today, doctor soon, physiotherapist)."""
        refs = self.of_type("refer")
        return sorted(refs, key=lambda c: URGENCY_ORDER.index(c.urgency) if c.urgency in URGENCY_ORDER else 9)

    @property
    def holds(self) -> list[Conclusion]:
        return self.of_type("hold")

    @property
    def instead(self) -> list[Conclusion]:
        return self.of_type("instead")

    @property
    def cautions(self) -> list[Conclusion]:
        return self.of_type("caution")

    @property
    def notes(self) -> list[Conclusion]:
        return self.of_type("note")
