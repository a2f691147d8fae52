"""Loop guard: packs whose rules chain in a circle load (with a warning) and evaluate without hanging;
a circle through ``unless`` has no valid order and is refused with the rules named.

Why: users write rules that feed each other through flags. A positive circle is harmless in
prehab (a flag concluded twice is one fact), but the user should hear about it; a circle through
negation has no answer at all, so it must be an error before the engine ever sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from prehab.advice import evaluate
from prehab.model import Evaluation, Fact
from prehab.rulebook import Rulebook, load_rulebook


def _rule(rule_id: str, when: str, flag: str, *, unless: str = "", example: str = "") -> str:
    unless_line = f"unless = [ {unless} ]" if unless else ""
    given = example or '{ fact = "tightness", region = "calves", level = 6 }'
    return f"""
[[rule]]
id = "{rule_id}"
title = "{rule_id}"
when = [ {when} ]
{unless_line}
then.flag = {flag}
then.note = "{rule_id} fired"
why = "loop guard test"
source = "test"
[[rule.example]]
given = [ {given} ]
expect.fires = []
"""


CIRCLE = (
    _rule("rule-a", '{ fact = "flag", name = "x" }', '"y"')
    + _rule("rule-b", '{ fact = "flag", name = "y" }', '"x"')
    + _rule("rule-c", '{ fact = "tightness", region = "calves", level = { at_least = 4 } }', '"x"')
)

REGION_CIRCLE = (
    _rule(
        "tight-marks",
        '{ fact = "tightness", level = { at_least = 1 } }',
        '{ name = "p", region = { from = "tightness.region" } }',
    )
    + _rule(
        "p-to-q", '{ fact = "flag", name = "p", as = "f" }', '{ name = "q", region = { from = "f.region" } }'
    )
    + _rule(
        "q-to-p", '{ fact = "flag", name = "q", as = "f" }', '{ name = "p", region = { from = "f.region" } }'
    )
    + _rule(
        "self-loop",
        '{ fact = "flag", name = "q", as = "f" }',
        '{ name = "q", region = { from = "f.region" } }',
    )
)


def _evaluate_with_timeout(book: Rulebook, facts: list[Fact], seconds: float = 20.0) -> Evaluation:
    """Evaluate in a worker thread so a hang fails the test instead of freezing the suite."""
    out: list[Evaluation] = []
    worker = threading.Thread(target=lambda: out.append(evaluate(book, facts)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"evaluation did not finish within {seconds} s"
    assert out, "evaluation raised (see the thread's traceback above)"
    return out[0]


def test_circle_loads_with_a_warning_naming_its_rules(make_pack: Callable[..., Path]) -> None:
    result = load_rulebook([make_pack(CIRCLE)])
    assert result.errors == [], [str(p) for p in result.errors]
    assert result.rulebook is not None
    circles = [p for p in result.warnings if "circle" in p.message]
    assert len(circles) == 1, [str(p) for p in result.warnings]
    warning = circles[0]
    assert "rule-a" in warning.message and "rule-b" in warning.message
    assert "rule-c" not in warning.message  # it only starts the circle, it is not part of it
    assert warning.file.endswith("rules.toml") and warning.line is not None


def test_circle_evaluates_once_around_and_stops(make_pack: Callable[..., Path]) -> None:
    book = load_rulebook([make_pack(CIRCLE)]).rulebook
    assert book is not None
    ev = _evaluate_with_timeout(book, [{"fact": "tightness", "region": "calves", "level": 6}])
    assert ev.errors == []
    assert sorted(ev.fired) == ["rule-a", "rule-b", "rule-c"]  # each once: a repeated flag is one fact
    assert sorted(ev.flags) == ["x", "y"]


def test_circle_not_started_fires_nothing(make_pack: Callable[..., Path]) -> None:
    book = load_rulebook([make_pack(CIRCLE)]).rulebook
    assert book is not None
    ev = _evaluate_with_timeout(book, [{"fact": "tightness", "region": "calves", "level": 1}])
    assert ev.errors == [] and ev.fired == [] and ev.flags == []


def test_region_circles_with_a_self_loop_stay_finite(make_pack: Callable[..., Path]) -> None:
    result = load_rulebook([make_pack(REGION_CIRCLE)])
    assert result.rulebook is not None, [str(p) for p in result.errors]
    warned = " ".join(p.message for p in result.warnings if "circle" in p.message)
    assert "p-to-q" in warned and "q-to-p" in warned and "self-loop" in warned
    regions = ["calves", "hamstrings", "glutes", "quadriceps", "feet", "achilles"]
    facts: list[Fact] = [{"fact": "tightness", "region": r, "level": 5} for r in regions]
    ev = _evaluate_with_timeout(result.rulebook, facts)
    assert ev.errors == []
    assert sorted(ev.flags) == sorted([f"p:{r}" for r in regions] + [f"q:{r}" for r in regions])
    notes = [c for c in ev.conclusions if c.type == "note" and c.reason.rule_id == "tight-marks"]
    assert len(notes) == 1  # a rule says its text once, however many regions it fired for
    assert ev.fired.count("tight-marks") == 1


def test_cycle_through_unless_is_refused_naming_the_rules(make_pack: Callable[..., Path]) -> None:
    trigger = '{ fact = "tightness", region = "calves", level = { at_least = 4 } }'
    pack = make_pack(
        _rule("wants-x", trigger, '"x"', unless='{ fact = "flag", name = "y" }')
        + _rule("wants-y", trigger, '"y"', unless='{ fact = "flag", name = "x" }')
        + _rule("bystander", trigger, '"z"')
    )
    result = load_rulebook([pack])
    assert result.rulebook is None
    cycles = [p for p in result.errors if "cycle" in p.message]
    assert len(cycles) == 1, [str(p) for p in result.errors]
    error = cycles[0]
    assert "wants-x" in error.message and "wants-y" in error.message
    assert "bystander" not in error.message
    assert "unless" in error.message and error.fix
    assert error.file.endswith("rules.toml") and error.line is not None


def test_longer_cycle_through_unless_names_every_rule(make_pack: Callable[..., Path]) -> None:
    """a -> b (positive) -> c (positive) -> a (through unless): all three are in the message."""
    trigger = '{ fact = "tightness", region = "calves", level = { at_least = 4 } }'
    pack = make_pack(
        _rule("link-a", trigger, '"a"', unless='{ fact = "flag", name = "c" }')
        + _rule("link-b", '{ fact = "flag", name = "a" }', '"b"')
        + _rule("link-c", '{ fact = "flag", name = "b" }', '"c"')
    )
    result = load_rulebook([pack])
    assert result.rulebook is None
    (error,) = [p for p in result.errors if "cycle" in p.message]
    for rule_id in ("link-a", "link-b", "link-c"):
        assert rule_id in error.message
