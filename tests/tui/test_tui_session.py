"""The guided session in the app, as a runner uses it at 80x24: g on Today, each set with its
load, a rest and a hold on a fake clock (no timing luck), a load step, pain that stops an
exercise, a skip, Esc and g to resume, the RPE at the end; what was done reaches Today, the
store (the actual dose) and tomorrow's load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.tui_support import TODAY, app_fixtures, run, toasts
from textual.binding import Binding
from textual.widgets import Input, OptionList

from prehab.store import Settings, Store, save_settings
from prehab.store.workouts import load_workout
from prehab.tui.app import PrehabApp
from prehab.tui.screens.session import NumberScreen, SessionScreen, SkipScreen
from prehab.tui.screens.today import TodayScreen
from prehab.workout.actual import Actual, SetDone

EXERCISES = """
[exercise.goblet]
name = "Goblet squat"
kind = "strength"
works = ["quadriceps", "glutes"]
equipment = ["dumbbell"]
dose = { sets = 2, reps = 10, load = "moderate" }
minutes = 5
cues = ["Hold the dumbbell at the chest", "Knees over the toes"]

[exercise.plank]
name = "Plank"
kind = "strength"
works = ["core"]
dose = { sets = 2, hold_s = 20 }
minutes = 3

[exercise.bridge]
name = "Glute bridge"
kind = "strength"
works = ["glutes"]
dose = { sets = 2, reps = 12 }
minutes = 3

