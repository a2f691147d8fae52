"""The week's facts: a day's facts moved forward to a later day of the week.

``prehab.day.week`` plans each of the next seven days by the same rules as Today on facts
moved forward here: the calendar (key run today/tomorrow, days to the goal race), the days
since strength and mobility work given the days planned before, and the age of recent
sessions. Open episodes and the latest complaints carry on until the runner says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from prehab.model import Fact
from prehab.settings import WEEKDAYS

LOADING = ("strength", "plyometric")


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
