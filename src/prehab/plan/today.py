"""Today's advice in one call: facts -> evaluation (rules + holds) -> the day's plan.

The app, ``prehab recommend`` and integrations (Home Assistant) all call this, so the same
runner on the same day gets the same plan whichever way they look at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


def advise_from_store(book: Rulebook, store: Store, settings: Settings, day: date) -> Today:
    """Today's advice from the stored history, the settings and the latest check-in."""
    from prehab.facts.history import facts_from_history

    facts = facts_from_history(store, settings, day)
    return advise(book, facts, options_from_settings(settings))
