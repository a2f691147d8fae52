"""Where durable-rules 2.0.28 itself refuses, crashes or hangs: packs of growing size and shape.

Run by hand (never from pytest; a hang case costs its timeout):

    .venv/bin/python bench/limits.py            # every shape, about 2-4 minutes on 2 cores
    .venv/bin/python bench/limits.py --only one-of-values --timeout 5

Each case builds a raw durable ruleset in the shape ``prehab.engine.compile`` gives it (a
condition is ``{"$and": [{"fact": KIND}, test, ...]}``, one ``$or`` per ``one_of``) and asserts
one fact that matches, in a subprocess with a timeout, so a hang or a segfault costs only that
case. The outcome per size is "ok", "error N" (durable's code), "HANG" or "crash (signal)".
The table at the end is what ``prehab.rulebook.analysis`` predicts, with the margin it keeps.

The C source (src/rules/rules.h, rete.c, events.c, state.h) explains each limit:
NEXT_BUCKET_LENGTH 512 (children of one alpha node: findAlpha loops forever when all 512 slots
are taken), BETA_LIST_LENGTH 256 (rules attached to one alpha node: error 108), NEXT_LIST_LENGTH
128 (``$or``/``$nex`` successors of one node: error 107), MAX_ACTIONS 4096 (rules in a ruleset:
error 106), MAX_STACK_SIZE 64 (conditions one fact reaches: error 303), MAX_SEQUENCE_EXPRESSIONS
32 (expressions of one condition: error 113), MAX_OBJECT_PROPERTIES 255 (fields of a fact: 302).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

Definitions = dict[str, Any]
Facts = list[dict[str, Any]]


def _cond(kind: str, *tests: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{"fact": kind}, *tests]}


def _rule(*conds: dict[str, Any]) -> dict[str, Any]:
    return {"all": [{f"c{i}": c} for i, c in enumerate(conds)], "pri": 1}


def distinct_literals(n: int) -> tuple[Definitions, Facts]:
    """``n`` rules, each testing its own value of one field (answer.question = "q-i")."""
    rules = {f"r{i}": _rule(_cond("answer", {"question": f"q-{i}"})) for i in range(n)}
    return rules, [{"fact": "answer", "question": "q-3"}]


def distinct_tests_two_fields(n: int) -> tuple[Definitions, Facts]:
    """``n`` rules, half on answer.question, half on answer.value: siblings of one node."""
    rules = {
        f"r{i}": _rule(_cond("answer", {"question": f"q-{i}"} if i % 2 else {"value": f"v-{i}"}))
        for i in range(n)
    }
    return rules, [{"fact": "answer", "question": "q-3"}]


def thresholds(n: int) -> tuple[Definitions, Facts]:
    """``n`` rules on distinct thresholds of one field, asserted with a value below all of them."""
    rules = {f"r{i}": _rule(_cond("load", {"$gt": {"weekly_km": 10 + i}})) for i in range(n)}
    return rules, [{"fact": "load", "weekly_km": 1}]


def one_of_values(n: int) -> tuple[Definitions, Facts]:
    """One rule whose condition is a ``one_of`` of ``n`` values."""
    test = {"$or": [{"question": f"q-{i}"} for i in range(n)]}
    return {"r0": _rule(_cond("answer", test))}, [{"fact": "answer", "question": "q-3"}]


def shared_condition(n: int) -> tuple[Definitions, Facts]:
    """``n`` rules with the same condition (it is one alpha node with ``n`` rules attached)."""
    rules = {f"r{i}": _rule(_cond("tightness", {"region": "calves"})) for i in range(n)}
    return rules, [{"fact": "tightness", "region": "x"}]


def shared_value_in_one_of(n: int) -> tuple[Definitions, Facts]:
    """``n`` rules each with ``region one_of [calves, ...]``: every ``$or`` join hangs off the
    calves node (a join per condition, even for identical ones); the fact is not calves."""
    rules = {
        f"r{i}": _rule(_cond("tightness", {"$or": [{"region": "calves"}, {"region": "shins"}]}, {"level": i}))
        for i in range(n)
    }
    return rules, [{"fact": "tightness", "region": "x"}]


def shared_value_in_one_of_matched(n: int) -> tuple[Definitions, Facts]:
    """The same, asserted with a calves fact: it pushes every join on durable's stack at once."""
    rules, _ = shared_value_in_one_of(n)
    return rules, [{"fact": "tightness", "region": "calves", "level": 0}]


