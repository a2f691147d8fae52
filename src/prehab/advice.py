"""Facts + rulebook -> an Evaluation: the one call the CLI, the TUI and the tests share."""

from __future__ import annotations

from prehab.engine import cache
from prehab.engine.runner import Engine
from prehab.facts.complete import complete_facts
from prehab.model import Conclusion, Evaluation, Fact, Prescription
from prehab.plan.holds import apply_holds
from prehab.plan.merge import merge_prescriptions
from prehab.plan.progression import apply_progression
from prehab.rulebook.model import Rulebook
from prehab.workout.loading import apply_loads


def engine_for(book: Rulebook) -> Engine:
    """The pack's engine: built once per pack (by content, so an unchanged reload reuses it);
    see ``prehab.engine.cache``."""
    return cache.engine_for(book)


def asked_for(book: Rulebook, conclusions: list[Conclusion], completed: list[Fact]) -> list[Prescription]:
    """What the rules asked for, one prescription per exercise at its ladder's step, before any
    hold eases or removes it."""
    merged = merge_prescriptions(conclusions, book.exercises)
    return apply_progression(merged, conclusions, completed, book.exercises)


def evaluate(book: Rulebook, facts: list[Fact]) -> Evaluation:
    """Rules, then merge, then each ladder's step, then every hold, then each exercise's load:
    what comes out never contains what a hold forbids, whatever a progression asked for, and a
    load climbs only on an item no hold touched."""
    completed = complete_facts(facts, book.schema)
    run = engine_for(book).run(completed)
    merged = asked_for(book, run.conclusions, completed)
    holds = [c for c in run.conclusions if c.type == "hold"]
    kept, removed, regressed = apply_holds(merged, holds, book.exercises)
    return Evaluation(
        prescriptions=apply_loads(kept, run.conclusions, completed, book.exercises),
        conclusions=run.conclusions,
        fired=run.fired,
        flags=run.flags,
        suppressed=removed,
        errors=run.errors,
        regressed=regressed,
        eased_names={original: book.exercises[original].name for original, _, _ in regressed},
    )
