"""The load climbs within an exercise, as a runner records it with ``prehab done``.

Scenarios as the issue states them, typed as commands over days (``--date``): two sessions at
3 x 10 @ 16 kg, RPE 6 -> 18 kg next; missed reps -> the same load; worse the next morning -> a
step back; a taper caps the load; bodyweight work climbs by reps; pounds stay pounds. The load
shows the same in ``recommend --json`` (``load_kg``), the text and ``prehab done``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from tests.cli_support import run
from tests.day.test_day_memory import easy_weeks

from prehab.workout.loading import apply_loads, climbing, lift_facts

D = date(2026, 11, 30)  # a Monday: the day whose plan is read


def setup(capsys: pytest.CaptureFixture[str], *settings: tuple[str, str]) -> None:
    easy_weeks(D)
    for key, value in (("experience", "intermediate"), ("strength_weeks", "10"), *settings):
        assert run(capsys, "settings", "set", key, value)[0] == 0


def did(capsys: pytest.CaptureFixture[str], day: date, *args: str) -> str:
    code, out, err = run(capsys, "done", "--extra", "squat", *args, "--date", day.isoformat())
    assert code == 0, err
    return out


def item(capsys: pytest.CaptureFixture[str], day: date, exercise: str = "squat") -> dict[str, Any]:
    code, out, err = run(capsys, "recommend", "--json", "--date", day.isoformat())
    assert code == 0, err
    data = json.loads(out)
    [found] = [i for i in data["today"] + data["if_time"] if i["exercise"] == exercise]
    return dict(found)


def test_two_sessions_done_in_full_at_rpe_6_climb_one_dumbbell_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup(capsys)
    assert "3 x 10 @ 16 kg" in did(
        capsys, D - timedelta(days=5), "--load", "16", "--reps", "10", "--rpe", "6"
    )
    once = item(capsys, D - timedelta(days=3))
    assert once["load_kg"] == 16.0, "one session is not yet two in a row"
    did(capsys, D - timedelta(days=3), "--load", "16", "--sets", "3", "--reps", "10", "--rpe", "6")
    today = item(capsys, D)
    assert today["load_kg"] == 18.0 and today["load"] == "18 kg"
    assert today["dose_text"].startswith("3 x 10 @ 18 kg")
    assert "last time 3 x 10 @ 16 kg, RPE 6 -> today 3 x 10 @ 18 kg" in today["progress"]
    code, text, _ = run(capsys, "recommend", "--date", D.isoformat())
    assert "3 x 10 @ 18 kg" in text


def test_missed_reps_keep_the_load(capsys: pytest.CaptureFixture[str]) -> None:
    setup(capsys)
    did(capsys, D - timedelta(days=5), "--load", "16", "--reps", "10", "--rpe", "6")
    did(capsys, D - timedelta(days=3), "--load", "16", "--reps", "10,10,8", "--rpe", "8")
    today = item(capsys, D)
    assert today["load_kg"] == 16.0
    assert "the same until every set is done" in today["progress"]


def test_worse_next_morning_takes_the_load_back_a_step(capsys: pytest.CaptureFixture[str]) -> None:
    setup(capsys)
    did(capsys, D - timedelta(days=5), "--load", "18", "--reps", "10", "--rpe", "6")
    did(capsys, D - timedelta(days=3), "--load", "18", "--reps", "10", "--rpe", "6")
    code, out, err = run(
        capsys, "respond", "--date", (D - timedelta(days=2)).isoformat(), "--set", "morning_quadriceps=worse"
    )
    assert code == 0, err
    today = item(capsys, D)
    assert today["load_kg"] == 16.0
    assert "back a step" in today["progress"]


def test_pain_above_the_limit_is_said_and_steps_back(capsys: pytest.CaptureFixture[str]) -> None:
    setup(capsys)
    out = did(capsys, D - timedelta(days=3), "--load", "20", "--reps", "10", "--pain", "7", "--rpe", "6")
    assert "above the limit of 5" in out and "stop this exercise for today" in out
    assert item(capsys, D)["load_kg"] == 18.0


def test_a_taper_caps_the_load(capsys: pytest.CaptureFixture[str]) -> None:
    setup(capsys, ("goal_race_date", (D + timedelta(days=10)).isoformat()))
    did(capsys, D - timedelta(days=5), "--load", "16", "--reps", "10", "--rpe", "6")
    did(capsys, D - timedelta(days=3), "--load", "16", "--reps", "10", "--rpe", "6")
    today = item(capsys, D)
    assert today["load_kg"] == 16.0, "no step up in a taper"
    assert "no step up today" in today["progress"]


def test_pounds_stay_pounds(capsys: pytest.CaptureFixture[str]) -> None:
    setup(capsys, ("weight_units", "lb"))
    assert "3 x 10 @ 35 lb" in did(
        capsys, D - timedelta(days=5), "--load", "35", "--reps", "10", "--rpe", "6"
    )
    did(capsys, D - timedelta(days=3), "--load", "35", "--reps", "10", "--rpe", "6")
    today = item(capsys, D)
    assert today["load"] == "40 lb"
    assert today["load_kg"] == pytest.approx(40 * 0.45359237)


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        (("--reps", "ten"), "--reps 'ten': give a whole number from 0 to 500"),
        (("--load", "heavy"), "is not a load"),
        (("--load", "9999"), "is not a load a runner lifts"),
        (("--sets", "3", "--reps", "10,8"), "--sets 3 but 2 reps given"),
        (("--pain", "11"), "--pain '11': give a whole number from 0 to 10"),
    ],
)
def test_a_wrong_value_is_one_line_with_the_fix(
    capsys: pytest.CaptureFixture[str], text: tuple[str, ...], fix: str
) -> None:
    setup(capsys)
    code, out, err = run(
        capsys, "done", "--extra", "squat", *text, "--date", (D - timedelta(days=1)).isoformat()
    )
    assert code != 0 and fix in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_what_was_done_describes_one_item(capsys: pytest.CaptureFixture[str]) -> None:
    setup(capsys)
    code, _, err = run(capsys, "done", "1", "2", "--load", "16")
    assert code != 0 and "give exactly one ITEM" in err


# -- the pieces, without the store --------------------------------------------------------------


class Done:
    def __init__(
        self, day: date, exercise: str, actual: dict[str, Any], dose: dict[str, Any], rpe: int
    ) -> None:
        self.day, self.exercise, self.actual, self.dose, self.rpe = day, exercise, actual, dose, rpe


def test_bodyweight_climbs_by_reps_until_the_ladder_takes_over() -> None:
    from tests.clinical import shipped

    book = shipped()
    dose = {"sets": 3, "reps": 12}
    sets = {"sets": [{"reps": 12}] * 3}
    done = [Done(D - timedelta(days=d), "bodyweight-squat", sets, dose, 6) for d in (5, 3)]
    [fact] = lift_facts(done, [], book.exercises, D)
    assert fact["top"] and fact["at_top"] == 2 and "load" not in fact and fact["target"] == 12
    assert climbing(fact)
    from prehab.model import Conclusion, Prescription, Reason

    reason = Reason("load-step-up", "", "", "", ())
    presc = Prescription("bodyweight-squat", "Bodyweight squat", "strength", dict(dose), 4, [reason])
    step = Conclusion("load", reason, exercise="bodyweight-squat", direction="up")
    [up] = apply_loads([presc], [step], [fact], book.exercises)
    assert up.dose["reps"] == 14
    at_cap = dict(fact, target=20, reps=20)
    assert not climbing(at_cap), "20 reps: the next step of the ladder, not 22 squats"


def test_a_damaged_record_costs_its_values_not_the_day() -> None:
    from tests.clinical import shipped

    book = shipped()
    junk = {
        "sets": [{"reps": "ten", "load_kg": float("nan")}, "x", {"reps": -3}],
        "pain": 99,
        "skipped": "bored",
    }
    done = [Done(D - timedelta(days=2), "squat", junk, {"sets": 3, "reps": 10}, 6)]
    assert lift_facts(done, [], book.exercises, D) == []


def test_the_climbed_load_is_the_same_on_every_surface() -> None:
    from tests.day.test_day_surfaces import (
        fresh_dirs,
        from_app,
        from_done,
        from_home_assistant,
        from_recommend,
        from_week,
        seed,
    )

    runner = {
        "sessions": [(2, "easy", 8.0), (4, "intervals", 10.0), (6, "long", 15.0), (9, "easy", 8.0)],
        "tight": {},
        "pain": None,
        "budget": 45,
        "born": 1985,
        "kit": [],
        "lifted": "squat",
    }
    with fresh_dirs():
        seed(runner)
        from tests.day.test_day_surfaces import cli

        cli("settings", "set", "experience", "intermediate")
        app, _ = from_app()
        squat = [row for row in app if row[1] == "squat"]
        assert squat and "@ 18 kg" in squat[0][2], app
        for rows in (from_recommend(), from_done(set()), from_home_assistant(), from_week()):
            assert sorted(rows) == sorted(app)
