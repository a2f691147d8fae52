"""Today's advice in one call: facts -> evaluation (rules + holds) -> the day's plan.

The app, ``prehab recommend`` and integrations (Home Assistant) all call this, so the same
runner on the same day gets the same plan whichever way they look at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from prehab.advice import evaluate
from prehab.model import Evaluation, Fact
from prehab.plan.day import DayPlan, PlanOptions, equipment_available, plan_day
from prehab.rulebook.model import Rulebook

if TYPE_CHECKING:
    from prehab.store import Store
    from prehab.store.settings import Settings


@dataclass
class Today:
    facts: list[Fact]
    evaluation: Evaluation
    plan: DayPlan


def options_from_settings(
    settings: Settings, *, budget: float | None = None, equipment: frozenset[str] | None = None
) -> PlanOptions:
    """The runner's time budget and kit from settings, unless given (a budget of 0: no limit)."""
    minutes = float(settings.time_budget_min) if budget is None else budget
    kit = equipment if equipment is not None else equipment_available(settings.equipment, settings.home_only)
    return PlanOptions(minutes or None, kit)


def advise(book: Rulebook, facts: list[Fact], options: PlanOptions) -> Today:
    ev = evaluate(book, facts)
    return Today(facts, ev, plan_day(ev, book.exercises, options))


DONE_HISTORY_DAYS = 182
"""How far back done work is read: enough to place today in a strength block of 4 weeks."""


def facts_for_day(book: Rulebook, store: Store, settings: Settings, day: date) -> list[Fact]:
    """Every fact for ``day``: the history's and the latest check-in's (facts.history), plus
    where the runner stands on each catalogue ladder and in the strength block (done work)."""
    from prehab.facts.history import facts_from_history
    from prehab.plan.progression import block_week, progress_facts

    facts = facts_from_history(store, settings, day)
    done = store.done_items(day - timedelta(days=DONE_HISTORY_DAYS), day)
    responses = [f for f in facts if f.get("fact") == "response"]
    facts += progress_facts(done, responses, book.exercises, day)
    week = block_week(done, day)
    if week is not None:
        schedule = next((f for f in facts if f.get("fact") == "schedule"), None)
        if schedule is None:
            schedule = {"fact": "schedule"}
            facts.append(schedule)
        schedule["block_week"] = week
    return facts


def advise_from_store(book: Rulebook, store: Store, settings: Settings, day: date) -> Today:
    """Today's advice from the stored history, done work, the settings and the latest check-in."""
    return advise(book, facts_for_day(book, store, settings, day), options_from_settings(settings))
