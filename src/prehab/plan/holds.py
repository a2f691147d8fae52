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
from prehab.plan.merge import volume
from prehab.record import replace
from prehab.rulebook.model import LOADS, Exercise

DAILY = "daily"
"""The catalogue tag of a daily routine, which a deload or a pause leaves whole (``spares_daily``)."""


def spares_daily(hold: Hold) -> bool:
    """Whether ``hold`` leaves daily routines alone: a ``deload`` or a ``pause``, the modes of
    training's own rhythm (a block's fourth week, a taper, race week). A hold that stops
    something for a warning sign (``remove``, ``regress``, ``reduce``) holds them too: round 16
    had let them through any hold on whole kinds of work, and a pregnant runner's dizziness
    ("no strength work until a doctor has seen you") kept her pelvic floor set (round 17)."""
    return hold.mode in ("deload", "pause")


def effective_load(ex: Exercise, dose: dict[str, Any]) -> str:
    """The load level an item is done at: its dose's, else the catalogue's, else bodyweight."""
    return str(dose.get("load") or ex.dose.get("load") or "bodyweight")


def hold_matches(hold: Hold, ex: Exercise, dose: dict[str, Any]) -> bool:
    """Whether ``hold`` forbids this exercise at this dose (every named criterion must match).

    A region matches what the exercise loads (the standing leg included, see the catalogue)
    and what it works: stretching a swollen knee stresses it as much as loading it. A deload
    (a taper's or a block's fourth week: one set fewer) and a pause (race week: no strength work
    for a few days) leave a ``daily`` routine alone: pelvic floor training is recommended every
    day (Mottola 2018), not periodised like a lift (``spares_daily``). A stop never does.
    """
    if DAILY in ex.tags and spares_daily(hold):
        return False
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
    """The holds that match this exercise at this dose, strongest rule first (priority, then
    rule id): whichever is named for what they did does not depend on the order the rules
    concluded in."""
    found = [h for h in holds if h.hold is not None and hold_matches(h.hold, ex, dose)]
    return sorted(found, key=lambda h: (-h.reason.priority, h.reason.rule_id))


DELOAD_FLOOR_SETS = 2
"""A reduced or deloaded dose keeps two sets at least: one set of everything is not a session."""
SHORTER = 2 / 3
"""At the floor, a reduce keeps two thirds of the reps, the hold or the minutes..."""
LEAST: dict[str, int] = {"reps": 5, "hold_s": 10, "minutes": 1}
"""...but never fewer than these: 5 reps, a 10 s hold, a minute."""


def lighter_dose(dose: dict[str, Any]) -> dict[str, Any]:
    """One step down, and loading goes on (Silbernagel 2007: pain worse the next morning means
    reduce the load, not stop loading). The step is the first of these the dose allows:

    - the next lighter load, down to ``light``: an exercise done with a weight keeps one (a
      seated calf raise without its weight barely loads the soleus it is there for);
    - a set fewer, never below ``DELOAD_FLOOR_SETS``;
    - two thirds of the reps, the hold or the minutes, never below ``LEAST``.

    A dose with nothing left to take is given back unchanged.
    """
    out = dict(dose)
    load = out.get("load")
    if load in LOADS and LOADS.index(load) > LOADS.index("light"):
        out["load"] = LOADS[LOADS.index(load) - 1]
        return out
    sets = int(out.get("sets", 1) or 1)
    if sets > DELOAD_FLOOR_SETS:
        out["sets"] = sets - 1
        return out
    for key in ("reps", "hold_s", "minutes"):
        if key in out:
            out[key] = min(out[key], max(LEAST[key], round(float(out[key]) * SHORTER)))
            return out
    return out


def lighter_first(dose: dict[str, Any]) -> tuple[Any, ...]:
    """Orders doses of one exercise lightest first: load, then sets, then volume, then the
    dose's own text, so two different doses never tie and the pick is the same in any order."""
    load = dose.get("load")
    level = LOADS.index(load) if load in LOADS else 0
    return (level, float(dose.get("sets", 1) or 1), volume(dose), repr(sorted(dose.items(), key=str)))


def _at_dose(presc: Prescription, dose: dict[str, Any], **changes: Any) -> Prescription:
    """``presc`` at ``dose``, its minutes scaled to the sets the dose keeps."""
    before = float(presc.dose.get("sets", 1) or 1)
    minutes = round(presc.minutes * float(dose.get("sets", 1) or 1) / before, 1)
    return replace(presc, dose=dose, minutes=minutes, **changes)


def _reduced(presc: Prescription, original: str) -> Prescription:
    """``presc`` at ``lighter_dose``, eased from ``original``."""
    return _at_dose(presc, lighter_dose(presc.dose), regressed_from=original)


def _as(ex: Exercise, base: Prescription, dose: dict[str, Any] | None = None) -> Prescription:
    dose = dict(ex.dose) if dose is None else dose
    per_set = float(ex.minutes) / float(ex.dose.get("sets", 1) or 1)
    minutes = round(per_set * float(dose.get("sets", ex.dose.get("sets", 1)) or 1), 1)
    return Prescription(ex.id, ex.name, ex.kind, dose, minutes, list(base.reasons), base.exercise)


SOFT_MODES = ("reduce", "deload")
"""Modes that change a dose but forbid nothing: the item stays, easier."""
DROPPING_MODES = ("remove", "pause")
"""Modes that drop a matching item outright (``pause``: for training's rhythm, not a sign)."""


def forbids(h: Conclusion) -> bool:
    return h.hold is not None and h.hold.mode not in SOFT_MODES


