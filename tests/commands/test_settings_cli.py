"""``prehab settings``: show, set each kind of key, refuse bad keys and values, JSON, path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.cli_support import Cli

from prehab.paths import settings_file
from prehab.settings import MEANINGS, SettingError, check_value, parse_text, with_value
from prehab.store import Settings, load_settings, save_settings


def test_show_lists_every_setting_with_its_value_and_meaning(cli: Cli) -> None:
    code, out, err = cli("settings")
    assert code == 0, err
    lines = out.splitlines()
    for key, meaning in MEANINGS.items():
        line = next(line for line in lines if line.startswith(key + " "))
        assert meaning in line
    assert any(line.split()[:2] == ["units", "km"] for line in lines)
    assert any(line.split()[:2] == ["equipment", "any"] for line in lines)  # any kit, by name
    assert "not written yet" in out and str(settings_file()) in out
    assert not settings_file().exists()  # showing never writes


def test_show_json(cli: Cli) -> None:
    save_settings(Settings(units="mi", goal_race_date=date(2027, 4, 12), key_run_days=["sunday"]))
    for argv in (["settings", "--json"], ["settings", "show", "--json"]):
        code, out, _ = cli(*argv)
        assert code == 0
        data = json.loads(out)
        assert data["path"] == str(settings_file()) and data["exists"] is True
        assert data["settings"] == {
            "units": "mi",
            "time_budget_min": 30,
            "equipment": [],
            "experience": "beginner",
            "goal_race_date": "2027-04-12",
            "home_only": False,
            "key_run_days": ["sunday"],
            "strength_weeks": 0,
            "mqtt_host": "localhost",
            "mqtt_port": 1883,
            "mqtt_tls": False,
            "mqtt_username": "",
            "mqtt_password_file": "",
            "ha_name": "",
            "weight_units": "kg",
            "load_step_dumbbell": None,
            "load_step_barbell": None,
            "load_step_kettlebell": None,
            "rest_strength_s": 90,
            "rest_mobility_s": 15,
            "bell": True,
        }
        assert set(data["meanings"]) == set(data["settings"]) and data["problems"] == []


def test_path(cli: Cli) -> None:
    code, out, _ = cli("settings", "path")
    assert code == 0 and out.strip() == str(settings_file())


@pytest.mark.parametrize(
    ("argv", "key", "expected", "printed"),
    [
        (["units", "mi"], "units", "mi", "units = mi  (was km)"),
        (["units", "MI"], "units", "mi", "units = mi"),
        (["time_budget_min", "25"], "time_budget_min", 25, "time_budget_min = 25  (was 30)"),
        (
            ["equipment", "band,step,dumbbell"],
            "equipment",
            ["band", "step", "dumbbell"],
            "band,step,dumbbell",
        ),
        (["equipment", "band,", "Step"], "equipment", ["band", "step"], "equipment = band,step"),
        (["experience", "beginner"], "experience", "beginner", "experience = beginner"),
        (
            ["goal_race_date", "2099-04-12"],
            "goal_race_date",
            date(2099, 4, 12),
            "goal_race_date = 2099-04-12",
        ),
        (["equipment", "none"], "equipment", ["none"], "equipment = none  (was any)"),
        (["equipment", "bodyweight"], "equipment", ["none"], "equipment = none"),
        (["equipment", "any"], "equipment", [], "equipment = any  (unchanged)"),
        (["home_only", "true"], "home_only", True, "home_only = true  (was false)"),
        (["home_only", "no"], "home_only", False, "home_only = false  (unchanged)"),
        (["key_run_days", "Sunday,wednesday"], "key_run_days", ["sunday", "wednesday"], "sunday,wednesday"),
        (["strength_weeks", "3"], "strength_weeks", 3, "strength_weeks = 3  (was 0)"),
    ],
)
def test_set_each_kind_of_key(cli: Cli, argv: list[str], key: str, expected: object, printed: str) -> None:
    code, out, err = cli("settings", "set", *argv)
    assert code == 0, err
    assert printed in out
    settings, problems = load_settings()
    assert problems == []
    assert getattr(settings, key) == expected
    assert [p.name for p in settings_file().parent.iterdir()] == ["settings.toml"]  # no temp left


def test_set_keeps_the_other_settings_and_none_clears(cli: Cli) -> None:
    save_settings(Settings(units="mi", equipment=["band"], goal_race_date=date(2027, 4, 12)))
    assert cli("settings", "set", "time_budget_min", "25")[0] == 0
    assert cli("settings", "set", "equipment", "any")[0] == 0
    code, out, _ = cli("settings", "set", "goal_race_date", "none")
    assert code == 0 and "(was 2027-04-12)" in out
    assert load_settings() == (Settings(units="mi", time_budget_min=25), [])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["colour", "red"], "prehab: error: no setting 'colour' (settings are units, time_budget_min,"),
        (["time_budget", "20"], "prehab: error: no setting 'time_budget' (did you mean 'time_budget_min'?)"),
        (["units", "mile"], "prehab: error: units: 'mile' is not a unit (did you mean 'mi'?)"),
        (
            ["experience", "pro"],
            "prehab: error: experience: 'pro' is not a level (use one of: advanced, beginner,",
        ),
        (
            ["time_budget_min", "0"],
            "prehab: error: time_budget_min: 0 is not a time budget (give whole minutes",
        ),
        (["time_budget_min", "25.5"], "prehab: error: time_budget_min: '25.5' is not a time budget"),
        (
            ["strength_weeks", "999"],
            "prehab: error: strength_weeks: 999 is not a number of weeks (give a whole",
        ),
        (
            ["goal_race_date", "2027-02-30"],
            "prehab: error: goal_race_date: '2027-02-30' is not a date (give it as",
        ),
        (
            ["home_only", "maybe"],
            "prehab: error: home_only: 'maybe' is not true or false (use true or false)",
        ),
        (
            ["key_run_days", "sunday,wensday"],
            "prehab: error: key_run_days: 'wensday' is not a weekday (did you mean",
        ),
    ],
)
def test_bad_key_or_value_is_one_line_exit_2_and_nothing_written(
    cli: Cli, argv: list[str], message: str
) -> None:
    save_settings(Settings(units="mi"))
    before = settings_file().read_bytes()
    code, out, err = cli("settings", "set", *argv)
    assert code == 2
    assert out == ""
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert settings_file().read_bytes() == before


def test_bad_value_without_a_file_writes_no_file(cli: Cli) -> None:
    code, _, err = cli("settings", "set", "units", "furlongs")
    assert code == 2 and "use one of: km, mi" in err
    assert not settings_file().exists()


def test_a_file_with_problems_is_not_overwritten(cli: Cli) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True)
    path.write_text('units = "mi"\ncolour = "red"\n', encoding="utf-8")
    code, _, err = cli("settings", "set", "time_budget_min", "25")
    assert code == 2
    assert f"error: {path}:2: colour: unknown setting" in err and "nothing was changed" in err
    assert path.read_text(encoding="utf-8") == 'units = "mi"\ncolour = "red"\n'

    path.write_text("units = = 3\n", encoding="utf-8")
    code, _, err = cli("settings", "set", "units", "km")
    assert code == 2 and "not valid TOML" in err
    assert path.read_text(encoding="utf-8") == "units = = 3\n"


def test_a_bad_value_in_the_file_can_be_fixed_with_set(cli: Cli) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True)
    path.write_text('experience = "pro"\ntime_budget_min = 20\n', encoding="utf-8")
    code, _, err = cli("settings", "set", "units", "mi")
    assert code == 2 and "fix it first: prehab settings set experience VALUE" in err
    code, out, err = cli("settings", "set", "experience", "advanced")
    assert code == 0, err
    assert load_settings() == (Settings(experience="advanced", time_budget_min=20), [])


def test_unknown_equipment_is_kept_with_a_warning(cli: Cli) -> None:
    code, out, err = cli("settings", "set", "equipment", "band,dumbell")
    assert code == 0
    assert "warning: no exercise uses 'dumbell' (did you mean 'dumbbell'?); kept anyway" in err
    assert load_settings()[0].equipment == ["band", "dumbell"]


def test_the_file_and_the_command_share_one_validator(tmp_path: Path) -> None:
    """A value the command refuses is a problem with the same message in the file, and back."""
    cases = [
        ("units", '"mile"', "mile"),
        ("strength_weeks", "999", "999"),
        ("key_run_days", '["funday"]', "funday"),
    ]
    for key, toml_value, typed in cases:
        path = tmp_path / f"{key}.toml"
        path.write_text(f"{key} = {toml_value}\n", encoding="utf-8")
        [problem] = load_settings(path)[1]
        with pytest.raises(SettingError) as refused:
            with_value(Settings(), key, typed)
        assert (problem.message, problem.fix) == (refused.value.message, refused.value.fix)
    assert check_value("goal_race_date", parse_text("goal_race_date", "2027-04-12")) == date(2027, 4, 12)
    assert parse_text("equipment", " any ") == [] and parse_text("goal_race_date", "") is None
    assert parse_text("equipment", " none ") == ["none"]  # bodyweight only, as recommend --equipment none
