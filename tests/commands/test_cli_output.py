"""`prehab recommend` and `prehab rules list` as a person reads them (issue 11, item 6): lines
fit the terminal, a runner with no history is told how to start, a kit name no exercise uses is
warned about."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from tests.cli_support import run
from tests.clinical import shipped

from prehab.present.render import wrap_text
from prehab.store import Session, Store

RUNNER = "examples/runner.toml"


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_recommend_text_fits_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = run(capsys, "recommend", "--facts", RUNNER)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns
    # a wrapped "why:" keeps its indent and hangs under its text, not at the margin
    whys = [i for i, line in enumerate(lines) if line.startswith("      why: ")]
    assert whys
    for i in whys:
        for line in lines[i + 1 :]:
            if line.startswith("      rule: "):
                break
            assert line.startswith(" " * 11) and line[11] != " ", line


def test_recommend_without_a_terminal_wraps_at_80(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # pytest's output is no terminal: the fallback
    _, out, _ = run(capsys, "recommend", "--facts", RUNNER)
    assert max(len(line) for line in out.splitlines()) <= 80


def test_rules_list_fits_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for columns in (50, 80):
        monkeypatch.setenv("COLUMNS", str(columns))
        code, out, _ = run(capsys, "rules", "list")
        assert code == 0
        assert max(len(line) for line in out.splitlines()) <= columns
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run(capsys, "rules", "list")
    lines = out.splitlines()
    wrapped = [line for line in lines if not line[:4].strip()]  # a title's second line
    assert wrapped and all(line.startswith(" " * 43) for line in wrapped)


def test_wrap_keeps_bullets_labels_and_long_words() -> None:
    text = "  - " + "word " * 20 + "[a-rule-id-that-is-long]\n      why: " + "because " * 12
    lines = wrap_text(text, 40).splitlines()
    assert lines[1].startswith("    w")  # under the bullet's text
    assert "[a-rule-id-that-is-long]" in text and any("[a-rule-id-that-is-long]" in x for x in lines)
    why = next(i for i, x in enumerate(lines) if "why:" in x)
    assert lines[why + 1].startswith(" " * 11) and lines[why + 1][11] != " "
    assert all(len(x) <= 40 for x in lines)


def test_a_new_runner_is_told_how_to_start(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend")
    assert code == 0
    assert "Nothing to add today" not in out
    assert "NEW HERE?" in out and "prehab log" in out and "prehab import" in out and "check-in" in out
    with Store.open() as store:
        store.add_session(Session(date.today(), "easy", 6.0, duration_min=35))
    _, out, _ = run(capsys, "recommend")
    assert "NEW HERE?" not in out  # with a history the advice is about the runner


def test_a_kit_name_no_exercise_uses_is_warned_about(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "--facts", RUNNER, "--equipment", "kettlebel,band")
    assert code == 0 and "prehab: today's plan" in out  # still runs
    assert "warning: --equipment: no exercise uses 'kettlebel' (did you mean 'kettlebell'?)" in err
    code, _, err = run(capsys, "recommend", "--facts", RUNNER, "--equipment", "none,band")
    assert code == 2 and "none (bodyweight only) cannot be listed with other kit" in err
    _, _, err = run(capsys, "recommend", "--facts", RUNNER, "--equipment", "any")
    assert err == ""


def test_not_today_names_each_easier_item_once_at_the_listed_dose(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A beginner whose Achilles was worse this morning: the loaded floor raise is eased to a
    single-leg raise and other items are made lighter. NOT TODAY names each easier item once, in
    words, at the dose the list gives, and the list says which is an easier version and which
    a lighter dose."""
    monkeypatch.setenv("COLUMNS", "400")  # one line per entry
    facts = tmp_path / "beginner.toml"
    text = Path(RUNNER).read_text().replace('experience = "intermediate"', 'experience = "beginner"')
    facts.write_text(text + '\n[[pain]]\nregion = "achilles"\nlevel = 4\nworse_next_morning = true\n')
    code, out, _ = run(capsys, "recommend", "--facts", str(facts))
    assert code == 0
    said = re.findall(
        r"^ +(easier version|lighter): (.+?) \(([a-z0-9-]+)\) at (.+?)(?: instead of (.+))?$", out, re.M
    )
    assert said, out
    ids = [item for _, _, item, _, _ in said]
    assert len(ids) == len(set(ids)), f"an item named twice: {ids}"
    eased = {item: (how, dose, origin) for how, _, item, dose, origin in said}
    assert eased["calf-raise"][0] == "easier version"
    assert shipped().exercises["heavy-calf-raise-floor"].name in eased["calf-raise"][2], "in words, not ids"
    for item, (how, dose, _) in eased.items():
        listed = [
            line for line in out.splitlines() if f"[ ] {shipped().exercises[item].name} ({item}): " in line
        ]
        assert len(listed) == 1 and f": {dose}," in listed[0], (item, dose, listed)
        if how == "lighter":
            assert "(a lighter dose)" in listed[0], listed
        else:  # an easier version; one the plan had too is met on, one step lighter as well
            assert "(easier version of " in listed[0] or "(a lighter dose)" in listed[0], listed
