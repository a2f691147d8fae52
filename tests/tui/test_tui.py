"""The Textual app, driven by Pilot as a person would: keys in, screen and store out.

Each test gets its own config and data dirs (conftest) and a small rule pack of its own,
so a change to the shipped pack never breaks these tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RULES as SHIPPED_RULES
from tests.tui_support import (
    CALVES_6,
    CALVES_WHY_STRENGTH,
    TODAY,
    app_fixtures,
    calf_tight,
    hips_tight,
    open_checkin,
    open_session_form,
    option_ids,
    run,
    seed_history,
)
from textual.widgets import DataTable, Input, OptionList, Select, Static

from prehab.paths import user_rules_dir, user_screens_dir
from prehab.store import Session, Settings, Store
from prehab.tui.app import PrehabApp
from prehab.tui.screens.checkin import CheckinScreen
from prehab.tui.screens.modals import ConfirmScreen, HelpScreen
from prehab.tui.screens.sessions import SessionForm, SessionsScreen
from prehab.tui.screens.today import TodayScreen
from prehab.tui.state import AppState

RULES = (
    calf_tight(CALVES_WHY_STRENGTH, ["calf-stretch"], flag="calf-work")
    + """
[[rule]]
id = "calf-work-core"
title = "Calf work: add side planks for the frontal plane"
priority = 300
when = [ { fact = "flag", name = "calf-work" } ]
why = "Frontal-plane core work steadies the stride that loads the calves."
source = "Test source: chain"
[rule.then]
prescribe = [ { exercise = "side-plank" } ]
[[rule.example]]
given = [ { fact = "tightness", region = "calves", level = 6 } ]
expect.prescribe = ["side-plank"]
"""
    + hips_tight()
    + """
[[rule]]
id = "pain-swelling"
title = "Swelling: see a professional"
priority = 1000
when = [ { fact = "pain", swelling = true } ]
why = "Swelling with pain needs a diagnosis before more load."
source = "Test source: red flags"
tags = ["red-flag"]
[rule.then]
refer = "Swollen and painful: see a physiotherapist before loading it."
suppress = { region = { from = "pain.region" } }
[[rule.example]]
given = [ { fact = "pain", region = "calves", level = 3, swelling = true } ]
expect.refer = true

