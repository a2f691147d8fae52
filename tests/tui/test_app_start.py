"""The app's start: today drawn from the day memo when nothing it depends on changed, the rules
and screens read after it is on screen; a change since means the whole read, as before."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.cli_support import Cli
from tests.tui_support import until
from textual.screen import Screen
from textual.widgets import OptionList, Static

from prehab.day.service import DayService
from prehab.paths import cache_dir
from prehab.tui.app import PrehabApp
from prehab.tui.screens.base import breakpoint_classes
from prehab.tui.state import AppState


class Watched(PrehabApp):
    """The app, noting what the service had read when Today was first drawn, and Today then."""

    def __init__(self, onboarding: bool = False) -> None:
        super().__init__(watch=False, onboarding=onboarding)
        self.at_first: dict[str, Any] = {}

    def _loaded(self, state: AppState) -> None:
        super()._loaded(state)  # Today is drawn in here
        if not self.at_first:
            self.at_first = {"rules read": state.rules_read, "lines": today_lines(self), "why": why(self)}


def today_lines(app: PrehabApp) -> list[str]:
    listing = app.screen.query_one("#today-list", OptionList)
    return [str(o.prompt) for o in listing.options]


def why(app: PrehabApp) -> str:
    return str(app.screen.query_one("#today-why", Static).render())


def start() -> dict[str, Any]:
    """Start the app as a runner does (the load in a thread), wait until the rules are in and
    return what Today showed first and after."""

    async def scenario() -> dict[str, Any]:
        app = Watched()
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()  # the load: today is drawn when it ends
            assert app.ready
            assert await until(
                pilot, lambda: app.state.rules_read or any(w.name == "rules" for w in app.workers)
            )
            await app.workers.wait_for_complete()  # the rules, read after the first frame
            await pilot.pause()
            assert app.state.rules_read
            seen = {**app.at_first, "lines after": today_lines(app), "why after": why(app)}
            app.state.close()
            return seen

    return asyncio.run(scenario())


def _a_day_with_work(cli: Cli) -> None:
    assert cli("log", "--kind", "long", "--distance", "18", "--rpe", "7")[0] == 0
    assert cli("checkin", "--screen", "body-map", "--set", "tight_calves=6")[0] == 0


def test_a_second_start_draws_today_from_the_memo_and_reads_the_rules_after(cli: Cli) -> None:
    _a_day_with_work(cli)
    first = start()
    assert first["rules read"], "no memo yet: the first start reads everything before drawing"
    assert "how:" in first["why"]

    again = start()
    assert not again["rules read"], "an unchanged day is drawn before the rules are read"
    assert again["lines"] == first["lines"] and any("Calf" in line for line in again["lines"])
    assert "how:" not in again["why"]  # an exercise's cues come with the rules, a moment later
    assert again["lines after"] == first["lines after"] == first["lines"]
    assert again["why after"] == first["why"]


def test_a_change_since_the_memo_reads_everything_first(cli: Cli) -> None:
    assert cli("log", "--kind", "easy", "--distance", "6", "--rpe", "3")[0] == 0
    before = start()
    assert not any("Calf" in line for line in before["lines"])
    assert cli("checkin", "--screen", "body-map", "--set", "tight_calves=6")[0] == 0
    after = start()
    assert after["rules read"]
    assert any("Calf" in line for line in after["lines"])


def test_read_rules_changes_nothing_until_taken(cli: Cli) -> None:
    _a_day_with_work(cli)
    assert cli("recommend")[0] == 0  # keeps the day memo
    with DayService().open(lazy=True) as service:
        assert not service.rules_read
        version, view = service.version, service.view()
        read = service.read_rules()
        assert not service.rules_read and service.version == version and service.book_read is None
        assert read.result().ok
        assert service.take_rules(read)
        assert service.rules_read and service.version > version
        assert service.book_read is read.book and service.book is read.book
        assert service.view().items == view.items


def test_a_read_taken_after_a_newer_one_is_dropped(cli: Cli) -> None:
    _a_day_with_work(cli)
    assert cli("recommend")[0] == 0
    with DayService().open(lazy=True) as service:
        stale = service.read_rules()
        in_force = service.book  # something needed the rules first: read them itself
        assert in_force is not None and in_force is not stale.book
        version = service.version
        assert not service.take_rules(stale)
        assert service.book is in_force and service.version == version


def test_a_tick_in_the_app_is_what_the_commands_print_from_the_memo(cli: Cli) -> None:
    """The app keeps the day memo after its own writes: ``done`` and ``recommend --json``
    answer from it, and say what reading the day afresh says."""
    _a_day_with_work(cli)
    start()  # no memo yet: the app reads everything and keeps the day

    async def tick() -> str:
        app = Watched()
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            assert not app.at_first["rules read"]
            listing = app.screen.query_one("#today-list", OptionList)
            picked = listing.highlighted_option
            assert picked is not None and picked.id is not None and picked.id.startswith("ex-")
            await pilot.press("space")
            assert await until(pilot, lambda: "[x]" in str(listing.get_option(picked.id or "").prompt))
            app.state.close()
            return picked.id.removeprefix("ex-")

    ticked = asyncio.run(tick())
    with DayService().open(lazy=True) as service:
        assert not service.rules_read, "the app kept the day after its tick"
    code, listed, _ = cli("done")
    assert code == 0 and "[x]" in listed
    code, printed, _ = cli("recommend", "--json")
    day = json.loads(printed)
    assert {i["exercise"] for i in day["today"] + day["if_time"] if i["done"]} == {ticked}
    for kept in (cache_dir() / "day").glob("*.json"):
        kept.unlink()
    assert cli("recommend", "--json")[1] == printed  # the memo says what a fresh read says
    assert cli("done")[1] == listed


def test_quitting_while_the_rules_are_read_is_a_clean_exit(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules' read is held until the app has unmounted: its hand-back then finds no app."""
    _a_day_with_work(cli)
    start()  # keeps the memo: the next start reads the rules in the background
    unmounted = threading.Event()
    real = DayService.read_rules

    def held(self: DayService) -> Any:
        assert unmounted.wait(30), "the app never unmounted"
        return real(self)

    monkeypatch.setattr(DayService, "read_rules", held)

    class QuitsAtOnce(Watched):
        def _loaded(self, state: AppState) -> None:
            super()._loaded(state)
            self.call_after_refresh(self.call_after_refresh, self.exit)

        def on_unmount(self) -> None:
            super().on_unmount()
            unmounted.set()

    app = QuitsAtOnce()
    app.run(headless=True, size=(80, 24))
    assert app.return_code == 0 and unmounted.is_set()
    assert not app.at_first["rules read"]


