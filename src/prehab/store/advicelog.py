"""The advice log: each day's plan as advised, and what changed since the last one and why.

The day's committed plan (``prehab.day``) is the log's row for that day: its items with dose
and minutes, the rules behind each (and the facts they matched), what the plan left out and
why, every rule that fired and the rulebook's fingerprint. A re-plan replaces the row, keeping
the items already done that day (they were advised, and adherence counts them).

:func:`plan_changes` compares two stored plans: an item that is new names the rule that added
it (and the facts it matched); an item that went names the hold, the time budget, the missing
equipment, or the rule that no longer applies and the fact that changed. Plain data in, plain
data out: no planner, no engine, so the view and the CLI can both use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from prehab.model import Fact, Prescription
from prehab.record import Record, field
from prehab.store.records import AdviceRecord

if TYPE_CHECKING:
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


def mark_prescription(
    store: Store,
    day: date,
    p: Prescription,
    exercise: Exercise | None,
    item: int | None = None,
    actual: dict[str, Any] | None = None,
) -> int:
    """Record ``p`` as done on ``day`` with the dose it was given, its kind, and the catalogue's
    plane and loaded regions (``exercise``); ``item``: its number in the day's plan (None:
    work the plan did not give); ``actual``: what was really done (``Actual.to_json``).
    Returns the done record's id."""
    return store.mark_done(
        day,
        p.exercise,
        [r.rule_id for r in p.reasons],
        kind=p.kind,
        dose=dict(p.dose),
        plane=exercise.plane if exercise is not None else "",
        loads=(exercise.loads or exercise.works) if exercise is not None else (),
        minutes=p.minutes,
        item=item,
        actual=actual,
    )


# -- what changed ------------------------------------------------------------------------------


class Change(Record):
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
