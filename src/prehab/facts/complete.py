"""The last step before the engine: facts every path (facts file, history, check-in, examples)
must have, so the same runner gets the same advice whichever way their facts arrive.

- One ``athlete`` fact always exists: readiness rules ("no strength history yet: easier
  versions") match on it, and a runner who said nothing about themselves must get the
  cautious default, not the advanced one.
- A ``progress`` fact says whether its step is still ``climbing`` (false unless known), so
  the ladder's step-up rule can ask for ``climbing = false`` of the same fact.
- ``load.weekly_change_pct`` and ``load.weekly_increase_km`` come from the weekly distances
  when they are known, so the weekly-change rule can ask for an absolute minimum rise
  (6 -> 8 km is +33 % but only 2 km).
"""

from __future__ import annotations

from prehab.model import Fact
from prehab.rulebook.schema import FactSchema


def complete_facts(facts: list[Fact], schema: FactSchema) -> list[Fact]:
    out = [dict(f) for f in facts]
    kinds = {f.get("fact") for f in out}
    if "athlete" not in kinds and schema.kind("athlete") is not None:
        out.insert(0, {"fact": "athlete"})
    progress_kind = schema.kind("progress")
    if progress_kind is not None and "climbing" in progress_kind.fields:
        for fact in out:
            if fact.get("fact") == "progress":
                fact.setdefault("climbing", False)
    load_kind = schema.kind("load")
    if load_kind is not None and "weekly_increase_km" in load_kind.fields:
        for fact in out:
            if fact.get("fact") != "load":
                continue
            week, previous = fact.get("weekly_km"), fact.get("previous_week_km")
            if "weekly_change_pct" not in fact and isinstance(week, int | float) and _positive(previous):
                base = float(previous or 0)
                fact["weekly_change_pct"] = round((float(week) - base) / base * 100, 1)
            if "weekly_increase_km" not in fact:
                increase = weekly_increase(fact)
                if increase is not None:
                    fact["weekly_increase_km"] = increase
    return out


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def weekly_increase(load: Fact) -> float | None:
    """This week's km minus last week's: from both distances, else from one and the % change."""
    week, previous, pct = load.get("weekly_km"), load.get("previous_week_km"), load.get("weekly_change_pct")
    if isinstance(week, int | float) and isinstance(previous, int | float):
        return round(float(week) - float(previous), 1)
    if isinstance(week, int | float) and isinstance(pct, int | float) and pct > -100:
        return round(float(week) - float(week) / (1 + float(pct) / 100), 1)
    if isinstance(previous, int | float) and isinstance(pct, int | float):
        return round(float(previous) * float(pct) / 100, 1)
    return None
