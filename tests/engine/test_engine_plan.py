"""The pack compiled once, when it is checked, and kept with it in the pack cache.

Why (issue 21): compiling the shipped pack for the engine (strata, durable definitions, their
JSON) cost about 5 ms of every command that evaluates. The loader now makes an ``EnginePlan``
and the pack cache keeps it with the rulebook, so a start compiles nothing. A plan may make the
engine faster, never different: an engine built from the plan must fire what an engine that
compiles the rules itself fires, and a plan that does not fit its rules is compiled again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.engine.test_engine_cache import RULE

from prehab.engine import compile as compile_module
from prehab.engine.compile import EnginePlan, bind, plan_rules
from prehab.engine.runner import Engine
from prehab.model import Fact
from prehab.record import replace
from prehab.rulebook import Rulebook, default_layers, load_rulebook


def shipped() -> Rulebook:
    book = load_rulebook(default_layers()).rulebook
    assert book is not None
    return book


def every_example(book: Rulebook) -> list[list[Fact]]:
    """The facts of every embedded example: a few hundred athletes that reach every rule."""
    return [list(example.given) for rule in book.rules.values() for example in rule.examples]


def outcome(engine: Engine, facts: list[Fact]) -> tuple[object, ...]:
    result = engine.run(facts)
    assert not result.errors
    return (
        sorted(f.rule_id for f in result.firings),
        sorted(result.flags),
        sorted((c.type, c.reason.rule_id, c.exercise, c.text) for c in result.conclusions),
    )


def test_an_engine_from_the_cached_plan_fires_what_a_compiling_engine_fires() -> None:
    load_rulebook(default_layers())  # a miss: checked, planned and stored
    book = shipped()  # a hit: read back with its plan
    assert book.plan is not None and book.plan == plan_rules(book.active_rules)
    planned = Engine(book)
    compiling = Engine(replace(book, plan=None))
    try:
        athletes = every_example(book)
        assert len(athletes) > 200
        for facts in athletes:
            assert outcome(planned, facts) == outcome(compiling, facts)
    finally:
        planned.close()
        compiling.close()


def test_a_start_from_the_pack_cache_compiles_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    load_rulebook(default_layers())  # stored
    book = shipped()

    def refuse(*_: object) -> None:
        raise AssertionError("compiled on a start from the pack cache")

    monkeypatch.setattr(compile_module, "compile_rules", refuse)
    engine = Engine(book)
    try:
        result = engine.run([{"fact": "tightness", "region": "calves", "level": 8}])
        assert not result.errors and any(c.type == "prescribe" for c in result.conclusions)
    finally:
        engine.close()


def test_every_rule_the_pack_enables_has_its_durable_rules_in_the_plan() -> None:
    book = shipped()
    assert book.plan is not None
    assert {p.rule_id for p in book.plan.rules} == {r.id for r in book.active_rules}
    assert '"anchor"' in book.plan.definitions and '"catch_all"' in book.plan.definitions


def _with(plan: EnginePlan, index: int, **changes: object) -> EnginePlan:
    rules = list(plan.rules)
    rules[index] = replace(rules[index], **changes)
    return replace(plan, rules=tuple(rules))


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda p: _with(p, 0, rule_id="no-such-rule"), id="a rule the pack lacks"),
        pytest.param(lambda p: _with(p, 0, aliases=(("c0", (99,)),)), id="a condition out of range"),
        pytest.param(lambda p: _with(p, 0, aliases=(("c0", ()),)), id="an alias with no condition"),
        pytest.param(lambda p: _with(p, 0, aliases=()), id="a rule with no alias"),
        pytest.param(lambda p: _with(p, 0, stage=p.stages), id="a stage out of range"),
        pytest.param(lambda p: replace(p, rules=p.rules[1:]), id="an enabled rule left out"),
    ],
)
def test_a_plan_that_does_not_fit_its_rules_is_compiled_again(
    spoil: Callable[[EnginePlan], EnginePlan],
) -> None:
    book = shipped()
    assert book.plan is not None
    bad = spoil(book.plan)
    assert bind(bad, book.active_rules) is None
    spoilt = replace(book, plan=bad, fingerprint="spoilt-plan")
    engine = Engine(spoilt)
    good = Engine(replace(book, plan=None, fingerprint="no-plan"))
    try:
        for facts in every_example(book)[:40]:
            assert outcome(engine, facts) == outcome(good, facts)
    finally:
        engine.close()
        good.close()


def test_a_rule_the_user_disables_is_not_planned(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULE.format(n=3) + RULE.format(n=4))  # a calf rule at two thresholds
    (pack / "mine.toml").write_text('[[override]]\nid = "calves-4"\nenabled = false\n', encoding="utf-8")
    book = load_rulebook([pack]).rulebook
    assert book is not None and book.disabled == {"calves-4"}
    assert book.plan is not None and [p.rule_id for p in book.plan.rules] == ["calves-3"]
    engine = Engine(book)
    try:
        assert engine.run([{"fact": "tightness", "region": "calves", "level": 9}]).fired == ["calves-3"]
    finally:
        engine.close()
