"""The TUI's widget-free parts: week planning, copying a rule to edit,
the editor command, and the serve command line."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest
from tests.clinical import shipped

from prehab.day.week import PlannedDay, plan_days
from prehab.plan.day import PlanOptions
from prehab.rulebook import default_layers, load_rulebook
from prehab.tui.ruleedit import extract_block, file_to_edit, is_shipped
from prehab.tui.state import editor_command

THURSDAY = date(2026, 11, 26)


INTERMEDIATE = {"fact": "athlete", "experience": "intermediate", "strength_weeks": 8}


def week_of(*facts: dict[str, object], key_runs: tuple[str, ...] = ()) -> list[PlannedDay]:
    return plan_days(shipped(), list(facts), PlanOptions(45, None), THURSDAY, key_runs)


def test_strength_is_spread_and_kept_light_the_day_before_key_runs() -> None:
    week = week_of(
        INTERMEDIATE, {"fact": "load", "days_since_strength": 4, "runs_7d": 4}, key_runs=("tuesday", "sunday")
    )
    assert [d.day.weekday() for d in week] == [3, 4, 5, 6, 0, 1, 2]
    assert {d.weekday for d in week if d.before_key_run} == {"saturday", "monday"}
    days = [i for i, d in enumerate(week) if d.strength]
    assert len(days) >= 2, "2-3 strength days a week"
    assert all(b - a >= 2 for a, b in zip(days, days[1:], strict=False)), f"back to back: {days}"
    book = shipped()
    for d in week:
        if d.before_key_run:
            for p in d.strength:
                ex = book.exercises[p.exercise]
                assert p.kind != "plyometric" and "heavy" not in (p.dose.get("load"), *ex.tags), p.exercise
                assert not {"calves", "achilles"} & set(ex.works), p.exercise


def test_no_runs_and_no_strength_history_no_strength_days() -> None:
    week = week_of(
        {"fact": "athlete", "experience": "intermediate"},
        {"fact": "tightness", "region": "calves", "level": 5},
    )
    assert not any(d.strength for d in week)
    assert all(d.mobility for d in week)


def test_skipping_strength_on_a_day_moves_the_session_later() -> None:
    facts = (INTERMEDIATE, {"fact": "load", "days_since_strength": 4, "runs_7d": 4})
    first = [i for i, d in enumerate(week_of(*facts)) if d.strength]
    moved = plan_days(shipped(), list(facts), PlanOptions(45, None), THURSDAY, (), skip_strength={first[0]})
    assert not moved[first[0]].strength and moved[first[0]].skipped_strength
    assert any(d.strength for d in moved[first[0] + 1 :]), "the session comes back on a later day"


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


def test_editing_a_shipped_rule_keeps_a_copy_only_when_it_changed() -> None:
    from prehab.paths import user_rules_dir

    result = load_rulebook(default_layers())
    assert result.rulebook is not None
    rule = next(iter(result.rulebook.rules.values()))
    assert is_shipped(rule.file)
    edit = file_to_edit("rule", rule.id, rule.file, rule.line)
    assert edit.path.name == f"{rule.id}.toml" and edit.line == 4
    assert f'id = "{rule.id}"' in edit.path.read_text(encoding="utf-8")
    assert "unchanged" in edit.finish()  # quit the editor without a change: nothing copied
    assert not (user_rules_dir() / f"{rule.id}.toml").exists()
    edit = file_to_edit("rule", rule.id, rule.file, rule.line)
    edit.path.write_text(edit.draft.replace("priority = ", "priority = 1 + 0 * ", 0) + "# mine\n")
    assert "saved your copy" in edit.finish()
    # The copy replaces the shipped rule and the pack still loads.
    again = load_rulebook(default_layers())
    assert again.rulebook is not None and rule.id in again.rulebook.replaced
    assert file_to_edit("rule", rule.id, rule.file, rule.line).note.startswith("opening your copy")


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
