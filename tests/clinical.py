"""What a physiotherapist checks in a plan, written from the facts, not from the rules.

Shared by the scenario tests and the property tests: each helper reads the runner's facts
and the final plan, so a rule pack that forgets a hold fails here even if its own examples pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from prehab.advice import evaluate
from prehab.model import Evaluation, Fact, Prescription
from prehab.plan.day import DayPlan, PlanOptions, plan_day
from prehab.plan.holds import effective_load
from prehab.rulebook.loader import default_layers, load_rulebook
from prehab.rulebook.model import Exercise, Rulebook

LOWER_LIMB = frozenset(
    {"quadriceps", "hamstrings", "glutes", "hip_flexors", "adductors", "hip_rotators", "calves",
     "achilles", "shins", "feet", "knees", "it_band"}
)  # fmt: skip
HIP = frozenset({"hip_flexors", "adductors", "hip_rotators", "glutes"})
REFERRAL_SIGNS = ("swelling", "changes_stride", "at_rest", "at_night", "numbness", "bone_tenderness")
EMERGENCY_SIGNS = ("saddle_numbness", "bladder_bowel_change", "chest_pain", "fainting")

NOT_RUNNING = re.compile(
    r"don't run (on|until)|stop running (and|until)|stop exercising and get medical help"
    r"|\bno running\b(?! beyond)",
    re.IGNORECASE,
)
"""Words that stop running now; ``stops`` leaves out "If it hurts, stop running" (for later)."""


def stops(text: str) -> bool:
    """Whether ``text`` tells the runner not to run now (a sentence starting "If" is for later)."""
    return any(
        NOT_RUNNING.search(part) and not part.lower().startswith("if ")
        for part in re.split(r"(?<=[.;:])\s+", text)
    )


KEY_RUN_EASY = re.compile(r"key run is planned, but .*allows only easy running")
"""The plan turns a planned key run into an easy one (a healing strain, a graded return,
pregnancy's talk test...): nothing needs sparing for a hard session then."""


KEEP_RUNNING = re.compile(
    r"hold (your|the) mileage|hold this level|hold it steady|running long|shorter or slower"
    r"|as far and as easy|grow the long run"
    r"|strides (of|after)"
    r"|\brun (and train )?only"
    r"|key run (today|tomorrow)|do it after the run|after the key run"
    r"|rebuild with walk-run|running can go on",
    re.IGNORECASE,
)
"""Lines that have the runner run on (a mileage held, long runs, a run cut back, strides, running
that stays pain-free, a key run, lifting after the run, a walk-run plan): never beside a stop."""


def independent_loads(exercise: str) -> frozenset[str]:
    """What ``exercise`` loads by the physio-written map kept apart from the catalogue; an
    exercise the map does not know (a user's own) loads every region, to be safe."""
    from tests.load_map import LOADS

    return LOADS.get(exercise, LOWER_LIMB | {"core", "lower_back", "upper_body"})


@cache
def shipped() -> Rulebook:
    result = load_rulebook(default_layers(include_user=False))
    assert result.rulebook is not None, [str(p) for p in result.errors]
    return result.rulebook


@dataclass
class Outcome:
    facts: list[Fact]
    ev: Evaluation
    plan: DayPlan
    book: Rulebook

    @property
    def items(self) -> list[Prescription]:
        """Everything the plan offers today: what fits the budget and 'if you have more time'."""
        return self.plan.items + self.plan.extra

    @property
    def ids(self) -> set[str]:
        return {p.exercise for p in self.items}

    def ex(self, p: Prescription) -> Exercise:
        return self.book.exercises[p.exercise]

    def texts(self) -> str:
        """Everything the runner reads: cautions, referrals, notes, and each item's why."""
        parts = [c.text for c in self.ev.conclusions if c.text]
        parts += sorted({c.reason.why for c in self.ev.conclusions})
        return "\n".join(parts)

    def touching(self, regions: set[str] | frozenset[str]) -> list[str]:
        """Plan items that load or stretch any of ``regions``, by the independent load map
        (tests/load_map.py), never the catalogue's own ``loads``."""
        return [p.exercise for p in self.items if independent_loads(p.exercise) & regions]

    def heavy(self) -> list[str]:
        return [
            p.exercise
            for p in self.items
            if effective_load(self.ex(p), p.dose) == "heavy" or "heavy" in self.ex(p).tags
        ]

    def plyometric(self) -> list[str]:
        return [p.exercise for p in self.items if p.kind == "plyometric"]

    def impact(self) -> list[str]:
        return [p.exercise for p in self.items if p.kind == "plyometric" or "impact" in self.ex(p).tags]

    def impact_on(self, region: str) -> list[str]:
        """Plyometric or impact items that load ``region`` (the independent load map)."""
        return [e for e in self.impact() if region in independent_loads(e)]

    def strength_for(self, regions: set[str]) -> list[str]:
        """Strength items that train (work) any of ``regions``, e.g. calf strength."""
        return [p.exercise for p in self.items if p.kind == "strength" and regions & set(self.ex(p).works)]

    def tagged(self, tag: str) -> list[str]:
        return [p.exercise for p in self.items if tag in self.ex(p).tags]


def advise(
    facts: list[Fact], *, budget: float | None = 30, equipment: frozenset[str] | None = None
) -> Outcome:
    book = shipped()
    ev = evaluate(book, facts)
    assert not ev.errors, ev.errors
    plan = plan_day(ev, book.exercises, PlanOptions(budget, equipment))
    return Outcome(facts, ev, plan, book)


def of_kind(facts: list[Fact], kind: str) -> list[Fact]:
    return [f for f in facts if f.get("fact") == kind]


def one(facts: list[Fact], kind: str) -> dict[str, Any]:
    found = of_kind(facts, kind)
    return found[0] if found else {}


def symptoms(facts: list[Fact]) -> set[str]:
    return {str(f["sign"]) for f in of_kind(facts, "symptom") if f.get("present") is True}


def referral_regions(facts: list[Fact]) -> set[str]:
    """Regions with a referral-level sign: nothing may load or stretch them."""
    out = set()
    for pain in of_kind(facts, "pain"):
        if pain.get("level", 0) > 6 or any(pain.get(sign) is True for sign in REFERRAL_SIGNS):
            out.add(str(pain["region"]))
        if pain.get("pattern") == "groin_deep_hip":
            out |= HIP
    signs = symptoms(facts)
    if "groin_pain_on_load" in signs:
        out |= HIP
    if "swollen_warm_calf" in signs:
        out |= LOWER_LIMB
    return out


def strength_ready(facts: list[Fact]) -> bool:
    """4+ weeks of strength work and a session within 14 days (Blagrove 2018)."""
    weeks = one(facts, "athlete").get("strength_weeks")
    days = one(facts, "load").get("days_since_strength")
    return isinstance(weeks, int) and weeks >= 4 and isinstance(days, int) and days <= 14


def returning(facts: list[Fact]) -> bool:
    return (
        one(facts, "athlete").get("weeks_off", 0) >= 2 or one(facts, "load").get("return_break_days", 0) >= 14
    )


def no_heavy_or_plyometric_reasons(facts: list[Fact]) -> list[str]:
    """Why heavy and plyometric work must not appear today (empty: it may)."""
    schedule, load, athlete = one(facts, "schedule"), one(facts, "load"), one(facts, "athlete")
    why = []
    if schedule.get("key_run_tomorrow") is True:
        why.append("key run tomorrow")
    if schedule.get("days_to_goal_race", 999) <= 14:
        why.append("taper or race week")
    if not strength_ready(facts):
        why.append("no strength history")
    if load.get("days_since_strength", 99) <= 1:
        why.append("strength work yesterday")
    if returning(facts):
        why.append("returning after a break")
    if athlete.get("experience") == "beginner":
        why.append("beginner")
    if referral_regions(facts) & LOWER_LIMB:
        why.append("warning sign in the leg")
    return why
