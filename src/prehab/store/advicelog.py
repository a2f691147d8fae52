"""The advice log: each day's plan as advised, and what changed since the last one and why.

A plan is kept (``Store.log_advice``) when the app or ``prehab recommend`` works it out: its
items with dose and minutes, the rules behind each (and the facts they matched), what the plan
left out and why, every rule that fired and the rulebook's fingerprint. One row per day; a
changed plan replaces the day's row, keeping the items already done that day (they were
advised, and adherence counts them).

:func:`plan_changes` compares two stored plans: an item that is new names the rule that added
it (and the facts it matched); an item that went names the hold, the time budget, the missing
equipment, or the rule that no longer applies and the fact that changed. Plain data in, plain
data out: no planner, no engine, so the view and the CLI can both use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from prehab.model import Evaluation, Fact, Prescription, Reason
from prehab.store.records import AdviceRecord

if TYPE_CHECKING:
    from prehab.plan.day import DayPlan
    from prehab.rulebook.model import Exercise
    from prehab.store.db import Store

IDENTITY = ("region", "condition", "name", "type", "question", "sign", "ladder", "focus")
"""Fields that say which fact of a kind a matched fact was (the rest are its values)."""


def item_record(p: Prescription) -> dict[str, Any]:
    """One plan item as the log keeps it."""
    why: dict[str, list[Fact]] = {}
    for reason in p.reasons:
        why.setdefault(reason.rule_id, []).extend(dict(m.values) for m in reason.matched)
    item: dict[str, Any] = {
        "exercise": p.exercise,
        "name": p.name,
        "kind": p.kind,
        "dose": dict(p.dose),
        "minutes": p.minutes,
        "rules": [r.rule_id for r in p.reasons],
        "why": why,
    }
    if p.regressed_from:
        item["easier_than"] = p.regressed_from
    return item


def _left_out(p: Prescription, why: str, reason: Reason | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"exercise": p.exercise, "name": p.name, "why": why, **more}
    if reason is not None:
        out["rule"] = reason.rule_id
        out["title"] = reason.title
    return out


def advice_record(
    day: date,
    fingerprint: str,
    evaluation: Evaluation,
    plan: DayPlan,
    computed_at: datetime | None = None,
) -> AdviceRecord:
    """The log's record of one day's plan (``Today.evaluation`` and ``Today.plan``)."""
    held: list[dict[str, Any]] = []
    for p, reason in [*evaluation.suppressed, *plan.held]:
        held.append(_left_out(p, "held", reason))
    for original, easier, reason in evaluation.regressed:
        held.append(
            {"exercise": original, "name": original, "why": "easier", "instead": easier.exercise,
             "instead_name": easier.name, "rule": reason.rule_id, "title": reason.title}
        )  # fmt: skip
    for original, swapped in plan.swapped:
        held.append(
            {"exercise": original, "name": original, "why": "equipment", "instead": swapped.exercise,
             "instead_name": swapped.name}
        )  # fmt: skip
    for p, kit in plan.missing_equipment:
        held.append(_left_out(p, "equipment", needs=list(kit)))
    for p in plan.extra:
        held.append(_left_out(p, "time"))
    return AdviceRecord(
        day=day,
        computed_at=computed_at or datetime.now(UTC),
        fingerprint=fingerprint,
        items=[item_record(p) for p in plan.items],
        rule_ids=sorted(set(evaluation.fired)),
        held=held,
    )


def log_plan(
    store: Store,
    record: AdviceRecord,
    evaluation: Evaluation | None = None,
    catalogue: Mapping[str, Exercise] | None = None,
) -> bool:
    """Keep ``record`` as its day's plan. Items of the day's earlier plan stay in it (marked
    ``kept``) when they were done that day, or when done marks changed after that plan was
    made: work marked done counts like a logged session, so a re-plan may drop the rest of a
    session in progress, and that session is still the day's advice, unless a hold of
    ``evaluation`` now forbids it (``catalogue``: the exercises, to check). True when the log
    changed. A history that cannot be written (read-only, damaged, busy) is left as it is."""
    from prehab.store.db import StoreError

    try:
        earlier = store.advice(record.day)
        if earlier is not None:
            kept = kept_items(store, earlier, record)
            if evaluation is not None and catalogue is not None:
                done = store.done_on(record.day)
                kept = [i for i in kept if i.get("exercise") in done or not _held(i, evaluation, catalogue)]
            record.items.extend(kept)
        return store.log_advice(record)
    except StoreError:
        return False


def _held(item: Mapping[str, Any], evaluation: Evaluation, catalogue: Mapping[str, Exercise]) -> bool:
    """Whether a hold of ``evaluation`` forbids a stored item (or its exercise is gone)."""
    from prehab.plan.holds import forbidden

    exercise = str(item.get("exercise", ""))
    if exercise not in catalogue:
        return True
    dose = dict(item.get("dose") or {})
    p = Prescription(exercise, str(item.get("name", "")), str(item.get("kind", "")), dose, 0, [])
    return forbidden(p, evaluation.holds, dict(catalogue)) is not None


def kept_items(store: Store, earlier: AdviceRecord, record: AdviceRecord) -> list[dict[str, Any]]:
    """The items of ``earlier`` (the same day's previous plan) that ``record`` keeps: the ones
    done that day, and the rest of a session a done mark re-planned away (for the day, unless
    a hold now forbids them)."""
    done = store.done_on(record.day)
    marked = store.done_changed_at(record.day)
    since_marks = marked is not None and marked >= earlier.computed_at
    have = set(record.exercises)
    held = {h.get("exercise") for h in record.held if h.get("why") in ("held", "easier")}
    out = []
    for item in earlier.items:
        exercise = item.get("exercise")
        if exercise in have:
            continue
        if exercise in done or ((item.get("kept") or since_marks) and exercise not in held):
            out.append({**item, "kept": True})
    return out


def log_to_default_store(
    day: date, fingerprint: str, evaluation: Evaluation, plan: DayPlan, catalogue: Mapping[str, Exercise]
) -> bool:
    """``prehab recommend``: keep the plan in the default history (quietly not, when it cannot
    be written)."""
    from prehab.store.db import Store, StoreError

    try:
        with Store.open() as store:
            return log_plan(store, advice_record(day, fingerprint, evaluation, plan), evaluation, catalogue)
    except StoreError:
        return False


def mark_prescription(store: Store, day: date, p: Prescription, exercise: Exercise | None) -> int:
    """Record ``p`` as done on ``day`` with the dose it was given, its kind, and the catalogue's
    plane and loaded regions (``exercise``); returns the done record's id."""
    return store.mark_done(
        day,
        p.exercise,
        [r.rule_id for r in p.reasons],
        kind=p.kind,
        dose=dict(p.dose),
        plane=exercise.plane if exercise is not None else "",
        loads=(exercise.loads or exercise.works) if exercise is not None else (),
        minutes=p.minutes,
    )


# -- what changed ------------------------------------------------------------------------------


@dataclass
class Change:
    """One item new in, or gone from, a plan, with why in words."""

    added: bool
    exercise: str
    name: str
    why: str
    rules: list[str] = field(default_factory=list)
    """The rules behind it: the ones that added it, or the hold or rule that went."""

    @property
    def sign(self) -> str:
        return "+" if self.added else "-"


def plan_changes(
    before: AdviceRecord,
    now: AdviceRecord,
    facts: Iterable[Fact] = (),
    flags: Iterable[str] = (),
) -> list[Change]:
    """Items new in ``now`` and items gone since ``before``, each with why (``facts``: the facts
    ``now`` was planned on; ``flags``: the flags its rules raised)."""
    facts = list(facts)
    raised = set(flags)
    old = {str(i.get("exercise")): i for i in before.items}
    new = {str(i.get("exercise")): i for i in now.items if not i.get("kept")}
    then_held = {str(h.get("exercise")): h for h in before.held}
    now_held = {str(h.get("exercise")): h for h in now.held}
    out: list[Change] = []
    for exercise, item in new.items():
        if exercise in old:
            continue
        rules = [str(r) for r in item.get("rules", [])]
        why = _why_new(item, rules, before, then_held)
        out.append(Change(True, exercise, str(item.get("name", exercise)), why, rules))
    for exercise, item in old.items():
        if exercise in new:
            continue
        why, rules = _why_gone(item, now, now_held.get(exercise), facts, raised)
        out.append(Change(False, exercise, str(item.get("name", exercise)), why, rules))
    return out


def _why_new(
    item: Mapping[str, Any],
    rules: list[str],
    before: AdviceRecord,
    then_held: Mapping[str, Mapping[str, Any]],
) -> str:
    was = then_held.get(str(item.get("exercise")))
    if was is not None:
        back = {
            "held": f"no longer held ({was.get('rule', 'a hold')})",
            "time": "now fits your time budget",
            "equipment": "the equipment is there now",
            "easier": "the full version again, not the easier one",
        }.get(str(was.get("why")), "back in the plan")
        return back
    if item.get("easier_than"):
        return f"the easier version of {item['easier_than']} (a hold asks for easier work today)"
    fresh = [r for r in rules if r not in before.rule_ids]
    rule = (fresh or rules or ["a rule"])[0]
    matched = (item.get("why") or {}).get(rule) or []
    facts = "; ".join(fact_text(f) for f in matched if isinstance(f, Mapping))
    return f"added by {rule}" + (f": {facts}" if facts else "")


def _why_gone(
    item: Mapping[str, Any],
    now: AdviceRecord,
    held: Mapping[str, Any] | None,
    facts: list[Fact],
    flags: set[str],
) -> tuple[str, list[str]]:
    if held is not None:
        rule = str(held.get("rule", ""))
        reason = str(held.get("why"))
        instead = held.get("instead_name", held.get("instead"))
        needs = ", ".join(str(k) for k in held.get("needs", [])) or "equipment"
        if reason == "held":
            return f"held by {rule}" + (f": {held['title']}" if held.get("title") else ""), [rule]
        if reason == "easier":
            return f"an easier version instead: {instead} ({rule})", [rule]
        if reason == "equipment" and held.get("instead"):
            return f"swapped for {instead}: equipment", []
        if reason == "equipment":
            return f"needs {needs} you do not have", []
        if reason == "time":
            return "over today's time budget (listed under If you have more time)", []
    rules = [str(r) for r in item.get("rules", [])]
    gone = [r for r in rules if r not in now.rule_ids]
    why = item.get("why") or {}
    for rule in gone:
        changed = [fact_change(f, facts, flags) for f in why.get(rule, []) if isinstance(f, Mapping)]
        found = next((c for c in changed if c), "")
        return f"{rule} no longer applies" + (f": {found}" if found else ""), [rule]
    if now.fingerprint != "" and rules and all(r in now.rule_ids for r in rules):
        return "its rules still fire, but another item took its place", rules
    return "no longer prescribed", rules


def fact_text(fact: Mapping[str, Any]) -> str:
    """A matched fact in words: ``tightness calves level 6``."""
    kind = str(fact.get("fact", ""))
    ident = " ".join(str(fact[k]).replace("_", " ") for k in IDENTITY if k in fact)
    values = ", ".join(f"{k} {v}" for k, v in fact.items() if k != "fact" and k not in IDENTITY)
    return " ".join(x for x in (kind, ident, values) if x)


def fact_change(then: Mapping[str, Any], facts: list[Fact], flags: set[str]) -> str:
    """How a fact a rule matched then differs now ("" when it is the same)."""
    kind = then.get("fact")
    if kind == "flag":
        return "" if then.get("name") in flags else f"flag {then.get('name')} no longer raised"
    ident = {k: then[k] for k in IDENTITY if k in then}
    same = [f for f in facts if f.get("fact") == kind and all(f.get(k) == v for k, v in ident.items())]
    label = " ".join([str(kind), *(str(v).replace("_", " ") for v in ident.values())])
    if not same:
        return f"{label} no longer reported"
    current = same[0]
    for key, value in then.items():
        if key == "fact" or key in IDENTITY:
            continue
        if current.get(key) != value:
            now = current.get(key, "not known")
            return f"{label}: {key.replace('_', ' ')} {value} -> {now}"
    return ""
