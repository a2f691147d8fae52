"""Settings: defaults, round trip, problems with file:line and a fix, atomic saves."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from prehab.settings import (
    MEANINGS,
    SPECS,
    Settings,
    check_value,
    format_value,
    load_settings,
    parse_text,
    save_settings,
    setting_keys,
)


def test_every_setting_is_one_spec_entry_in_the_order_of_its_fields() -> None:
    """A new setting is a field and a spec entry: the CLI, the file and the app read the entry."""
    assert list(SPECS) == setting_keys() == list(MEANINGS)
    for key, spec in SPECS.items():
        assert spec.key == key and spec.label and spec.meaning
        default = getattr(Settings(), key)
        assert check_value(key, default) == default  # the default is a value the setting takes
        assert check_value(key, parse_text(key, format_value(key, default))) == default  # typed back
        assert not spec.select or spec.options()


def test_missing_file_gives_defaults_and_no_problems(tmp_path: Path) -> None:
    settings, problems = load_settings(tmp_path / "none.toml")
    assert settings == Settings()
    assert (settings.units, settings.time_budget_min, settings.experience) == ("km", 30, "beginner")
    assert problems == []


def test_round_trip_to_the_default_path(tmp_path: Path) -> None:
    wanted = Settings(
        units="mi",
        time_budget_min=20,
        equipment=["dumbbells", "band"],
        experience="advanced",
        goal_race_date=date(2025, 4, 21),
        home_only=True,
        key_run_days=["tuesday", "sunday"],
        strength_weeks=6,
    )
    save_settings(wanted)
    path = tmp_path / "config" / "settings.toml"  # PREHAB_CONFIG_DIR from conftest
    assert path.is_file()
    assert "goal_race_date = 2025-04-21" in path.read_text()
    assert load_settings() == (wanted, [])
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temp left


def test_bad_toml_is_a_problem_with_a_line_and_defaults_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('units = "mi"\ntime_budget_min = = 3\n')
    settings, [problem] = load_settings(path)
    assert settings == Settings()
    assert problem.line == 2 and problem.file == str(path)
    assert "not valid TOML" in problem.message and problem.fix
    assert str(problem).startswith(f"{path}:2: ")


def test_bad_values_are_reported_one_by_one_and_good_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        "\n".join(
            [
                'units = "furlongs"',
                "time_budget_min = 25",
                'experience = "pro"',
                'key_run_days = ["Tuesday", "funday"]',
                'goal_race_date = "next spring"',
                "home_only = 1",
                "colour = 'red'",
                'equipment = ["band"]',
            ]
        )
    )
    settings, problems = load_settings(path)
    assert settings.time_budget_min == 25 and settings.equipment == ["band"]
    assert settings.units == "km" and settings.experience == "beginner"
    by_key = {p.path: p for p in problems}
    assert {k: p.line for k, p in by_key.items()} == {
        "units": 1, "experience": 3, "key_run_days": 4, "goal_race_date": 5, "home_only": 6,
        "colour": 7,
    }  # fmt: skip
    assert by_key["colour"].severity == "warning"
    assert all(p.fix for p in problems)
    assert "km" in by_key["units"].fix


def test_weekday_names_are_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('key_run_days = ["Tuesday", "SUNDAY"]\n')
    settings, problems = load_settings(path)
    assert problems == [] and settings.key_run_days == ["tuesday", "sunday"]


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.toml"
    save_settings(Settings(units="mi"), path)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_settings(Settings(units="km", time_budget_min=45), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]
