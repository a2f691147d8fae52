"""One engine per pack, memory that stays flat, and the cheaper evaluation path.

Why (issue 9, items 12 and 13): each engine build leaked ~1.8 MiB inside durable (a ruleset
cannot be removed through durable's Python API) and `engine_for` keyed on `id(book)`, so every
reload of an unchanged pack in the app built another: 100 reloads added 151 MiB. Engines are
now keyed by the pack's fingerprint, and an engine pushed out of the cache deletes its
ruleset. The catch-all no longer fires once per fact and facts of kinds no rule tests are
not asserted; `unless` must still see them.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from prehab.advice import evaluate
from prehab.engine import cache
from prehab.engine.runner import Engine
from prehab.rulebook import Rulebook, default_layers, load_rulebook

RULE = """
[[rule]]
id = "calves-{n}"
title = "t"
when = [ {{ fact = "tightness", region = "calves", level = {{ at_least = {n} }} }} ]
unless = [ {{ fact = "goal", focus = "speed" }} ]
then.prescribe = [ {{ exercise = "calf-stretch" }} ]
why = "w"
source = "s"
[[rule.example]]
given = [ {{ fact = "tightness", region = "calves", level = 9 }} ]
expect.fires = ["calves-{n}"]
"""
CALVES = [{"fact": "tightness", "region": "calves", "level": 9}]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_reloading_an_unchanged_pack_50_times_builds_one_engine(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULE.format(n=4))
    before = cache.builds()
    for _ in range(50):
        book = load_rulebook([pack]).rulebook  # a new Rulebook object each time, as a reload makes
        assert book is not None
        assert evaluate(book, CALVES).fired == ["calves-4"]
    assert cache.builds() - before == 1


def test_any_change_to_a_rule_or_an_exercise_makes_a_new_engine(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULE.format(n=4))
    first = load_rulebook([pack]).rulebook
    (pack / "rules.toml").write_text(RULE.format(n=5), encoding="utf-8")
    second = load_rulebook([pack]).rulebook
    exercises = (pack / "exercises.toml").read_text(encoding="utf-8")
    (pack / "exercises.toml").write_text(exercises.replace("minutes = 3", "minutes = 2"), encoding="utf-8")
    third = load_rulebook([pack]).rulebook
    assert first is not None and second is not None and third is not None
    assert len({first.fingerprint, second.fingerprint, third.fingerprint}) == 3
    assert evaluate(second, CALVES).fired == ["calves-5"]


def test_engines_pushed_out_of_the_cache_are_closed_and_still_work(make_pack: Callable[..., Path]) -> None:
    books: list[Rulebook] = []
    for n in range(cache.KEEP + 2):
        book = load_rulebook([make_pack(RULE.format(n=n), name=f"p{n}")]).rulebook
        assert book is not None
        books.append(book)
        evaluate(book, CALVES)
    oldest = cache.engine_for(books[-1])  # still cached
    assert not oldest.closed
    evicted = Engine(books[0])
    evicted.close()
    assert evicted.closed
    assert [f.rule_id for f in evicted.run(CALVES).firings] == ["calves-0"]  # rebuilt on demand
    assert not evicted.closed
    evicted.close()
    assert evaluate(books[0], CALVES).fired == ["calves-0"]


CHURN = """
import gc, sys
from pathlib import Path
from prehab.engine import limits
from prehab.engine.runner import Engine, EngineError
from prehab.rulebook import analysis, default_layers, load_rulebook

book = load_rulebook(default_layers(include_user=False)).rulebook
facts = [{"fact": "tightness", "region": "calves", "level": 6}, {"fact": "athlete"}]
for i in range(150):
    engine = Engine(book)
    for _ in range(3):
        assert engine.run(facts).errors == []
    if i % 2:
        engine.close()  # deleted now; the others when collected
    del engine
    gc.collect()
analysis.MAX_CONDITIONS_PER_FACT = 10**9  # a pack that fails in every session (error 303)
pack = Path(sys.argv[1])
bad = load_rulebook([pack], require_examples_in=0).rulebook
assert bad is not None
for i in range(50):
    engine = Engine(bad)
    try:
        engine.run([{"fact": "load", "weekly_km": 500}])
    except EngineError:
        pass
    engine.close()
print("ok")
"""


def test_building_and_deleting_rulesets_many_times_never_crashes(make_pack: Callable[..., Path]) -> None:
    """A subprocess: deleting a ruleset with a live session would crash the interpreter."""
    rules = "".join(
        f'[[rule]]\nid = "r{i}"\ntitle = "t"\nwhy = "w"\nsource = "s"\n'
        f'when = [ {{ fact = "load", weekly_km = {{ above = {i} }} }} ]\nthen.note = "n"\n'
        for i in range(70)
    )
    done = subprocess.run(
        [sys.executable, "-c", CHURN, str(make_pack(rules))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_facts_of_kinds_no_rule_tests_are_not_asserted_but_unless_sees_them(
    make_pack: Callable[..., Path],
) -> None:
    book = load_rulebook([make_pack(RULE.format(n=4))]).rulebook
    assert book is not None
    engine = Engine(book)
    assert "goal" not in engine.kinds and "tightness" in engine.kinds
    assert [f.rule_id for f in engine.run(CALVES).firings] == ["calves-4"]
    assert engine.run([*CALVES, {"fact": "goal", "focus": "speed"}]).firings == []


def test_the_catch_all_never_fires(monkeypatch: pytest.MonkeyPatch) -> None:
    """It fired once per fact (half of durable's callbacks); now the anchor fires once per
    session and otherwise only the pack's rules do."""
    import json

    from prehab.engine import runner

    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    engine = Engine(book)
    actions: list[str] = []
    durable = runner._durable
    start, complete = durable.start_action_for_state, durable.complete_and_start_action

    def started(handle: int, state: int) -> tuple[str, str] | None:
        result = start(handle, state)
        if result is not None:
            actions.extend(json.loads(result[1]))
        return result  # type: ignore[no-any-return]

    def completed(handle: int, state: int) -> str | None:
        result = complete(handle, state)
        if result:
            actions.extend(json.loads(result))
        return result  # type: ignore[no-any-return]

    monkeypatch.setattr(durable, "start_action_for_state", started)
    monkeypatch.setattr(durable, "complete_and_start_action", completed)
    facts = [{"fact": "tightness", "region": r, "level": 1} for r in ("calves", "feet", "knees")]
    run = engine.run([*facts, {"fact": "athlete", "experience": "advanced", "strength_weeks": 20}])
    assert run.errors == []
    assert actions.count("anchor") == 1 and "catch_all" not in actions
    assert all(name.startswith("r") for name in actions if name != "anchor")  # the pack's rules
