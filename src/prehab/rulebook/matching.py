"""Plain-Python condition matching: answers "why didn't my rule fire?" condition by condition.

The engine only says what fired; this re-checks one rule's conditions against the facts
and reports, for each, which fact came closest and which test failed with what value.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from prehab.model import Fact
from prehab.record import Record
from prehab.rulebook.model import OPERATORS, Condition, FieldTest, Rule

_MISSING = object()


Bound = Mapping[str, Fact]
"""The facts a rule's firing matched, by condition name: what an ``unless`` test's ``from``
compares with."""


def test_holds(test: FieldTest, fact: Fact, bound: Bound | None = None) -> bool:
    value = fact.get(test.field, _MISSING)
    if test.op == "exists":
        return (value is not _MISSING) == bool(test.value)
    if value is _MISSING:
        return False
    if test.op == "from":  # the value of a matched fact; none bound (no firing): cannot hold
        matched = (bound or {}).get(test.value.condition)
        return matched is not None and bool(matched.get(test.value.field, _MISSING) == value)
    if test.op == "equals":
        return bool(value == test.value)
    if test.op == "not":
        return bool(value != test.value)
    if test.op == "one_of":
        return value in test.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if test.op == "at_least":
        return bool(value >= test.value)
    if test.op == "at_most":
        return bool(value <= test.value)
    if test.op == "above":
        return bool(value > test.value)
    return bool(value < test.value)


def condition_holds(cond: Condition, fact: Fact, bound: Bound | None = None) -> bool:
    return fact.get("fact") == cond.fact and all(test_holds(t, fact, bound) for t in cond.tests)


def blocked(rule: Rule, memory: Mapping[str, Iterable[Fact]], bound: Bound | None = None) -> bool:
    """Whether an ``unless`` condition holds for a fact of ``memory`` (facts by kind), given the
    facts this firing matched (``bound``)."""
    return any(condition_holds(c, f, bound) for c in rule.unless for f in memory.get(c.fact, ()))


def bindings(rule: Rule, facts: list[Fact]) -> Iterator[dict[str, Fact]]:
    """Each way the rule's ``when`` and one ``when_any`` alternative match ``facts``, as the
    facts by condition name; only one (empty) when no ``unless`` test looks at them."""
    if not any(t.op == "from" for c in rule.unless for t in c.tests):
        yield {}
        return
    slots = [[(c.name, f) for f in facts if condition_holds(c, f)] for c in rule.when]
    if rule.when_any:
        slots.append([(c.name, f) for c in rule.when_any for f in facts if condition_holds(c, f)])
    for combination in itertools.product(*slots):
        yield dict(combination)


def describe_test(test: FieldTest) -> str:
    if test.op == "exists":
        return f"{test.field} is {'present' if test.value else 'absent'}"
    if test.op == "one_of":
        return f"{test.field} in {list(test.value)}"
    if test.op == "from":
        return f"{test.field} = the {test.value.field} of {test.value.condition}"
    return f"{test.field} {OPERATORS[test.op] if test.op != 'equals' else '='} {test.value}"


def describe_condition(cond: Condition) -> str:
    tests = " and ".join(describe_test(t) for t in cond.tests)
    named = f" (as {cond.name})" if cond.name != cond.fact else ""
    return f"{cond.fact}{named}" + (f" with {tests}" if tests else "")


class ConditionResult(Record, frozen=True):
    """Whether one condition held, and why (``explain --why-not``)."""

    part: str
    condition: Condition
    holds: bool
    detail: str


def _closest(cond: Condition, facts: list[Fact]) -> str:
    same_kind = [f for f in facts if f.get("fact") == cond.fact]
    if not same_kind:
        return f"no '{cond.fact}' fact at all"
    best: tuple[int, Fact, list[FieldTest]] | None = None
    for fact in same_kind:
        failed = [t for t in cond.tests if not test_holds(t, fact)]
        if best is None or len(failed) < len(best[2]):
            best = (len(failed), fact, failed)
    assert best is not None
    _, fact, failed = best
    shown = ", ".join(
        f"{describe_test(t)} failed: {t.field} is {_value(fact.get(t.field, _MISSING))}" for t in failed
    )
    keys = ", ".join(f"{k}={v}" for k, v in fact.items() if k != "fact")
    return f"closest: {cond.fact}({keys}): {shown}"


def _value(value: Any) -> str:
    return "missing" if value is _MISSING else repr(value)


def explain_conditions(rule: Rule, facts: list[Fact]) -> list[ConditionResult]:
    out: list[ConditionResult] = []
    for cond in rule.when:
        hits = [f for f in facts if condition_holds(cond, f)]
        detail = f"matched {len(hits)} fact(s)" if hits else _closest(cond, facts)
        out.append(ConditionResult("when", cond, bool(hits), detail))
    if rule.when_any:
        any_hit = False
        for cond in rule.when_any:
            hits = [f for f in facts if condition_holds(cond, f)]
            any_hit = any_hit or bool(hits)
            detail = f"matched {len(hits)} fact(s)" if hits else _closest(cond, facts)
            out.append(ConditionResult("when_any", cond, bool(hits), detail))
    ways = list(bindings(rule, facts)) or [{}]
    for cond in rule.unless:
        hits = [f for f in facts if all(condition_holds(cond, f, bound) for bound in ways)]
        keys = "; ".join(", ".join(f"{k}={v}" for k, v in h.items() if k != "fact") for h in hits)
        detail = f"blocked by {cond.fact}({keys})" if hits else "no such fact: fine"
        out.append(ConditionResult("unless", cond, not hits, detail))
    return out


def rule_matches(rule: Rule, facts: list[Fact]) -> bool:
    """Whether the rule's conditions all hold on these facts (the plain-Python evaluation)."""
    if not all(any(condition_holds(c, f) for f in facts) for c in rule.when):
        return False
    if rule.when_any and not any(any(condition_holds(c, f) for f in facts) for c in rule.when_any):
        return False
    by_kind: dict[str, list[Fact]] = {}
    for fact in facts:
        by_kind.setdefault(str(fact.get("fact")), []).append(fact)
    return any(not blocked(rule, by_kind, bound) for bound in bindings(rule, facts))
