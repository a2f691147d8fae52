"""Conclusions -> prescriptions: one per exercise with every reason.

Holds are applied afterwards (``prehab.plan.holds``), after all rules fired, so a red flag wins
whatever order rules fired in.
"""

from __future__ import annotations

from typing import Any

from prehab.model import Conclusion, Prescription, Reason
from prehab.rulebook.model import Exercise


def volume(dose: dict[str, Any]) -> float:
    """A rough size of a dose, to break priority ties towards the larger one."""
    sets = float(dose.get("sets", 1))
    per_set = (
        float(dose.get("reps", 0)) + float(dose.get("hold_s", 0)) / 3 + float(dose.get("minutes", 0)) * 10
    )
    return sets * max(per_set, 1.0)


def keep_one(kept: dict[str, Prescription], presc: Prescription) -> None:
    """One item per exercise: a second prescription of one already kept adds its reasons
    (a regression or a ladder step that another rule also asked for)."""
    existing = kept.get(presc.exercise)
    if existing is None:
        kept[presc.exercise] = presc
        return
    for reason in presc.reasons:
        if all(r.rule_id != reason.rule_id for r in existing.reasons):
            existing.reasons.append(reason)
    if presc.progress_note and not existing.progress_note:
        existing.progress_note = presc.progress_note


def merge_prescriptions(conclusions: list[Conclusion], catalogue: dict[str, Exercise]) -> list[Prescription]:
    grouped: dict[str, list[Conclusion]] = {}
    for concl in conclusions:
        if concl.type == "prescribe":
            grouped.setdefault(concl.exercise, []).append(concl)
    kept: list[Prescription] = []
    for ex_id, items in grouped.items():
        ex = catalogue[ex_id]
        items.sort(key=lambda c: (c.reason.priority, volume({**ex.dose, **c.dose})), reverse=True)
        reasons: list[Reason] = []
        for item in items:
            if all(r.rule_id != item.reason.rule_id for r in reasons):
                reasons.append(item.reason)
        dose = {**ex.dose, **items[0].dose}
        minutes = float(ex.minutes) * (float(dose.get("sets", 1)) / float(ex.dose.get("sets", 1) or 1))
        kept.append(Prescription(ex_id, ex.name, ex.kind, dose, round(minutes, 1), reasons))
    kept.sort(key=lambda p: (-p.priority, p.kind, p.exercise))
    return kept
