"""Every screen at 80x24 (issue 11, item 4): the snapshots test_tui.py and test_tui_settings.py
lack. Each picture was looked at before it was accepted: nothing cut, the footer visible.

The check-in screens are the shipped weekly check-in, body map and screening (copied, so a screen
added to screens/ later does not change these pictures' tab bar).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.tui_support import (
    CALVES_WHY_STRENGTH,
    SWITCHED_OFF,
    TODAY,
    calf_tight,
    hips_tight,
    open_session_form,
)
from textual.widgets import Input, OptionList, Select

from prehab.paths import default_screens_dir, user_rules_dir
from prehab.record import replace
from prehab.store import Session, Settings, Store, save_settings
from prehab.tui.app import PrehabApp
from prehab.tui.state import AppState

SCREENS = ("weekly-checkin", "body-map", "screening", "session")

RULES = calf_tight(CALVES_WHY_STRENGTH, ["calf-stretch"]) + hips_tight() + SWITCHED_OFF


def shipped_screens(tmp_path: Path, ids: tuple[str, ...] = SCREENS) -> Path:
    """A screens folder with only the shipped screens ``ids``."""
    folder = tmp_path / "screens-shipped"
    folder.mkdir(exist_ok=True)
    for path in default_screens_dir().glob("*.toml"):
        if any(f'id = "{sid}"' in path.read_text(encoding="utf-8") for sid in ids):
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def make_app(make_pack: Callable[..., Path], tmp_path: Path) -> Any:
    """The app on a small pack, tight calves checked in today, a few sessions logged."""
    pack = make_pack(RULES)
    save_settings(Settings(equipment=["step"], key_run_days=["sunday"], time_budget_min=30))
    with Store.open() as store:
        store.add_checkin(
            {"body-map": {"tight_calves": 6}},
            [{"fact": "tightness", "region": "calves", "level": 6}],
            datetime(2026, 11, 26, 8),
        )
        store.add_session(Session(date(2026, 11, 24), "easy", 8.0, duration_min=45, rpe=4))
    made: list[PrehabApp] = []

    def make() -> PrehabApp:
        state = AppState(
            rule_layers=[pack, user_rules_dir()], screen_dirs=[shipped_screens(tmp_path)], today_fixed=TODAY
        )
        state.open()
        book = state.book
        assert book is not None
        for rule in list(book.rules.values()):  # the tmp path differs on every run: show a fixed one
            book.rules[rule.id] = replace(rule, file=f"pack/{Path(rule.file).name}")
        for ex in list(book.exercises.values()):
            book.exercises[ex.id] = replace(ex, file=f"pack/{Path(ex.file).name}")
        app = PrehabApp(state, watch=False, onboarding=False)
        made.append(app)
        return app

    yield make
    for app in made:
        app.state.close()


async def still(pilot: Any) -> None:
    """No blinking cursor, no toasts: the same picture every run."""
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_snapshot_rules_with_why_not(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    """The * legend under the list, why-not at the top of its panel, every key in the footer."""

    async def why_not(pilot: Any) -> None:
        await pilot.press("6")
        await pilot.pause()
        listing = pilot.app.screen.query_one("#rules-list", OptionList)
        listing.highlighted = listing.get_option_index("rule:hip-rotators-tight")
        await pilot.press("w")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=why_not)


def test_snapshot_rules_exercises(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    async def exercises(pilot: Any) -> None:
        await pilot.press("6", "v")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=exercises)


def test_snapshot_checkin_weekly_with_an_open_choice(
    snap_compare: Any, make_app: Callable[[], PrehabApp]
) -> None:
    """The last question's choice list, opened at the bottom of the form, stops above the
    footer (whose keys say how to close it); a changed tab has its *."""

    async def open_choice(pilot: Any) -> None:
        await pilot.press("3")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#q-weekly-checkin-weekly_km", Input).value = "52"
        screen.query_one("#q-weekly-checkin-injury", Select).value = "achilles"
        choice = screen.query_one("#q-weekly-checkin-injury_status", Select)
        choice.focus()
        screen.query_one("#form-weekly-checkin").scroll_end(animate=False)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_choice)


def test_snapshot_checkin_screening(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    async def screening(pilot: Any) -> None:
        await pilot.press("3")
        await pilot.pause()
        pilot.app.screen.show_tab("screening")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=screening)


def test_snapshot_session_form(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    async def add(pilot: Any) -> None:
        await open_session_form(pilot, duration="2:5:0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=add)


def test_snapshot_help(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    async def help_for_rules(pilot: Any) -> None:
        await pilot.press("6", "f1")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=help_for_rules)


def test_snapshot_quit_with_unsaved_answers(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    async def unsaved(pilot: Any) -> None:
        await pilot.press("3")
        await pilot.pause()
        pilot.app.screen.show_tab("body-map")
        await pilot.pause()
        pilot.app.screen.query_one("#q-body-map-tight_shins", Input).value = "4"
        await pilot.press("escape", "q")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=unsaved)


def test_snapshot_settings_with_an_open_choice(snap_compare: Any, make_app: Callable[[], PrehabApp]) -> None:
    async def open_choice(pilot: Any) -> None:
        await pilot.press("7")
        await pilot.pause()
        choice = pilot.app.screen.query_one("#set-mqtt_tls", Select)
        choice.focus()
        pilot.app.screen.query_one("#settings-form").scroll_to_widget(choice, animate=False)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.screen.query_one("#settings-note").update("~/.config/prehab/settings.toml")
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_choice)
