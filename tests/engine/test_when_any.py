"""`when_any` fires once per matching fact, not once per subset of them.

Why (issue 9, item 5): a durable `any` fired once per non-empty subset of the alternatives
that matched (2^k - 1): six tight regions fired one rule 63 times, and a user rule with a
15-region `one_of` hit the 2,000-firing loop guard with a misleading "chain that does not
end". Each alternative is now a durable rule of its own (sharing the action), and a firing
whose facts an earlier firing of the same rule matched is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from prehab.advice import evaluate
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
