"""Per exercise, what was really done over time: the load (or reps, or seconds) and the volume.

Read from the done marks' ``actual`` (the guided session, ``prehab done --reps --load``): one
point per session of an exercise, so a runner sees the load climb (or not) on the Trends
screen and in ``prehab history --trends --json``. Exercises are ordered by how often they were
recorded: the main lifts first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from prehab.record import Record
from prehab.workout.actual import Actual
from prehab.workout.weights import to_unit


class LiftPoint(Record, frozen=True):
    """One day's work on an exercise (load, reps, volume): a point of its trend."""

    day: date
    load: float | None
    """The working load in the runner's unit (None: bodyweight or timed)."""
    reps: int | None
    """The fewest reps of any set (or seconds held, for timed work)."""
    volume: float
    """Sets x reps x load (in the runner's unit); bodyweight work: sets x reps."""

    def as_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "load": self.load, "reps": self.reps, "volume": self.volume}


def lift_series(done: Iterable[Any], unit: str) -> dict[str, list[LiftPoint]]:
    """Each recorded exercise's sessions, oldest first; the most recorded exercise first."""
    out: dict[str, list[LiftPoint]] = {}
    for d in sorted(done, key=lambda d: d.day):
        actual = Actual.from_json(getattr(d, "actual", {}))
        if not actual.sets:
            continue
        reps = [s.reps if s.reps is not None else s.hold_s for s in actual.sets]
        counted = [r for r in reps if r is not None]
        load = to_unit(actual.load_kg, unit) if actual.load_kg is not None else None
        volume = 0.0
        for s in actual.sets:
            amount = s.reps if s.reps is not None else (s.hold_s or 0)
            volume += amount * (to_unit(s.load_kg, unit) if s.load_kg is not None else 1.0)
        point = LiftPoint(d.day, None if load is None else round(load, 1), min(counted) if counted else None,
                          round(volume, 1))  # fmt: skip
        out.setdefault(d.exercise, []).append(point)
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))
