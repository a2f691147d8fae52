"""Integration follow-ups, driven by Pilot: the Response tab only when due, undo of a deleted
session, Home Assistant's done button recording done work as the app does, and Today at 80x24
with referrals and holds starting at the top."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.conftest import RULES as SHIPPED_RULES
from tests.tui_support import TODAY, app_fixtures, calf_tight, run, seed_easy_week
from textual.widgets import DataTable, OptionList, TabbedContent, TabPane
from textual.widgets._footer import FooterKey

from prehab.integrations.ha.source import Source
from prehab.store import Store
from prehab.tui.app import PrehabApp
from prehab.tui.screens.checkin import NOT_DUE, CheckinScreen
from prehab.tui.screens.modals import ConfirmScreen
from prehab.tui.screens.sessions import SessionsScreen
from prehab.tui.screens.today import TodayScreen

YESTERDAY = TODAY - timedelta(days=1)

RULES = calf_tight()

pack, make_app = app_fixtures(RULES)


def tab_ids(screen: CheckinScreen) -> list[str]:
    tabs = screen.query_one("#checkin-tabs", TabbedContent)
    return [pane.id for pane in tabs.query(TabPane) if pane.id]


def active_tab(screen: CheckinScreen) -> str:
    return str(screen.query_one("#checkin-tabs", TabbedContent).active)


async def open_checkin(app: PrehabApp, pilot: Any) -> CheckinScreen:
    await pilot.press("3")
    await pilot.pause()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CheckinScreen)
    return screen


async def cycle(screen: CheckinScreen, pilot: Any) -> list[str]:
    """The tabs ] passes through, from the one shown, until it is back there."""
    start, seen = active_tab(screen), []
    for _ in range(20):
        await pilot.press("right_square_bracket")
        await pilot.pause()
        seen.append(active_tab(screen))
        if seen[-1] == start:
            return seen
    raise AssertionError(f"] never came back to {start}: {seen}")


# -- 1. the Response tab only when due ----------------------------------------------------------


def test_no_response_tab_without_work_to_ask_about(make_app: Callable[[], PrehabApp]) -> None:
    seed_easy_week([{"fact": "tightness", "region": "calves", "level": 6}])

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(app, pilot)
            shown = tab_ids(screen)
            assert "tab-response" not in shown and "tab-body-map" in shown
            passed = await cycle(screen, pilot)
            assert "tab-response" not in passed and sorted(passed) == sorted(shown)  # ] skips it
            await pilot.press("escape")  # the palette's "Check in: Response": not due, says so
            app.open_checkin("response")
            await pilot.pause()
            await pilot.pause()
            assert "tab-response" not in tab_ids(screen) and active_tab(screen) in shown
            assert NOT_DUE in [str(n.message) for n in app._notifications]

    run(scenario())


def test_the_response_tab_asks_about_the_loaded_and_complained_regions_only(
    make_app: Callable[[], PrehabApp],
) -> None:
    seed_easy_week(
        [
            {"fact": "tightness", "region": "calves", "level": 6},
            {"fact": "soreness", "region": "hamstrings", "level": 3},
        ]
    )
    with Store.open() as store:  # yesterday's strength work, as Today marks it
        store.mark_done(
            YESTERDAY, "calf-raise", ["calf-tight"], kind="strength", dose={"sets": 3}, loads=["calves"]
        )
        store.mark_done(YESTERDAY, "side-plank", [], kind="strength", dose={"sets": 3})  # catalogue: core

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(app, pilot)
            assert "tab-response" in tab_ids(screen)
            form = next(f for f in screen.forms() if f.questionnaire.id == "response")
            asked = [q.id for q in form.questionnaire.questions]
            assert asked == [
                "effort_rpe",
                "during_core", "morning_core",
                "during_hamstrings", "morning_hamstrings",
                "during_calves", "morning_calves",
            ]  # fmt: skip
            assert form.questionnaire.intro.startswith("Wed 25 Nov: prehab work.")
            assert screen.query("#q-response-morning_calves")
            assert not screen.query("#q-response-morning_knees")
            assert "tab-response" in await cycle(screen, pilot)  # ] reaches it
            screen.show_tab("response")
            await pilot.pause()
            assert active_tab(screen) == "tab-response"
            assert NOT_DUE not in [str(n.message) for n in app._notifications]

    run(scenario())


# -- 2. a deleted session comes back with u -----------------------------------------------------


def test_u_restores_the_last_deleted_session(make_app: Callable[[], PrehabApp]) -> None:
    seed_easy_week([])

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SessionsScreen)
            assert "u" in footer_keys(app)
            table = screen.query_one("#sessions-table", DataTable)
            assert table.row_count == 3
            table.move_cursor(row=1)
            gone = screen.selected()
            assert gone is not None and gone.id is not None
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await pilot.pause()
            assert app.screen is screen and table.row_count == 2 and str(gone.id) not in screen.rows
            assert any("u restores" in str(n.message) for n in app._notifications)
            assert app.state.store is not None and app.state.store.get_session(gone.id) is None
            await pilot.press("u")
            await pilot.pause()
            assert table.row_count == 3 and str(gone.id) in screen.rows
            assert app.state.store.get_session(gone.id) is not None
            assert screen.selected() == app.state.store.get_session(gone.id)  # the cursor on it
            assert any(str(n.message).startswith("Restored") for n in app._notifications)
            await pilot.press("u")  # nothing more to restore: says so, changes nothing
            await pilot.pause()
            assert table.row_count == 3
            assert any("Nothing deleted here" in str(n.message) for n in app._notifications)

    run(scenario())


def footer_keys(app: PrehabApp, width: int = 80) -> dict[str, str]:
    """The footer's keys and what they do, each checked to be whole within ``width`` columns."""
    keys = list(app.screen.query(FooterKey))
    assert keys
    for key in keys:
        assert key.region.width > 0 and key.region.right <= width, f"{key.key} is cut: {key.region}"
    return {key.key: key.description for key in keys}


