"""The committed plan: planned once, kept with its item numbers, re-planned only on new inputs.

``inputs_digest`` sums up everything a plan is planned on (the day's facts, the time budget and
kit, the rulebook); the day service plans again only when it differs from the stored plan's.
A re-plan keeps every item's number (a new item gets the next unused one), keeps the items
already done even if the new plan would not give them, and is recorded with what triggered it
(which inputs changed) and what it added and removed, each with why (``store.advicelog``'s
``plan_changes``). ``advice_record_of`` is the advice log's row of a committed view (the items,
the rules that fired, what was left out and why): what is stored, and what re-plans compare.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from prehab.day.view import DayView, Item
from prehab.digest import sha256
from prehab.model import Fact
from prehab.plan.day import KIND_ORDER
from prehab.record import replace
from prehab.store.advicelog import Change, item_record, plan_changes
from prehab.store.records import EPISODE_KEYS, AdviceRecord

PARTS = ("facts", "options", "rules", "version")
_WORDS = {
    "athlete": "your profile",
    "health": "your profile",
    "pain": "an episode",
    "symptom": "an episode",
    "injury": "an episode",
    "tightness": "a check-in",
    "soreness": "a check-in",
    "goal": "a check-in",
    "answer": "a check-in",
    "schedule": "your calendar",
    "load": "your training log",
    "session": "your training log",
    "response": "how recent work went",
    "effort": "how recent work went",
    "progress": "your done work",
}


_NAMED = frozenset({"pain", "symptom", "injury", "tightness", "soreness", "response"})
"""Kinds whose changes are named (the knee's pain, the calves' tightness), not only counted."""


def inputs_digest(facts: Iterable[Fact], options: dict[str, Any], fingerprint: str, version: int) -> str:
    """``facts:<h> options:<h> rules:<fingerprint> version:<n>``: each part apart, so a re-plan
    can say which one changed."""
    canonical = sorted(json.dumps(f, sort_keys=True, default=str) for f in facts)
    return " ".join(
        [
            f"facts:{_digest(canonical)}",
            f"options:{_digest(options)}",
            f"rules:{fingerprint[:16]}",
            f"version:{version}",
        ]
    )


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return sha256(text.encode()).hexdigest()[:16]


def as_stored(view: DayView) -> DayView:
    """``view`` as the history keeps it and every later read returns it (its tables' keys in
    order): the first read of a plan looks exactly like the next, on every surface."""
    from prehab.store.rows import dumps

    stored = DayView.from_json(json.loads(dumps(view.to_json())))
    return stored if stored is not None else replace(view, committed=True)


def renumber(new: DayView, earlier: DayView | None, done: Collection[str]) -> DayView:
    """``new`` with the numbers ``earlier`` (the day's committed plan) gave its exercises, the
    next unused numbers for new ones, and ``earlier``'s done items that ``new`` dropped kept."""
    if earlier is None:
        return new
    numbers = {i.exercise: i.number for i in earlier.all_items()}
    taken = set(numbers.values())
    next_number = max(taken, default=0) + 1

    def number(item: Item) -> Item:
        nonlocal next_number
        if item.exercise in numbers:
            return replace(item, number=numbers[item.exercise])
        given = next_number
        next_number += 1
        return replace(item, number=given)

    items = [number(i) for i in new.items]
    extra = [number(i) for i in new.extra]
    have = {i.exercise for i in items} | {i.exercise for i in extra}
    kept = [
        replace(i, kept=True, extra=False)
        for i in earlier.all_items()
        if i.exercise in done and i.exercise not in have
    ]
    ordered = sorted(items + kept, key=lambda i: (KIND_ORDER.get(i.kind, 9), i.number))
    return replace(new, items=ordered, extra=sorted(extra, key=lambda i: i.number))


def trigger(earlier: DayView | None, earlier_inputs: str, facts: list[Fact], inputs: str) -> str:
    """Why the day was planned (again), in words: "first plan of the day", "after a check-in
    (tightness calves)", "your settings changed", ..."""
    if earlier is None:
        return "first plan of the day"
    before = dict(part.split(":", 1) for part in earlier_inputs.split() if ":" in part)
    now = dict(part.split(":", 1) for part in inputs.split() if ":" in part)
    reasons: list[str] = []
    if before.get("rules") != now.get("rules"):
        reasons.append("your rules changed")
    if before.get("options") != now.get("options"):
        reasons.append("your settings changed (time or equipment)")
    if before.get("version") != now.get("version"):
        reasons.append("prehab was updated")
    if before.get("facts") != now.get("facts"):
        reasons.extend(fact_changes(earlier.facts, facts))
    return "; ".join(dict.fromkeys(reasons)) or "planned again"


def fact_changes(before: list[Fact], now: list[Fact]) -> list[str]:
    """What changed between two days' facts, in words, by fact kind."""

    def keyed(facts: list[Fact]) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in facts:
            kind = str(f.get("fact"))
            ident = f.get(EPISODE_KEYS.get(kind, ""), "") or f.get("region", "") or f.get("ladder", "")
            out[f"{kind}:{ident}"] = json.dumps(f, sort_keys=True, default=str)
        return out

    old, new = keyed(before), keyed(now)
    found: dict[str, list[str]] = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        kind, ident = key.split(":", 1)
        named = f"{kind} {ident.replace('_', ' ')}" if ident and kind in _NAMED else ""
        found.setdefault(_WORDS.get(kind, "your facts"), [])
        if named:
            found[_WORDS.get(kind, "your facts")].append(named)
    return [
        f"after {what}" + (f" ({', '.join(sorted(set(items))[:3])})" if items else "")
        for what, items in found.items()
    ]


def changes_between(
    earlier: AdviceRecord, now: AdviceRecord, facts: list[Fact], flags: list[str]
) -> list[Change]:
    """The items a re-plan added and removed, each with why."""
    return plan_changes(earlier, now, facts, flags)


def change_json(c: Change) -> dict[str, Any]:
    return {"added": c.added, "exercise": c.exercise, "name": c.name, "why": c.why, "rules": list(c.rules)}


def advice_record_of(view: DayView) -> AdviceRecord:
    """The advice log's record of a view: the items (with ``kept`` ones marked), every rule that
    fired, what was left out and why."""
    items = []
    for i in view.items:
        row = item_record(i.prescription())
        row["number"] = i.number
        if i.kept:
            row["kept"] = True
        items.append(row)
    held: list[dict[str, Any]] = []
    for exercise, reason in view.held_back:
        held.append(
            {
                "exercise": exercise,
                "name": exercise,
                "why": "held",
                "rule": reason.rule_id,
                "title": reason.title,
            }
        )
    for original, easier, reason in view.easier:
        held.append(
            {"exercise": original, "name": original, "why": "easier", "instead": easier,
             "instead_name": easier,
             "rule": reason.rule_id, "title": reason.title}
        )  # fmt: skip
    for original, swapped in view.swapped:
        held.append(
            {
                "exercise": original,
                "name": original,
                "why": "equipment",
                "instead": swapped,
                "instead_name": swapped,
            }
        )
    for exercise, kit in view.missing_equipment:
        held.append({"exercise": exercise, "name": exercise, "why": "equipment", "needs": list(kit)})
    for i in view.extra:
        held.append({"exercise": i.exercise, "name": i.name, "why": "time"})
    return AdviceRecord(
        day=view.day,
        computed_at=view.computed_at or datetime.now(UTC),
        fingerprint=view.fingerprint,
        items=items,
        rule_ids=sorted(set(view.fired)),
        held=held,
    )
