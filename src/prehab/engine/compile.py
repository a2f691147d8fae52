"""Rulebook -> durable-rules ruleset definitions (plain dicts; no durable import needed).

Every rule of a later stratum waits for a stage fact of its stratum, so negation (``unless``)
only runs once every rule that could conclude the negated flag has fired: durable fires
actions inside ``assert_fact`` and keeps no truth maintenance, so without stages an
``unless`` would depend on the order facts happen to arrive in. Rules of the first stratum
wait for nothing: the runner asserts every fact in one call, and durable fires actions
only once the call has matched them all.

``unless`` is checked by the runner against the session's facts when a rule fires, not
compiled into a durable ``$not``: durable's negation skips facts the rule's positive
conditions already matched (``unless athlete.experience = beginner`` never blocked a rule
that matched the athlete fact). Stages make the check exact.

``when_any`` compiles to one durable rule per alternative, all sharing the rule's action
(``one_of`` inside an alternative is first expanded into one alternative per value). A
durable ``any`` fires once per non-empty subset of the alternatives that match (2^k - 1
firings for k matching alternatives: 63 for six tight regions, past the loop guard for 15),
and 2.0.28 never matched an ``$or`` inside one except in the first alternative. One rule per
alternative fires once per matching fact; the runner drops a firing whose facts an earlier
firing of the same rule already matched (a fact two alternatives both match).

A stage fact opens its rules in gates of at most ``GATE_SIZE`` durable rules: durable refuses
a ruleset (error 108, a beta list of 256) when one condition is shared by more than 256
rules, and a single stage condition shared by every rule of a stage capped packs at ~250
rules per stage.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from prehab.rulebook import analysis
from prehab.rulebook.model import Condition, FieldTest, Rule, Rulebook

STAGE_KIND = "$stage"
CATCH_ALL = "$catch-all"
NEVER_KIND = "$never"
"""A kind no fact has: the catch-all waits for it, so it keeps every fact but never fires."""
ANCHOR = {"fact": STAGE_KIND, "n": -1, "id": "anchor"}
"""Asserted first in every session; the anchor rule fires on it (see ``internal_definitions``)."""
GATE_SIZE = 200
"""Durable rules per stage gate: under durable's 256-rules-per-shared-condition limit (error 108)."""
PRI_BASE = 1000
"""durable's ``pri`` runs lower first; a TOML ``priority`` runs higher first: pri = 1000 - priority."""

_OPS = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt", "not": "$neq"}


class CompiledRule(Struct, frozen=True):
    """One durable rule: a whole TOML rule, or one ``when_any`` alternative of it."""

    rule: Rule
    stage: int
    aliases: dict[str, Condition]
    """durable alias -> the positive condition it matches (for reading matched facts)."""
    definition: dict[str, Any]
    gate: int = 0
    """Which of its stage's gate facts opens this rule (see ``GATE_SIZE``)."""
    sources: dict[str, str] | None = None
    """durable alias -> where its condition is in the TOML rule ("when.0", "when_any.2"):
    limit problems name the rule's key path."""


def test_expression(test: FieldTest) -> dict[str, Any]:
    if test.op == "equals":
        return {test.field: test.value}
    if test.op == "one_of":
        return {"$or": [{test.field: v} for v in test.value]}
    if test.op == "exists":
        return {"$ex" if test.value else "$nex": {test.field: 1}}
    return {_OPS[test.op]: {test.field: test.value}}


def condition_expression(cond: Condition) -> dict[str, Any]:
    return {"$and": [{"fact": cond.fact}, *(test_expression(t) for t in cond.tests)]}


def expand_one_of(conds: tuple[Condition, ...]) -> list[tuple[int, Condition]]:
    """Each ``one_of`` test becomes one condition per value (same meaning inside an "any"),
    with the index of the alternative it came from."""
    out: list[tuple[int, Condition]] = []
    for index, cond in enumerate(conds):
        pending = [cond]
        while pending:
            current = pending.pop(0)
            test = next((t for t in current.tests if t.op == "one_of"), None)
            if test is None:
                out.append((index, current))
                continue
            others = tuple(t for t in current.tests if t is not test)
            pending.extend(
                replace(current, tests=(*others, FieldTest(test.field, "equals", v))) for v in test.value
            )
    return out


