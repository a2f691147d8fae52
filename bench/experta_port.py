"""An experta port of a rule pack: the RETE peer issue 21's engine goal (0.18x) is measured against.

Bench only, and only when experta is installed (it is unmaintained; 1.9.4 pins a frozendict that
no longer builds, so install it by hand: ``pip install --no-deps experta==1.9.4 schema==0.6.7
'frozendict>=2.3'``). ``bench/startup.py`` and ``bench/engine.py`` use it when it imports.

The port does what prehab's engine does, the way an experta user would write it:

- one experta ``Rule`` per TOML rule, or per ``when_any`` alternative (as ``engine/compile.py``);
  each condition a ``Fact`` pattern bound to an alias: an equality on text is a literal (experta's
  alpha network indexes it), any other test a ``P`` predicate on the field;
- ``priority`` is the salience; strata as prehab's: a rule after the first stratum also waits for
  a ``$stage`` fact, declared (and run) once the earlier strata have fired;
- the action checks what a pattern cannot say (``exists = false``, ``unless`` against every fact
  in memory, a fact two alternatives both match) with prehab's own ``condition_holds``, then
  declares each new flag, which activates the rules waiting for it.

It returns the set of rules fired, so a bench can check both engines agree before timing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from experta import AS, Fact, KnowledgeEngine, P, Rule  # type: ignore[import-untyped,unused-ignore]

from prehab.model import Fact as FactDict
from prehab.rulebook import analysis
from prehab.rulebook.matching import blocked, condition_holds
from prehab.rulebook.model import Condition, FieldTest, Rulebook, ValueRef
from prehab.rulebook.model import Rule as PackRule

STAGE = "$stage"


def _check(test: FieldTest) -> Callable[[Any], bool] | None:
    """A field test as a predicate on the value (None: ``exists = false``, left to the action)."""
    value, op = test.value, test.op
    if op == "exists":
        return None if not value else (lambda x: True)
    choices = frozenset(value) if op == "one_of" else frozenset()

    def holds(x: Any) -> bool:
        if op == "equals":
            return bool(x == value)
        if op == "not":
            return bool(x != value)
        if op == "one_of":
            return x in choices
        if isinstance(x, bool) or not isinstance(x, int | float):
            return False
        return bool(_COMPARE[op](x, value))

    return holds


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": lambda x, v: x >= v,
    "at_most": lambda x, v: x <= v,
    "above": lambda x, v: x > v,
    "below": lambda x, v: x < v,
}


def _pattern(cond: Condition) -> Any:
    """A literal for a lone equality on text (indexed by experta's alpha network), else one
    ``P`` per field (experta 1.9.4's ``P & P`` is broken: a NameError inside it)."""
    checks: dict[str, list[Callable[[Any], bool]]] = {}
    literals: dict[str, str] = {}
    for test in cond.tests:
        if test.op == "equals" and isinstance(test.value, str):
            literals[test.field] = test.value
        found = _check(test)
        if found is not None:
            checks.setdefault(test.field, []).append(found)
    fields: dict[str, Any] = {}
    for name, tests in checks.items():
        if name in literals and len(tests) == 1:
            fields[name] = literals[name]
        elif len(tests) == 1:
            fields[name] = P(tests[0])
        else:
            fields[name] = P(_all(tuple(tests)))
    return Fact(fact=cond.fact, **fields)


def _all(tests: tuple[Callable[[Any], bool], ...]) -> Callable[[Any], bool]:
    return lambda x: all(t(x) for t in tests)


class ExpertaPeer:
    """The pack as an experta ``KnowledgeEngine``; ``run(facts)`` gives the rules fired."""

    def __init__(self, book: Rulebook) -> None:
        strata, _ = analysis.stratify(book.active_rules)
        self.stages = max(strata.values(), default=0) + 1
        namespace: dict[str, Any] = {}
        for rule in book.active_rules:
            stage = strata[rule.id]
            for number, alternative in enumerate(rule.when_any or (None,)):
                conds = [*rule.when, *([alternative] if alternative is not None else [])]
                patterns = [Fact(fact=STAGE, n=stage)] if stage else []
                patterns += [getattr(AS, f"c{i}") << _pattern(c) for i, c in enumerate(conds)]
                action = self._action(rule, conds)
                namespace[f"r{len(namespace)}_{number}"] = Rule(*patterns, salience=rule.priority)(action)
        self.engine = type("PackPort", (KnowledgeEngine,), namespace)()
        self.memory: dict[str, list[FactDict]] = {}
        self.fired: set[str] = set()
        self.bindings: set[tuple[str, tuple[int, ...]]] = set()
        self.flags: set[str] = set()

    def _action(self, rule: PackRule, conds: list[Condition]) -> Callable[..., None]:
        peer = self
        names = [f"c{i}" for i in range(len(conds))]

        def fire(engine: KnowledgeEngine, **bound: Any) -> None:
            facts = [bound[name] for name in names]
            if not all(condition_holds(c, f) for c, f in zip(conds, facts, strict=True)):
                return  # exists = false: a pattern cannot say "no such field"
            key = (rule.id, tuple(sorted(f.__factid__ for f in facts)))
            if key in peer.bindings:
                return  # one fact two alternatives match: one firing
            peer.bindings.add(key)
            if blocked(rule, peer.memory, {c.name: f for c, f in zip(conds, facts, strict=True)}):
                return
            peer.fired.add(rule.id)
            for flag in rule.then.flags:
                region = _ref(flag.region, conds, facts)
                label = f"{flag.name}:{region}" if region else flag.name
                if label in peer.flags:
                    continue
                peer.flags.add(label)
                new: FactDict = {"fact": "flag", "name": flag.name, **({"region": region} if region else {})}
                peer.memory.setdefault("flag", []).append(new)
                engine.declare(Fact(**new))

        fire.__name__ = f"fire_{rule.id}"
        return fire

    def run(self, facts: list[FactDict]) -> set[str]:
        self.memory, self.fired, self.bindings, self.flags = {}, set(), set(), set()
        self.engine.reset()
        for fact in facts:
            self.memory.setdefault(str(fact.get("fact")), []).append(fact)
            self.engine.declare(Fact(**fact))
        for stage in range(self.stages):
            if stage:
                self.engine.declare(Fact(fact=STAGE, n=stage))
            self.engine.run()
        return set(self.fired)


def _ref(ref: str | ValueRef | None, conds: list[Condition], facts: list[Any]) -> str:
    if not isinstance(ref, ValueRef):
        return ref or ""
    for cond, fact in zip(conds, facts, strict=True):
        if cond.name == ref.condition:
            return str(fact.get(ref.field, ""))
    return ""
