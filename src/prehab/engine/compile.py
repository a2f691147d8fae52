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

``when_any`` compiles to one durable condition that is a ``$or`` of its alternatives (one
alias, ``a0``), so a pack compiles to about as many durable rules as it has rules. Not a
durable ``any``: that fires once per non-empty subset of the alternatives that match (2^k - 1
firings for k matching alternatives: 63 for six tight regions, past the loop guard for 15),
and 2.0.28 never matched an ``$or`` inside one except in the first alternative. A ``$or``
inside one condition matches in every branch (a ``one_of`` inside an alternative included:
``tests/engine/test_when_any.py``) and fires once per matching fact and branch; the runner
drops a firing whose facts an earlier firing of the same rule already matched (a fact two
alternatives both match), and reads the fact as the first alternative it satisfies. Durable
refuses a condition of 32 expressions (error 113), so alternatives that would not fit one
condition (``MAX_MERGED_EXPRESSIONS``) go on in a second durable rule (``a1``), and so on.

A stage fact opens its rules in gates of at most ``GATE_SIZE`` durable rules: durable refuses
a ruleset (error 108, a beta list of 256) when one condition is shared by more than 256
rules, and a single stage condition shared by every rule of a stage capped packs at ~250
rules per stage.
"""

from __future__ import annotations

import json
from typing import Any

from prehab.record import Record, field, replace
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


class CompiledRule(Record, frozen=True):
    """One durable rule: a whole TOML rule (or the part of its ``when_any`` that fits one
    durable condition)."""

    rule: Rule
    stage: int
    aliases: dict[str, tuple[Condition, ...]]
    """durable alias -> the positive conditions it matches, any one of them (one for a ``when``
    condition; the ``when_any`` alternatives that share the alias), for reading matched facts."""
    definition: dict[str, Any]
    gate: int = 0
    """Which of its stage's gate facts opens this rule (see ``GATE_SIZE``)."""
    sources: dict[str, str] | None = None
    """durable alias -> where its condition is in the TOML rule ("when.0", "when_any.2", or
    "when_any" for several alternatives): limit problems name the rule's key path."""


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


MAX_MERGED_EXPRESSIONS = 30
"""Expressions one merged ``when_any`` condition may hold: durable refuses 32 (error 113;
``expressions`` counts them as ``engine.limits`` does)."""


def expressions(expr: dict[str, Any]) -> int:
    """Entries durable puts in a condition's expression sequence: two per ``$and`` and ``$or``."""
    if "$and" in expr or "$or" in expr:
        items = expr.get("$and") or expr.get("$or") or []
        return 2 + sum(expressions(item) for item in items)
    return 0


def alternatives_expression(conds: list[Condition]) -> dict[str, Any]:
    """One durable condition matching any of ``conds``: the condition itself when alone."""
    if len(conds) == 1:
        return condition_expression(conds[0])
    return {"$or": [condition_expression(c) for c in conds]}


def group_alternatives(conds: tuple[Condition, ...]) -> list[list[tuple[int, Condition]]]:
    """``when_any``'s alternatives (with their index), in order, in as few groups as fit one
    durable condition each (a group of several is a ``$or``: two expressions, then each
    alternative's own). An alternative too big on its own is a group of one (the limit check
    then names it, at ``when_any.N``)."""
    groups: list[list[tuple[int, Condition]]] = []
    size = 0
    for index, cond in enumerate(conds):
        cost = expressions(condition_expression(cond))
        if groups and 2 + size + cost <= MAX_MERGED_EXPRESSIONS:
            groups[-1].append((index, cond))
            size += cost
        else:
            groups.append([(index, cond)])
            size = cost
    return groups


def gate_expression(stage: int, gate: int) -> dict[str, Any]:
    return {"$and": [{"fact": STAGE_KIND}, {"n": stage}, {"p": gate}]}


def compile_rule(rule: Rule, stage: int, gate: int = 0) -> list[CompiledRule]:
    """The durable rules for ``rule``: one (two or more only for a ``when_any`` too big for one
    durable condition); after stage 0, each waits for its stage's gate fact (alias ``g``)."""
    aliases: dict[str, tuple[Condition, ...]] = {}
    sources: dict[str, str] = {}
    terms: list[dict[str, Any]] = [{"g": gate_expression(stage, gate)}] if stage else []
    for index, cond in enumerate(rule.when):
        alias = f"c{index}"
        aliases[alias] = (cond,)
        sources[alias] = f"when.{index}"
        terms.append({alias: condition_expression(cond)})
    pri = PRI_BASE - rule.priority
    if not rule.when_any:
        return [CompiledRule(rule, stage, aliases, {"all": terms, "pri": pri}, gate, sources)]
    out = []
    for number, group in enumerate(group_alternatives(rule.when_any)):
        alias = f"a{number}"
        conds = [c for _, c in group]
        definition = {"all": [*terms, {alias: alternatives_expression(conds)}], "pri": pri}
        source = f"when_any.{group[0][0]}" if len(group) == 1 else "when_any"
        out.append(
            CompiledRule(
                rule, stage, {**aliases, alias: tuple(conds)}, definition, gate, {**sources, alias: source}
            )
        )
    return out


