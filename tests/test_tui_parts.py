"""The TUI's widget-free parts: week planning, copying a rule to edit,
the editor command, and the serve command line."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from prehab.model import Prescription
from prehab.plan.day import DayPlan
from prehab.plan.week import choose_strength_days, plan_week, strength_days_wanted
from prehab.rulebook import default_layers, load_rulebook
from prehab.tui.ruleedit import extract_block, file_to_edit, is_shipped
from prehab.tui.state import editor_command

THURSDAY = date(2026, 11, 26)


def presc(exercise: str, kind: str, per_week: int = 0) -> Prescription:
    dose = {"sets": 3, "reps": 10, **({"per_week": per_week} if per_week else {})}
    return Prescription(exercise, exercise, kind, dose, 5, [])


LOADS = {"calf-raise": ("calves",), "plank": ("core",), "stretch": ()}


def test_strength_spread_and_kept_off_the_day_before_key_runs() -> None:
    plan = DayPlan(items=[presc("calf-raise", "strength"), presc("stretch", "mobility")])
    week = plan_week(plan, THURSDAY, ["tuesday", "sunday"], LOADS)
    assert [d.day.weekday() for d in week] == [3, 4, 5, 6, 0, 1, 2]
    strength_days = [d for d in week if d.strength]
    assert len(strength_days) == 2
    assert all(not d.before_key_run for d in strength_days)
    assert {d.weekday for d in week if d.before_key_run} == {"saturday", "monday"}
    gaps = (strength_days[1].day - strength_days[0].day).days
    assert 2 <= gaps <= 5  # spread, not back to back
    key_days = [d for d in week if d.key_run]
    assert all(not d.mobility for d in key_days)
    assert sum(1 for d in week if d.mobility) == 5  # mobility most days


def test_three_strength_days_when_a_rule_asks() -> None:
    plan = DayPlan(items=[presc("calf-raise", "strength", per_week=3)])
    week = plan_week(plan, THURSDAY, [], LOADS)
    chosen = [i for i, d in enumerate(week) if d.strength]
    assert len(chosen) == 3
    assert min(b - a for a, b in zip(chosen, chosen[1:], strict=False)) >= 2


@pytest.mark.parametrize(("asked", "days"), [(0, 2), (1, 2), (2, 2), (3, 3), (5, 3)])
def test_strength_days_wanted_is_two_or_three(asked: int, days: int) -> None:
    assert strength_days_wanted([presc("x", "strength", per_week=asked)]) == days


def test_no_strength_no_days() -> None:
    week = plan_week(DayPlan(items=[presc("stretch", "mobility")]), THURSDAY, ["sunday"], LOADS)
    assert not any(d.strength for d in week)
    assert sum(1 for d in week if d.mobility) == 6


def test_every_day_before_a_key_run_leaves_nothing_for_strength() -> None:
    from prehab.plan.week import WEEKDAYS, WeekDay

    days = [WeekDay(THURSDAY, before_key_run=True) for _ in range(7)]
    assert choose_strength_days(days, 2) == []
    plan = DayPlan(items=[presc("calf-raise", "strength"), presc("plank", "strength")])
    week = plan_week(plan, THURSDAY, WEEKDAYS, LOADS)
    # Only the non-leg work is placed when every day precedes a key run.
    assert {p.exercise for d in week for p in d.strength} == {"plank"}


def test_extract_block_takes_one_rule_with_its_tables() -> None:
    text = (
        '# head\n[[rule]]\nid = "a"\n[rule.then]\nnote = "x"\n[[rule.example]]\ngiven = []\n\n'
        '# next\n[[rule]]\nid = "b"\n'
    )
    block = extract_block(text, 2, "rule")
    assert block.startswith('[[rule]]\nid = "a"') and "[[rule.example]]" in block
    assert 'id = "b"' not in block and "# next" not in block
    exercises = '[exercise.a]\nname = "A"\n\n[exercise.b]\nname = "B"\n'
    assert extract_block(exercises, 4, "exercise") == '[exercise.b]\nname = "B"\n'


def test_editing_a_shipped_rule_starts_from_a_copy() -> None:
    result = load_rulebook(default_layers())
    assert result.rulebook is not None
    rule = next(iter(result.rulebook.rules.values()))
    assert is_shipped(rule.file)
    path, line, note = file_to_edit("rule", rule.id, rule.file, rule.line)
    assert "copied" in note and path.name == f"{rule.id}.toml"
    assert f'id = "{rule.id}"' in path.read_text(encoding="utf-8")
    assert line == 4
    # The copy replaces the shipped rule and the pack still loads.
    again = load_rulebook(default_layers())
    assert again.rulebook is not None and rule.id in again.rulebook.replaced
    assert file_to_edit("rule", rule.id, rule.file, rule.line)[2].startswith("opening your copy")


def test_editor_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "nano -w")
    assert editor_command(Path("/x/r.toml"), 12) == ["nano", "-w", "+12", "/x/r.toml"]
    monkeypatch.setenv("EDITOR", "code --wait")
    assert editor_command(Path("/x/r.toml"), 12) == ["code", "--wait", "/x/r.toml"]


def test_serve_command_passes_the_folders_on() -> None:
    from prehab.commands.ui import serve_command

    args = argparse.Namespace(data_dir="/d", config_dir=None, no_mouse=True, date=None)
    command = serve_command(args)
    assert command.endswith("-m prehab --data-dir /d tui --no-mouse")


def test_cli_registers_tui_and_serve() -> None:
    from prehab.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert parser.parse_args(["tui", "--no-mouse"]).no_mouse is True
