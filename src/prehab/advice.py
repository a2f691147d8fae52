"""Facts + rulebook -> an Evaluation: the one call the CLI, the TUI and the tests share."""

from __future__ import annotations

from collections import OrderedDict

from prehab.engine.runner import Engine
from prehab.facts.complete import complete_facts
from prehab.model import Evaluation, Fact
from prehab.plan.holds import apply_holds
from prehab.plan.merge import merge_prescriptions
from prehab.rulebook.model import Rulebook

_ENGINES: OrderedDict[str, Engine] = OrderedDict()
_KEEP = 4


def engine_for(book: Rulebook) -> Engine:
    """Compiling costs milliseconds and a host per pack, so keep the last few packs' engines."""
    key = f"{book.fingerprint}:{id(book)}"
    engine = _ENGINES.get(key)
    if engine is None:
        engine = Engine(book)
        _ENGINES[key] = engine
        while len(_ENGINES) > _KEEP:
            _ENGINES.popitem(last=False)
    else:
        _ENGINES.move_to_end(key)
    return engine


def evaluate(book: Rulebook, facts: list[Fact]) -> Evaluation:
    """Rules, then merge, then every hold: what comes out never contains what a hold forbids."""
    run = engine_for(book).run(complete_facts(facts, book.schema))
    merged = merge_prescriptions(run.conclusions, book.exercises)
    holds = [c for c in run.conclusions if c.type == "hold"]
    kept, removed, regressed = apply_holds(merged, holds, book.exercises)
    return Evaluation(
        prescriptions=kept,
        conclusions=run.conclusions,
        fired=[f.rule_id for f in run.firings],
        flags=run.flags,
        suppressed=removed,
        errors=run.errors,
        regressed=regressed,
    )