def test_a_runner_without_a_profile_is_asked_once_the_rules_are_in(cli: Cli) -> None:
    """The profile form is a screen: asked for after the rules are read in the background, not
    by reading them before Today is drawn."""
    from prehab.tui.screens.profile import ProfileScreen

    _a_day_with_work(cli)
    start()

    async def scenario() -> None:
        app = Watched(onboarding=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            assert not app.at_first["rules read"] and app.at_first["lines"]
            assert await until(pilot, lambda: isinstance(app.screen, ProfileScreen))
            await pilot.press("escape")
            assert await until(pilot, lambda: not isinstance(app.screen, ProfileScreen))
            app.state.close()

    asyncio.run(scenario())


@pytest.mark.parametrize(("width", "expected"), [(80, "-narrow"), (120, "-wide")])
def test_a_screen_starts_with_its_breakpoint_class(
    width: int, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Today is made with the class its width calls for, so Textual's first resize changes no
    class (a changed class styles the whole screen again)."""
    changed: list[tuple[str, set[str]]] = []
    update_classes = Screen.update_classes

    def spy(self: Screen[Any], classes: Any, update: bool = True, animate: bool = True) -> Screen[Any]:
        before = set(self.classes)
        result = update_classes(self, classes, update=update, animate=animate)
        if set(self.classes) != before:
            changed.append((type(self).__name__, set(self.classes)))
        return result

    monkeypatch.setattr(Screen, "update_classes", spy)

    async def scenario() -> set[str]:
        app = PrehabApp(watch=False, onboarding=False)
        async with app.run_test(size=(width, 24)):
            await app.workers.wait_for_complete()
            assert app.ready
            classes = set(app.screen.classes)
            app.state.close()
            return classes

    assert expected in asyncio.run(scenario())
    assert changed == []


@given(st.integers(0, 300), st.integers(0, 100))
def test_breakpoint_classes_are_textuals(width: int, height: int) -> None:
    horizontal = [*PrehabApp.HORIZONTAL_BREAKPOINTS, (200, "-huge")]
    vertical = [(0, "-short"), (30, "-tall")]
    textual = Screen()._get_breakpoint_classes(width, horizontal)
    textual |= Screen()._get_breakpoint_classes(height, vertical)
    assert set(breakpoint_classes(width, height, horizontal, vertical)) == textual
    assert breakpoint_classes(width, height, None, []) == []


def test_a_history_that_cannot_be_opened_stops_the_app_with_a_message(
    cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    """The load's error, raised in its worker thread, reaches the app: a message and exit code 2."""
    from prehab.paths import database_file

    database_file().parent.mkdir(parents=True, exist_ok=True)
    database_file().write_bytes(b"not a database, " * 64)
    app = PrehabApp(watch=False, onboarding=False)
    app.run(headless=True, size=(80, 24))
    assert app.return_code == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "prehab could not start" in said and "is not a usable prehab database" in said