def exists_false(n: int) -> tuple[Definitions, Facts]:
    """``n`` rules testing ``f<i> exists = false`` (distinct fields) on one kind; the fact has none."""
    rules = {f"r{i}": _rule(_cond("pain", {"$nex": {f"f{i}": 1}})) for i in range(n)}
    return rules, [{"fact": "pain", "region": "x"}]


def many_rules(n: int) -> tuple[Definitions, Facts]:
    """``n`` rules spread so that no other limit is near (kind x field x value)."""
    rules = {f"r{i}": _rule(_cond(f"k{i // 100}", {f"f{(i // 10) % 10}": i % 10})) for i in range(n)}
    return rules, [{"fact": "k0", "f0": 1}]


def matches_per_fact(n: int) -> tuple[Definitions, Facts]:
    """``n`` distinct conditions that one fact matches (error 303 when it is asserted)."""
    rules = {f"r{i}": _rule(_cond("load", {"$gte": {"weekly_km": i}})) for i in range(n)}
    return rules, [{"fact": "load", "weekly_km": 100000}]


def one_of_tests_per_condition(n: int) -> tuple[Definitions, Facts]:
    """One condition with ``n`` ``one_of`` tests (each adds two expressions to the condition)."""
    tests = [{"$or": [{f"f{i}": 1}, {f"f{i}": 2}]} for i in range(n)]
    return {"r0": _rule(_cond("load", *tests))}, [{"fact": "load", "f0": 1}]


def fields_per_fact(n: int) -> tuple[Definitions, Facts]:
    """A fact with ``n`` fields (plus fact, id and sid), matched by one rule."""
    fact: dict[str, Any] = {"fact": "load", **{f"f{i}": i for i in range(n)}}
    return {"r0": _rule(_cond("load", {"f0": 0}))}, [fact]


def when_conditions(n: int) -> tuple[Definitions, Facts]:
    """One rule joining ``n`` facts (each condition a distinct region)."""
    conds = [_cond("tightness", {"region": f"r{i}"}) for i in range(n)]
    return {"r0": _rule(*conds)}, [{"fact": "tightness", "region": f"r{i}"} for i in range(n)]


def when_any_alternatives(n: int) -> tuple[Definitions, Facts]:
    """One rule whose ``any`` has ``n`` alternatives (distinct regions), all matched."""
    options = [{f"a{i}": _cond("tightness", {"region": f"r{i}"})} for i in range(n)]
    rule = {"all": [{"g": _cond("$stage")}, {"any$any": options}], "pri": 1}
    facts = [{"fact": "tightness", "region": f"r{i}"} for i in range(n)] + [{"fact": "$stage"}]
    return {"r0": rule}, facts


def stages(n: int) -> tuple[Definitions, Facts]:
    """Rules waiting for ``n`` distinct stage facts (the stage number is one field's literal)."""
    rules = {f"r{i}": _rule(_cond("$stage", {"n": i}, {"p": 0})) for i in range(n)}
    return rules, [{"fact": "$stage", "n": 0, "p": 0}]