[[rule]]
id = "weekly-distance-note"
title = "Weekly distance context"
priority = 100
when = [ { fact = "load", weekly_km = { above = 0 } } ]
why = "A reminder that the 10 % rule is a rough guide only."
source = "Test source: load"
[rule.then]
note = "Weekly distance is context: big jumps (over 30 %) matter more than the 10 % rule."
[[rule.example]]
given = [ { fact = "load", weekly_km = 20 } ]
expect.fires = ["weekly-distance-note"]
"""
)

pack, make_app = app_fixtures(RULES)


def why_text(app: PrehabApp) -> str:
    return str(app.screen.query_one("#today-why", Static).render())


# -- behaviour -------------------------------------------------------------------------------


def test_checkin_answer_makes_a_new_prescription_with_its_why(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, TodayScreen)
            assert "ex-calf-stretch" not in option_ids(app)
            screen = await open_checkin(pilot, "body-map")
            screen.query_one("#q-body-map-tight_calves", Input).value = "6"
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            ids = option_ids(app)
            assert "ex-calf-stretch" in ids
            assert "ex-side-plank" in ids  # chained through the calf-work flag
            listing = app.screen.query_one("#today-list", OptionList)
            assert listing.highlighted_option is not None
            assert listing.highlighted_option.id == "ex-calf-stretch"
            why = why_text(app)
            assert "calf-tight" in why
            assert "tightness(" in why and "level=6" in why and "region=calves" in why
            assert "Test source: calves" in why
            # The chained exercise names its chain.
            listing.highlighted = listing.get_option_index("ex-side-plank")
            await pilot.pause()
            assert "calf-work-core <- calf-tight" in why_text(app)
        with Store.open() as store:
            checkin = store.latest_checkin()
            assert checkin is not None
            assert checkin.answers == {"body-map": {"tight_calves": 6}}
            assert {"fact": "tightness", "region": "calves", "level": 6} in checkin.facts

    run(scenario())


def test_invalid_answer_shows_a_message_and_stores_nothing(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "body-map")
            screen.query_one("#q-body-map-tight_calves", Input).value = "6"
            screen.query_one("#q-body-map-tight_shins", Input).value = "12"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, CheckinScreen)
            error = app.screen.query_one("#err-q-body-map-tight_shins", Static)
            assert "out of range" in str(error.render())
            assert "0-10" in str(error.render())
            assert error.has_class("shown")
            assert app.focused is app.screen.query_one("#q-body-map-tight_shins", Input)
            assert "ex-calf-stretch" not in {p.exercise for p in app.state.view().items}
        with Store.open() as store:
            assert store.checkins() == []

    run(scenario())


def test_pain_answer_without_its_region_is_refused(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "body-map")
            screen.query_one("#q-body-map-pain_swelling", Select).value = "yes"
            await pilot.press("ctrl+s")
            await pilot.pause()
            error = app.screen.query_one("#err-q-body-map-pain_swelling", Static)
            assert "first" in str(error.render())
            # Now give the region: a referral comes first on Today.
            app.screen.query_one("#q-body-map-pain_region", Select).value = "calves"
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            assert option_ids(app)[0] == "refer-0"
            assert app.screen.query_one("#today-banner", Static).has_class("shown")

    run(scenario())


def test_answers_from_two_check_in_screens_both_count(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "body-map")
            screen.query_one("#q-body-map-tight_calves", Input).value = "5"
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.press("3")
            await pilot.pause()
            screen.show_tab("body-map")
            await pilot.pause()
            assert screen.query_one("#q-body-map-tight_calves", Input).value == "5"
            screen.query_one("#q-body-map-tight_hip_rotators", Input).value = "6"
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.pause()
            ids = option_ids(app)
            assert "ex-calf-stretch" in ids and "ex-pigeon-pose" in ids

    run(scenario())


def test_mark_done_is_stored(make_app: Callable[..., PrehabApp]) -> None:
    with Store.open() as store:
        store.add_checkin({}, [CALVES_6], datetime(2026, 11, 26, 9))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            listing = app.screen.query_one("#today-list", OptionList)
            listing.highlighted = listing.get_option_index("ex-calf-stretch")
            await pilot.press("space")
            await pilot.pause()
            assert "[x]" in str(listing.get_option("ex-calf-stretch").prompt)

    run(scenario())
    with Store.open() as store:
        assert store.done_on(TODAY) == {"calf-stretch"}


def test_delete_session_asks_first(make_app: Callable[..., PrehabApp]) -> None:
    with Store.open() as store:
        store.add_session(Session(date(2026, 11, 24), "easy", 8.0))
        store.add_session(Session(date(2026, 11, 25), "tempo", 10.0, rpe=7))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)
            table = app.screen.query_one("#sessions-table", DataTable)
            assert table.row_count == 2
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "2026-11-25 tempo" in app.screen.question
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)
            assert table.row_count == 2
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("enter")  # Cancel has the focus: Enter alone is safe
            await pilot.pause()
            assert table.row_count == 2
            await pilot.press("d", "y")
            await pilot.pause()
            assert table.row_count == 1

    run(scenario())
    with Store.open() as store:
        assert [s.kind for s in store.sessions()] == ["easy"]


def test_add_and_edit_a_session_through_the_form(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_session_form(pilot, date="yesterday", distance="12.5")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SessionForm)  # no kind yet
            assert "needs an answer" in str(form.query_one("#err-q-session-type", Static).render())
            form.query_one("#q-session-type", Select).value = "long"
            form.query_one("#q-session-rpe", Input).value = "11"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "out of range" in str(form.query_one("#err-q-session-rpe", Static).render())
            form.query_one("#q-session-rpe", Input).value = "6"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)
            await pilot.press("e")
            await pilot.pause()
            edit = app.screen
            assert isinstance(edit, SessionForm)
            assert edit.query_one("#q-session-distance", Input).value == "12.5"
            edit.query_one("#q-session-distance", Input).value = "13"
            await pilot.press("ctrl+s")
            await pilot.pause()

    run(scenario())
    with Store.open() as store:
        [session] = store.sessions()
        assert (session.date, session.kind, session.distance_km, session.rpe) == (
            date(2026, 11, 25),
            "long",
            13.0,
            6,
        )


def test_sessions_filter(make_app: Callable[..., PrehabApp]) -> None:
    seed_history()

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4", "slash")
            await pilot.press(*"long")
            await pilot.pause()
            table = app.screen.query_one("#sessions-table", DataTable)
            kinds = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
            assert kinds == {"long"}

    run(scenario())


def test_reload_with_a_broken_user_file_keeps_the_last_good_rules(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            good = app.state.book
            assert good is not None
            await pilot.press("6")
            await pilot.pause()
            user_rules_dir().mkdir(parents=True, exist_ok=True)
            bad = user_rules_dir() / "mine.toml"
            bad.write_text(
                '[[rule]]\nid = "mine"\ntitle = "x"\n'
                'when = [ { fact = "tightness", region = "calfs", level = { at_least = 4 } } ]\n',
                encoding="utf-8",
            )
            await pilot.press("r")
            await pilot.pause()
            assert app.state.book is good
            text = str(app.screen.query_one("#rules-problems", Static).render())
            assert "last good rules stay in force" in text
            assert any(str(bad) in str(p) and p.line for p in app.state.problems)
            # Fix it: the reload picks the new rule up.
            bad.write_text(
                RULES.split("[[rule]]")[1].join(["[[rule]]", ""]).replace('"calf-tight"', '"mine"'),
                encoding="utf-8",
            )
            await pilot.press("r")
            await pilot.pause()
            assert app.state.book is not good
            assert app.state.book is not None and "mine" in app.state.book.rules

    run(scenario())


def test_toggle_rule_writes_the_override() -> None:
    """Uses the shipped pack: prehab.rulebook.edits validates overrides against it."""

    async def scenario() -> str:
        app = PrehabApp(AppState(today_fixed=TODAY), watch=False, onboarding=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()  # the app loads in a thread after drawing
            await pilot.pause()
            assert app.ready
            book = app.state.book
            assert book is not None
            plain = next(r.id for r in book.rules.values() if "red-flag" not in r.tags)
            flagged = next((r.id for r in book.rules.values() if "red-flag" in r.tags), None)
            await pilot.press("6")
            await pilot.pause()
            listing = app.screen.query_one("#rules-list", OptionList)
            listing.highlighted = listing.get_option_index(f"rule:{plain}")
            await pilot.press("space")
            await pilot.pause()
            assert app.state.book is not None and not app.state.book.rules[plain].enabled
            if flagged is not None:  # a red-flag rule asks before it is switched off
                listing.highlighted = listing.get_option_index(f"rule:{flagged}")
                await pilot.press("space")
                await pilot.pause()
                assert isinstance(app.screen, ConfirmScreen)
                await pilot.press("n")
                await pilot.pause()
                assert app.state.book.rules[flagged].enabled
        app.state.close()
        return plain

    plain = run(scenario())
    assert f'id = "{plain}"' in (user_rules_dir() / "overrides.toml").read_text(encoding="utf-8")


def test_why_not_explains_each_condition(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("6")
            await pilot.pause()
            listing = app.screen.query_one("#rules-list", OptionList)
            listing.highlighted = listing.get_option_index("rule:calf-tight")
            await pilot.press("w")
            await pilot.pause()
            text = str(app.screen.query_one("#rules-detail", Static).render())
            assert "did NOT fire" in text
            await pilot.press("v")
            await pilot.pause()
            assert any(o.id == "exercise:calf-stretch" for o in listing.options)

    run(scenario())


def test_broken_user_screen_keeps_the_shipped_one(make_app: Callable[..., PrehabApp]) -> None:
    user_screens_dir().mkdir(parents=True)
    (user_screens_dir() / "body.toml").write_text(
        '[screen]\nid = "body-map"\ntitle = "Mine"\n\n[[question]]\nid = "x"\nprompt = "X"\n'
        'kind = "scale"\nsets = { fact = "tightnes", region = "calves", field = "level" }\n',
        encoding="utf-8",
    )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)):
            assert app.state.screens.screens["body-map"].title == "Body map"
            problem = next(p for p in app.state.problems if "body.toml" in p.file)
            assert problem.line == 9 and "tightness" in problem.fix

    run(scenario())


def test_help_palette_and_screens(make_app: Callable[..., PrehabApp]) -> None:
    seed_history()

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "Today" in app.screen.screen_help
            await pilot.press("escape", "2")
            await pilot.pause()
            assert app.screen.query_one("#week-table", DataTable).row_count == 7
            await pilot.press("5")
            await pilot.pause()
            from textual_plotext import PlotextPlot

            from prehab.tui.screens.trends import TrendsScreen

            assert isinstance(app.screen, TrendsScreen) and app.screen.series is not None
            assert any(app.screen.series.distance_km)  # the distance plot is drawn, not the empty note
            assert not app.screen.query_one("#trends-load", PlotextPlot).has_class("hidden")
            metrics = app.screen.query_one("#trends-metrics", Static).render()
            assert metrics is not None
            from prehab.tui.commands import PrehabCommands

            provider = PrehabCommands(app.screen)
            names = [name for name, _, _ in provider.commands()]
            for wanted in ("Go to Today", "Go to Rules", "Check in: Body map", "Add a session", "Quit"):
                assert wanted in names
            await pilot.press("6")
            await pilot.pause()
            names = [name for name, _, _ in PrehabCommands(app.screen).commands()]
            assert "Rules: Reload" in names and "Rules: Why not" in names

    run(scenario())


def test_palette_runs_a_command(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"body map")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert isinstance(app.screen, CheckinScreen)
            tabs = app.screen.query_one("#checkin-tabs")
            assert getattr(tabs, "active", "") == "tab-body-map"

    run(scenario())


def test_week_keeps_heavy_jumping_and_calf_work_off_the_day_before_a_key_run(
    app_on_pack: Callable[..., PrehabApp],
) -> None:
    """The week comes from the same rules as Today (the shipped pack's key-run rule), day by day."""
    seed_history(Settings(equipment=["step", "dumbbell"], key_run_days=["sunday"], time_budget_min=30))
    with Store.open() as store:
        store.add_checkin({}, [CALVES_6], datetime(2026, 11, 26, 9))

    async def scenario() -> None:
        app = app_on_pack(SHIPPED_RULES)
        async with app.run_test(size=(80, 24)):
            week = app.state.week()
            assert [p.exercise for p in week[0].items] == [p.exercise for p in app.state.view().items]
            saturday = next(d for d in week if d.weekday == "saturday")
            book = app.state.book
            assert saturday.before_key_run and book is not None
            for p in saturday.strength:
                ex = book.exercises[p.exercise]
                assert p.kind != "plyometric" and p.dose.get("load") != "heavy", p.exercise
                assert not {"calves", "achilles"} & set(ex.works), f"calf strength on {p.exercise}"
            assert sum(1 for d in week if d.strength) >= 2

    run(scenario())


# -- snapshots (80x24 and wide) ----------------------------------------------------------------


def _snapshot_data() -> None:
    seed_history()
    with Store.open() as store:
        facts = [
            {"fact": "tightness", "region": "calves", "level": 6},
            {"fact": "tightness", "region": "hip_rotators", "level": 5},
        ]
        answers = {"body-map": {"tight_calves": 6, "tight_hip_rotators": 5}}
        store.add_checkin(answers, facts, datetime(2026, 11, 26, 8))


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_snapshot_today(snap_compare: Any, make_app: Callable[..., PrehabApp], size: tuple[int, int]) -> None:
    _snapshot_data()
    assert snap_compare(make_app(), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_snapshot_week(snap_compare: Any, make_app: Callable[..., PrehabApp], size: tuple[int, int]) -> None:
    _snapshot_data()
    assert snap_compare(make_app(), press=["2"], terminal_size=size)


def test_snapshot_checkin_body_map(
    snap_compare: Any, make_app: Callable[..., PrehabApp], tmp_path: Path
) -> None:
    from tests.tui.test_tui_screens import shipped_screens

    _snapshot_data()
    app = make_app()
    app.state.screen_dirs = [shipped_screens(tmp_path)]  # the tab bar whatever screens are added
    app.state.reload()

    async def body_map(pilot: Any) -> None:
        await pilot.press("3")
        await pilot.pause()
        pilot.app.screen.show_tab("body-map")
        await pilot.pause()
        pilot.app.screen.query_one("#q-body-map-tight_shins", Input).value = "12"
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.clear_notifications()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture flaky
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=body_map)


def test_snapshot_sessions(snap_compare: Any, make_app: Callable[..., PrehabApp]) -> None:
    _snapshot_data()
    assert snap_compare(make_app(), press=["4"], terminal_size=(80, 24))


def test_snapshot_trends(snap_compare: Any, make_app: Callable[..., PrehabApp]) -> None:
    _snapshot_data()
    assert snap_compare(make_app(), press=["5"], terminal_size=(80, 24))


def test_escape_leaves_the_form_so_digits_switch_screens(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("3")
            await pilot.pause()
            await pilot.press("tab")
            await pilot.pause()
            assert isinstance(app.focused, Input)
            await pilot.press("1")  # typed into the field
            assert isinstance(app.screen, CheckinScreen)
            await pilot.press("escape", "1")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)

    run(scenario())
