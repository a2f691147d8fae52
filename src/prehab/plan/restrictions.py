"""What today's plan leaves out and why, grouped by the rule that said so: one view for the
CLI, the JSON output and the Today screen, so they cannot tell the runner different things.

Each restricting rule shows its own caution (or, without one, the words derived from its
holds), the items its holds removed, the easier versions they swapped in, and, once for the
plan, what to do instead.
"""

from __future__ import annotations

from prehab.model import Conclusion, Evaluation, Hold, Prescription, Reason
from prehab.plan.day import DayPlan
from prehab.record import Record, field


class Restriction(Record):
    """A restriction beside the plan: its reason and words, the holds, what they removed or eased."""

    reason: Reason
    text: str
    holds: list[Hold] = field(default_factory=list)
    removed: list[Prescription] = field(default_factory=list)
    easier: list[tuple[str, Prescription]] = field(default_factory=list)
    also: list[str] = field(default_factory=list)
    """Other rules that concluded the same restriction (shown once)."""

    @property
    def rule_id(self) -> str:
        return self.reason.rule_id

    @property
    def rule_ids(self) -> list[str]:
        return [self.reason.rule_id, *self.also]


def restrictions(ev: Evaluation, plan: DayPlan | None = None) -> list[Restriction]:
    """One entry per rule that concluded a hold, strongest rule first."""
    by_rule: dict[str, Restriction] = {}
    cautions = {c.reason.rule_id: c.text for c in ev.cautions}
    referring = {c.reason.rule_id for c in ev.referrals}
    for concl in ev.holds:
        if concl.hold is None:
            continue
        rid = concl.reason.rule_id
        entry = by_rule.get(rid)
        if entry is None:
            entry = by_rule[rid] = Restriction(concl.reason, cautions.get(rid, ""))
        if concl.hold not in entry.holds:
            entry.holds.append(concl.hold)
    for presc, reason in ev.suppressed + (plan.held if plan else []):
        entry = by_rule.get(reason.rule_id)
        if entry is not None and all(p.exercise != presc.exercise for p in entry.removed):
            entry.removed.append(presc)
    final = {p.exercise: p for p in (plan.items + plan.extra if plan else ev.prescriptions)}
    for original, easier, reason in ev.regressed:
        entry = by_rule.get(reason.rule_id)
        shown = (original, final.get(easier.exercise, easier))  # the dose the list gives it
        if entry is not None and shown not in entry.easier:
            entry.easier.append(shown)
    out: list[Restriction] = []
    named: set[str] = set()  # each easier item is named once, by the strongest rule that gave it
    for entry in sorted(by_rule.values(), key=lambda r: -r.reason.priority):
        entry.easier = [e for e in entry.easier if e[1].exercise not in named]
        named.update(e[1].exercise for e in entry.easier)
        if not entry.text:
            if entry.rule_id in referring:  # a warning sign: say what not to do, in the hold's words
                entry.text = "; ".join(h.describe() for h in entry.holds)
            elif entry.removed or entry.easier:
                entry.text = entry.reason.title
            else:
                continue  # a silent hold that changed nothing today: nothing to tell
        same = next((o for o in out if o.text == entry.text), None)
        if same is None:
            out.append(entry)
            continue
        same.also.append(entry.rule_id)  # two warning signs, one restriction: say it once
        same.removed += [p for p in entry.removed if p not in same.removed]
        same.easier += [e for e in entry.easier if e not in same.easier]
    return out


def plain_cautions(ev: Evaluation) -> list[Conclusion]:
    """Cautions of rules that hold nothing (those with holds are shown as restrictions)."""
    holding = {c.reason.rule_id for c in ev.holds}
    return [c for c in ev.cautions if c.reason.rule_id not in holding]


def instead_texts(ev: Evaluation) -> list[str]:
    seen: list[str] = []
    for c in sorted(ev.instead, key=lambda c: -c.reason.priority):
        if c.text not in seen:
            seen.append(c.text)
    return seen
