"""The week: each of the next seven days planned by the same rules as Today, on that day's facts.

Day 0 *is* the day's committed plan (the same view Today shows, done marks and all), so Week
and Today can never disagree. Later days are planned on the same facts moved forward
(``prehab.plan.days.shift_facts``), with the strength work planned on earlier days counted, so
strength spreads over the week. Skipping strength on a later day (Week's ``s``) re-plans the
days after it; today's plan is changed on Today, where it is committed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from prehab.day.view import DayView, Item, build_view
from prehab.model import Fact
from prehab.plan.day import PlanOptions
from prehab.plan.days import LOADING, shift_facts
from prehab.plan.today import advise
from prehab.record import Record, field, replace
from prehab.rulebook.model import Rulebook
from prehab.settings import WEEKDAYS
from prehab.store.records import STRENGTH_SESSION_MINUTES


class PlannedDay(Record):
    """One day of the week ahead: its date and the plan made on the facts moved forward."""

    day: date
    view: DayView
    key_run: bool = False
    before_key_run: bool = False
    skipped_strength: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return self.view.items

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.day.weekday()]

    @property
    def strength(self) -> list[Item]:
        return [i for i in self.items if i.kind in LOADING]

    @property
    def mobility(self) -> list[Item]:
        return [i for i in self.items if i.kind == "mobility"]

    @property
    def minutes(self) -> float:
        return self.view.minutes


def plan_days(
    book: Rulebook,
    facts: Sequence[Fact],
    options: PlanOptions,
    start: date,
    key_run_days: Collection[str] = (),
    *,
    days: int = 7,
    skip_strength: Collection[int] = (),
    first: DayView | None = None,
) -> list[PlannedDay]:
    """The next ``days`` days from ``start`` (day 0: ``first``, the committed plan, when given);
    ``skip_strength`` holds later day indexes with no strength work (the runner's choice),
    which moves the session to a later day."""
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
        if offset == 0 and first is not None:
            view = first
        else:
            shifted = shift_facts(
                facts,
                offset,
                day,
                keys,
                strength_days,
                base_count,
                last_mobility,
                explicit_calendar=offset > 0,
            )
            today = advise(book, shifted, options)
            view = build_view(day, today.evaluation, today.plan, shifted, budget_min=options.time_budget_min)
        planned = PlannedDay(day, view)
        planned.key_run = WEEKDAYS[day.weekday()] in keys
        planned.before_key_run = WEEKDAYS[(day.weekday() + 1) % 7] in keys
        if planned.before_key_run:
            planned.notes.append("key run tomorrow: no heavy, jumping or calf strength work")
        if planned.key_run:
            planned.notes.append("key run day")
        if offset in skip_strength and (offset > 0 or first is None) and planned.strength:
            planned.view = replace(view, items=[i for i in view.items if i.kind not in LOADING])
            planned.skipped_strength = True
            planned.notes.append("strength skipped (your choice): the session moves to a later day")
        if sum(i.minutes for i in planned.strength) >= STRENGTH_SESSION_MINUTES:
            strength_days.append(offset)  # a session, not a few minutes of activation work
        if planned.mobility:
            last_mobility = offset
        out.append(planned)
    return out
