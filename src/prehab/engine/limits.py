"""durable-rules' limits, checked on the very definitions the engine would be given.

Measured with ``bench/limits.py`` (a subprocess per pack of growing size and shape, with a
timeout for hangs) and explained by durable's C source (src/rules/rules.h, rete.c, events.c,
state.h). The network durable builds is a tree of "alpha" nodes: a condition
``{"$and": [{"fact": K}, t1, t2]}`` is the path root -> fact=K -> t1 -> t2, shared by every
condition that starts the same way; a ``$or`` adds each of its values as a child of the node
it starts from and joins them in a new node of its own. The limits (what durable does past
the hard limit; prehab's limit):

- different tests right after one node (values, thresholds, one_of values, stage numbers):
  more than 511 and ``create_ruleset`` hangs forever (it searches a full 512-slot hash set in a
  loop); ``MAX_TESTS_PER_NODE`` = 400.
- rules attached to one node (the same condition in many rules): more than 256 is error 108;
  ``MAX_RULES_PER_CONDITION`` = 240.
- ``one_of`` lists that contain one node's value, plus ``exists = false`` tests after the
  node: more than 128 is error 107; ``MAX_ONE_OF_PER_VALUE`` = 120.
- durable rules in a pack (one per rule, more for a ``when_any`` too big for one condition)
  plus the 2 internal ones:
  more than 4,096 is error 106; ``MAX_RULES`` = 4,000.
- facts one rule joins (its ``when`` conditions, one ``when_any`` alternative, and after the
  first stage the stage gate): more than 16 is error 304 when the facts arrive;
  ``MAX_JOIN`` = 16.
- ``one_of`` tests in one condition (two expressions each, 32 in all is too many): more than
  14 is error 113; ``MAX_ONE_OF_TESTS`` = 14.
- fields of one fact kind (plus fact, id and sid; 255 properties is too many): more than 251
  is error 302 when such a fact is asserted; ``MAX_FIELDS`` = 240.
- conditions one fact reaches: durable walks the network with a stack of 64 entries (error
  303 when a fact is asserted); ``analysis.MAX_CONDITIONS_PER_FACT`` = 60. Which conditions
  match depends on the fact, so this one is a bound: along any path, every ``$or`` join and
  ``exists = false`` entry, one equality test per field and every other test (thresholds)
  count. Every ``$or`` is a join of its own, even in identical conditions, so 61 rules with
  ``region one_of ["calves", ...]`` are too many for a calves fact.

Every other limit is counted exactly, on the compiled pack.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from typing import Any

from prehab.engine.compile import STAGE_KIND, Compiled, compile_rules, expressions, internal_definitions
from prehab.record import Record, field
from prehab.rulebook import analysis
from prehab.rulebook.model import Rule
from prehab.rulebook.schema import FactSchema

MAX_TESTS_PER_NODE = 400
MAX_RULES_PER_CONDITION = 240
MAX_ONE_OF_PER_VALUE = 120
MAX_RULES = 4000
MAX_JOIN = 16
MAX_ONE_OF_TESTS = 14
MAX_FIELDS = 240
MAX_STAGES = MAX_TESTS_PER_NODE
"""Stage numbers after the first (which has no stage fact) and the anchor's are tests after
the stage kind's node: a pack of N stages puts N there."""
INTERNAL_RULES = 2
"""The anchor and the catch-all (``compile.internal_definitions``)."""


class LimitProblem(Record, frozen=True):
    """A limit the pack goes past: the rule to blame (None: the pack as a whole) and where in it."""

    rule: Rule | None
    path: str
    message: str
    fix: str


class _Node(Record):
    """One node of the compiled network as durable builds it, for counting its limits."""

    label: str
    """What a fact has to be to get here, in rule words ("answer with question = q-1")."""
    kind: str = ""
    children: dict[str, int] = field(default_factory=dict)
    """Test -> child node, for every test right after this node."""
    fields: dict[int, tuple[str, bool]] = field(default_factory=dict)
    """Child in durable's 512-slot hash set -> (field, whether it is an equality test)."""
    listed: list[int] = field(default_factory=list)
    """Entries of durable's 128-entry list: ``exists = false`` children and ``$or`` joins; a
    fact that gets here pushes all of them (the join waits on a field no fact has)."""
    rules: int = 0
    """Rules (durable beta nodes) attached here: conditions that end at this node."""
    made_by: _Where | None = None

    @property
    def tests(self) -> int:
        return len(self.fields)

    def pushes(self) -> int:
        """The most nodes one fact can push on durable's 64-entry stack from here: every listed
        entry, one equality test per field (a fact has one value) and every other test."""
        equal: set[str] = set()
        other = 0
        for name, is_equal in self.fields.values():
            if is_equal:
                equal.add(name)
            else:
                other += 1
        return len(self.listed) + len(equal) + other


class _Where(Record):
    """The rule and key path a limit is reported at."""

    rule: Rule | None
    path: str


