"""Regressions found by tests/test_properties.py and bench/engine.py.

Why: each input below once crashed the loader with a traceback (AttributeError/TypeError on a
user file with a wrong type) or passed the loader only to be refused by durable-rules with a bare
"error code: 108". Each must now be a located, worded problem.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from prehab.engine.runner import Engine
from prehab.rulebook import load_rulebook
from prehab.rulebook.analysis import MAX_RULES_PER_STAGE
from prehab.rulebook.loader import default_layers

CRASHERS = {
    "regions not a table": ("regions = false\n", "regions.values must be a list of names"),
    "regions.values not a list": ("[regions]\nvalues = 5\n", "regions.values must be a list of names"),
    "fact not tables": ("fact = [false]\n", "fact kinds are tables"),
    "fields not tables (new kind)": ("[fact.x]\nfields = [1]\n", "must be tables"),
    "fields not tables (known kind)": ("[fact.athlete]\nfields = 3\n", "fields are tables"),
    "text min": ('[fact.athlete]\nfields.age = { type = "int", min = "a" }\n', "min must be a number"),
    "values not a list": ('[fact.athlete]\nfields.age = { type = "choice", values = 3 }\n', "list of names"),
    "type not text": ("[fact.athlete]\nfields.age = { type = 3 }\n", "unknown type 3"),
    "override set not a table": (
        '[[override]]\nid = "run-spike"\nset = [1]\n',
        "set takes a table of key paths",
    ),
}


@pytest.mark.parametrize("text, expected", list(CRASHERS.values()), ids=list(CRASHERS))
def test_wrong_types_in_a_user_file_are_problems_not_tracebacks(
    tmp_path: Path, text: str, expected: str
) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "mine.toml").write_text(text, encoding="utf-8")
    result = load_rulebook([*default_layers(include_user=False), user])
    assert result.rulebook is None
    messages = [str(p) for p in result.errors]
    assert any(expected in m and "mine.toml" in m for m in messages), messages


def _spread_rules(count: int) -> str:
    """``count`` tightness rules spread over regions and levels (well under the per-fact limit)."""
    regions = ["calves", "hamstrings", "glutes", "quadriceps", "hip_flexors", "adductors", "feet", "core"]
    return "".join(
        f"""
[[rule]]
id = "r{i}"
title = "t"
when = [ {{ fact = "tightness", region = "{regions[i % len(regions)]}", level = {{ at_least = {i % 10} }} }} ]
then.prescribe = [ {{ exercise = "calf-stretch" }} ]
why = "w"
source = "s"
"""
        for i in range(count)
    )


def test_too_many_rules_in_one_stage_is_refused_by_the_loader(make_pack: Callable[..., Path]) -> None:
    result = load_rulebook([make_pack(_spread_rules(MAX_RULES_PER_STAGE + 1))], require_examples_in=0)
    assert result.rulebook is None
    (error,) = [str(p) for p in result.errors]
    assert f"{MAX_RULES_PER_STAGE + 1} active rules run in evaluation stage 1" in error
    assert f"allows {MAX_RULES_PER_STAGE} per stage (durable-rules error 108)" in error


def test_a_full_stage_still_builds_and_runs(make_pack: Callable[..., Path]) -> None:
    result = load_rulebook([make_pack(_spread_rules(MAX_RULES_PER_STAGE))], require_examples_in=0)
    assert result.rulebook is not None, [str(p) for p in result.errors]
    run = Engine(result.rulebook).run([{"fact": "tightness", "region": "calves", "level": 9}])
    assert run.errors == []
    assert len(run.firings) == sum(1 for i in range(MAX_RULES_PER_STAGE) if i % 8 == 0)  # every calves rule
