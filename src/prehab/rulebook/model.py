"""The validated, typed form of a rule pack. Built only by the parser, read by everyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prehab.model import Fact
from prehab.rulebook.schema import FactSchema

OPERATORS = {
    "at_least": ">=",
    "at_most": "<=",
    "above": ">",
    "below": "<",
    "equals": "==",
    "not": "!=",
    "one_of": "in",
    "exists": "exists",
}
DOSE_KEYS = ("sets", "reps", "hold_s", "minutes", "load", "per_side", "per_week")
LOADS = ("bodyweight", "light", "moderate", "heavy")
KINDS = ("mobility", "strength", "plyometric")
PLANES = ("sagittal", "frontal", "transverse", "multi")
LOADING_KINDS = ("strength", "plyometric")


@dataclass(frozen=True)
class FieldTest:
    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class Condition:
    fact: str
    tests: tuple[FieldTest, ...]
    name: str
    """The name conclusions use to refer to the matched fact (``as``, else the kind)."""


@dataclass(frozen=True)
class ValueRef:
    """A value copied from a matched fact at firing time (``{ from = "p.region" }``)."""

    condition: str
    field: str


@dataclass(frozen=True)
class FlagSpec:
    name: str
    region: str | ValueRef | None = None


@dataclass(frozen=True)
class PrescribeSpec:
    exercise: str
    dose: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SuppressSpec:
    region: str | ValueRef
    kinds: tuple[str, ...] = LOADING_KINDS


@dataclass(frozen=True)
class Then:
    prescribe: tuple[PrescribeSpec, ...] = ()
    flags: tuple[FlagSpec, ...] = ()
    caution: str = ""
    refer: str = ""
    note: str = ""
    suppress: tuple[SuppressSpec, ...] = ()


@dataclass(frozen=True)
class Example:
    name: str
    given: tuple[Fact, ...]
    expect: dict[str, Any]
    line: int | None = None


@dataclass(frozen=True)
class Rule:
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
    examples: tuple[Example, ...]
    file: str
    line: int | None
    enabled: bool = True

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return self.when + self.when_any + self.unless


@dataclass(frozen=True)
class Exercise:
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
    file: str = ""
    line: int | None = None


@dataclass
class Rulebook:
    """A rule pack that passed validation: safe to compile and run."""

    schema: FactSchema
    rules: dict[str, Rule]
    exercises: dict[str, Exercise]
    files: list[Path]
    fingerprint: str
    replaced: dict[str, str] = field(default_factory=dict)
    """Rule id -> file whose rule replaced the default of that id (user overrides)."""
    disabled: set[str] = field(default_factory=set)

    @property
    def active_rules(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.enabled]