_WORDS = {"$ex": "present", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<=", "$neq": "!="}


class _Network:
    """A model of durable's alpha network: node counts, and who pushed each count over."""

    def __init__(self) -> None:
        self.nodes: dict[int, _Node] = {0: _Node("")}
        self.fresh = itertools.count(1)
        self.over: dict[tuple[str, int], tuple[_Where, str]] = {}
        """(limit, node) -> where it was first passed, and the field involved."""

    def walk(self, expr: dict[str, Any], parent: int, where: _Where) -> int:
        """Add ``expr`` below ``parent`` the way durable's createAlpha does; the node it ends at."""
        if "$and" in expr:
            node = parent
            for item in expr["$and"]:
                node = self.walk(item, node, where)
            return node
        if "$or" in expr:
            joined = next(self.fresh)
            base = self.nodes[parent]
            self.nodes[joined] = _Node(f"{base.label} (one of several values)", base.kind, made_by=where)
            for option in expr["$or"]:
                self._list(self.walk(option, parent, where), joined, where, "")
            return joined
        ((op, body),) = expr.items()
        if op.startswith("$"):
            ((name, value),) = body.items()
        else:
            name, value, op = op, body, "="
        if op == "$nex":
            return self._child(parent, f"{name} absent", where, name, listed=True)
        if op == "$ex":
            return self._child(parent, f"{name} present", where, name)
        if parent == 0 and name == "fact" and op == "=":
            return self._child(parent, str(value), where, name, equal=True, kind=str(value))
        return self._child(
            parent, f"{name} {_WORDS.get(op, '=')} {_shown(value)}", where, name, equal=op == "="
        )

    def _child(
        self,
        parent: int,
        test: str,
        where: _Where,
        name: str,
        *,
        listed: bool = False,
        equal: bool = False,
        kind: str = "",
    ) -> int:
        node = self.nodes[parent]
        known = node.children.get(test)
        if known is not None:
            return known
        child = next(self.fresh)
        node.children[test] = child
        if parent == 0:
            label = test
        elif node.label == node.kind:
            label = f"{node.label} with {test}"
        else:
            label = f"{node.label}, {test}"
        self.nodes[child] = _Node(label, kind or node.kind, made_by=where)
        if listed:
            self._list(parent, child, where, name)
        else:
            node.fields[child] = (name, equal)
            if node.tests > MAX_TESTS_PER_NODE:
                self.over.setdefault(("tests", parent), (where, name))
        return child

    def _list(self, node_id: int, entry: int, where: _Where, name: str) -> None:
        node = self.nodes[node_id]
        node.listed.append(entry)
        if len(node.listed) > MAX_ONE_OF_PER_VALUE:
            self.over.setdefault(("links", node_id), (where, name))

    def attach(self, node_id: int, where: _Where) -> None:
        node = self.nodes[node_id]
        node.rules += 1
        if node.rules > MAX_RULES_PER_CONDITION:
            self.over.setdefault(("rules", node_id), (where, ""))

    def deepest_stack(self) -> tuple[int, list[int]]:
        """The most entries durable's stack can hold while one fact walks the network (error 303
        at 64), and the nodes of the walk that needs them.

        durable pops a node and pushes every child the fact can reach; the last pushed is popped
        next, so walking down a path X0, X1, ... Xd keeps the siblings pushed at each step:
        pushes(X0) - 1 + pushes(X1) - 1 + ... + pushes(Xd).
        """
        best: dict[int, tuple[int, list[int]]] = {}

        def deepest(node_id: int) -> tuple[int, list[int]]:
            known = best.get(node_id)
            if known is not None:
                return known
            node = self.nodes[node_id]
            below = [deepest(c) for c in (*node.fields, *node.listed)]
            more, path = max(below, default=(0, []), key=lambda b: b[0])
            found = (node.pushes() + max(0, more - 1), [node_id, *path] if more > 1 else [node_id])
            best[node_id] = found
            return found

        return deepest(0)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def check(
    rules: list[Rule], schema: FactSchema | None = None, compiled_rules: Compiled | None = None
) -> list[LimitProblem]:
    """Every limit the (enabled) ``rules`` go past once compiled; empty when the engine can run
    them. ``compiled_rules``: their compile, when the caller has made it already."""
    compiled, _ = compiled_rules if compiled_rules is not None else compile_rules(rules)
    problems: list[LimitProblem] = []
    network = _Network()
    for name, definition in internal_definitions().items():
        for term in definition["all"]:
            ((_, expr),) = term.items()
            network.attach(network.walk(expr, 0, _Where(None, name)), _Where(None, name))
    joined: set[str] = set()
    for one in compiled:
        terms = one.definition["all"]
        if len(terms) > MAX_JOIN and one.rule.id not in joined:
            joined.add(one.rule.id)
            gate = ", and the stage fact its unless waits for" if one.stage else ""
            problems.append(
                LimitProblem(
                    one.rule,
                    "when",
                    f"the rule joins {len(terms)} facts (its when conditions, one when_any "
                    f"alternative{gate}); durable-rules joins at most {MAX_JOIN} (error 304)",
                    "split it into rules that chain through a flag",
                )
            )
        for term in terms:
            ((alias, expr),) = term.items()
            # the stage gate: a stage too many is the fault of the rule whose unless made it
            source = (one.sources or {}).get(alias, "unless" if alias == "g" else "")
            where = _Where(one.rule if source else None, source)
            count = expressions(expr)
            if count >= 2 * MAX_ONE_OF_TESTS + 4 and source:
                problems.append(
                    LimitProblem(
                        one.rule,
                        source,
                        f"the condition has {(count - 2) // 2} one_of tests; the engine takes at most "
                        f"{MAX_ONE_OF_TESTS} in one condition (durable-rules error 113)",
                        "split the condition, or chain two rules through a flag",
                    )
                )
            network.attach(network.walk(expr, 0, where), where)
    problems += _network_problems(network)
    problems += _stack_problems(network)
    engine_rules = len(compiled) + INTERNAL_RULES
    if engine_rules > MAX_RULES:
        problems.append(
            LimitProblem(
                None,
                "",
                f"the pack compiles to {engine_rules} engine rules (one per rule, more for a when_any "
                f"too big for one condition); durable-rules refuses more than 4,096 "
                f"(error 106), so the limit is {MAX_RULES}",
                "merge rules, or switch some off",
            )
        )
    if schema is not None:
        problems += _field_problems(schema)
    return _unique(problems)


def _network_problems(network: _Network) -> list[LimitProblem]:
    problems = []
    for (limit, node_id), (where, name) in network.over.items():
        node = network.nodes[node_id]
        path = f"{where.path}.{name}" if where.rule and name else where.path
        if limit == "tests":
            count = node.tests
            if node.label == STAGE_KIND:
                message = (
                    f"the rules wait for each other through 'unless' in {count} stages; durable-rules "
                    f"hangs past 511, so the limit is {MAX_STAGES}"
                )
                fix = "fewer rules whose unless waits on another rule's flag in a long chain"
            else:
                after = f"'{node.label}' facts" if node.label == node.kind else f"facts with {node.label}"
                message = (
                    f"{count} different values and thresholds are tested on {after} across the pack "
                    f"(one_of values count one each); durable-rules hangs at 512, so the limit is "
                    f"{MAX_TESTS_PER_NODE}"
                )
                fix = "use ranges (at_least / at_most) or fewer values, or split by a key field first"
        elif limit == "rules":
            message = (
                f"{node.rules} rules share the condition '{node.label}'; durable-rules refuses more than "
                f"256 (error 108), so the limit is {MAX_RULES_PER_CONDITION}"
            )
            fix = "merge rules with the same condition into one, or make their conditions differ"
        else:
            message = (
                f"{len(node.listed)} one_of lists (or exists = false tests) include '{node.label}'; "
                f"durable-rules refuses more than 128 (error 107), so the limit is {MAX_ONE_OF_PER_VALUE}"
            )
            fix = "chain through a flag: one rule with the one_of concludes it, the others match the flag"
        problems.append(LimitProblem(where.rule, path, message, fix))
    return problems


def _stack_problems(network: _Network) -> list[LimitProblem]:
    """Error 303: more conditions than durable's stack holds can match one fact."""
    stack, path = network.deepest_stack()
    root = network.nodes[0]
    count = stack - (root.pushes() - 1)  # the catch-all beside every kind: part of prehab's margin
    if count <= analysis.MAX_CONDITIONS_PER_FACT or len(path) < 2:
        return []
    kind = network.nodes[path[1]]
    busy = network.nodes[max(path[1:], key=lambda n: network.nodes[n].pushes())]
    last = max((*busy.fields, *busy.listed), default=None)
    where = network.nodes[last].made_by if last is not None else None
    detail = "" if busy is kind else f" (one with {busy.label})"
    name = busy.fields.get(last, ("", False))[0] if last is not None else ""
    return [
        LimitProblem(
            where.rule if where else None,
            f"{where.path}.{name}" if where and where.rule and name else (where.path if where else ""),
            f"{count} conditions can match one '{kind.label}' fact{detail}; the engine allows "
            f"{analysis.MAX_CONDITIONS_PER_FACT} (durable-rules error 303 at about 64)",
            "merge rules or split them by a key field (a region, a question)",
        )
    ]


def _field_problems(schema: FactSchema) -> list[LimitProblem]:
    return [
        LimitProblem(
            None,
            f"fact.{kind.name}.fields",
            f"the fact kind has {len(kind.fields)} fields; durable-rules refuses a fact of more than "
            f"251 (error 302), so the limit is {MAX_FIELDS}",
            "split the kind into two",
        )
        for kind in schema.kinds.values()
        if len(kind.fields) > MAX_FIELDS
    ]


def _unique(problems: Iterable[LimitProblem]) -> list[LimitProblem]:
    seen: dict[tuple[str, str, str], LimitProblem] = {}
    for p in problems:
        seen.setdefault((p.rule.id if p.rule else "", p.path, p.message), p)
    return list(seen.values())
