"""One day, every surface: the app's Today, Week's first day, ``prehab recommend --json``,
``prehab done`` and Home Assistant show the same items (ids, numbers, doses, count), before
and after marking any item done, for generated runners and days.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prehab.cli import main
from prehab.day.service import DayService
from prehab.integrations.ha.source import Source
from prehab.integrations.ha.topics import Topics
from prehab.store import Session, Settings, Store, save_settings
from prehab.tui.app import PrehabApp
from prehab.tui.screens.today import TodayScreen
from prehab.tui.state import AppState

DAY = date(2026, 11, 26)
REGIONS = ["calves", "hamstrings", "hip_flexors", "glutes", "shins", "lower_back", "achilles", "knees"]
KINDS = ["easy", "long", "tempo", "intervals", "strength"]

Row = tuple[int, str, str]
"""(number, exercise, dose as text): one item as a surface shows it."""


@st.composite
def runners(draw: st.DrawFn) -> dict[str, Any]:
    sessions = draw(
        st.lists(
            st.tuples(
                st.integers(1, 27), st.sampled_from(KINDS), st.floats(3, 25).map(lambda x: round(x, 1))
            ),
            max_size=14,
        )
    )
    tight = draw(st.dictionaries(st.sampled_from(REGIONS[:6]), st.integers(0, 9), max_size=3))
    pain = draw(st.none() | st.tuples(st.sampled_from(REGIONS), st.integers(1, 8)))
    return {
        "sessions": sessions,
        "tight": tight,
        "pain": pain,
        "budget": draw(st.sampled_from([15, 20, 25, 30, 45])),
        "born": draw(st.none() | st.integers(1945, 2000)),
        "kit": draw(st.sampled_from([[], ["band", "step"], ["dumbbell", "step", "band"]])),
        "lifted": draw(st.sampled_from([None, "squat", "single-leg-deadlift", "plank"])),
    }


@contextmanager
def fresh_dirs() -> Iterator[None]:
    """A new data and config folder for one generated runner (hypothesis reuses the test's)."""
    saved = {k: os.environ.get(k) for k in ("PREHAB_DATA_DIR", "PREHAB_CONFIG_DIR")}
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PREHAB_DATA_DIR"] = os.path.join(folder, "data")
        os.environ["PREHAB_CONFIG_DIR"] = os.path.join(folder, "config")
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def seed(runner: dict[str, Any]) -> None:
    save_settings(Settings(time_budget_min=runner["budget"], equipment=runner["kit"]))
    with Store.open() as store:
        for back, kind, km in runner["sessions"]:
            distance = 0.0 if kind == "strength" else km
            store.add_session(Session(DAY - timedelta(days=back), kind, distance, 40, 5))
    answers = [f"tight_{r}={level}" for r, level in runner["tight"].items()]
    if runner["pain"] is not None:
        answers += [f"pain_region={runner['pain'][0]}", f"pain_level={runner['pain'][1]}"]
    if answers:
        cli(
            "checkin",
            "--date",
            DAY.isoformat(),
            "--screen",
            "body-map",
            *[a for x in answers for a in ("--set", x)],
        )
    if runner["born"] is not None:
        cli("profile", "--date", DAY.isoformat(), "--set", f"birth_year={runner['born']}")
    if runner["lifted"] is not None:  # recorded work: its load (or seconds) climbs on every surface
        what = ["--hold", "30"] if runner["lifted"] == "plank" else ["--load", "16", "--reps", "10"]
        for back in (5, 3):
            day = (DAY - timedelta(days=back)).isoformat()
            cli("done", "--extra", runner["lifted"], *what, "--rpe", "6", "--date", day)


def cli(*argv: str) -> str:
    from io import StringIO
    from unittest.mock import patch

    out = StringIO()
    with patch("sys.stdout", out):
        code = main(list(argv))
    assert code in (0, 1), (argv, out.getvalue())
    return out.getvalue()


def from_recommend() -> list[Row]:
    data = json.loads(cli("recommend", "--json", "--date", DAY.isoformat()))
    assert all(i["id"] == f"{DAY.isoformat()}#{i['number']}" for i in data["today"])
    return [(i["number"], i["exercise"], i["dose_text"]) for i in data["today"]]


def from_done(marked: set[str]) -> list[Row]:
    """``prehab done`` as of DAY, the day the others show (read through the service, as the
    command does, since ``done`` refuses a day after the real one)."""
    from prehab.present.render import dose_text

    with DayService(today=DAY) as service:
        view, extras = service.open().read()
    assert set(extras.done) == marked
    return [(i.number, i.exercise, dose_text(i.dose)) for i in view.items]


def from_home_assistant() -> list[Row]:
    source = Source.open(clock=lambda: DAY)
    try:
        payloads = source.payloads(Topics())
    finally:
        source.close()
    items = json.loads(payloads[Topics().attributes("today")])["items"]
    state = json.loads(payloads[Topics().state])
    assert state["planned_items"] == len(items)
    return [(i["number"], i["exercise"], i["dose"]) for i in items]


def from_week() -> list[Row]:
    from prehab.present.render import dose_text

    with DayService(today=DAY) as service:
        [first, *_] = service.open().week()
    return [(i.number, i.exercise, dose_text(i.dose)) for i in first.items]


def from_app(mark: int | None = None) -> tuple[list[Row], set[str]]:
    """Today in the app (Pilot): its numbered rows; with ``mark``, that item is ticked first."""

    async def scenario() -> tuple[list[Row], set[str]]:
        state = AppState(today_fixed=DAY)
        state.open()
        app = PrehabApp(state, watch=False, onboarding=False)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                screen = app.screen
                assert isinstance(screen, TodayScreen)
                if mark is not None:
                    listing = screen.query_one("#today-list")
                    key = next(k for k, e in screen.entries.items() if e.item and e.item.number == mark)
                    listing.highlighted = listing.get_option_index(key)  # type: ignore[attr-defined]
                    await pilot.press("space")
                    await pilot.pause()
                rows = [
                    (e.item.number, e.item.exercise, _dose(e.item.dose))
                    for k, e in screen.entries.items() if k.startswith("ex-") and e.item is not None
                ]  # fmt: skip
                prompts = {k: str(screen.query_one("#today-list").get_option(k).prompt)  # type: ignore[attr-defined]
                           for k in screen.entries if k.startswith("ex-")}  # fmt: skip
                done = {k.removeprefix("ex-") for k, p in prompts.items() if "[x]" in p}
                return rows, done
        finally:
            state.close()

    return asyncio.run(scenario())


def _dose(dose: dict[str, Any]) -> str:
    from prehab.present.render import dose_text

    return dose_text(dose)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runner=runners(), pick=st.integers(0, 50))
