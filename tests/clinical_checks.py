"""Checks a physiotherapist makes of a day's plan, each reading the plan against the
independent load map (tests/load_map.py), never the catalogue's own ``loads``: shared by the
runner scenarios (test_runner_types.py) and the review's runners (test_physio_review.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.clinical import LOWER_LIMB, Outcome
from tests.load_map import LATERAL_TRUNK, LOADS, SPINAL_FLEXION_OR_TWIST, SUPINE

Check = Callable[[Outcome], None]
READY = {"fact": "athlete", "experience": "advanced", "strength_weeks": 20}
DUE = {"fact": "load", "days_since_strength": 4, "weekly_km": 45, "previous_week_km": 42}
ECONOMY = {"fact": "goal", "focus": "economy"}


def athlete(**fields: Any) -> dict[str, Any]:
    return {"fact": "athlete", **fields}


def touching(out: Outcome, regions: set[str] | frozenset[str]) -> list[str]:
    """Plan items that load any of ``regions``, by the independent map."""
    return sorted(p.exercise for p in out.items if LOADS[p.exercise] & set(regions))


def in_set(out: Outcome, ids: frozenset[str]) -> list[str]:
    return sorted(p.exercise for p in out.items if p.exercise in ids)


def no_impact(out: Outcome) -> None:
    assert not out.impact(), f"impact or jumping work: {out.impact()}"


def no_heavy(out: Outcome) -> None:
    assert not out.heavy(), f"heavy work: {out.heavy()}"


def no_lower_limb(out: Outcome) -> None:
    assert not touching(out, LOWER_LIMB), f"loads a leg: {touching(out, LOWER_LIMB)}"


def no_back_or_legs_or_side(out: Outcome) -> None:
    assert not touching(out, LOWER_LIMB | {"lower_back"}), touching(out, LOWER_LIMB | {"lower_back"})
    assert not in_set(out, LATERAL_TRUNK), f"side-bending work: {in_set(out, LATERAL_TRUNK)}"


def no_spinal_flexion(out: Outcome) -> None:
    assert not in_set(out, SPINAL_FLEXION_OR_TWIST), in_set(out, SPINAL_FLEXION_OR_TWIST)


def no_supine(out: Outcome) -> None:
    assert not in_set(out, SUPINE), f"lying on the back: {in_set(out, SUPINE)}"


def refers(urgency: str) -> Check:
    def check(out: Outcome) -> None:
        assert any(c.urgency == urgency for c in out.ev.referrals), [c.urgency for c in out.ev.referrals]

    return check


def says(text: str) -> Check:
    def check(out: Outcome) -> None:
        assert text.lower() in out.texts().lower(), f"nothing says {text!r}"

    return check


def fires(rule: str) -> Check:
    def check(out: Outcome) -> None:
        assert rule in out.ev.fired, f"{rule} did not fire"

    return check


def not_fired(rule: str) -> Check:
    def check(out: Outcome) -> None:
        assert rule not in out.ev.fired, f"{rule} fired"

    return check


def has(*exercises: str) -> Check:
    def check(out: Outcome) -> None:
        assert set(exercises) & out.ids, f"none of {exercises} in {sorted(out.ids)}"

    return check


def lacks(*exercises: str) -> Check:
    def check(out: Outcome) -> None:
        assert not set(exercises) & out.ids, f"{sorted(set(exercises) & out.ids)} in the plan"

    return check


def nothing_at_all(out: Outcome) -> None:
    assert not out.items, f"exercise with a warning sign: {sorted(out.ids)}"


def nothing_below_a_step(out: Outcome) -> None:
    assert not out.tagged("below_step"), out.tagged("below_step")


def two_sets_at_least(out: Outcome) -> None:
    sets = {p.exercise: int(p.dose.get("sets", 2) or 2) for p in out.items if p.kind == "strength"}
    assert all(n >= 2 for n in sets.values()), f"a deload below two sets: {sets}"


CALF_EXERCISES = frozenset(
    {
        "weighted-calf-raise-step",
        "heavy-calf-raise-straight-knee",
        "bent-knee-calf-raise",
        "calf-raise",
        "double-leg-calf-raise",
        "tiptoe-walk-weights",
        "seated-calf-raise",
        "heavy-calf-raise-floor",
        "single-leg-heel-raise-towel",
    }
)
BIG_LEG_MUSCLES = frozenset({"quadriceps", "hamstrings", "glutes"})


def never_says(text: str) -> Check:
    def check(out: Outcome) -> None:
        assert text.lower() not in out.texts().lower(), f"the plan says {text!r}"

    return check


def no_strength(out: Outcome) -> None:
    strength = sorted(p.exercise for p in out.items if p.kind in ("strength", "plyometric"))
    assert not strength, f"strength work in a week that holds it: {strength}"


def nothing_loaded(out: Outcome) -> None:
    loaded = sorted(p.exercise for p in out.items if p.dose.get("load") in ("moderate", "heavy"))
    assert not loaded, f"loaded work: {loaded}"


def no_loaded_legs(out: Outcome) -> None:
    """The day before a key run: no moderate or heavy work on the big leg muscles (independent map)."""
    loaded = sorted(
        p.exercise
        for p in out.items
        if p.dose.get("load") in ("moderate", "heavy") and LOADS[p.exercise] & BIG_LEG_MUSCLES
    )
    assert not loaded, f"loaded leg work the day before a key run: {loaded}"
    assert not out.tagged("ballistic"), out.tagged("ballistic")


def at_most_one_calf_exercise(out: Outcome) -> None:
    calf = in_set(out, CALF_EXERCISES)
    assert len(calf) <= 1, f"more calf work on struggling calves: {calf}"
    loaded = [
        p.exercise
        for p in out.items
        if p.exercise in CALF_EXERCISES and p.dose.get("load") in ("moderate", "heavy")
    ]
    assert not loaded, f"a loaded calf exercise: {loaded}"


def said_once(text: str) -> Check:
    def check(out: Outcome) -> None:
        said = [c.text for c in out.ev.conclusions if c.text and text.lower() in c.text.lower()]
        assert len(said) <= 1, f"{text!r} said {len(said)} times: {said}"

    return check
