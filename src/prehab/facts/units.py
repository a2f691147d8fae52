"""Kilometres inside, the runner's unit at the edges: the only place miles exist."""

from __future__ import annotations

KM_PER_MILE = 1.609344


def to_display(km: float, units: str) -> float:
    """``km`` in the runner's ``units`` ("km" or "mi")."""
    return km / KM_PER_MILE if units == "mi" else km


def from_display(value: float, units: str) -> float:
    """A distance typed in the runner's ``units``, in kilometres."""
    return value * KM_PER_MILE if units == "mi" else value


def format_distance(km: float, units: str) -> str:
    """``km`` for people: ``"12.3 km"`` or ``"7.6 mi"``."""
    return f"{to_display(km, units):.1f} {units}"