def _one_set_fewer(presc: Prescription) -> Prescription:
    """A deload's step: a set fewer, the minutes it took before kept as ``full_minutes``."""
    dose = dict(presc.dose)
    sets = int(dose.get("sets", 1) or 1)
    if sets <= DELOAD_FLOOR_SETS:
        return presc
    dose["sets"] = sets - 1
    return _at_dose(presc, dose, full_minutes=presc.full_minutes or presc.minutes)


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
                candidate = _reduced(candidate, presc.exercise)
        else:
            candidate = _reduced(candidate, presc.exercise)
    if candidate is not None and "deload" in modes:
        candidate = _one_set_fewer(candidate)
    unchanged = candidate is not None and (candidate.exercise, candidate.dose) == (presc.exercise, presc.dose)
    if unchanged and modes & {"reduce", "regress"}:
        return None  # nothing easier to give (a Nordic curl at 2 x 5, no regression): left out
    return candidate


def _lighter_self(presc: Prescription, blockers: list[Conclusion]) -> Prescription | None:
    """``presc`` kept, at the dose its reduce holds allow; None if a hold forbids it outright
    (``regress``: an easier exercise must be given) or there is no lighter dose to give."""
    modes = {b.hold.mode for b in blockers if b.hold is not None}
    if "regress" in modes:
        return None
    lighter = _reduced(presc, presc.exercise)
    if "deload" in modes:
        lighter = _one_set_fewer(lighter)
    return None if lighter.dose == presc.dose else lighter


def apply_holds(
    prescriptions: list[Prescription], holds: list[Conclusion], catalogue: dict[str, Exercise]
) -> tuple[list[Prescription], list[tuple[Prescription, Reason]], list[tuple[str, Prescription, Reason]]]:
    """Prescriptions with every hold applied: (kept, removed with the hold's reason,
    swapped/reduced as (original id, what is given instead, the hold's reason)).

    When the easier version of one item is an exercise that was itself planned and eased, the
    two meet on that exercise, one step each: a split squat eased to a bodyweight squat and the
    planned bodyweight squat, which alone would become a wall sit, give one bodyweight squat at a
    lighter dose; a heavy calf raise eased to the weighted raise off a step keeps that weighted
    raise, lighter, rather than sliding down to bodyweight raises (Silbernagel 2007: reduce the
    load, not stop it). Only when a hold forbids the planned exercise outright (``regress``) is
    the other item followed on to what replaced it. Either way NOT TODAY never names as swapped
    out what the list gives."""
    kept: dict[str, Prescription] = {}
    removed: list[tuple[Prescription, Reason]] = []
    eased: list[tuple[Prescription, Prescription, list[Conclusion]]] = []
    for presc in prescriptions:
        ex = catalogue[presc.exercise]
        blockers = blocking(holds, ex, presc.dose)
        if not blockers:
            _keep_lighter(kept, presc)
            continue
        hard = [b for b in blockers if b.hold is not None and b.hold.mode in DROPPING_MODES]
        if hard:
            removed.append((presc, hard[0].reason))
            continue
        easier = easier_version(presc, blockers, holds, catalogue)
        if easier is None:
            removed.append((presc, blockers[0].reason))
            continue
        eased.append((presc, easier, blockers))
    landed_on = {easier.exercise for presc, easier, _ in eased if easier.exercise != presc.exercise}
    settled: list[tuple[str, Prescription, Reason]] = []
    for presc, easier, blockers in eased:
        if easier.exercise != presc.exercise and presc.exercise in landed_on:
            easier = _lighter_self(presc, blockers) or easier
        settled.append((presc.exercise, easier, blockers[0].reason))
    instead = {original: easier for original, easier, _ in settled if easier.exercise != original}
    regressed: list[tuple[str, Prescription, Reason]] = []
    for original, easier, reason in settled:
        seen = {original}
        while easier.exercise in instead and easier.exercise not in seen:
            seen.add(easier.exercise)
            further = instead[easier.exercise]
            easier = replace(further, reasons=list(easier.reasons), regressed_from=original)
        regressed.append((original, easier, reason))
        _keep_lighter(kept, easier)
    out = sorted(kept.values(), key=lambda p: (-p.priority, p.kind, p.exercise))
    return out, removed, regressed


def _keep_lighter(kept: dict[str, Prescription], presc: Prescription) -> None:
    """One item per exercise. When holds ease two items onto one exercise (the easier version
    of one is another that was itself made lighter), the lighter dose is kept: a hold's
    reduction is never undone by a collision (safety before completeness), and which one wins
    does not depend on the order the rules concluded in. Every reason is kept, strongest first."""
    existing = kept.get(presc.exercise)
    if existing is None:
        kept[presc.exercise] = presc
        return
    both = (existing, presc)
    winner, other = sorted(both, key=lambda p: (lighter_first(p.dose), p.regressed_from or "", p.minutes))
    reasons = {r.rule_id: r for p in both for r in p.reasons}
    kept[presc.exercise] = replace(
        winner,
        reasons=sorted(reasons.values(), key=lambda r: (-r.priority, r.rule_id)),
        progress_note=winner.progress_note or other.progress_note,
    )


def forbidden(
    presc: Prescription, holds: list[Conclusion], catalogue: dict[str, Exercise]
) -> Conclusion | None:
    """The hold that still forbids a planned item (remove or regress), if any: the planner's guard."""
    ex = catalogue[presc.exercise]
    for h in blocking(holds, ex, presc.dose):
        if forbids(h):
            return h
    return None
