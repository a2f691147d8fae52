"""Rulebook -> durable-rules ruleset definitions (plain dicts; no durable import needed).

Every rule waits for a stage fact of its stratum, so negation (``unless``) only runs
once every rule that could conclude the negated flag has fired: durable fires actions
inside ``assert_fact`` and keeps no truth maintenance, so without stages an ``unless``
would depend on the order facts happen to arrive in.

``unless`` is checked by the runner against the session's facts when a rule fires, not
compiled into a durable ``$not``: durable's negation skips facts the rule's positive
conditions already matched (``unless athlete.experience = beginner`` never blocked a rule
that matched the athlete fact). Stages make the check exact. ``one_of`` inside a
``when_any`` alternative is expanded into one alternative per value: durable 2.0.28 never
matched an ``$or`` there except in the first alternative.

A stage fact opens its rules in gates of at most ``GATE_SIZE``: durable refuses a ruleset
(error 108, a beta list of 256) when one condition is shared by more than 257 rules, and a
single stage condition shared by every rule of a stage capped packs at ~250 rules per stage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from prehab.rulebook import analysis
from prehab.rulebook.model import Condition, FieldTest, Rule, Rulebook

STAGE_KIND = "$stage"
CATCH_ALL = "$catch-all"
GATE_SIZE = 200
"""Rules per stage gate: under durable's 256-rules-per-shared-condition limit (error 108)."""
PRI_BASE = 1000
"""durable's ``pri`` runs lower first; a TOML ``priority`` runs higher first: pri = 1000 - priority."""

_OPS = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt", "not": "$neq"}


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    stage: int
    aliases: dict[str, Condition]
    """durable alias -> the positive condition it matches (for reading matched facts)."""
    definition: dict[str, Any]
    gate: int = 0
    """Which of its stage's gate facts opens this rule (see ``GATE_SIZE``)."""


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


def expand_one_of(conds: tuple[Condition, ...]) -> list[Condition]:
    """Each ``one_of`` test becomes one condition per value (same meaning inside an "any")."""
    out: list[Condition] = []
    for cond in conds:
        pending = [cond]
        while pending:
            current = pending.pop(0)
            test = next((t for t in current.tests if t.op == "one_of"), None)
            if test is None:
                out.append(current)
                continue
            others = tuple(t for t in current.tests if t is not test)
            pending.extend(
                replace(current, tests=(*others, FieldTest(test.field, "equals", v))) for v in test.value
            )
    return out


def compile_rule(rule: Rule, stage: int, gate: int = 0) -> CompiledRule:
    aliases: dict[str, Condition] = {}
    terms: list[dict[str, Any]] = [{"g": {"$and": [{"fact": STAGE_KIND}, {"n": stage}, {"p": gate}]}}]
    for index, cond in enumerate(rule.when):
        alias = f"c{index}"
        aliases[alias] = cond
        terms.append({alias: condition_expression(cond)})
    if rule.when_any:
        options = []
        for index, cond in enumerate(expand_one_of(rule.when_any)):
            alias = f"a{index}"
            aliases[alias] = cond
            options.append({alias: condition_expression(cond)})
        terms.append({"any$any": options})
    definition = {"all": terms, "pri": PRI_BASE - rule.priority}
    return CompiledRule(rule, stage, aliases, definition, gate)


def compile_rulebook(book: Rulebook) -> tuple[list[CompiledRule], int]:
    """Compiled active rules and the number of stages to run."""
    active = book.active_rules
    strata, _ = analysis.stratify(active)
    stages = max(strata.values(), default=0) + 1
    compiled: list[CompiledRule] = []
    for stage in range(stages):
        # Highest priority in the first gate, so gates open in the order the rules would fire.
        members = sorted((r for r in active if strata[r.id] == stage), key=lambda r: -r.priority)
        compiled += [compile_rule(rule, stage, index // GATE_SIZE) for index, rule in enumerate(members)]
    return compiled, stages
