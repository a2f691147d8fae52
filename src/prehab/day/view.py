"""The day as every surface shows it: one typed view, stored whole when the plan is committed.

The app's Today and Week, ``prehab recommend`` (text and JSON), ``prehab done``, ``serve`` and
the Home Assistant payloads all render a :class:`DayView`; none works the day out itself. The
committed part (items with their numbers, what the plan leaves out and why, the referrals and
notes, the facts it was planned on) round-trips through JSON (``to_json``/``from_json``); what
changes during the day without re-planning (done marks, follow-up questions, the response
prompt, the re-plans so far) is filled in when the view is read (``Decorations``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from prehab.model import Conclusion, Evaluation, Hold, MatchedFact, Prescription, Reason
from prehab.plan.day import KIND_ORDER, DayPlan
from prehab.plan.restrictions import instead_texts, plain_cautions, restrictions
from prehab.record import Record, field, replace

if TYPE_CHECKING:
    from prehab.day.followup import FollowUp
    from prehab.facts.response import ResponseAsk
    from prehab.store.advicelog import Change
    from prehab.store.dayplans import Replan

VIEW_VERSION = 3
"""Bumped when the stored shape or the planner's meaning changes: older plans are re-planned."""


class Item(Record, frozen=True):
    """One exercise of the day's plan. ``number`` is the item's for the whole day: marking others
    done, or a re-plan, never renumbers it (``prehab done 3`` means the same item all day)."""

    number: int
    exercise: str
    name: str
    kind: str
    dose: dict[str, Any] = field(hash=False)
    minutes: float
    reasons: tuple[Reason, ...] = ()
    regressed_from: str = ""
    progress_note: str = ""
    extra: bool = False
    """Listed under "if you have more time": over the time budget."""
    kept: bool = False
    """From an earlier plan of the day that a re-plan dropped: kept because it was done."""

    def item_id(self, day: date) -> str:
        return f"{day.isoformat()}#{self.number}"

    @property
    def lighter_only(self) -> bool:
        """A hold gave this exercise at a lighter dose (``regressed_from`` is itself), rather
        than an easier exercise in place of another."""
        return self.regressed_from == self.exercise

    @property
    def complaints(self) -> list[str]:
        return sorted(self.prescription().complaints)

    def prescription(self) -> Prescription:
        return Prescription(
            self.exercise, self.name, self.kind, dict(self.dose), self.minutes, list(self.reasons),
            self.regressed_from, self.progress_note,
        )  # fmt: skip


class Message(Record, frozen=True):
    """A referral, a caution or a note, with the rule that gave it."""

    text: str
    reason: Reason
    urgency: str = ""


class Ref(Record, frozen=True):
    """An exercise a restriction left out or gave instead."""

    exercise: str
    name: str
    dose: dict[str, Any] = field(default_factory=dict, hash=False)


class NotToday(Record, frozen=True):
    """What one restricting rule keeps out of the day, in its words and as the holds enforce it."""

    text: str
    reason: Reason
    rule_ids: tuple[str, ...]
    holds: tuple[Hold, ...] = ()
    removed: tuple[Ref, ...] = ()
    easier: tuple[tuple[Ref, Ref], ...] = ()
    """(the exercise asked for, the easier one given instead, at the dose the list gives it)."""

    def easier_items(self) -> list[tuple[Ref, list[Ref]]]:
        """Each easier item once, with the other exercises it stands in for (holds can ease
        several onto one); none: it is the exercise asked for, at a lighter dose."""
        grouped: dict[str, tuple[Ref, list[Ref]]] = {}
        for original, ref in self.easier:
            others = grouped.setdefault(ref.exercise, (ref, []))[1]
            if original.exercise != ref.exercise:
                others.append(original)
        return list(grouped.values())