SHAPES: dict[str, tuple[Callable[[int], tuple[Definitions, Facts]], tuple[int, ...], str]] = {
    "distinct-literals": (distinct_literals, (400, 511, 512, 513, 520), "limits.MAX_TESTS_PER_NODE"),
    "tests-two-fields": (distinct_tests_two_fields, (511, 512, 513), "limits.MAX_TESTS_PER_NODE"),
    "thresholds": (thresholds, (511, 512, 513), "limits.MAX_TESTS_PER_NODE"),
    "one-of-values": (one_of_values, (400, 511, 512, 513, 520), "limits.MAX_TESTS_PER_NODE"),
    "stages": (stages, (511, 512, 513), "limits.MAX_STAGES"),
    "shared-condition": (shared_condition, (200, 256, 257, 258), "limits.MAX_RULES_PER_CONDITION"),
    "shared-value-in-one-of": (shared_value_in_one_of, (127, 128, 129), "limits.MAX_ONE_OF_PER_VALUE"),
    "shared-value-matched": (
        shared_value_in_one_of_matched,
        (62, 63, 64, 65),
        "analysis.MAX_CONDITIONS_PER_FACT (error 303)",
    ),
    "exists-false": (exists_false, (62, 63, 64, 65, 129), "analysis.MAX_CONDITIONS_PER_FACT (error 303)"),
    "rules": (many_rules, (3000, 4094, 4095, 4096, 4097), "limits.MAX_RULES"),
    "matches-per-fact": (matches_per_fact, (60, 63, 64, 65), "analysis.MAX_CONDITIONS_PER_FACT"),
    "one-of-tests": (one_of_tests_per_condition, (13, 14, 15, 16), "limits.MAX_ONE_OF_TESTS"),
    "fact-fields": (fields_per_fact, (250, 251, 252), "limits.MAX_FIELDS"),
    "when-conditions": (when_conditions, (16, 17, 32), "limits.MAX_JOIN"),
    "when-any-alternatives": (
        when_any_alternatives,
        (15, 16, 64),
        "compile: one durable rule per alternative (a durable any fires per subset)",
    ),
}


def child(shape: str, n: int) -> None:
    """Build and run one case; print "ok" or "error N". Runs in its own process."""
    from durable import engine

    class SyncHost(engine.Host):  # type: ignore[misc]
        def _run(self) -> None:
            return None

    definitions, facts = SHAPES[shape][0](n)
    definitions["anchor"] = {"all": [{"x": _cond("$anchor")}], "pri": 0}
    ran = []
    for rule in definitions.values():
        rule["run"] = lambda c: ran.append(1)
    definitions["catch"] = {"all": [{"x": {"$ex": {"fact": 1}}}], "pri": 65000, "run": lambda c: None}
    host = SyncHost()
    try:
        host.set_rulesets({"probe": definitions})
    except Exception as exc:
        print(f"error {exc} (create)")
        return
    try:
        host.assert_fact("probe", {"fact": "$anchor", "sid": "s", "id": "anchor"})
        for index, fact in enumerate(facts):
            host.assert_fact("probe", {**fact, "sid": "s", "id": f"f{index}"})
        print("ok")
    except Exception as exc:
        print(f"error {exc} (assert)")
    finally:
        host.delete_state("probe", "s")


def run_case(shape: str, n: int, timeout: float) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", shape, str(n)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"HANG (> {timeout:g} s)", time.perf_counter() - start
    elapsed = time.perf_counter() - start
    if done.returncode < 0:
        return f"crash (signal {-done.returncode})", elapsed
    lines = done.stdout.strip().splitlines()
    text = lines[-1] if lines else (done.stderr.strip().splitlines() or ["no output"])[-1]
    return text.replace("error code: ", ""), elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", choices=sorted(SHAPES), action="append", help="one shape (repeatable)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a case counts as a hang")
    parser.add_argument("--child", nargs=2, metavar=("SHAPE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0
    results: dict[str, dict[int, str]] = {}
    for shape in args.only or SHAPES:
        _, sizes, guard = SHAPES[shape]
        results[shape] = {}
        print(f"{shape}  (guarded by {guard})")
        for n in sizes:
            outcome, elapsed = run_case(shape, n, args.timeout)
            results[shape][n] = outcome
            print(f"  n={n:<5} {outcome:<40} {elapsed:6.2f} s", flush=True)
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
