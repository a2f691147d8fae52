"""Holds applied to prescriptions: the one place that decides what a plan may not contain.

A caution that forbids something ("no jumping", "nothing that loads the knee") is only
trustworthy if the plan obeys it, so rules conclude structured holds and every planner path
(Today, the week, ``recommend``) runs its items through here. Text is derived from the hold
(``Hold.describe``), never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prehab.model import Conclusion, Hold, Prescription, Reason
from prehab.plan.merge import keep_one
from prehab.record import replace
from prehab.rulebook.model import LOADS, Exercise


def effective_load(ex: Exercise, dose: dict[str, Any]) -> str:
    """The load level an item is done at: its dose's, else the catalogue's, else bodyweight."""
    return str(dose.get("load") or ex.dose.get("load") or "bodyweight")


def hold_matches(hold: Hold, ex: Exercise, dose: dict[str, Any]) -> bool:
    """Whether ``hold`` forbids this exercise at this dose (every named criterion must match).

    A region matches what the exercise loads (the standing leg included, see the catalogue)
    and what it works: stretching a swollen knee stresses it as much as loading it.
    """
    if hold.exercises and ex.id not in hold.exercises:
        return False
    if hold.kinds and ex.kind not in hold.kinds:
        return False
    if hold.loads:
        heavy_by_nature = "heavy" in hold.loads and "heavy" in ex.tags
        if effective_load(ex, dose) not in hold.loads and not heavy_by_nature:
            return False
    if hold.tags and not set(hold.tags) & set(ex.tags):
        return False
    if hold.works and not set(hold.works) & set(ex.works):
        return False
    if hold.regions and "all" not in hold.regions:
        touched = set(ex.loads) | set(ex.works)
        if not touched & set(hold.regions):
            return False
    return True


def blocking(holds: Iterable[Conclusion], ex: Exercise, dose: dict[str, Any]) -> list[Conclusion]:
    return [h for h in holds if h.hold is not None and hold_matches(h.hold, ex, dose)]


def lighter_dose(dose: dict[str, Any]) -> dict[str, Any]:
    """One step down: a set fewer (never below one) and the next lighter load."""
    out = dict(dose)
    if int(out.get("sets", 1) or 1) > 1:
        out["sets"] = int(out["sets"]) - 1
    load = out.get("load")
    if load in LOADS and LOADS.index(load) > 0:
        out["load"] = LOADS[LOADS.index(load) - 1]
    return out


def _as(ex: Exercise, base: Prescription, dose: dict[str, Any] | None = None) -> Prescription:
    dose = dict(ex.dose) if dose is None else dose
    per_set = float(ex.minutes) / float(ex.dose.get("sets", 1) or 1)
    minutes = round(per_set * float(dose.get("sets", ex.dose.get("sets", 1)) or 1), 1)
    return Prescription(ex.id, ex.name, ex.kind, dose, minutes, list(base.reasons), base.exercise)


SOFT_MODES = ("reduce", "deload")
"""Modes that change a dose but forbid nothing: the item stays, easier."""


def forbids(h: Conclusion) -> bool:
    return h.hold is not None and h.hold.mode not in SOFT_MODES


DELOAD_FLOOR_SETS = 2
"""A deload week takes a set off, never below two: one set of everything is not a session."""


def _one_set_fewer(presc: Prescription) -> Prescription:
    dose = dict(presc.dose)
    sets = int(dose.get("sets", 1) or 1)
    if sets <= DELOAD_FLOOR_SETS:
        return presc
    dose["sets"] = sets - 1
    return replace(presc, dose=dose, minutes=round(presc.minutes * (sets - 1) / sets, 1))


def easier_version(
    presc: Prescription, blockers: list[Conclusion], holds: list[Conclusion], catalogue: dict[str, Exercise]
) -> Prescription | None:
    """What regress/reduce/deload holds leave of ``presc``, or None when nothing safe is left.

    ``regress`` walks the catalogue's regression chain to the first exercise no hold forbids;
    ``reduce`` takes one step (the regression if it is allowed, else a lighter dose of the same);
    ``deload`` keeps the exercise and load with a set fewer.
    """
    modes = {b.hold.mode for b in blockers if b.hold is not None}
    ex = catalogue[presc.exercise]
    candidate: Prescription | None = presc
    if "regress" in modes:
        candidate = None
        seen = {ex.id}
        step = ex
        while step.regression and step.regression not in seen:
            seen.add(step.regression)
            step = catalogue[step.regression]
            if not any(forbids(h) for h in blocking(holds, step, step.dose)):
                candidate = _as(step, presc)
                break
    if candidate is not None and "reduce" in modes:
        if candidate.exercise == ex.id and ex.regression:
            step = catalogue[ex.regression]
            if not any(forbids(h) for h in blocking(holds, step, step.dose)):
                candidate = _as(step, presc)
            else:
                candidate = replace(
                    candidate, dose=lighter_dose(candidate.dose), regressed_from=presc.exercise
                )
        else:
            candidate = replace(candidate, dose=lighter_dose(candidate.dose), regressed_from=presc.exercise)
    if candidate is not None and "deload" in modes:
        candidate = _one_set_fewer(candidate)
    return candidate


def apply_holds(
    prescriptions: list[Prescription], holds: list[Conclusion], catalogue: dict[str, Exercise]
) -> tuple[list[Prescription], list[tuple[Prescription, Reason]], list[tuple[str, Prescription, Reason]]]:
    """Prescriptions with every hold applied: (kept, removed with the hold's reason,
    swapped/reduced as (original id, what is given instead, the hold's reason))."""
    kept: dict[str, Prescription] = {}
    removed: list[tuple[Prescription, Reason]] = []
    regressed: list[tuple[str, Prescription, Reason]] = []
    for presc in prescriptions:
        ex = catalogue[presc.exercise]
        blockers = blocking(holds, ex, presc.dose)
        if not blockers:
            keep_one(kept, presc)
            continue
        hard = [b for b in blockers if b.hold is not None and b.hold.mode == "remove"]
        if hard:
            removed.append((presc, hard[0].reason))
            continue
        easier = easier_version(presc, blockers, holds, catalogue)
        if easier is None:
            removed.append((presc, blockers[0].reason))
            continue
        regressed.append((presc.exercise, easier, blockers[0].reason))
        keep_one(kept, easier)
    out = sorted(kept.values(), key=lambda p: (-p.priority, p.kind, p.exercise))
    return out, removed, regressed


def forbidden(
    presc: Prescription, holds: list[Conclusion], catalogue: dict[str, Exercise]
) -> Conclusion | None:
    """The hold that still forbids a planned item (remove or regress), if any: the planner's guard."""
    ex = catalogue[presc.exercise]
    for h in blocking(holds, ex, presc.dose):
        if forbids(h):
            return h
    return None