Compiled = tuple[list[CompiledRule], int]
"""``compile_rules``' answer: the durable rules and the number of stages to run."""


def compile_rules(rules: list[Rule]) -> Compiled:
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


class PlannedRule(Record, frozen=True):
    """One durable rule of an ``EnginePlan``, naming its TOML rule and conditions by position,
    so the plan holds no copy of the rules it was compiled from."""

    rule_id: str
    stage: int
    gate: int
    aliases: tuple[tuple[str, tuple[int, ...]], ...]
    """durable alias -> where the conditions it matches are in ``(*rule.when, *rule.when_any)``."""


class EnginePlan(Record, frozen=True):
    """A pack's active rules compiled: all an ``Engine`` needs besides the rules themselves.

    Why: compiling the shipped pack (the strata, the durable definitions and their JSON) costs
    about 5 ms of every command that evaluates, more than the evaluation. The loader makes the
    plan once, when it checks a pack, and the plan is stored with the checked rulebook in the
    pack cache (``rulebook.packcache``: JSON, keyed by the pack's bytes and this code), so a
    start reads it back instead. ``bind`` checks it still fits the rulebook it came with."""

    stages: int
    rules: tuple[PlannedRule, ...]
    definitions: str = field(hash=False)
    """The durable ruleset as ``create_ruleset`` takes it: ``r0``... (``rules`` in order) and the
    internal rules (``internal_definitions``), in JSON."""


class BoundRule(Record, frozen=True):
    """A planned durable rule with its TOML rule and conditions: what the runner fires."""

    rule: Rule
    stage: int
    gate: int
    aliases: dict[str, tuple[Condition, ...]] = field(hash=False)
    """durable alias -> the conditions it matches, any one of them (as ``CompiledRule.aliases``)."""


def plan_rules(rules: list[Rule], compiled_rules: Compiled | None = None) -> EnginePlan:
    """The plan for ``rules`` (the enabled ones); ``compiled_rules``: their compile, when the
    caller has already made it (the loader's limit check), so it is not made twice."""
    compiled, stages = compiled_rules if compiled_rules is not None else compile_rules(rules)
    definitions: dict[str, Any] = {f"r{i}": c.definition for i, c in enumerate(compiled)}
    definitions.update(internal_definitions())
    planned = tuple(
        PlannedRule(
            c.rule.id,
            c.stage,
            c.gate,
            tuple((alias, _positions(c.rule, conds)) for alias, conds in c.aliases.items()),
        )
        for c in compiled
    )
    return EnginePlan(stages, planned, json.dumps(definitions, ensure_ascii=False))


def _positions(rule: Rule, conds: tuple[Condition, ...]) -> tuple[int, ...]:
    everything = (*rule.when, *rule.when_any)
    return tuple(next(i for i, c in enumerate(everything) if c is cond) for cond in conds)


def bind(plan: EnginePlan, active: list[Rule]) -> list[BoundRule] | None:
    """``plan``'s durable rules bound to the rules in ``active``; None when the plan does not
    fit them (a rule it names is not active, a position is out of range, an active rule has
    no durable rule, a stage out of range): the caller compiles them again."""
    by_id = {r.id: r for r in active}
    out: list[BoundRule] = []
    for planned in plan.rules:
        rule = by_id.get(planned.rule_id)
        if rule is None or not 0 <= planned.stage < plan.stages or not planned.aliases:
            return None
        conds = (*rule.when, *rule.when_any)
        aliases: dict[str, tuple[Condition, ...]] = {}
        for alias, positions in planned.aliases:
            if not positions or not all(0 <= i < len(conds) for i in positions):
                return None
            aliases[alias] = tuple(conds[i] for i in positions)
        out.append(BoundRule(rule, planned.stage, planned.gate, aliases))
    if {b.rule.id for b in out} != set(by_id):
        return None
    return out


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


def mentioned_kinds(compiled: list[CompiledRule] | list[BoundRule]) -> set[str]:
    """Fact kinds some compiled condition tests: facts of other kinds need not reach durable."""
    return {cond.fact for c in compiled for conds in c.aliases.values() for cond in conds}
