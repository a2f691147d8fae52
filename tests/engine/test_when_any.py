"""`when_any` fires once per matching fact, not once per subset of them.

Why (issue 9, item 5): a durable `any` fired once per non-empty subset of the alternatives
that matched (2^k - 1): six tight regions fired one rule 63 times, and a user rule with a
15-region `one_of` hit the 2,000-firing loop guard with a misleading "chain that does not
end". A `when_any` is one durable condition, a `$or` of its alternatives (issue 21: one
durable rule per alternative made 237 durable rules of 135), and a firing whose facts an
earlier firing of the same rule matched is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from prehab.advice import evaluate
from prehab.engine.compile import MAX_MERGED_EXPRESSIONS, compile_rulebook, expressions
from prehab.engine.runner import Engine
from prehab.model import Fact
from prehab.rulebook import Rulebook, default_layers, load_rulebook

REGIONS = (
    "core", "lower_back", "quadriceps", "hamstrings", "glutes", "hip_flexors", "adductors",
    "hip_rotators", "calves", "achilles", "shins", "feet", "knees", "it_band", "upper_body",
)  # fmt: skip


def _pack(make_pack: Callable[..., Path], when_any: str, when: str = "") -> Rulebook:
    rules = f"""
[[rule]]
id = "any-tight"
title = "Something is tight"
{f"when = [ {when} ]" if when else ""}
when_any = [ {when_any} ]
then.prescribe = [ {{ exercise = "calf-stretch" }} ]
then.flag = {{ name = "tight", region = {{ from = "t.region" }} }}
why = "w"
source = "s"
"""
    book = load_rulebook([make_pack(rules)], require_examples_in=0).rulebook
    assert book is not None
    return book


def _tight(regions: tuple[str, ...] | list[str], level: int = 6) -> list[Fact]:
    return [{"fact": "tightness", "region": r, "level": level} for r in regions]


def test_six_tight_regions_fire_the_rule_six_times_not_63(make_pack: Callable[..., Path]) -> None:
    regions = REGIONS[:6]
    alternatives = ", ".join(
        f'{{ fact = "tightness", region = "{r}", level = {{ at_least = 4 }}, as = "t" }}' for r in regions
    )
    run = Engine(_pack(make_pack, alternatives)).run(_tight(regions))
    assert run.errors == []
    assert [f.rule_id for f in run.firings] == ["any-tight"] * 6
    assert sorted(run.flags) == sorted(f"tight:{r}" for r in regions)


def test_a_15_value_one_of_finishes_without_the_loop_guard(make_pack: Callable[..., Path]) -> None:
    values = ", ".join(f'"{r}"' for r in REGIONS)
    book = _pack(make_pack, f'{{ fact = "tightness", region = {{ one_of = [{values}] }}, as = "t" }}')
    ev = evaluate(book, _tight(REGIONS))
    assert ev.errors == []
    assert ev.fired == ["any-tight"]
    assert sum(1 for c in ev.conclusions if c.type == "flag") == len(REGIONS)


def test_a_fact_two_alternatives_match_fires_once(make_pack: Callable[..., Path]) -> None:
    book = _pack(
        make_pack,
        '{ fact = "tightness", region = "calves", as = "t" }, '
        '{ fact = "tightness", level = { at_least = 5 }, as = "t" }',
    )
    engine = Engine(book)
    assert len(engine.run(_tight(["calves"], 7)).firings) == 1
    assert len(engine.run(_tight(["calves", "shins"], 7)).firings) == 2
    assert len(engine.run(_tight(["shins"], 3)).firings) == 0


def test_when_and_when_any_fire_once_per_binding(make_pack: Callable[..., Path]) -> None:
    book = _pack(
        make_pack,
        '{ fact = "tightness", region = "calves", as = "t" }, '
        '{ fact = "tightness", region = "shins", as = "t" }',
        when='{ fact = "athlete" }',
    )
    run = Engine(book).run([{"fact": "athlete"}, *_tight(["calves", "shins", "feet"])])
    assert len(run.firings) == 2
    assert {m.values.get("region") for f in run.firings for m in f.matched} == {None, "calves", "shins"}


def test_the_shipped_pack_fires_no_rule_more_than_once_per_region(tmp_path: Path) -> None:
    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    run = Engine(book).run([*_tight(REGIONS[:6], 7), {"fact": "athlete", "experience": "intermediate"}])
    assert run.errors == []
    counts = {rid: sum(1 for f in run.firings if f.rule_id == rid) for rid in run.fired}
    assert max(counts.values()) <= 6, counts


def test_recommend_json_lists_each_fired_rule_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from prehab.cli import main

    facts = tmp_path / "facts.toml"
    facts.write_text(
        "".join(f'[[tightness]]\nregion = "{r}"\nlevel = 7\n' for r in REGIONS[:6]), encoding="utf-8"
    )
    assert main(["recommend", "--facts", str(facts), "--json"]) == 0
    fired = json.loads(capsys.readouterr().out)["fired"]
    assert fired and len(fired) == len(set(fired))


def test_the_shipped_pack_compiles_to_one_durable_rule_per_rule() -> None:
    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    compiled, _ = compile_rulebook(book)
    assert len(compiled) == len(book.active_rules)
    assert sum(1 for r in book.active_rules if r.when_any) > 40  # the merge is exercised


def test_a_one_of_in_a_later_alternative_matches(make_pack: Callable[..., Path]) -> None:
    """durable 2.0.28 matched a `$or` inside an `any` only in its first alternative; inside one
    `$or` condition every branch matches, nested `$or` (a one_of) included."""
    book = _pack(
        make_pack,
        '{ fact = "soreness", region = "knees", as = "s" }, '
        '{ fact = "tightness", region = { one_of = ["calves", "feet"] }, '
        'level = { at_least = 5 }, as = "t" }',
    )
    run = Engine(book).run([*_tight(["feet"], 7), *_tight(["shins"], 9), *_tight(["calves"], 3)])
    assert run.errors == [] and len(run.firings) == 1
    assert run.flags == ["tight:feet"]  # read as the alternative named t: its region is copied


def test_a_fact_is_read_as_the_first_alternative_it_satisfies(make_pack: Callable[..., Path]) -> None:
    book = _pack(
        make_pack,
        '{ fact = "tightness", region = "calves", level = { at_least = 8 }, as = "p" }, '
        '{ fact = "tightness", region = "calves", as = "t" }',
    )
    engine = Engine(book)
    assert engine.run(_tight(["calves"], 6)).flags == ["tight:calves"]  # only t holds: t.region
    high = engine.run(_tight(["calves"], 9))
    assert len(high.firings) == 1 and high.flags == ["tight"]  # p holds first: t.region is not there
    assert [m.name for m in high.firings[0].matched] == ["p"]


def test_a_when_any_too_big_for_one_condition_spills_into_more_rules(make_pack: Callable[..., Path]) -> None:
    """Durable refuses 32 expressions in one condition (error 113): 20 alternatives of 2 each
    are two durable rules, and every alternative still fires, once per fact."""
    alternatives = ", ".join(
        f'{{ fact = "{kind}", region = "{r}", as = "t" }}'
        for kind in ("tightness", "soreness")
        for r in REGIONS[:10]
    )
    book = _pack(make_pack, alternatives)
    compiled, _ = compile_rulebook(book)
    assert len(compiled) == 2
    assert all(
        expressions(c.definition["all"][-1][f"a{i}"]) <= MAX_MERGED_EXPRESSIONS
        for i, c in enumerate(compiled)
    )
    facts = [{"fact": k, "region": r, "level": 5} for k in ("tightness", "soreness") for r in REGIONS[:12]]
    run = Engine(book).run(facts)
    assert run.errors == [] and len(run.firings) == 20