class DayView(Record):
    """One day's plan and everything shown beside it."""

    day: date
    items: list[Item] = field(default_factory=list)
    extra: list[Item] = field(default_factory=list)
    referrals: list[Message] = field(default_factory=list)
    not_today: list[NotToday] = field(default_factory=list)
    instead: list[str] = field(default_factory=list)
    cautions: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    swapped: list[tuple[str, str]] = field(default_factory=list)
    missing_equipment: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    held_back: list[tuple[str, Reason]] = field(default_factory=list)
    easier: list[tuple[str, str, Reason]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    flagged: list[tuple[str, Reason]] = field(default_factory=list)
    """Each flag a rule raised, with that rule's reason."""
    fired: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: str = ""
    computed_at: datetime | None = None
    committed: bool = False
    """True when this is the day's stored plan; False for a what-if (other budget, rules or
    facts file) or when the history cannot be written."""
    budget_min: float | None = None

    @property
    def minutes(self) -> float:
        return round(sum(i.minutes for i in self.items), 1)

    def all_items(self) -> list[Item]:
        return [*self.items, *self.extra]

    def item(self, number: int) -> Item | None:
        return next((i for i in self.all_items() if i.number == number), None)

    def by_exercise(self, exercise: str) -> Item | None:
        return next((i for i in self.all_items() if i.exercise == exercise), None)

    def grouped(self) -> list[tuple[str, list[Item]]]:
        """Today's items by kind, in the order every surface lists them."""
        kinds = sorted({i.kind for i in self.items}, key=lambda k: KIND_ORDER.get(k, 9))
        return [(k, [i for i in self.items if i.kind == k]) for k in kinds]

    # -- JSON ---------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The committed part, as stored (``from_json`` reads it back)."""
        return {
            "version": VIEW_VERSION,
            "day": self.day.isoformat(),
            "items": [_item_json(i) for i in self.items],
            "extra": [_item_json(i) for i in self.extra],
            "referrals": [_message_json(m) for m in self.referrals],
            "not_today": [_not_today_json(n) for n in self.not_today],
            "instead": list(self.instead),
            "cautions": [_message_json(m) for m in self.cautions],
            "notes": [_message_json(m) for m in self.notes],
            "swapped": [list(s) for s in self.swapped],
            "missing_equipment": [[e, list(k)] for e, k in self.missing_equipment],
            "held_back": [[e, reason_json(r)] for e, r in self.held_back],
            "easier": [[a, b, reason_json(r)] for a, b, r in self.easier],
            "flags": list(self.flags),
            "flagged": [[f, reason_json(r)] for f, r in self.flagged],
            "fired": list(self.fired),
            "errors": list(self.errors),
            "facts": self.facts,
            "fingerprint": self.fingerprint,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "budget_min": self.budget_min,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DayView | None:
        """A stored view; None when it is from another version or cannot be read (re-plan)."""
        if data.get("version") != VIEW_VERSION:
            return None
        try:
            return cls(
                day=date.fromisoformat(data["day"]),
                items=[_item(i) for i in data["items"]],
                extra=[_item(i) for i in data["extra"]],
                referrals=[_message(m) for m in data["referrals"]],
                not_today=[_not_today(n) for n in data["not_today"]],
                instead=[str(t) for t in data["instead"]],
                cautions=[_message(m) for m in data["cautions"]],
                notes=[_message(m) for m in data["notes"]],
                swapped=[(str(a), str(b)) for a, b in data["swapped"]],
                missing_equipment=[
                    (str(e), tuple(str(k) for k in kit)) for e, kit in data["missing_equipment"]
                ],
                held_back=[(str(e), reason_from_json(r)) for e, r in data["held_back"]],
                easier=[(str(a), str(b), reason_from_json(r)) for a, b, r in data["easier"]],
                flags=[str(f) for f in data["flags"]],
                flagged=[(str(f), reason_from_json(r)) for f, r in data["flagged"]],
                fired=[str(f) for f in data["fired"]],
                errors=[str(e) for e in data["errors"]],
                facts=[f for f in data["facts"] if isinstance(f, dict)],
                fingerprint=str(data.get("fingerprint", "")),
                computed_at=datetime.fromisoformat(data["computed_at"]) if data.get("computed_at") else None,
                budget_min=data.get("budget_min"),
                committed=True,
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


class Decorations(Record):
    """What is read with the committed plan but does not re-plan it."""

    done: frozenset[str] = frozenset()
    """Exercises marked done that day."""
    extra_done: list[str] = field(default_factory=list)
    """Exercises marked done that the plan did not give (``prehab done --extra``)."""
    follow_ups: list[FollowUp] = field(default_factory=list)
    """Stale open episodes to ask about (today only)."""
    response_due: ResponseAsk | None = None
    """The response questions are due and not answered yet (today only)."""
    changes_since: str = ""
    """The earlier day ``changes`` compare with ("MON 23 NOV")."""
    changes: list[Change] = field(default_factory=list)
    replans: list[Replan] = field(default_factory=list)
    """The day's plans: the first, then each re-plan with its trigger and changes."""
    onboarding: bool = False
    """The profile was never answered or skipped."""
    last_checkin: date | None = None
    """The local day of the latest check-in, read before the plan's facts: a day that says a
    check-in was taken was planned on it (never the plan from before it beside its date)."""


def build_view(
    day: date,
    evaluation: Evaluation,
    plan: DayPlan,
    facts: list[dict[str, Any]],
    *,
    fingerprint: str = "",
    budget_min: float | None = None,
    computed_at: datetime | None = None,
) -> DayView:
    """The view of a freshly planned day, numbered 1.. in the order it is listed (today's items
    by kind, then the ones over the budget). ``prehab.day.commit`` keeps earlier numbers."""
    ordered = sorted(plan.items, key=lambda p: KIND_ORDER.get(p.kind, 9))
    items = [_from_prescription(n, p) for n, p in enumerate(ordered, start=1)]
    extra = [_from_prescription(n, p, extra=True) for n, p in enumerate(plan.extra, start=len(items) + 1)]
    return DayView(
        day=day,
        items=items,
        extra=extra,
        referrals=[Message(c.text, c.reason, c.urgency) for c in unique_texts(evaluation.referrals)],
        not_today=[
            NotToday(
                r.text,
                r.reason,
                tuple(r.rule_ids),
                tuple(r.holds),
                tuple(Ref(p.exercise, p.name, dict(p.dose)) for p in r.removed),
                tuple(
                    (Ref(o, evaluation.eased_names.get(o, o)), Ref(e.exercise, e.name, dict(e.dose)))
                    for o, e in r.easier
                ),
            )  # fmt: skip
            for r in restrictions(evaluation, plan)
        ],
        instead=instead_texts(evaluation),
        cautions=[Message(c.text, c.reason) for c in unique_texts(plain_cautions(evaluation))],
        notes=[Message(c.text, c.reason) for c in unique_texts(evaluation.notes)],
        swapped=[(orig, p.exercise) for orig, p in plan.swapped],
        missing_equipment=[(p.exercise, tuple(kit)) for p, kit in plan.missing_equipment],
        held_back=[(p.exercise, r) for p, r in evaluation.suppressed + plan.held],
        easier=[(orig, p.exercise, r) for orig, p, r in evaluation.regressed],
        flags=list(evaluation.flags),
        flagged=[(c.flag, c.reason) for c in evaluation.conclusions if c.type == "flag" and c.flag],
        fired=list(evaluation.fired),
        errors=list(evaluation.errors),
        facts=[dict(f) for f in facts],
        fingerprint=fingerprint,
        computed_at=computed_at,
        budget_min=budget_min,
    )


def _from_prescription(number: int, p: Prescription, *, extra: bool = False) -> Item:
    return Item(
        number, p.exercise, p.name, p.kind, dict(p.dose), float(p.minutes), tuple(p.reasons),
        p.regressed_from, p.progress_note, extra,
    )  # fmt: skip


# -- JSON helpers ------------------------------------------------------------------------------


def reason_json(reason: Reason) -> dict[str, Any]:
    return {
        "rule": reason.rule_id,
        "title": reason.title,
        "why": reason.why,
        "source": reason.source,
        "priority": reason.priority,
        "chain": list(reason.chain),
        "matched": [{"name": m.name, "values": m.values} for m in reason.matched],
    }


def reason_from_json(data: dict[str, Any]) -> Reason:
    return Reason(
        rule_id=str(data["rule"]),
        title=str(data.get("title", "")),
        why=str(data.get("why", "")),
        source=str(data.get("source", "")),
        matched=tuple(MatchedFact(str(m["name"]), dict(m["values"])) for m in data.get("matched", [])),
        chain=tuple(str(c) for c in data.get("chain", [])),
        priority=int(data.get("priority", 0)),
    )


def _item_json(i: Item) -> dict[str, Any]:
    return {
        "number": i.number,
        "exercise": i.exercise,
        "name": i.name,
        "kind": i.kind,
        "dose": i.dose,
        "minutes": i.minutes,
        "reasons": [reason_json(r) for r in i.reasons],
        "regressed_from": i.regressed_from,
        "progress_note": i.progress_note,
        "extra": i.extra,
        "kept": i.kept,
    }


def _item(d: dict[str, Any]) -> Item:
    return Item(
        number=int(d["number"]),
        exercise=str(d["exercise"]),
        name=str(d["name"]),
        kind=str(d["kind"]),
        dose=dict(d["dose"]),
        minutes=float(d["minutes"]),
        reasons=tuple(reason_from_json(r) for r in d["reasons"]),
        regressed_from=str(d.get("regressed_from", "")),
        progress_note=str(d.get("progress_note", "")),
        extra=bool(d.get("extra", False)),
        kept=bool(d.get("kept", False)),
    )


def _message_json(m: Message) -> dict[str, Any]:
    return {"text": m.text, "urgency": m.urgency, "reason": reason_json(m.reason)}


def _message(d: dict[str, Any]) -> Message:
    return Message(str(d["text"]), reason_from_json(d["reason"]), str(d.get("urgency", "")))


def hold_json(h: Hold) -> dict[str, Any]:
    return {
        "regions": list(h.regions),
        "works": list(h.works),
        "kinds": list(h.kinds),
        "loads": list(h.loads),
        "tags": list(h.tags),
        "exercises": list(h.exercises),
        "mode": h.mode,
    }


def _hold(d: dict[str, Any]) -> Hold:
    return Hold(
        regions=tuple(d["regions"]), kinds=tuple(d["kinds"]), loads=tuple(d["loads"]), tags=tuple(d["tags"]),
        exercises=tuple(d["exercises"]), mode=str(d["mode"]), works=tuple(d["works"]),
    )  # fmt: skip


def _ref_json(r: Ref) -> dict[str, Any]:
    return {"exercise": r.exercise, "name": r.name, "dose": r.dose}


def _ref(d: dict[str, Any]) -> Ref:
    return Ref(str(d["exercise"]), str(d["name"]), dict(d.get("dose", {})))


def _not_today_json(n: NotToday) -> dict[str, Any]:
    return {
        "text": n.text,
        "reason": reason_json(n.reason),
        "rule_ids": list(n.rule_ids),
        "holds": [hold_json(h) for h in n.holds],
        "removed": [_ref_json(r) for r in n.removed],
        "easier": [[_ref_json(o), _ref_json(r)] for o, r in n.easier],
    }


def _not_today(d: dict[str, Any]) -> NotToday:
    return NotToday(
        text=str(d["text"]),
        reason=reason_from_json(d["reason"]),
        rule_ids=tuple(str(r) for r in d["rule_ids"]),
        holds=tuple(_hold(h) for h in d["holds"]),
        removed=tuple(_ref(r) for r in d["removed"]),
        easier=tuple((_ref(o), _ref(r)) for o, r in d["easier"]),
    )


def with_items(view: DayView, items: list[Item], extra: list[Item]) -> DayView:
    return replace(view, items=items, extra=extra)


def unique_texts(items: list[Conclusion]) -> list[Conclusion]:
    """Conclusions with distinct texts, first kept: several rules may give the same caution."""
    seen: set[str] = set()
    out = []
    for c in items:
        if c.text not in seen:
            seen.add(c.text)
            out.append(c)
    return out
