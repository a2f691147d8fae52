"""Whole-pack checks that no single rule shows: flag chains, cycles, engine limits.

Negation (``unless``) is only sound when every rule that could conclude the negated
flag has finished first, so rules are layered into strata; a cycle through ``unless``
has no such order and is reported with the rules in it. Engine limits measured on
durable-rules 2.0.28 (see docs/engine.md) are counted on the compiled pack by
``prehab.engine.limits``, so a big pack fails ``prehab rules check`` with a message instead
of a durable error or a hang.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from prehab.rulebook.model import Condition, Rule

MAX_CONDITIONS_PER_FACT = 60
"""durable-rules fails (error 303) when one fact reaches more than ~64 conditions; checked with
the other engine limits on the compiled pack (``prehab.engine.limits``)."""


def flag_names(cond: Condition) -> set[str] | None:
    """Flag names a flag condition can match; None means any flag."""
    for test in cond.tests:
        if test.field == "name":
            if test.op == "equals":
                return {str(test.value)}
            if test.op == "one_of":
                return {str(v) for v in test.value}
    return None


def producers(rules: Iterable[Rule]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        for flag in rule.then.flags:
            out[flag.name].append(rule.id)
    return out


def _depends(rule: Rule, made_by: dict[str, list[str]], conds: Iterable[Condition]) -> set[str]:
    deps: set[str] = set()
    for cond in conds:
        if cond.fact != "flag":
            continue
        names = flag_names(cond)
        for name, rule_ids in made_by.items():
            if names is None or name in names:
                deps.update(rule_ids)
    return deps


def stratify(rules: list[Rule]) -> tuple[dict[str, int], list[str] | None]:
    """Stratum per rule id, or the rules of a cycle through negation (no valid order)."""
    made_by = producers(rules)
    positive = {r.id: _depends(r, made_by, r.when + r.when_any) for r in rules}
    negative = {r.id: _depends(r, made_by, r.unless) for r in rules}
    level = {r.id: 0 for r in rules}
    limit = len(rules) + 1
    changed = True
    while changed:
        changed = False
        for rule in rules:
            need = max(
                [level[d] for d in positive[rule.id]] + [level[d] + 1 for d in negative[rule.id]] + [0]
            )
            if need > level[rule.id]:
                level[rule.id] = need
                changed = True
                if need > limit:
                    return level, _cycle(rule.id, positive, negative)
    return level, None


def _cycle(start: str, positive: dict[str, set[str]], negative: dict[str, set[str]]) -> list[str]:
    """A shortest dependency cycle through ``start``'s ancestors that contains a negation."""
    graph = {k: positive[k] | negative[k] for k in positive}
    for origin in sorted(graph):
        if not negative[origin]:
            continue
        for neg in sorted(negative[origin]):
            path = _path(neg, origin, graph)
            if path is not None:
                return [origin, *path]
    return [start]


def _path(src: str, dst: str, graph: dict[str, set[str]]) -> list[str] | None:
    frontier = [[src]]
    seen = {src}
    while frontier:
        path = frontier.pop(0)
        if path[-1] == dst:
            return path[:-1] if len(path) > 1 else path
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append([*path, nxt])
    return None


def flag_cycles(rules: list[Rule]) -> list[list[str]]:
    """Groups of rules whose flags feed each other in a circle (each needs the other first)."""
    made_by = producers(rules)
    graph = {r.id: _depends(r, made_by, r.when + r.when_any) for r in rules}
    cycles: list[list[str]] = []
    placed: set[str] = set()
    for rule_id in sorted(graph):
        if rule_id in placed:
            continue
        reach = _reachable(rule_id, graph)
        if rule_id not in reach:
            continue
        members = sorted(r for r in reach if rule_id in _reachable(r, graph))
        placed.update(members)
        cycles.append(members)
    return cycles


def _reachable(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(graph.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return seen


def waiting_for_unknown_flags(rules: list[Rule]) -> list[tuple[Rule, str]]:
    made = set(producers(rules))
    missing: list[tuple[Rule, str]] = []
    for rule in rules:
        for cond in rule.when + rule.when_any:
            if cond.fact == "flag":
                names = flag_names(cond) or set()
                missing.extend((rule, n) for n in sorted(names - made))
    return missing
