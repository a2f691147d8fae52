"""Runs the embedded examples of a rulebook: the rule pack's own test suite."""

from __future__ import annotations

from prehab.advice import evaluate
from prehab.model import Evaluation
from prehab.record import Record, field
from prehab.rulebook.model import Example, Rule, Rulebook


class ExampleResult(Record):
    """One embedded example run against the pack: passed, or what differed."""

    rule: Rule
    example: Example
    index: int
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def label(self) -> str:
        name = f" ({self.example.name})" if self.example.name else ""
        return f"{self.rule.id} example {self.index + 1}{name}"


def check_example(ev: Evaluation, expect: dict[str, object]) -> list[str]:
    prescribed = {p.exercise for p in ev.prescriptions}
    flags = {f.split(":")[0] for f in ev.flags} | set(ev.flags)
    fired = set(ev.fired)
    failures = []
    for ex in _ids(expect.get("prescribe")):
        if ex not in prescribed:
            why = ""
            dropped = [r.rule_id for p, r in ev.suppressed if p.exercise == ex]
            easier = [(p.exercise, r.rule_id) for orig, p, r in ev.regressed if orig == ex]
            if dropped:
                why = f" (held back by {dropped[0]})"
            elif easier:
                why = f" (swapped for {easier[0][0]} by {easier[0][1]})"
            failures.append(f"expected '{ex}' prescribed{why}; got {sorted(prescribed) or 'none'}")
    for ex in _ids(expect.get("not_prescribe")):
        if ex in prescribed:
            rules = next(p for p in ev.prescriptions if p.exercise == ex).reasons
            failures.append(f"expected '{ex}' NOT prescribed; it was, by {rules[0].rule_id}")
    for flag in _ids(expect.get("flags")):
        if flag not in flags:
            failures.append(f"expected flag '{flag}'; got {sorted(flags) or 'none'}")
    for rule_id in _ids(expect.get("fires")):
        if rule_id not in fired:
            failures.append(f"expected rule '{rule_id}' to fire; it did not")
    for rule_id in _ids(expect.get("not_fires")):
        if rule_id in fired:
            failures.append(f"expected rule '{rule_id}' not to fire; it did")
    for key, items in (("refer", ev.referrals), ("caution", ev.cautions)):
        if key in expect and bool(items) != expect[key]:
            failures.append(f"expected {key} = {str(expect[key]).lower()}; got {len(items)}")
    if "urgency" in expect:
        top = ev.referrals[0].urgency if ev.referrals else "none"
        if top != expect["urgency"]:
            failures.append(f"expected the most urgent referral to be {expect['urgency']}; got {top}")
    failures.extend(f"engine: {e}" for e in ev.errors)
    return failures


def _ids(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def run_examples(book: Rulebook, rule_ids: set[str] | None = None) -> list[ExampleResult]:
    results = []
    for rule in book.rules.values():
        if (rule_ids is not None and rule.id not in rule_ids) or not rule.enabled:
            continue
        for index, example in enumerate(rule.examples):
            ev = evaluate(book, list(example.given))
            results.append(ExampleResult(rule, example, index, check_example(ev, example.expect)))
    return results