def test_every_surface_shows_the_same_day_before_and_after_a_tick(runner: dict[str, Any], pick: int) -> None:
    with fresh_dirs():
        seed(runner)
        app, app_done = from_app()
        surfaces = {
            "recommend": from_recommend(),
            "done": from_done(set()),
            "home assistant": from_home_assistant(),
            "week": from_week(),
        }
        assert app_done == set()
        for name, rows in surfaces.items():
            assert sorted(rows) == sorted(app), f"{name} differs from the app"
        if not app:
            return
        number, exercise, _ = sorted(app)[pick % len(app)]
        after, marked = from_app(mark=number)  # a tick in the app ...
        assert marked == {exercise} and sorted(after) == sorted(app)
        assert from_done({exercise}) == surfaces["done"]  # ... leaves every other item as it was
        assert from_recommend() == surfaces["recommend"]
        assert from_home_assistant() == surfaces["home assistant"]
        out = cli("done", "--date", DAY.isoformat()) if date.today() >= DAY else ""
        if out:
            assert re.search(rf"^\s*{number} \[x\]", out, re.M)


def test_done_numbers_mean_the_same_item_all_day(capsys: pytest.CaptureFixture[str]) -> None:
    """``prehab done 1`` twice marks one item, and every number still names the same item."""
    today = date.today()
    with Store.open() as store:
        for back in (1, 3, 5, 8, 10):
            store.add_session(Session(today - timedelta(days=back), "easy", 8.0, 45, 4))
    assert main(["done"]) == 0
    listing = capsys.readouterr().out
    numbers = re.findall(r"^\s*(\d+) \[ \] (.+?)  ", listing, re.M)
    assert len(numbers) >= 3
    assert main(["done", "1"]) == 0
    assert main(["done", "1"]) == 0
    out = capsys.readouterr().out
    assert "was done already" in out and out.count("done: ") == 1
    assert main(["done"]) == 0
    again = re.findall(r"^\s*(\d+) \[[ x]\] (.+?)  ", capsys.readouterr().out, re.M)
    assert again == numbers  # nothing renumbered, removed or replaced
    assert main(["done", "--all"]) == 0
    capsys.readouterr()
    assert main(["recommend", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["today"] and all(i["done"] for i in data["today"])  # one tick does not empty the day
