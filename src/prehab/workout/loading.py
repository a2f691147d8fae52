"""The load that climbs within an exercise: double progression from the work really done.

``lift_facts`` turns each exercise's recorded sessions (the done marks' ``actual``) into one
``lift`` fact; rules in the pack (rules/progression.toml) decide ``up``, ``same`` or ``down``
with ``then.load``; ``apply_loads`` gives the day's item its load (or reps, or seconds) and
says why: "last time 3 x 10 @ 16 kg, RPE 6 -> today 3 x 10 @ 18 kg". Holds were applied
before and still win: an item any hold touches (a taper's deload, a warning sign's reduce)
never climbs, and a ``reduce`` takes the load back a step.

Bodyweight work climbs by reps (+2, up to ``REP_CAP``) and timed work by seconds (+5, up to
``HOLD_CAP``); past the cap the exercise's ladder takes over (``climbing`` in the progress
fact), so a runner is never asked for 40 squats instead of the goblet squat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from prehab.model import Conclusion, Fact, Prescription
from prehab.record import replace
from prehab.rulebook.model import Exercise
from prehab.workout.actual import Actual
from prehab.workout.weights import shown, step_for, to_kg, to_unit

WINDOW_DAYS = 28
"""Recorded work older than four weeks no longer sets today's load."""
REP_STEP = 2
REP_CAP = 20
HOLD_STEP_S = 5
HOLD_CAP_S = 60
ORDER = ("down", "same", "up")
"""When rules disagree the safer step wins."""


def lift_facts(
    done: Sequence[Any],
    responses: Sequence[Fact],
    catalogue: Mapping[str, Exercise],
    today: date,
    unit: str = "kg",
    steps: Mapping[str, float | None] | None = None,
) -> list[Fact]:
    """One ``lift`` fact per exercise with work recorded in the last four weeks (``done``:
    done items with ``day``, ``exercise``, ``dose``, ``actual`` and the session ``rpe``).

    Pain not reported counts as 0: the guided session and ``prehab done`` ask for it only
    when there is some.
    """
    since = today - timedelta(days=WINDOW_DAYS)
    by_exercise: dict[str, list[tuple[Any, Actual]]] = {}
    for d in sorted(done, key=lambda d: d.day):
        actual = Actual.from_json(getattr(d, "actual", {}))
        if since <= d.day < today and d.exercise in catalogue and actual.sets:
            by_exercise.setdefault(d.exercise, []).append((d, actual))
    worse = {
        str(r.get("region"))
        for r in responses
        if r.get("fact") == "response" and r.get("next_morning") == "worse"
    }
    out: list[Fact] = []
    for exercise, sessions in by_exercise.items():
        ex = catalogue[exercise]
        last, actual = sessions[-1]
        fact: Fact = {
            "fact": "lift",
            "exercise": exercise,
            "sessions": len(sessions),
            "top": actual.reached(last.dose),
            "at_top": _at_top(sessions),
            "sets": len(actual.sets),
            "pain": actual.pain or 0,
            "worse_next_morning": bool(worse & (set(ex.loads) | set(ex.works))),
            "days_ago": (today - last.day).days,
        }
        reps = [s.reps for s in actual.sets if s.reps is not None]
        holds = [s.hold_s for s in actual.sets if s.hold_s is not None]
        if reps:
            fact["reps"] = min(reps)
        if holds:
            fact["hold_s"] = min(holds)
        target = last.dose.get("reps") if reps else last.dose.get("hold_s") if holds else None
        if isinstance(target, int) and not isinstance(target, bool) and target > 0:
            fact["target"] = target
        if actual.load_kg is not None:
            fact["unit"] = unit
            fact["load"] = round(to_unit(actual.load_kg, unit), 2)
            fact["step"] = step_for(ex.equipment, unit, dict(steps or {}))
        if getattr(last, "rpe", None) is not None:
            fact["rpe"] = int(last.rpe)
        out.append(fact)
    return out


def _at_top(sessions: list[tuple[Any, Actual]]) -> int:
    """The latest sessions in a row, at the latest load, that reached every set of the dose."""
    latest_load = sessions[-1][1].load_kg
    count = 0
    for d, actual in reversed(sessions):
        if actual.load_kg != latest_load or not actual.reached(d.dose):
            break
        count += 1
    return count