# -- 3. Home Assistant's done button records done work as the app does ---------------------------


def test_the_home_assistant_button_records_kind_dose_and_regions_and_counts_a_session() -> None:
    seed_easy_week([{"fact": "tightness", "region": "calves", "level": 6}])
    source = Source.open(clock=lambda: TODAY)  # the shipped pack
    try:
        plan, _ = source.advice()
        assert any(p.kind == "strength" for p in plan.items)
        assert source.mark_done(b"PRESS")["ok"] is True
        done = {d.exercise: d for d in source.store.done_items(TODAY)}
        assert set(done) == {p.exercise for p in plan.items}
        for p in plan.items:
            item = done[p.exercise]
            ex = source.book.exercises[p.exercise]
            assert (item.kind, item.dose, item.minutes) == (p.kind, dict(p.dose), p.minutes)
            assert item.plane == ex.plane and tuple(item.loads) == tuple(ex.loads or ex.works)
        stored = source.store.advice(TODAY)
        assert stored is not None and set(stored.exercises) >= set(done)  # the plan marked is logged
        after, extras = source.advice()
        assert after.items == plan.items and extras.done == {p.exercise for p in plan.items}  # no re-plan
        assert source.mark_done(b"PRESS")["done"] == []  # a second press marks nothing more
        tomorrow = source.service.facts(TODAY + timedelta(days=1))
        load = next(f for f in tomorrow if f["fact"] == "load")
        assert load["days_since_strength"] == 1 and load["strength_sessions_7d"] == 1
    finally:
        source.close()


# -- 4. Today at 80x24 starts at the first referral ---------------------------------------------


def referrals_and_holds() -> None:
    """The shipped pack: four referrals and three holds ahead of the exercises."""
    seed_easy_week(
        [
            {"fact": "pain", "region": "knees", "level": 7, "swelling": True, "at_night": True},
            {"fact": "pain", "region": "achilles", "level": 4, "changes_stride": True},
            {"fact": "tightness", "region": "calves", "level": 6},
            {"fact": "tightness", "region": "hamstrings", "level": 6},
        ]
    )


def test_today_at_80x24_with_referrals_starts_at_the_top(app_on_pack: Callable[..., PrehabApp]) -> None:
    referrals_and_holds()

    async def scenario() -> None:
        app = app_on_pack(SHIPPED_RULES)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TodayScreen)
            listing = screen.query_one("#today-list", OptionList)
            ids = [o.id for o in listing.options if o.id]
            assert sum(i.startswith("refer-") for i in ids) >= 3
            assert sum(i.startswith("hold-") for i in ids) >= 2
            assert any(i.startswith("ex-") for i in ids)
            assert listing.highlighted_option is not None and listing.highlighted_option.id == "refer-0"
            assert listing.scroll_y == 0  # the first heading is on screen
            first = str(listing.get_option_at_index(0).prompt)
            assert first.startswith("SEE A PROFESSIONAL")
            keys = footer_keys(app)  # every key of Today whole in 80 columns
            assert {"space", "u", "c", "a", "z", "ctrl+p"} <= set(keys)

    run(scenario())


def test_today_without_referrals_still_starts_at_the_first_exercise(
    make_app: Callable[[], PrehabApp],
) -> None:
    seed_easy_week([{"fact": "tightness", "region": "calves", "level": 6}])

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            listing = app.screen.query_one("#today-list", OptionList)
            assert listing.highlighted_option is not None
            assert listing.highlighted_option.id == "ex-calf-stretch"

    run(scenario())
