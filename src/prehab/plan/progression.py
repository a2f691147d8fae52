"""Where the runner stands on each catalogue ladder, and today's step on it.

``progress_facts`` turns done work (and the latest responses) into one ``progress`` fact per
ladder; rules in the pack (rules/progression.toml) decide ``up``, ``hold`` or ``down``; then
``apply_progression`` gives every prescription on a ladder the runner's step instead of the
rule's default. Holds run afterwards, so a warning sign, a taper or a missing strength base still
wins over a progression (one source of truth for safety).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Protocol

from prehab.model import Conclusion, Fact, Prescription
from prehab.plan.merge import keep_one
from prehab.rulebook.ladders import ladder_of, ladders
from prehab.rulebook.model import Exercise

WINDOW_DAYS = 28
"""A step not done for four weeks fades: the rules' own choice applies again."""
BLOCK_WEEKS = 4
"""Strength blocks of four weeks: three building, the fourth a deload."""
BLOCK_BREAK_DAYS = 14
"""A gap this long without strength work starts a new block."""


class DoneLike(Protocol):
    @property
    def day(self) -> date: ...
    @property
    def exercise(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def rpe(self) -> int | None: ...


def progress_facts(
    done: Sequence[DoneLike], responses: Sequence[Fact], catalogue: dict[str, Exercise], today: date
) -> list[Fact]:
    """One ``progress`` fact per ladder the runner has done work on in the last four weeks."""
    where = ladder_of(catalogue)
    steps_of = ladders(catalogue)
    recent = sorted(
        (d for d in done if d.exercise in where and today - timedelta(days=WINDOW_DAYS) <= d.day <= today),
        key=lambda d: d.day,
    )
    worse = {
        str(r.get("region"))
        for r in responses
        if r.get("fact") == "response" and r.get("next_morning") == "worse"
    }
    out: list[Fact] = []
    for ladder in dict.fromkeys(where[d.exercise][0] for d in recent):
        items = [d for d in recent if where[d.exercise][0] == ladder]
        current = items[-1].exercise
        days: list[date] = []
        for item in reversed(items):
            if item.exercise != current:
                break
            if item.day not in days:
                days.append(item.day)
        ex = catalogue[current]
        step = where[current][1]
        fact: Fact = {
            "fact": "progress",
            "ladder": ladder,
            "exercise": current,
            "step": step,
            "top": step == len(steps_of[ladder]) - 1,
            "sessions_at_step": len(days),
            "worse_next_morning": bool(worse & (set(ex.loads) | set(ex.works))),
        }
        rpe = next((i.rpe for i in reversed(items) if i.exercise == current and i.rpe is not None), None)
        if rpe is not None:
            fact["last_rpe"] = rpe
        out.append(fact)
    return out


def block_week(done: Sequence[DoneLike], today: date) -> int | None:
    """Week 1-4 of the current strength block (4 = deload), or None without recent strength work."""
    found = strength_block(done, today)
    return None if found is None else found[1]


def strength_block(done: Sequence[DoneLike], today: date) -> tuple[int, int] | None:
    """(which block since strength work began without a long break, 1 for the first; its week
    1-4), or None without recent strength work. The first block has no deload: three weeks in,
    a novice has nothing to recover from yet."""
    days = sorted(
        {d.day for d in done if d.kind in ("strength", "plyometric") and d.day <= today}, reverse=True
    )
    if not days or (today - days[0]).days > BLOCK_BREAK_DAYS:
        return None
    start = days[0]
    for earlier in days[1:]:
        if (start - earlier).days > BLOCK_BREAK_DAYS:
            break
        start = earlier
    weeks = (today - start).days // 7
    return weeks // BLOCK_WEEKS + 1, weeks % BLOCK_WEEKS + 1


def apply_progression(
    prescriptions: list[Prescription],
    conclusions: list[Conclusion],
    facts: Sequence[Fact],
    catalogue: dict[str, Exercise],
) -> list[Prescription]:
    """Each prescription on a ladder becomes the runner's step, moved as the rules decided."""
    where = ladder_of(catalogue)
    steps_of = ladders(catalogue)
    progress = {str(f.get("ladder")): f for f in facts if f.get("fact") == "progress"}
    moves = {c.exercise: c for c in conclusions if c.type == "progress"}
    holds = [c for c in conclusions if c.type == "hold"]
    out: dict[str, Prescription] = {}
    for presc in prescriptions:
        ladder = where.get(presc.exercise, ("", 0))[0]
        fact = progress.get(ladder)
        if fact is None or fact.get("exercise") not in where:
            keep_one(out, presc)
            continue
        steps = steps_of[ladder]
        index = steps.index(str(fact["exercise"]))
        move = moves.get(ladder)
        direction = move.direction if move is not None else "hold"
        target = steps[min(index + 1, len(steps) - 1)] if direction == "up" else steps[index]
        if direction == "down":
            target = steps[max(index - 1, 0)]
        if direction == "up" and _held_back(catalogue[target], holds):
            direction, target = "wait", steps[index]  # a step up a readiness hold would undo: stay
        keep_one(out, _at_step(presc, catalogue[target], fact, direction, move, catalogue))
    return sorted(out.values(), key=lambda p: -p.priority)


def _held_back(target: Exercise, holds: list[Conclusion]) -> bool:
    """Whether a hold (a beginner's or a masters runner's "easier versions first") would swap
    the next step straight back down: then the runner stays where they are, never below it."""
    from prehab.plan.holds import DROPPING_MODES, blocking

    return any(
        h.hold is not None and h.hold.mode in ("regress", *DROPPING_MODES)
        for h in blocking(holds, target, target.dose)
    )


def _at_step(
    presc: Prescription,
    target: Exercise,
    fact: Fact,
    direction: str,
    move: Conclusion | None,
    catalogue: dict[str, Exercise],
) -> Prescription:
    """``presc`` at the runner's step: one change at a time (a harder exercise keeps the sets of
    the step before; more sets come at the same step), with a note only where it is true."""
    current = catalogue[str(fact["exercise"])]
    sessions = int(fact.get("sessions_at_step", 0))
    rpe = fact.get("last_rpe")
    effort = f" at RPE {rpe}" if rpe is not None else ""
    done = f"{sessions} session{'s' if sessions != 1 else ''} of {current.name}{effort}"
    moved = target.id != current.id
    if direction == "up" and moved:
        note = f"{done}: progress to {target.name}"
    elif direction == "down" and moved:
        note = f"worse the next morning after {current.name}: one step down to {target.name}"
    elif direction == "down":
        note = f"worse the next morning after {current.name}: the easiest step already, a lighter dose"
    elif fact.get("climbing"):
        note = ""  # the load climbs within this step: its own note (workout.loading) says how
    elif direction == "wait":
        note = f"{done}: stay at this step (the harder version waits until your base allows it)"
    elif fact.get("top"):
        note = f"{done}: the top step of this ladder; keep it"
    else:
        note = f"{done}: stay at this step"
    reasons = list(presc.reasons)
    if move is not None and all(r.rule_id != move.reason.rule_id for r in reasons):
        reasons.append(move.reason)
    dose: dict[str, Any] = dict(target.dose) if target.id != presc.exercise else dict(presc.dose)
    minutes = float(target.minutes) if target.id != presc.exercise else presc.minutes
    if direction == "up" and moved:
        steady = int(current.dose.get("sets", 0) or 0)
        if steady and int(dose.get("sets", 0) or 0) > steady:  # a harder exercise, not more sets too
            minutes = round(minutes * steady / int(dose["sets"]), 1)
            dose["sets"] = steady
    if direction == "down" and not moved:
        from prehab.plan.holds import lighter_dose

        dose = lighter_dose(dose)
    return Prescription(
        target.id, target.name, target.kind, dose, minutes, reasons, presc.regressed_from, note
    )
