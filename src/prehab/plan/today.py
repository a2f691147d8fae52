"""A day's advice in one call: facts -> evaluation (rules + holds) -> the day's plan.

``prehab.day`` plans the runner's committed day with it (and each day of the week), and
``prehab recommend --facts`` a what-if day, so every plan comes from the same call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prehab.model import Evaluation, Fact
from prehab.plan.day import DayPlan, PlanOptions, equipment_available, plan_day
from prehab.record import Record
from prehab.rulebook.model import Rulebook

if TYPE_CHECKING:
    from prehab.settings import Settings


class Today(Record):
    """The evaluation and the plan made from it, together (one call gives both)."""

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
    from prehab.advice import evaluate  # the engine loads when a plan is made, not to read one

    ev = evaluate(book, facts)
    return Today(facts, ev, plan_day(ev, book.exercises, options))
