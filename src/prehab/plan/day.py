"""Today's plan: the evaluation's prescriptions fitted to the runner's time and equipment.

Nothing is silently dropped: what does not fit the budget is listed as extra, and an
exercise needing missing equipment is swapped for its regression or listed as missing.
"""

from __future__ import annotations

from prehab.model import Conclusion, Evaluation, Prescription, Reason
from prehab.plan.holds import blocking, forbidden, forbids
from prehab.record import Record, field
from prehab.rulebook.model import Exercise

KIND_ORDER = {"mobility": 0, "strength": 1, "plyometric": 2}


DEFAULT_BUDGET_MIN = 30.0
"""The minimum effective dose fits in under 30 minutes, 2-3 times a week."""


def equipment_available(declared: list[str] | tuple[str, ...], home_only: bool) -> frozenset[str] | None:
    """What the planner may use: declared kit; at home only that; nothing declared outside home: any."""
    if home_only or declared:
        return frozenset(declared)
    return None


class PlanOptions(Record, frozen=True):
    """What the day may hold: minutes and the kit at hand."""

    time_budget_min: float | None = None
    equipment: frozenset[str] | None = None
    """Equipment the runner has; None means "assume anything"."""


class DayPlan(Record):
    """The day's exercises after merging, holds, time and kit, with what was left out and why."""

    items: list[Prescription] = field(default_factory=list)
    extra: list[Prescription] = field(default_factory=list)
    swapped: list[tuple[str, Prescription]] = field(default_factory=list)
    missing_equipment: list[tuple[Prescription, tuple[str, ...]]] = field(default_factory=list)
    held: list[tuple[Prescription, Reason]] = field(default_factory=list)
    """Items the planner's last guard removed because a hold forbids them (e.g. an equipment
    swap that would load a held region)."""

    @property
    def minutes(self) -> float:
        return round(sum(p.minutes for p in self.items), 1)


def _fits(ex: Exercise, equipment: frozenset[str] | None) -> bool:
    return equipment is None or set(ex.equipment) <= equipment


def plan_day(ev: Evaluation, catalogue: dict[str, Exercise], options: PlanOptions) -> DayPlan:
    """Today's items: holds obeyed, equipment respected, the runner's own complaints first.

    Budget order: first the best item for each complaint (tightness, soreness, pain or injury
    the runner reported), then the rest by priority, so a routine session never crowds out
    what the runner asked about.
    """
    plan = DayPlan()
    chosen: list[Prescription] = []
    taken: set[str] = set()
    holds = ev.holds
    for presc in ev.prescriptions:
        ex = catalogue[presc.exercise]
        if not _fits(ex, options.equipment):
            alternative = _regression_that_fits(ex, catalogue, options.equipment, holds)
            if alternative is None or alternative.id in taken:
                plan.missing_equipment.append((presc, ex.equipment))
                continue
            swapped = Prescription(
                alternative.id,
                alternative.name,
                alternative.kind,
                dict(alternative.dose),
                alternative.minutes,
                presc.reasons,
                presc.exercise,
            )
            plan.swapped.append((presc.exercise, swapped))
            presc = swapped
        blocker = forbidden(presc, holds, catalogue)
        if blocker is not None:
            plan.held.append((presc, blocker.reason))
            continue
        if presc.exercise in taken:
            continue
        taken.add(presc.exercise)
        chosen.append(presc)
    _fit_budget(plan, chosen, options.time_budget_min)
    plan.items.sort(key=lambda p: (not p.complaints, KIND_ORDER.get(p.kind, 9), -p.priority))
    return plan


def _fit_budget(plan: DayPlan, chosen: list[Prescription], budget: float | None) -> None:
    """Complaints first: each complaint gets its best item that still fits, then the rest
    (complaint items before routine ones) by priority, as long as they fit. A deloaded item
    counts the minutes it took before the deload (``full_minutes``): a deload is the same work,
    lighter, not room for more (round 16: a deload week brought in two more jumping exercises)."""
    if budget is None:
        plan.items.extend(chosen)
        return
    used = 0.0
    answered: set[str] = set()
    taken: list[Prescription] = []
    for presc in chosen:  # ordered by priority: the first fitting item per complaint is its best
        if presc.complaints - answered and used + _cost(presc) <= budget:
            taken.append(presc)
            answered |= presc.complaints
            used += _cost(presc)
    rest = sorted((p for p in chosen if p not in taken), key=lambda p: not p.complaints)
    for presc in rest:
        if used + _cost(presc) <= budget:
            taken.append(presc)
            used += _cost(presc)
        else:
            plan.extra.append(presc)
    plan.items.extend(taken)


def _cost(presc: Prescription) -> float:
    """What an item counts for in the day's time: its minutes before a deload, else its own."""
    return presc.full_minutes or presc.minutes


def _regression_that_fits(
    ex: Exercise, catalogue: dict[str, Exercise], equipment: frozenset[str] | None, holds: list[Conclusion]
) -> Exercise | None:
    seen = {ex.id}
    current = ex
    while current.regression and current.regression not in seen:
        seen.add(current.regression)
        current = catalogue[current.regression]
        if _fits(current, equipment) and not any(forbids(h) for h in blocking(holds, current, current.dose)):
            return current
    return None
