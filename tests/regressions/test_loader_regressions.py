"""Regressions found by tests/contracts/test_properties.py and bench/engine.py.

Why: each input below once crashed the loader with a traceback (AttributeError/TypeError on a
user file with a wrong type) or passed the loader only to be refused by durable-rules with a bare
"error code: 108". Each must now be a located, worded problem, or simply work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from prehab.engine.compile import GATE_SIZE
from prehab.engine.runner import Engine
from prehab.rulebook import load_rulebook
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


REGIONS = (
    "core", "lower_back", "quadriceps", "hamstrings", "glutes", "hip_flexors", "adductors",
    "hip_rotators", "calves", "achilles", "shins", "feet", "knees", "it_band", "upper_body",
)  # fmt: skip
KINDS = ("tightness", "soreness", "pain")


def _spread(i: int) -> tuple[str, str]:
    return KINDS[i % len(KINDS)], REGIONS[(i // len(KINDS)) % len(REGIONS)]


STOPPER = """
[[rule]]
id = "stopper"
title = "t"
when = [ { fact = "answer", question = "stop" } ]
then.flag = "stop"
why = "w"
source = "s"
"""


def _spread_rules(count: int, priority: bool = False) -> str:
    """``count`` rules spread over fact kinds, regions and levels (under the per-fact limit), all
    waiting for ``stopper`` through their unless: every one in stage 1, which opens in gates
    (rules of stage 0 wait for no stage fact)."""
    return STOPPER + "".join(
        f"""
[[rule]]
id = "r{i}"
title = "t"
priority = {i if priority else 50}
when = [ {{ fact = "{_spread(i)[0]}", region = "{_spread(i)[1]}", level = {{ at_least = {i % 10} }} }} ]
unless = [ {{ fact = "flag", name = "stop" }} ]
then.prescribe = [ {{ exercise = "calf-stretch" }} ]
why = "w"
source = "s"
"""
        for i in range(count)
    )


def test_a_stage_past_durables_shared_condition_limit_builds_and_runs(make_pack: Callable[..., Path]) -> None:
    """Every rule of a stage waits for a stage fact; one shared condition past 257 rules made
    durable refuse the ruleset (error 108), so 258+ rules in one stage could not run at all."""
    count = 3 * GATE_SIZE + 7
    result = load_rulebook([make_pack(_spread_rules(count))], require_examples_in=0)
    assert result.rulebook is not None, [str(p) for p in result.errors]
    engine = Engine(result.rulebook)
    assert engine.gates == [0, 4]
    assert max(Counter(c.gate for c in engine.compiled if c.stage == 1).values()) <= GATE_SIZE
    run = engine.run([{"fact": "tightness", "region": "calves", "level": 9}])
    assert run.errors == []
    assert len(run.firings) == sum(1 for i in range(count) if _spread(i) == ("tightness", "calves"))


def test_gates_open_highest_priority_first(make_pack: Callable[..., Path]) -> None:
    rules = _spread_rules(GATE_SIZE + 20, priority=True)
    book = load_rulebook([make_pack(rules)], require_examples_in=0).rulebook
    assert book is not None
    engine = Engine(book)
    first_gate = {c.rule.priority for c in engine.compiled if c.stage == 1 and c.gate == 0}
    later = {c.rule.priority for c in engine.compiled if c.stage == 1 and c.gate == 1}
    assert min(first_gate) > max(later)


ENGINE_UNREADABLE = {
    "date": "1979-05-27",
    "datetime": "1979-05-27T07:32:00",
    "time": "07:32:00",
    "inf": "inf",
    "nan": "nan",
    "exponent without a point": "1e-05",
    "big exponent": "1e+16",
    "date in a list": "[1, [1979-05-27]]",
}


@pytest.mark.parametrize("value", list(ENGINE_UNREADABLE.values()), ids=list(ENGINE_UNREADABLE))
def test_values_the_engine_cannot_take_are_refused_in_facts_files(tmp_path: Path, value: str) -> None:
    """These reached durable-rules and raised EngineError (a traceback from `prehab recommend`)."""
    from prehab.advice import evaluate
    from prehab.rulebook.factsfile import load_facts_file

    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    path = tmp_path / "facts.toml"
    path.write_text(f'[[answer]]\nquestion = "q"\nvalue = {value}\n[load]\nweekly_km = {value}\n', "utf-8")
    facts, problems = load_facts_file(path, book.schema)
    assert any("value" in p.path for p in problems), [str(p) for p in problems]
    assert all(p.line is not None for p in problems)
    assert evaluate(book, facts).errors == []


def test_unreadable_threshold_in_a_rule_is_a_loader_error(make_pack: Callable[..., Path]) -> None:
    rule = """
[[rule]]
id = "tiny"
title = "t"
when = [ { fact = "load", weekly_km = { above = 1e-05 } } ]
then.note = "n"
why = "w"
source = "s"
"""
    result = load_rulebook([make_pack(rule)], require_examples_in=0)
    assert result.rulebook is None
    assert any("cannot read 1e-05" in str(p) for p in result.errors), [str(p) for p in result.errors]


def test_error_303_on_the_first_fact_is_an_error_not_a_segfault(tmp_path: Path) -> None:
    """With the loader's 303 guard switched off, the first fact failing left a session where no
    action had run, and delete_state segfaulted. Run in a subprocess: a regression kills only it."""
    import subprocess
    import sys

    code = f"""
import shutil
from pathlib import Path
from prehab.rulebook import analysis
analysis.MAX_CONDITIONS_PER_FACT = 10**9
from prehab.rulebook import load_rulebook
from prehab.engine.runner import Engine, EngineError
pack = Path({str(tmp_path / "pack")!r})
pack.mkdir()
shutil.copy(Path({str(Path(__file__).parents[2] / "rules" / "facts.toml")!r}), pack / "facts.toml")
(pack / "exercises.toml").write_text("")
rules = "".join(
    f'[[rule]]\\nid = "r{{i}}"\\ntitle = "t"\\nwhy = "w"\\nsource = "s"\\n'
    f'when = [ {{{{ fact = "load", weekly_km = {{{{ above = {{i}} }}}} }}}} ]\\nthen.note = "n"\\n'
    for i in range(70)
)
(pack / "rules.toml").write_text(rules)
book = load_rulebook([pack], require_examples_in=0).rulebook
assert book is not None
try:
    Engine(book).run([{{"fact": "load", "weekly_km": 500}}])
    print("no error")
except EngineError as exc:
    print("EngineError", exc)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "EngineError" in done.stdout and "303" in done.stdout