[exercise.stretch]
name = "Calf stretch"
kind = "mobility"
works = ["calves"]
dose = { sets = 1, hold_s = 30 }
minutes = 1
"""
RULES = """
[[rule]]
id = "session"
title = "A session"
priority = 400
when = [ { fact = "athlete" } ]
why = "A session every day, for the test."
source = "Test source"
[rule.then]
prescribe = [
  { exercise = "goblet" }, { exercise = "plank" }, { exercise = "bridge" }, { exercise = "stretch" },
]
[[rule.example]]
given = [ { fact = "athlete" } ]
expect.prescribe = ["goblet", "plank", "bridge", "stretch"]
"""


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pack(make_pack: Callable[..., Path]) -> Path:
    return make_pack(RULES, EXERCISES)


_, make_app = app_fixtures(RULES)


def text(app: PrehabApp) -> str:
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    parts = ["title", "exercise", "set", "clock", "message"]
    return "\n".join(str(screen.query_one(f"#session-{p}").render()) for p in parts)


async def give_number(pilot: object, app: PrehabApp, value: str) -> None:
    assert isinstance(app.screen, NumberScreen)
    app.screen.query_one("#number-input", Input).value = value
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def test_a_whole_session_on_a_fake_clock(make_app: Callable[..., PrehabApp]) -> None:
    save_settings(Settings(rest_strength_s=60, rest_mobility_s=10, bell=True))
    clock = Clock()

    async def scenario() -> None:
        app = make_app()
        app.clock = clock
        rang: list[int] = []
        app.bell = lambda: rang.append(1)  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("g")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            shown = text(app)
            assert "Exercise 1 of 4" in shown and "Calf stretch" in shown and "Space starts the hold" in shown
            await pilot.press("space")
            clock.now += 12
            screen.tick_now()
            await pilot.pause()
            assert "Hold 0:18" in text(app) and rang == []
            clock.now += 18
            screen.tick_now()
            await pilot.pause()
            assert rang == [1], "the bell rings when the hold ends"
            assert "Exercise 2 of 4" in text(app) and "Glute bridge" in text(app)
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, SkipScreen)
            app.screen.query_one(OptionList).highlighted = 1  # no time
            await pilot.press("enter")
            await pilot.pause()
            shown = text(app)
            assert "Glute bridge: skipped (no time)" in shown
            assert "Exercise 3 of 4" in shown and "Goblet squat" in shown and "Set 1 of 2: 10 reps" in shown
            assert "] sets the load" in shown
            for _ in range(8):  # 16 kg: eight 2 kg steps
                await pilot.press("right_square_bracket")
            await pilot.press("space")
            await pilot.pause()
            assert "Rest 1:00" in text(app) and "Set 2 of 2: 10 reps @ 16 kg" in text(app)
            await pilot.press("minus")  # 9 reps in the last set, pressed during the rest
            clock.now += 61
            screen.tick_now()
            await pilot.pause()
            assert rang == [1, 1], "the bell rings when the rest ends"
            assert "Space when the set is done" in text(app)
            await pilot.press("space")
            await pilot.pause()
            assert "Exercise 4 of 4" in text(app) and "Plank" in text(app)
            with Store.open() as store:  # the goblet squat is done work, with what was really done
                [goblet] = [d for d in store.done_items(TODAY, TODAY) if d.exercise == "goblet"]
                assert Actual.from_json(goblet.actual).sets == (SetDone(10, 16.0), SetDone(9, 16.0))
            await pilot.press("space")  # start the plank hold
            clock.now += 5
            screen.tick_now()
            await pilot.pause()
            assert "Hold 0:15" in text(app)
            await pilot.press("p")
            await pilot.pause()
            await give_number(pilot, app, "7")
            await pilot.pause()
            assert isinstance(app.screen, NumberScreen), "every exercise through: the RPE is asked"
            await pilot.press("escape")  # not now
            await pilot.pause()
            assert "pain 7/10 is above 5" in text(app) and "how hard was the session" in text(app)
            await pilot.press("escape")  # pause
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen) and "g on Today resumes" in toasts(app)

    run(scenario())
    with Store.open() as store:
        kept = load_workout(store, TODAY)
        assert kept is not None and not kept[1] and kept[0]["phase"] == "rpe"

    async def resume() -> None:
        app = make_app()
        app.clock = clock
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("g")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, NumberScreen), "resumed at the RPE question"
            await give_number(pilot, app, "0")  # out of range for an RPE
            assert isinstance(app.screen, NumberScreen)
            await give_number(pilot, app, "6")
            shown = text(app)
            assert "Session done, RPE 6" in shown
            assert "Goblet squat: 10, 9 @ 16 kg" in shown
            assert "Plank: 1 x 5 s, stopped for pain, pain 7/10" in shown
            assert "Glute bridge: skipped (no time)" in shown
            assert "Calf stretch: 1 x 30 s" in shown
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)

    run(resume())
    with Store.open() as store:
        done = {d.exercise: d for d in store.done_items(TODAY, TODAY)}
        assert set(done) == {"goblet", "plank", "stretch"}, "a skipped exercise is not done work"
        assert done["stretch"].rpe == 6
        kept = load_workout(store, TODAY)
        assert kept is not None and kept[1], "the finished session is kept as the day's record"


def test_the_player_fits_80x24_and_names_its_keys(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        app.clock = Clock()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("g")
            await pilot.pause()
            keys = {b.description for b in SessionScreen.BINDINGS if isinstance(b, Binding) and b.show}
            assert keys == {"Done", "Rep+", "Rep-", "Load+", "Load-", "Skip", "Pain", "Pause"}
            await pilot.press("f1")
            await pilot.pause()
            assert "## Guided session" in app.screen.screen_help  # type: ignore[attr-defined]

    run(scenario())


def test_snapshot_the_player(snap_compare: Any, make_app: Callable[..., PrehabApp]) -> None:
    save_settings(Settings(rest_strength_s=60))
    clock = Clock()
    app = make_app()
    app.clock = clock

    async def a_set_and_a_rest(pilot: Any) -> None:
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("space")  # the stretch's hold
        clock.now += 30
        app.screen.tick_now()  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("down", "enter")  # skip the bridge: no time
        await pilot.pause()
        for _ in range(8):
            await pilot.press("right_square_bracket")
        await pilot.press("space")
        clock.now += 15
        app.screen.tick_now()  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(app, run_before=a_set_and_a_rest, terminal_size=(80, 24))
