"""Edits from the app land in the user's overrides file, validated first and written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from prehab.advice import evaluate
from prehab.cli import main
from prehab.paths import user_rules_dir
from prehab.rulebook import default_layers, load_rulebook
from prehab.rulebook.edits import overrides_path, set_enabled, set_value

SWELLING = [{"fact": "pain", "region": "calves", "swelling": True}]


def test_disable_a_rule_and_it_stops_firing() -> None:
    assert set_enabled("red-flag-swelling", False) == []
    assert overrides_path().is_relative_to(user_rules_dir())
    book = load_rulebook(default_layers()).rulebook
    assert book is not None and "red-flag-swelling" in book.disabled
    assert "red-flag-swelling" not in evaluate(book, SWELLING).fired
    assert set_enabled("red-flag-swelling", True) == []
    book = load_rulebook(default_layers()).rulebook
    assert book is not None and "red-flag-swelling" in evaluate(book, SWELLING).fired


def test_threshold_change_is_written_and_used() -> None:
    base = load_rulebook(default_layers()).rulebook
    assert base is not None
    rule = base.rules["calves-tight"]
    index, _ = next((i, c) for i, c in enumerate(rule.when) if c.fact == "tightness")
    op = next(t.op for t in rule.when[index].tests if t.field == "level")
    assert set_value("calves-tight", f"when.{index}.level.{op}", 9) == []
    book = load_rulebook(default_layers()).rulebook
    assert book is not None
    level = next(t for t in book.rules["calves-tight"].when[index].tests if t.field == "level")
    assert level.value == 9
    assert "calves-tight" not in evaluate(book, [{"fact": "tightness", "region": "calves", "level": 7}]).fired


@pytest.mark.parametrize(
    ("rule_id", "path", "value", "expected"),
    [
        ("calves-tight", "when.0.levle", 3, "no key 'levle'"),
        ("calves-tight", "when.0.level", 99, "above the maximum 10"),
        ("no-such-rule", "when.0.level", 3, "no rule with id 'no-such-rule'"),
    ],
)
def test_bad_edits_are_refused_and_nothing_is_written(
    rule_id: str, path: str, value: int, expected: str
) -> None:
    assert set_enabled("strength-due", False) == []
    before = overrides_path().read_text(encoding="utf-8")
    problems = set_value(rule_id, path, value)
    assert problems and any(expected in str(p) for p in problems), [str(p) for p in problems]
    assert overrides_path().read_text(encoding="utf-8") == before
    assert list(Path(overrides_path().parent).glob("*.tmp")) == []


def test_rules_diff_lists_examples_that_change(capsys: pytest.CaptureFixture[str]) -> None:
    assert set_enabled("red-flag-swelling", False) == []
    assert main(["rules", "diff"]) == 0
    out = capsys.readouterr().out
    (line,) = [x for x in out.splitlines() if x.startswith("red-flag-swelling example 1")]
    gone = line.split("no longer fires ")[1].split(";")[0].split(", ")
    assert "red-flag-swelling" in gone
    assert "its expectation now FAILS" in line
    assert "example(s) change outcome" in out


def test_broken_user_rules_keep_the_shipped_pack_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    user_rules_dir().mkdir(parents=True)
    (user_rules_dir() / "mine.toml").write_text("[[rule]]\nid = 'x'\nwhen = [\n", encoding="utf-8")
    facts = Path(__file__).resolve().parents[2] / "examples" / "runner.toml"
    assert main(["recommend", "--facts", str(facts)]) == 0
    captured = capsys.readouterr()
    assert "mine.toml:3: TOML syntax" in captured.err
    assert "using the shipped rules until they are fixed" in captured.err
    assert "why:" in captured.out
