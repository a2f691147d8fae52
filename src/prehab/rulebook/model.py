"""The validated, typed form of a rule pack. Built only by the parser, read by everyone."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prehab.model import Fact
from prehab.record import Record, field
from prehab.rulebook.schema import FactSchema

if TYPE_CHECKING:
    from prehab.engine.compile import EnginePlan

OPERATORS = {
    "at_least": ">=",
    "at_most": "<=",
    "above": ">",
    "below": "<",
    "equals": "==",
    "not": "!=",
    "one_of": "in",
    "exists": "exists",
    "from": "== the matched",
}
"""The tests a condition may write. ``from`` (``region = { from = "pain.region" }``) is only for
``unless``: the fact must have the value a ``when`` condition's matched fact has (a warning sign
in the same region as the pain the rule matched, not in any region)."""
DOSE_KEYS = ("sets", "reps", "hold_s", "minutes", "load", "per_side", "per_week")
LOADS = ("bodyweight", "light", "moderate", "heavy")
KINDS = ("mobility", "strength", "plyometric")
PLANES = ("sagittal", "frontal", "transverse", "multi")
LOADING_KINDS = ("strength", "plyometric")
HOLD_MODES = ("remove", "regress", "reduce", "deload", "pause")
"""What a hold does to a matching prescription: drop it; swap it for the first catalogue
regression that the hold no longer matches; or one step easier (a regression, else fewer sets
and a lighter load) -- the pain-monitoring model's "reduce the load", not "stop all loading";
or deload: the same exercise and load with a set fewer (every 4th week, taper); or pause: dropped
as by remove, but for training's own rhythm (race week), so a daily routine stays."""
PROGRESS_DIRECTIONS = ("up", "hold", "down")
LOAD_STEPS = ("up", "same", "down")
"""``then.load``: the next load (or reps, or seconds) of an exercise with recorded work."""
URGENCIES = ("emergency", "doctor-today", "doctor-soon", "physio")
"""Referral urgency, most urgent first: call emergency services now; see a doctor today; see a
doctor within days; see a physiotherapist before loading the area again."""


class FieldTest(Record, frozen=True):
    """One test of a fact field (``level >= 5``), as the rule wrote it."""

    field: str
    op: str
    value: Any


class Condition(Record, frozen=True):
    """One fact a rule needs (or must not find), with its field tests."""

    fact: str
    tests: tuple[FieldTest, ...]
    name: str
    """The name conclusions use to refer to the matched fact (``as``, else the kind)."""


class ValueRef(Record, frozen=True):
    """A value copied from a matched fact at firing time (``{ from = "p.region" }``)."""

    condition: str
    field: str


class FlagSpec(Record, frozen=True):
    """A flag a rule concludes, optionally for a region taken from a matched fact."""

    name: str
    region: str | ValueRef | None = None


class PrescribeSpec(Record, frozen=True):
    """An exercise a rule prescribes, with the dose it changes from the catalogue's."""

    exercise: str
    dose: dict[str, Any] = field(default_factory=dict)


class HoldSpec(Record, frozen=True):
    """A structured restriction: every given criterion must match (each is "any of" its values).

    ``regions`` match an exercise's ``loads``, and also its ``works`` when the hold covers
    mobility (stretching a swollen knee loads it too). ``loads`` match the dose's load level.
    """

    regions: tuple[str | ValueRef, ...] = ()
    kinds: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()
    mode: str = "remove"
    works: tuple[str, ...] = ()
    """Regions the exercise trains (its ``works``), e.g. "calf strength" without every
    standing exercise that merely loads the calf of the standing leg."""


class ProgressSpec(Record, frozen=True):
    """Move the runner along one catalogue ladder: ``up`` a step, ``hold`` it, or ``down``."""

    ladder: str | ValueRef
    direction: str


class LoadSpec(Record, frozen=True):
    """``then.load``: the step of ``exercise``'s load (usually ``{ from = "lift.exercise" }``)."""

    exercise: str | ValueRef
    step: str


class Then(Record, frozen=True):
    """Everything a rule concludes when it fires."""

    prescribe: tuple[PrescribeSpec, ...] = ()
    flags: tuple[FlagSpec, ...] = ()
    caution: str = ""
    refer: str = ""
    note: str = ""
    holds: tuple[HoldSpec, ...] = ()
    urgency: str = "physio"
    """How urgent ``refer`` is (one of URGENCIES)."""
    instead: str = ""
    """What to do instead of what the holds forbid, shown with them."""
    progress: tuple[ProgressSpec, ...] = ()
    load: tuple[LoadSpec, ...] = ()


class Example(Record, frozen=True):
    """An embedded example: given facts and what the rule must (not) conclude on them."""

    name: str
    given: tuple[Fact, ...]
    expect: dict[str, Any]
    line: int | None = None


class Rule(Record, frozen=True):
    """A validated rule, with where it was written (file, line) for every message about it."""

    id: str
    title: str
    priority: int
    when: tuple[Condition, ...]
    when_any: tuple[Condition, ...]
    unless: tuple[Condition, ...]
    then: Then
    why: str
    source: str
    tags: tuple[str, ...]
    examples: Sequence[Example]
    """A tuple, or read back from the pack cache a ``packcache.Deferred``: decoded when first used."""
    file: str
    line: int | None
    enabled: bool = True

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return self.when + self.when_any + self.unless


class Exercise(Record, frozen=True):
    """A catalogue exercise: what it trains and loads, its dose, ladder and tags."""

    id: str
    name: str
    kind: str
    works: tuple[str, ...]
    loads: tuple[str, ...]
    plane: str
    equipment: tuple[str, ...]
    dose: dict[str, Any]
    minutes: float
    cues: tuple[str, ...] = ()
    regression: str = ""
    note: str = ""
    progression: str = ""
    """The next harder step on this exercise's ladder (the inverse of ``regression``)."""
    tags: tuple[str, ...] = ()
    """Traits holds can name: heavy, impact, single_leg, standing, advanced, eccentric, balance..."""
    file: str = ""
    line: int | None = None


class Rulebook(Record):
    """A rule pack that passed validation: safe to compile and run."""

    schema: FactSchema
    rules: dict[str, Rule]
    exercises: dict[str, Exercise]
    files: list[Path]
    fingerprint: str
    replaced: dict[str, str] = field(default_factory=dict)
    """Rule id -> file whose rule replaced the default of that id (user overrides)."""
    disabled: set[str] = field(default_factory=set)
    plan: EnginePlan | None = None
    """The active rules compiled for the engine (``engine.compile.plan_rules``), made by the
    loader and kept with the pack in the cache; None: the engine compiles them itself."""

    @property
    def active_rules(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.enabled]
