"""Kilograms inside, the runner's unit at the edges: the only place pounds exist.

A load is stored in kg with full precision, so 40 lb typed today reads back as 40 lb; it is
shown rounded to what a gym has (0.5 kg or 1 lb). Load steps are the plates and dumbbells a
runner can actually add: dumbbells 2 kg / 5 lb, a barbell 2.5 kg / 5 lb, a kettlebell
4 kg / 10 lb, unless the settings say otherwise.
"""

from __future__ import annotations

import math
import re

KG_PER_LB = 0.45359237
WEIGHT_UNITS = ("kg", "lb")
MAX_LOAD_KG = 500.0
"""Heavier than any runner's lift: a typed value above it is a mistake, not a load."""

STEP_EQUIPMENT = ("dumbbell", "barbell", "kettlebell")
"""Kit whose load climbs in steps; anything else with a recorded load steps like a dumbbell."""
DEFAULT_STEPS: dict[str, dict[str, float]] = {
    "kg": {"dumbbell": 2.0, "barbell": 2.5, "kettlebell": 4.0},
    "lb": {"dumbbell": 5.0, "barbell": 5.0, "kettlebell": 10.0},
}


def to_unit(kg: float, unit: str) -> float:
    """``kg`` in the runner's ``unit`` ("kg" or "lb")."""
    return kg / KG_PER_LB if unit == "lb" else kg


def to_kg(value: float, unit: str) -> float:
    """A load typed in the runner's ``unit``, in kg."""
    return value * KG_PER_LB if unit == "lb" else value


def shown(kg: float, unit: str) -> str:
    """``kg`` for people, as a gym has it: ``"16 kg"``, ``"17.5 kg"``, ``"35 lb"``."""
    value = to_unit(kg, unit)
    value = round(value * 2) / 2 if unit == "kg" else round(value)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def equipment_class(equipment: tuple[str, ...] | list[str]) -> str:
    """The kit a loaded exercise's step comes from (dumbbell when it names none of them)."""
    return next((e for e in STEP_EQUIPMENT if e in equipment), "dumbbell")


def step_for(equipment: tuple[str, ...] | list[str], unit: str, overrides: dict[str, float | None]) -> float:
    """The next load step for an exercise with ``equipment``, in ``unit``."""
    kind = equipment_class(equipment)
    chosen = overrides.get(kind)
    return float(chosen) if chosen else DEFAULT_STEPS[unit if unit in DEFAULT_STEPS else "kg"][kind]


_LOAD = re.compile(r"\s*(\d{1,4}(?:[.,]\d{1,2})?)\s*(kg|kgs|lb|lbs)?\s*", re.IGNORECASE)


def parse_load(text: str, unit: str) -> float:
    """A typed load (``16``, ``16.5``, ``35 lb``, ``16kg``) in kg; ValueError with the fix."""
    match = _LOAD.fullmatch(text) if text.isascii() else None
    if match is None:
        raise ValueError(f"{text[:20]!r} is not a load; give a number in {unit}, e.g. 16 or 16.5")
    value = float(match.group(1).replace(",", "."))
    typed = (match.group(2) or unit).lower().rstrip("s")
    kg = to_kg(value, typed)
    if not math.isfinite(kg) or not 0 <= kg <= MAX_LOAD_KG:
        raise ValueError(f"{text[:20]!r} is not a load a runner lifts (0 to {MAX_LOAD_KG:g} kg)")
    return kg
