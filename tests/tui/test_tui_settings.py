"""The Settings screen (key 7), driven by Pilot: change, save, re-plan; refuse and write nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.tui_support import run, toasts
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from prehab.paths import settings_file
from prehab.store import Settings, Store, load_settings, save_settings
from prehab.tui.app import PrehabApp
from prehab.tui.screens.modals import HelpScreen
from prehab.tui.screens.settings import SettingsScreen
from prehab.tui.screens.today import TodayScreen

RULES = """
[[rule]]
id = "calf-tight"
title = "Tight calves: stretch, strengthen, steady"
priority = 400
when = [ { fact = "tightness", region = "calves", level = { at_least = 4 } } ]
why = "The calves take the most impact in running."
source = "Test source: calves"
[rule.then]
prescribe = [ { exercise = "calf-stretch" }, { exercise = "calf-raise" }, { exercise = "side-plank" } ]
[[rule.example]]
given = [ { fact = "tightness", region = "calves", level = 6 } ]
expect.prescribe = ["calf-stretch", "calf-raise", "side-plank"]
"""


@pytest.fixture
def make_app(
    make_pack: Callable[..., Path], app_on_pack: Callable[..., PrehabApp]
) -> Callable[[], PrehabApp]:
    """The app on a small pack, with tight calves checked in today: 12 minutes of work."""
    pack = make_pack(RULES)
    with Store.open() as store:
        store.add_checkin(
            {}, [{"fact": "tightness", "region": "calves", "level": 6}], datetime(2026, 11, 26, 8)
        )
    return lambda: app_on_pack(pack)


def field(app: PrehabApp, key: str) -> Any:
    return app.screen.query_one(f"#set-{key}")


def error_text(app: PrehabApp, key: str) -> str:
    box = app.screen.query_one(f"#err-set-{key}", Static)
    return str(box.render()) if box.has_class("shown") else ""


async def type_into(pilot: Any, widget: Input, text: str) -> None:
    widget.focus()
    await pilot.press("ctrl+u", *text)


def test_change_the_time_budget_save_and_today_is_replanned(make_app: Callable[[], PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            planned = [p.exercise for p in app.state.view().items]
            assert planned == ["calf-stretch", "calf-raise", "side-plank"]
            assert not app.state.view().extra
            await pilot.press("7")
            await pilot.pause()
            assert isinstance(app.screen, SettingsScreen)
            budget = field(app, "time_budget_min")
            assert isinstance(budget, Input) and budget.value == "30"
            await type_into(pilot, budget, "8")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "Settings saved" in [n.title for n in app._notifications]
            assert "time budget: 8" in toasts(app) and "Today re-planned" in toasts(app)
            assert app.state.settings.time_budget_min == 8
            assert app.state.view().minutes <= 8 and app.state.view().extra
            await pilot.press("escape", "1")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            ids = [o.id for o in app.screen.query_one("#today-list", OptionList).options if o.id]
            assert any(i.startswith("extra-") for i in ids)  # "If you have more time"

    run(scenario())
    assert "time_budget_min = 8" in settings_file().read_text(encoding="utf-8")
    assert load_settings() == (Settings(time_budget_min=8), [])


def test_invalid_values_show_messages_and_nothing_is_written(make_app: Callable[[], PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            budget = field(app, "time_budget_min")
            await type_into(pilot, budget, "abc")
            await type_into(pilot, field(app, "goal_race_date"), "2027-13-01")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SettingsScreen)
            assert "'abc' is not a time budget (give whole minutes from 1 to 600" in error_text(
                app, "time_budget_min"
            )
            assert "'2027-13-01' is not a date" in error_text(app, "goal_race_date")
            assert error_text(app, "units") == ""
            assert app.focused is budget  # the first field to fix
            assert "2 setting(s) to fix; nothing was saved." in toasts(app)
            assert app.state.settings == Settings()
            # Fixing a field clears its message as it is typed.
            await type_into(pilot, budget, "20")
            await pilot.pause()
            assert error_text(app, "time_budget_min") == ""

    run(scenario())
    assert not settings_file().exists()


def test_choices_weekdays_and_lists(make_app: Callable[[], PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            field(app, "units").value = "mi"
            field(app, "home_only").value = "true"
            field(app, "experience").value = "beginner"
            await type_into(pilot, field(app, "equipment"), "Band, step")
            await type_into(pilot, field(app, "goal_race_date"), "2027-04-12")
            await type_into(pilot, field(app, "strength_weeks"), "3")
            for day in ("sunday", "wednesday"):
                box = app.screen.query_one(f"#day-{day}", Checkbox)
                box.focus()
                await pilot.press("space")
            await pilot.press("ctrl+s")
            await pilot.pause()

    run(scenario())
    assert load_settings() == (
        Settings(
            units="mi",
            time_budget_min=30,
            equipment=["band", "step"],
            experience="beginner",
            goal_race_date=date(2027, 4, 12),
            home_only=True,
            key_run_days=["wednesday", "sunday"],
            strength_weeks=3,
        ),
        [],
    )


def test_the_form_shows_the_saved_settings_and_reverts(make_app: Callable[[], PrehabApp]) -> None:
    save_settings(Settings(units="mi", equipment=["band"], key_run_days=["tuesday"], time_budget_min=20))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            assert field(app, "units").value == "mi"
            assert field(app, "equipment").value == "band"
            assert field(app, "goal_race_date").value == ""
            assert app.screen.query_one("#day-tuesday", Checkbox).value is True
            assert app.screen.query_one("#day-sunday", Checkbox).value is False
            await type_into(pilot, field(app, "time_budget_min"), "45")
            await pilot.press("ctrl+l")
            await pilot.pause()
            assert field(app, "time_budget_min").value == "20"

    run(scenario())


def test_a_settings_file_with_problems_is_not_overwritten(make_app: Callable[[], PrehabApp]) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('units = "mi"\ncolour = "red"\n', encoding="utf-8")

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            problems = app.screen.query_one("#settings-problems", Static)
            assert problems.has_class("shown") and "colour: unknown setting" in str(problems.render())
            await type_into(pilot, field(app, "time_budget_min"), "25")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "Nothing was saved" in toasts(app)

    run(scenario())
    assert path.read_text(encoding="utf-8") == 'units = "mi"\ncolour = "red"\n'


def test_help_palette_and_nav_bar(make_app: Callable[[], PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            assert "7 Settings" in str(app.screen.query_one(".navbar", Static).render())
            from prehab.tui.commands import PrehabCommands

            names = [name for name, _, _ in PrehabCommands(app.screen).commands()]
            assert "Go to Settings" in names
            await pilot.press("7")
            await pilot.pause()
            names = [name for name, _, _ in PrehabCommands(app.screen).commands()]
            assert "Settings: Save" in names
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "## Settings" in app.screen.screen_help and "nothing" in app.screen.screen_help

    run(scenario())


def test_snapshot_settings(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    save_settings(
        Settings(units="km", equipment=["band", "step"], key_run_days=["sunday"], time_budget_min=25)
    )

    async def invalid(pilot: Any) -> None:
        await pilot.press("7")
        await pilot.pause()
        widget = pilot.app.screen.query_one("#set-strength_weeks", Input)
        widget.value = "many"
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.clear_notifications()
        note = pilot.app.screen.query_one("#settings-note", Static)
        assert str(settings_file()) in str(note.render())
        note.update("~/.config/prehab/settings.toml")  # the test's tmp path differs on every run
        for each in pilot.app.screen.query(Input):
            each.cursor_blink = False  # a blinking cursor would make the picture flaky
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=invalid)


def test_select_fields_never_blank(make_app: Callable[[], PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            for key in ("units", "experience", "home_only"):
                widget = field(app, key)
                assert isinstance(widget, Select) and widget.value is not Select.NULL

    run(scenario())