def climbing(fact: Fact | None) -> bool:
    """Whether an exercise still has room to climb within itself (then its ladder waits)."""
    if fact is None:
        return False
    if "load" in fact:
        return True
    target = int(fact.get("target", 0) or 0)
    if "reps" in fact:
        return target < REP_CAP
    if "hold_s" in fact:
        return target < HOLD_CAP_S
    return False


def apply_loads(
    prescriptions: list[Prescription],
    conclusions: Sequence[Conclusion],
    facts: Sequence[Fact],
    catalogue: Mapping[str, Exercise],
) -> list[Prescription]:
    """Each item with recorded work gets today's load, reps or seconds (see the module)."""
    from prehab.plan.holds import blocking

    lifts = {str(f.get("exercise")): f for f in facts if f.get("fact") == "lift"}
    steps: dict[str, list[str]] = {}
    for c in conclusions:
        if c.type == "load":
            steps.setdefault(c.exercise, []).append(c.direction)
    holds = [c for c in conclusions if c.type == "hold"]
    out: list[Prescription] = []
    for presc in prescriptions:
        fact = lifts.get(presc.exercise)
        if fact is None or presc.kind == "mobility":
            out.append(presc)
            continue
        wanted = steps.get(presc.exercise, [])
        direction = min(wanted, key=ORDER.index) if wanted else "same"
        touched = blocking(holds, catalogue[presc.exercise], presc.dose)
        capped = ""
        if touched and direction in ("up", "same") and (direction == "up" or not wanted):
            # a hold on this item (a taper, a deload): no climb, and say why
            direction, capped = "same", touched[0].reason.title
        if any(h.hold is not None and h.hold.mode == "reduce" for h in touched):
            direction = "down"
        out.append(_dosed(presc, fact, direction, capped, ruled=bool(wanted)))
    return out


def _dosed(
    presc: Prescription, fact: Fact, direction: str, capped: str, *, ruled: bool = True
) -> Prescription:
    dose = dict(presc.dose)
    before = _last_text(fact)
    sign = {"up": 1, "same": 0, "down": -1}[direction]
    if "load" in fact:
        unit = str(fact.get("unit", "kg"))
        load = max(0.0, float(fact["load"]) + sign * float(fact.get("step", 0)))
        dose["load_kg"] = round(to_kg(load, unit), 4)
        dose["load_shown"] = shown(dose["load_kg"], unit)
    elif "reps" in fact and "reps" in dose:
        target = int(fact.get("target", dose["reps"]))
        dose["reps"] = max(1, min(max(REP_CAP, target), target + sign * REP_STEP))
    elif "hold_s" in fact and "hold_s" in dose:
        target = int(fact.get("target", dose["hold_s"]))
        dose["hold_s"] = max(5, min(max(HOLD_CAP_S, target), target + sign * HOLD_STEP_S))
    else:
        return presc
    today = _dose_text(dose)
    why = {
        "up": "every set done, at an easy enough effort",
        "same": "the same until every set is done at RPE 7 or less",
        "down": "back a step: pain above the limit or worse the next morning",
    }[direction]
    if capped:
        why = f"no step up today ({capped})"
    elif not ruled:
        why = "the same load for now"
    note = f"last time {before} -> today {today} ({why})"
    joined = f"{presc.progress_note}; {note}" if presc.progress_note else note
    return replace(presc, dose=dose, progress_note=joined)


def _last_text(fact: Fact) -> str:
    sets = int(fact.get("sets", 0) or 0)
    if "reps" in fact:
        text = f"{sets} x {fact['reps']}"
    elif "hold_s" in fact:
        text = f"{sets} x {fact['hold_s']} s"
    else:
        text = f"{sets} sets"
    if "load" in fact:
        unit = str(fact.get("unit", "kg"))
        text += f" @ {shown(to_kg(float(fact['load']), unit), unit)}"
    if "rpe" in fact:
        text += f", RPE {fact['rpe']}"
    if int(fact.get("pain", 0) or 0):
        text += f", pain {fact['pain']}/10"
    return text


def _dose_text(dose: dict[str, Any]) -> str:
    sets = dose.get("sets")
    if "reps" in dose:
        text = f"{sets} x {dose['reps']}" if sets else f"{dose['reps']} reps"
    elif "hold_s" in dose:
        text = f"{sets} x {dose['hold_s']} s" if sets else f"{dose['hold_s']} s"
    else:
        text = f"{sets} sets" if sets else "as catalogued"
    if dose.get("load_shown"):
        text += f" @ {dose['load_shown']}"
    return text
