"""The records the store keeps, and the one place that says what a valid session is.

Validation lives here (not in the CLI or the TUI) so both front ends reject the same
inputs with the same wording, and imports can reuse it to drop rows that make no sense.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Literal

from prehab.model import Fact
from prehab.record import Record, field

RUN_KINDS: tuple[str, ...] = ("easy", "long", "tempo", "intervals", "race", "strides", "hills")
"""Kinds that count as running distance (weekly km, long-run share, spikes)."""

KINDS: tuple[str, ...] = (
    *RUN_KINDS,
    "strength",
    "mobility",
    "cross-training",
    "cycling",
)
"""Every session kind; the same list as ``session.type`` in rules/facts.toml."""

HARD_KINDS: frozenset[str] = frozenset({"tempo", "intervals", "race", "hills"})

SURFACES: tuple[str, ...] = ("road", "trail", "track", "treadmill", "grass", "other")
"""The same list as ``session.surface`` in rules/facts.toml."""

MAX_DISTANCE_KM = 500.0
MAX_DURATION_MIN = 2000.0
"""Caps for a run (any of ``RUN_KINDS``): past them it is a typing or unit mistake."""
MAX_OTHER_DISTANCE_KM = 5000.0
MAX_OTHER_DURATION_MIN = 14 * 24 * 60.0
"""Caps for every other kind. Real rides pass the run caps (a 474 km, 2,117-minute brevet; a
1,200 km Paris-Brest-Paris in one file); these only catch nonsense such as metres read as km."""


RecordKind = Literal["session", "checkin", "done"]
"""The kinds of record a delete can be undone for (``prehab delete``/``restore``, the app's undo)."""
RECORD_KINDS: tuple[RecordKind, ...] = ("session", "checkin", "done")


class Session(Record):
    """One training session. Distances are kilometres whatever the user's display units."""

    date: date
    kind: str
    distance_km: float = 0.0
    duration_min: float | None = None
    rpe: int | None = None
    surface: str | None = None
    cross_plane: bool = False
    notes: str = ""
    source: str = "manual"
    external_id: str | None = None
    id: int | None = None
    deleted_at: datetime | None = None
    """When the session was deleted (None: it is not); deleted sessions are kept so the delete
    can be undone (``Store.restore``), and every read but the export leaves them out."""

    def record(self) -> dict[str, Any]:
        """The session as plain data in a fixed order (exports, JSON output)."""
        return {
            "id": self.id,
            "date": self.date,
            "kind": self.kind,
            "distance_km": self.distance_km,
            "duration_min": self.duration_min,
            "rpe": self.rpe,
            "surface": self.surface,
            "cross_plane": self.cross_plane,
            "notes": self.notes,
            "source": self.source,
            "external_id": self.external_id,
        }

    @property
    def is_run(self) -> bool:
        return self.kind in RUN_KINDS


class Checkin(Record):
    """One answered questionnaire: the raw answers and the facts they became."""

    id: int
    taken_at: datetime
    answers: dict[str, Any]
    facts: list[Fact] = field(default_factory=list)
    deleted_at: datetime | None = None


STRENGTH_WORK: frozenset[str] = frozenset({"strength", "plyometric"})
"""Done items of these kinds make a day a strength session (like a logged ``strength`` one)."""

STRENGTH_SESSION_MINUTES = 15.0
"""A day's done strength and plyometric work makes a strength session from this many minutes
(a mark stored without minutes counts in full): the minimum effective dose is sessions of 20-30
minutes, and the 10 minutes of glute activation given for tight hip flexors are not the session
the strength rules ask for (counting them as one kept the real session off every day of Week)."""

CROSS_PLANES: frozenset[str] = frozenset({"frontal", "transverse", "multi"})
"""Catalogue planes that count as side-to-side or rotational work (``days_since_cross_plane``)."""


class DoneItem(Record, frozen=True):
    """One exercise the runner marked done: what was done, on which day, at which dose.

    ``rpe`` is the session RPE (1-10) the runner gave for that day's prehab work at the next
    check-in (the ``effort`` answer), None when not answered. ``kind`` is the catalogue kind
    (mobility, strength, plyometric); ``plane`` and ``loads`` are the catalogue's, as they were
    when the item was marked ("" and () for marks made before prehab kept them).
    """

    day: date
    exercise: str
    kind: str
    dose: dict[str, Any] = field(hash=False)
    rpe: int | None = None
    plane: str = ""
    loads: tuple[str, ...] = ()
    minutes: float | None = None
    rule_ids: tuple[str, ...] = ()
    id: int | None = None
    actual: dict[str, Any] = field(default_factory=dict, hash=False)
    """What was really done (``prehab.workout.actual.Actual``'s JSON; {}: the dose given)."""

    @property
    def is_strength(self) -> bool:
        return self.kind in STRENGTH_WORK

    def cross_plane(self, planes: dict[str, str] | None = None) -> bool:
        """Frontal, transverse or multi-plane work (the stored plane, else ``planes``)."""
        plane = self.plane or (planes or {}).get(self.exercise, "")
        return plane in CROSS_PLANES


class Deleted(Record, frozen=True):
    """A deleted record that can be restored: ``prehab restore KIND ID`` or the app."""

    kind: RecordKind
    id: int
    day: date
    what: str
    deleted_at: datetime


class AdviceRecord(Record):
    """One day's plan as it was advised: the advice log (at most one per day)."""

    day: date
    computed_at: datetime
    fingerprint: str
    items: list[dict[str, Any]]
    """Each: exercise, name, kind, dose, minutes, rules (ids) and why ({rule id: matched facts})."""
    rule_ids: list[str]
    """Every rule that fired."""
    held: list[dict[str, Any]] = field(default_factory=list)
    """What the plan left out and why: exercise, name, rule, why (held, extra, equipment, easier)."""
    id: int | None = None

    @property
    def exercises(self) -> list[str]:
        return [str(item.get("exercise", "")) for item in self.items]

    @property
    def minutes(self) -> float:
        return round(sum(float(item.get("minutes") or 0) for item in self.items), 1)


class ImportCount(Record):
    """What one batch insert did: rows added and rows skipped as duplicates."""

    added: int = 0
    skipped: int = 0

    def __iadd__(self, other: ImportCount) -> ImportCount:
        self.added += other.added
        self.skipped += other.skipped
        return self


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate_session(s: Session) -> list[str]:
    """Every reason ``s`` cannot be stored, each saying what to change; empty when valid."""
    problems: list[str] = []
    if not isinstance(s.date, date):
        problems.append("date: give a date as YYYY-MM-DD")
    elif s.date > date.today().replace(year=date.today().year + 1):
        problems.append(f"date: {s.date.isoformat()} is more than a year ahead; check the year")
    if s.kind not in KINDS:
        problems.append(f"kind: {s.kind!r} is not a session kind; use one of {', '.join(KINDS)}")
    run = s.kind in RUN_KINDS
    max_km = MAX_DISTANCE_KM if run else MAX_OTHER_DISTANCE_KM
    max_min = MAX_DURATION_MIN if run else MAX_OTHER_DURATION_MIN
    what = "for a run " if run else ""
    if not _finite(s.distance_km) or not 0 <= s.distance_km <= max_km:
        problems.append(f"distance: must be between 0 and {max_km:,g} km {what}".rstrip())
    if s.duration_min is not None and (not _finite(s.duration_min) or not 0 < s.duration_min <= max_min):
        problems.append(f"duration: must be more than 0 and at most {max_min:,g} minutes {what}".rstrip())
    if s.rpe is not None and (isinstance(s.rpe, bool) or not isinstance(s.rpe, int) or not 1 <= s.rpe <= 10):
        problems.append("rpe: effort is a whole number from 1 (very easy) to 10 (maximal)")
    if s.surface is not None and s.surface not in SURFACES:
        problems.append(f"surface: {s.surface!r} is not a surface; use one of {', '.join(SURFACES)}")
    if s.kind in RUN_KINDS and s.distance_km == 0 and s.duration_min is None:
        problems.append("distance: a run needs a distance or a duration")
    return problems


EPISODE_KEYS: dict[str, str] = {"pain": "region", "symptom": "sign", "injury": "condition"}
"""Fact kinds that are episodes, and the field that says which one (the knee's pain, one sign,
one named condition). An episode stays open from the day it is reported until it is closed."""

PAIN_SIGNS = (
    "worse_next_morning",
    "bone_tenderness",
    "at_rest",
    "swelling",
    "changes_stride",
    "at_night",
    "numbness",
)
"""The pain fact's warning signs: a sign stays on its episode until the runner answers "no"."""


def episode_key(fact: Fact) -> tuple[str, str] | None:
    """(kind, subject) of the episode a reported fact is about, or None if it is not one."""
    kind = fact.get("fact")
    field_name = EPISODE_KEYS.get(str(kind))
    subject = fact.get(field_name) if field_name else None
    if not isinstance(subject, str) or not subject:
        return None
    return str(kind), subject


def reported_state(fact: Fact) -> str:
    """What a reported episode fact says: "open" (it is there), "resolved" (the runner said it
    is gone: pain 0 with no warning sign, a sign answered "no") or "" (nothing either way)."""
    kind = fact.get("fact")
    if kind == "symptom":
        present = fact.get("present")
        return "open" if present is True else "resolved" if present is False else ""
    if kind == "injury":
        return "open"
    if kind == "pain":
        signs = [fact.get(s) for s in PAIN_SIGNS]
        level = fact.get("level")
        if any(v is True for v in signs) or (isinstance(level, int | float) and level > 0):
            return "open"
        if level == 0:
            return "resolved"
        return "" if any(v is False for v in signs) else "open"
    return ""


class Episode(Record):
    """A pain, warning sign, screening sign or named condition, open until the runner closes it.

    ``fact`` is what the rules see every day it is open: every report merged, the latest answer
    to each field winning (a sign answered once stays until answered "no").
    """

    id: int
    kind: str
    subject: str
    fact: Fact
    opened_on: date
    updated_on: date
    trend: str = ""
    """The last follow-up answer: same, worse or better ("" before any)."""
    closed_on: date | None = None
    close_reason: str = ""
    deleted_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None and self.deleted_at is None

    def open_on(self, day: date) -> bool:
        """Open on ``day``: reported by then and not closed before it ended."""
        return (
            self.deleted_at is None
            and self.opened_on <= day
            and (self.closed_on is None or self.closed_on > day)
        )

    @property
    def label(self) -> str:
        """``knees pain``, ``night pain (screening)``, ``achilles (injury)``: in words."""
        subject = self.subject.replace("_", " ")
        if self.kind == "pain":
            return f"{subject} pain"
        if self.kind == "symptom":
            return f"{subject} (screening sign)"
        return f"{subject} ({self.kind})"


class EpisodeUpdate(Record, frozen=True):
    """One entry of an episode's story: opened, reported again, a follow-up answer, closed."""

    episode_id: int
    day: date
    at: datetime
    what: str
    fact: Fact = field(default_factory=dict, hash=False)
    checkin_id: int | None = None


class Response(Record, frozen=True):
    """How the work of one day answered, given the day after: the session's RPE (``region`` "")
    or one region's pain during and the next morning, each compared with before."""

    work_day: date
    region: str = ""
    rpe: int | None = None
    pain_during: str | None = None
    next_morning: str | None = None
    answered_at: datetime | None = None


class Profile(Record):
    """Who the runner is, as answered on the profile screen (asked once, edited any time).

    ``facts`` are the facts those answers set (``athlete`` and ``health``); the day's age is
    worked out from ``athlete.birth_year`` each day. ``skipped``: the runner skipped onboarding
    (the cautious defaults apply, and it is not asked again).
    """

    answers: dict[str, Any]
    facts: list[Fact]
    skipped: bool = False
    updated_at: datetime | None = None
