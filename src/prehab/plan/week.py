"""Today's prescriptions placed across the next seven days.

Why these rules: strength work pays off at 2-3 sessions a week with a day between them;
heavy leg work the day before a key run (long run, intervals, race) blunts that run, so
those days get none; mobility is short and helps most days. The week plan is a
suggestion built from today's evaluation, so it changes when the facts change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from prehab.model import Prescription
from prehab.plan.day import DayPlan

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LEG_REGIONS = frozenset(
    {"calves", "achilles", "shins", "feet", "quadriceps", "hamstrings", "glutes", "hip_flexors",
     "adductors", "hip_rotators", "knees", "it_band"}
)  # fmt: skip
MIN_STRENGTH_DAYS = 2
MAX_STRENGTH_DAYS = 3


@dataclass
class WeekDay:
    day: date
    key_run: bool = False
    before_key_run: bool = False
    strength: list[Prescription] = field(default_factory=list)
    mobility: list[Prescription] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.day.weekday()]

    @property
    def minutes(self) -> float:
        return round(sum(p.minutes for p in self.strength + self.mobility), 1)


def _is_leg_work(p: Prescription, loads: dict[str, tuple[str, ...]]) -> bool:
    return bool(set(loads.get(p.exercise, ())) & LEG_REGIONS)


def strength_days_wanted(items: Iterable[Prescription]) -> int:
    """2 by default; 3 when a rule's dose asks for 3 a week (never more: recovery matters)."""
    asked = [int(p.dose.get("per_week", 0) or 0) for p in items]
    wanted = max(asked, default=0) or MIN_STRENGTH_DAYS
    return max(MIN_STRENGTH_DAYS, min(MAX_STRENGTH_DAYS, wanted))


def choose_strength_days(days: list[WeekDay], count: int) -> list[int]:
    """Indexes of ``count`` days, never the day before a key run, as evenly spread as possible.

    Key-run days themselves come second (strength after a hard run keeps hard days hard,
    but a free day is kinder); ties go to the earliest days so the plan is stable.
    """
    allowed = [i for i, d in enumerate(days) if not d.before_key_run]
    count = min(count, len(allowed))
    if count == 0:
        return []
    best: tuple[int, int, tuple[int, ...]] | None = None
    for combo in combinations(allowed, count):
        # Cyclic gaps: the week repeats, so Thursday and the next Wednesday are 1 day apart.
        gaps = [b - a for a, b in zip(combo, combo[1:], strict=False)] + [combo[0] + 7 - combo[-1]]
        spread = min(gaps) if count > 1 else 7
        on_key = sum(1 for i in combo if days[i].key_run)
        score = (-spread, on_key, combo)
        if best is None or score < best:
            best = score
    return list(best[2]) if best else []


def plan_week(
    today_plan: DayPlan,
    start: date,
    key_run_days: Collection[str],
    loads: dict[str, tuple[str, ...]],
    *,
    days: int = 7,
) -> list[WeekDay]:
    """Seven days from ``start``: strength on 2-3 spread days, never the day before a key
    run; mobility every day but key-run days (the run is that day's work).

    ``loads`` maps exercise id to the regions it loads (from the catalogue), so core and
    upper-body strength may still go on a day before a key run when nothing else fits.
    """
    keys = {d.lower() for d in key_run_days}
    week = [WeekDay(start + timedelta(days=i)) for i in range(days)]
    for wd in week:
        wd.key_run = wd.weekday in keys
        wd.before_key_run = WEEKDAYS[(wd.day.weekday() + 1) % 7] in keys
        if wd.before_key_run:
            wd.notes.append("key run tomorrow: no heavy legs")
        if wd.key_run:
            wd.notes.append("key run day")
    strength = [p for p in today_plan.items if p.kind in ("strength", "plyometric")]
    mobility = [p for p in today_plan.items if p.kind == "mobility"]
    if strength:
        chosen = choose_strength_days(week, strength_days_wanted(strength))
        for i in chosen:
            week[i].strength = list(strength)
        if not chosen:
            light = [p for p in strength if not _is_leg_work(p, loads)]
            for wd in week[::3]:
                wd.strength = list(light)
    for wd in week:
        if mobility and not wd.key_run:
            wd.mobility = list(mobility)
        elif mobility:
            wd.notes.append("mobility: a dynamic warm-up before the run is enough")
    return week
