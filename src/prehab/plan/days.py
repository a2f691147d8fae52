"""One planner for the day and the week: each of the next seven days is planned by the same
rules as Today, on that day's facts, with the strength work planned on earlier days counted.

Day 0 is exactly Today (same facts, same call), so the Week screen and Today can never
disagree. For later days the facts are moved forward: the calendar (key run today/tomorrow,
days to the goal race), the days since strength and mobility work given the days planned
before, and the age of recent sessions. Complaints (tightness, pain, injuries) are assumed to
carry on until the next check-in says otherwise. Skipping strength on a day (the Week screen's
override) re-plans the days after it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from prehab.model import Fact, Prescription
from prehab.plan.day import DayPlan, PlanOptions
from prehab.plan.today import Today, advise
from prehab.rulebook.model import Rulebook
from prehab.store.settings import WEEKDAYS

LOADING = ("strength", "plyometric")


@dataclass
class PlannedDay:
    day: date
    today: Today
    key_run: bool = False
    before_key_run: bool = False
    skipped_strength: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def plan(self) -> DayPlan:
        return self.today.plan

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.day.weekday()]

    @property
    def strength(self) -> list[Prescription]:
        return [p for p in self.plan.items if p.kind in LOADING]

    @property
    def mobility(self) -> list[Prescription]:
        return [p for p in self.plan.items if p.kind == "mobility"]

    @property
    def minutes(self) -> float:
        return self.plan.minutes


def plan_days(
    book: Rulebook,
    facts: Sequence[Fact],
    options: PlanOptions,
    start: date,
    key_run_days: Collection[str] = (),
    *,
    days: int = 7,
    skip_strength: Collection[int] = (),
) -> list[PlannedDay]:
    """The next ``days`` days from ``start``; ``skip_strength`` holds day indexes with no
    strength work (the runner's choice), which moves the session to a later day."""
    keys = {d.lower() for d in key_run_days}
    out: list[PlannedDay] = []
    strength_days: list[int] = []  # relative day indexes with planned strength work (past ones negative)
    load = next((f for f in facts if f.get("fact") == "load"), {})
    since = load.get("days_since_strength")
    if isinstance(since, int):
        strength_days.append(-since)
    base_count = load.get("strength_sessions_7d")
    mobility_since = load.get("days_since_mobility")
    last_mobility = -mobility_since if isinstance(mobility_since, int) else None
    for offset in range(days):
        day = start + timedelta(days=offset)
        shifted = shift_facts(
            facts, offset, day, keys, strength_days, base_count, last_mobility, explicit_calendar=offset > 0
        )
        today = advise(book, shifted, options)
        planned = PlannedDay(day, today)
        planned.key_run = WEEKDAYS[day.weekday()] in keys
        planned.before_key_run = WEEKDAYS[(day.weekday() + 1) % 7] in keys
        if planned.before_key_run:
            planned.notes.append("key run tomorrow: no heavy, jumping or calf strength work")
        if planned.key_run:
            planned.notes.append("key run day")
        if offset in skip_strength and planned.strength:
            planned.plan.items = [p for p in planned.plan.items if p.kind not in LOADING]
            planned.skipped_strength = True
            planned.notes.append("strength skipped (your choice): the session moves to a later day")
        if planned.strength:
            strength_days.append(offset)
        if planned.mobility:
            last_mobility = offset
        out.append(planned)
    return out


def shift_facts(
    facts: Sequence[Fact],
    offset: int,
    day: date,
    key_run_days: set[str],
    strength_days: list[int],
    base_count: object,
    last_mobility: int | None,
    *,
    explicit_calendar: bool,
) -> list[Fact]:
    """``facts`` as they would be ``offset`` days later, given the strength work planned so far."""
    if offset == 0:
        return [dict(f) for f in facts]
    out: list[Fact] = []
    for fact in facts:
        kind = fact.get("fact")
        moved = dict(fact)
        if kind == "schedule":
            race = moved.get("days_to_goal_race")
            if isinstance(race, int):
                moved["days_to_goal_race"] = max(0, race - offset)
            moved.pop("rest_day", None)
        elif kind == "load":
            done = [d for d in strength_days if d <= offset - 1]
            if done:
                moved["days_since_strength"] = offset - max(done)
            elif isinstance(moved.get("days_since_strength"), int):
                moved["days_since_strength"] += offset
            planned = sum(1 for d in strength_days if 0 <= d < offset and d > offset - 7)
            if isinstance(base_count, int):
                moved["strength_sessions_7d"] = base_count + planned
            elif planned:
                moved["strength_sessions_7d"] = planned
            if last_mobility is not None:
                moved["days_since_mobility"] = offset - last_mobility
        elif kind in ("session", "effort") and isinstance(moved.get("days_ago"), int):
            moved["days_ago"] += offset
        out.append(moved)
    if explicit_calendar:
        schedule = next((f for f in out if f.get("fact") == "schedule"), None)
        if schedule is None:
            schedule = {"fact": "schedule"}
            out.append(schedule)
        if key_run_days:
            schedule["key_run_today"] = WEEKDAYS[day.weekday()] in key_run_days
            schedule["key_run_tomorrow"] = WEEKDAYS[(day.weekday() + 1) % 7] in key_run_days
    return out