def gate_expression(stage: int, gate: int) -> dict[str, Any]:
    return {"$and": [{"fact": STAGE_KIND}, {"n": stage}, {"p": gate}]}


def compile_rule(rule: Rule, stage: int, gate: int = 0) -> list[CompiledRule]:
    """The durable rules for ``rule``: one, or one per (expanded) ``when_any`` alternative;
    after stage 0, each waits for its stage's gate fact (alias ``g``)."""
    aliases: dict[str, Condition] = {}
    sources: dict[str, str] = {}
    terms: list[dict[str, Any]] = [{"g": gate_expression(stage, gate)}] if stage else []
    for index, cond in enumerate(rule.when):
        alias = f"c{index}"
        aliases[alias] = cond
        sources[alias] = f"when.{index}"
        terms.append({alias: condition_expression(cond)})
    pri = PRI_BASE - rule.priority
    if not rule.when_any:
        return [CompiledRule(rule, stage, aliases, {"all": terms, "pri": pri}, gate, sources)]
    out = []
    for number, (origin, cond) in enumerate(expand_one_of(rule.when_any)):
        alias = f"a{number}"
        definition = {"all": [*terms, {alias: condition_expression(cond)}], "pri": pri}
        out.append(
            CompiledRule(
                rule,
                stage,
                {**aliases, alias: cond},
                definition,
                gate,
                {**sources, alias: f"when_any.{origin}"},
            )
        )
    return out


def compile_rules(rules: list[Rule]) -> tuple[list[CompiledRule], int]:
    """Compiled durable rules for ``rules`` (the enabled ones) and the number of stages to run."""
    strata, _ = analysis.stratify(rules)
    stages = max(strata.values(), default=0) + 1
    compiled: list[CompiledRule] = []
    for stage in range(stages):
        # Highest priority in the first gate, so gates open in the order the rules would fire.
        members = sorted((r for r in rules if strata[r.id] == stage), key=lambda r: -r.priority)
        in_stage: list[CompiledRule] = []
        for rule in members:
            for one in compile_rule(rule, stage):
                gate = len(in_stage) // GATE_SIZE
                if stage:
                    one = replace(one, gate=gate, definition=_with_gate(one.definition, stage, gate))
                in_stage.append(one)
        compiled += in_stage
    return compiled, stages


def _with_gate(definition: dict[str, Any], stage: int, gate: int) -> dict[str, Any]:
    terms = list(definition["all"])
    terms[0] = {"g": gate_expression(stage, gate)}
    return {**definition, "all": terms}


def compile_rulebook(book: Rulebook) -> tuple[list[CompiledRule], int]:
    """Compiled active rules and the number of stages to run."""
    return compile_rules(book.active_rules)


def internal_definitions() -> dict[str, dict[str, Any]]:
    """The two rules every ruleset gets besides the pack's (without their actions).

    ``anchor`` fires once per session, on the anchor fact asserted first: durable segfaults in
    ``delete_state`` on a session where no action ever ran (docs/engine.md). ``catch_all``
    matches every fact, so durable stores each one (a fact no rule matches is otherwise refused
    and a derived one vanishes), but waits for a fact kind that never comes: it never fires,
    so a fact costs no action (it used to fire once per fact, half of all callbacks).
    """
    return {
        "anchor": {"all": [{"x": {"$and": [{"fact": STAGE_KIND}, {"n": -1}]}}], "pri": 0},
        "catch_all": {
            "all": [{"x": {"$ex": {"fact": 1}}}, {"y": {"fact": NEVER_KIND}}],
            "pri": 65000,
        },
    }


def mentioned_kinds(compiled: list[CompiledRule]) -> set[str]:
    """Fact kinds some compiled condition tests: facts of other kinds need not reach durable."""
    return {cond.fact for c in compiled for cond in c.aliases.values()}
