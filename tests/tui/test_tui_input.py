"""What the runner types is what prehab uses (issue 11, items 1-3, 5, 7, 15), driven by Pilot.

Each test starts from its own config and data dirs (conftest) and a small pack: a weekly-change
rule like the shipped one, a rule on tight calves and the mini catalogue (calf raise needs a
step, so equipment shows in the plan).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.tui_support import (
    CALVES_6,
    SWITCHED_OFF,
    TODAY,
    app_fixtures,
    calf_tight,
    open_checkin,
    open_session_form,
    run,
    toasts,
)
from textual.widgets import Checkbox, DataTable, Input, OptionList, Select, Static

from prehab.cli import main
from prehab.paths import settings_file
from prehab.questionnaire import parse_minutes
from prehab.store import Session, Settings, Store, load_settings, save_settings
from prehab.tui.app import PrehabApp
from prehab.tui.screens.checkin import CheckinScreen
from prehab.tui.screens.modals import ConfirmScreen, HelpScreen
from prehab.tui.screens.rules import RulesScreen
from prehab.tui.screens.sessions import SessionForm, SessionsScreen
from prehab.tui.screens.settings import SettingsScreen
from prehab.tui.screens.today import TodayScreen
from prehab.tui.state import pack_summary

RULES = (
    """
[[rule]]
id = "load-spike-weekly"
title = "Weekly distance up more than 30 % and 5 km on last week"
priority = 850
when = [ { fact = "load", weekly_change_pct = { above = 30 }, weekly_increase_km = { at_least = 5 } } ]
why = "A big jump is a nudge to hold steady."
source = "Test source: load"
[rule.then]
caution = "Weekly distance is up more than 30 % on last week: hold this level for a week."
prescribe = [ { exercise = "side-plank" } ]
[[rule.example]]
given = [ { fact = "load", weekly_km = 52, previous_week_km = 38 } ]
expect.fires = ["load-spike-weekly"]
"""
    + calf_tight(expect=["calf-stretch"])
    + SWITCHED_OFF
)

pack, make_app = app_fixtures(RULES)


# -- item 1: every tab is saved; leaving with unsaved answers asks -----------------------------


def test_ctrl_s_saves_every_changed_tab_not_only_the_visible_one(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "weekly-checkin")
            screen.query_one("#q-weekly-checkin-weekly_km", Input).value = "52"
            screen.query_one("#q-weekly-checkin-previous_week_km", Input).value = "38"
            screen.show_tab("body-map")
            await pilot.pause()
            screen.query_one("#q-body-map-tight_calves", Input).value = "6"
            await pilot.pause()
            assert screen.unsaved() == ["Check-in (Weekly check-in, Body map)"]
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            assert app.unsaved() == []
            assert "Weekly check-in, Body map saved" in toasts(app)

    run(scenario())
    with Store.open() as store:
        checkin = store.latest_checkin()
        assert checkin is not None
        assert checkin.answers == {
            "weekly-checkin": {"weekly_km": 52.0, "previous_week_km": 38.0},
            "body-map": {"tight_calves": 6},
        }


def test_a_wrong_answer_on_another_tab_is_shown_and_nothing_is_stored(
    make_app: Callable[..., PrehabApp],
) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "body-map")
            screen.query_one("#q-body-map-tight_shins", Input).value = "12"
            screen.show_tab("weekly-checkin")
            await pilot.pause()
            screen.query_one("#q-weekly-checkin-weekly_km", Input).value = "20"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, CheckinScreen)
            assert screen.query_one("#checkin-tabs").active == "tab-body-map"  # type: ignore[attr-defined]
            error = screen.query_one("#err-q-body-map-tight_shins", Static)
            assert error.has_class("shown") and "out of range" in str(error.render())
            assert "(Body map); nothing was saved" in toasts(app)

    run(scenario())
    with Store.open() as store:
        assert store.checkins() == []


def test_q_with_unsaved_answers_asks_first(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "weekly-checkin")
            screen.query_one("#q-weekly-checkin-weekly_km", Input).value = "30"
            await pilot.press("escape", "q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "Unsaved answers in Check-in (Weekly check-in)" in app.screen.question
            await pilot.press("q")  # a second q does not stack another question
            await pilot.pause()
            assert len([s for s in app.screen_stack if isinstance(s, ConfirmScreen)]) == 1
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, CheckinScreen) and app.return_code is None
            assert screen.query_one("#q-weekly-checkin-weekly_km", Input).value == "30"
            await pilot.press("q", "y")
            await pilot.pause()
            assert app.return_code == 0

    run(scenario())


def test_q_quits_at_once_with_nothing_unsaved(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_checkin(pilot, "weekly-checkin")
            await pilot.press("q")
            await pilot.pause()
            assert app.return_code == 0

    run(scenario())


def test_esc_on_a_half_filled_session_form_asks_before_discarding(
    make_app: Callable[..., PrehabApp],
) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_session_form(pilot)
            await pilot.press("escape")  # nothing typed yet: closes at once
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)
            await pilot.press("a")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, SessionForm)
            form.query_one("#q-session-distance", Input).value = "12"
            assert app.unsaved() == ["Sessions (the session being added)"]
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await pilot.pause()
            assert app.screen is form and form.query_one("#q-session-distance", Input).value == "12"
            await pilot.press("escape", "y")
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)
            assert app.unsaved() == []

    run(scenario())
    with Store.open() as store:
        assert store.sessions() == []


def test_typed_answers_survive_a_redraw(make_app: Callable[..., PrehabApp]) -> None:
    """A rules reload or another session's save re-draws the tabs: what is typed stays."""

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "body-map")
            screen.query_one("#q-body-map-tight_calves", Input).value = "7"
            with Store.open() as other:  # another session saves a check-in meanwhile
                other.add_checkin({"body-map": {"tight_shins": 3}}, [], datetime(2026, 11, 26, 7))
            app.state.changed({"history"})
            await pilot.pause()
            await pilot.pause()
            assert screen.query_one("#q-body-map-tight_calves", Input).value == "7"
            assert screen.query_one("#q-body-map-tight_shins", Input).value == "3"  # the stored one
            assert screen.unsaved() == ["Check-in (Body map)"]

    run(scenario())


# -- item 2: typed distances reach the load rules, as a facts file's do ----------------------------


def _checkin_52_after_38(app: PrehabApp, pilot: Any) -> Awaitable[CheckinScreen]:
    async def go() -> CheckinScreen:
        screen = await open_checkin(pilot, "weekly-checkin")
        screen.query_one("#q-weekly-checkin-weekly_km", Input).value = "52"
        screen.query_one("#q-weekly-checkin-previous_week_km", Input).value = "38"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        return screen

    return go()


def _load(facts: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in facts if f["fact"] == "load")


def test_typed_distances_give_the_caution_when_the_log_has_no_runs(
    make_app: Callable[..., PrehabApp], pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """52 km after 38 km typed in the check-in: the weekly-change rule fires although the log
    has a strength session yesterday and a run a month ago (no runs in these two weeks), the
    why-not shows the derived change, and `prehab recommend --json` gives the same plan."""
    with Store.open() as store:
        store.add_session(Session(date(2026, 11, 25), "strength", 0.0, duration_min=30))
        store.add_session(Session(date(2026, 10, 20), "easy", 8.0, duration_min=45))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await _checkin_52_after_38(app, pilot)
            ev = app.state.view()
            assert "load-spike-weekly" in ev.fired
            load = _load(app.state.view().facts)
            assert (load["weekly_km"], load["previous_week_km"]) == (52.0, 38.0)
            assert "acwr" not in load  # the log's empty week said nothing true about it
            await pilot.press("6")
            await pilot.pause()
            listing = app.screen.query_one("#rules-list", OptionList)
            listing.highlighted = listing.get_option_index("rule:load-spike-weekly")
            await pilot.press("w")
            await pilot.pause()
            text = str(app.screen.query_one("#rules-detail", Static).render())
            assert text.startswith("ON THESE FACTS: load-spike-weekly FIRED")  # at the top, in view
            assert "ok   when: load with weekly_change_pct > 30" in text and "missing" not in text
            on_screen = (sorted(ev.fired), [p.exercise for p in app.state.view().items])

        assert main(["recommend", "--json", "--rules", str(pack), "--date", TODAY.isoformat()]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert (sorted(printed["fired"]), [p["exercise"] for p in printed["today"]]) == on_screen

    run(scenario())


def test_same_plan_from_the_check_in_recommend_and_a_facts_file(
    make_app: Callable[..., PrehabApp], pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A runner who only typed 52 km after 38 km gets the same plan in the app, from
    `prehab recommend --json` (history) and from a facts file with the same numbers."""

    async def scenario() -> tuple[list[str], list[str]]:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await _checkin_52_after_38(app, pilot)
            ev = app.state.view()
            return sorted(ev.fired), [p.exercise for p in app.state.view().items]

    fired, items = run(scenario())
    assert "load-spike-weekly" in fired
    common = ["recommend", "--json", "--rules", str(pack), "--date", TODAY.isoformat(), "--budget", "30"]
    assert main(common) == 0
    from_history = json.loads(capsys.readouterr().out)
    facts = tmp_path / "runner.toml"
    facts.write_text(
        "[load]\nweekly_km = 52\nprevious_week_km = 38\n\n"
        '[athlete]\nexperience = "intermediate"\nhome_only = false\nstrength_weeks = 0\n\n[schedule]\n',
        encoding="utf-8",
    )
    assert main([*common, "--facts", str(facts)]) == 0
    from_file = json.loads(capsys.readouterr().out)
    for printed in (from_history, from_file):
        assert sorted(printed["fired"]) == fired
        assert [p["exercise"] for p in printed["today"]] == items
        assert any("30 %" in c["text"] for c in printed["cautions"])


# -- item 3: digits, equipment words, help keys ------------------------------------------------


def test_digits_do_not_switch_screens_from_a_form_field(make_app: Callable[..., PrehabApp]) -> None:
    """After Tab a choice, a yes/no or a button has the focus: none of them takes digits, so the
    app's 1-7 used to switch screens from a half-filled form. Esc first, then 1-7 work."""

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "weekly-checkin")
            screen.query_one("#q-weekly-checkin-key_run_tomorrow", Select).focus()
            await pilot.press("1", "5")
            await pilot.pause()
            assert app.screen is screen
            screen.query_one("#save-weekly-checkin").focus()
            await pilot.press("2")
            await pilot.pause()
            assert app.screen is screen
            await pilot.press("7")
            await pilot.pause()
            await pilot.press("escape")  # leaves the form: the tab bar has the focus
            await pilot.press("7")
            await pilot.pause()
            settings = app.screen
            assert isinstance(settings, SettingsScreen)
            settings.query_one("#set-units", Select).focus()
            await pilot.press("1")
            await pilot.pause()
            assert app.screen is settings
            settings.query_one("#day-monday", Checkbox).focus()
            await pilot.press("1")
            await pilot.pause()
            assert app.screen is settings
            await pilot.press("escape", "1")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)

    run(scenario())


def test_equipment_any_and_none_mean_what_they_say(
    make_app: Callable[..., PrehabApp], pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "none" is bodyweight only in the settings, in the app and for recommend --equipment;
    "any" is any kit. The calf raise needs a step."""
    with Store.open() as store:
        store.add_checkin({}, [CALVES_6], datetime(2026, 11, 26, 8))

    async def scenario() -> dict[str, list[str]]:
        plans: dict[str, list[str]] = {}
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            equipment = app.screen.query_one("#set-equipment", Input)
            assert equipment.value == "any"  # the default: any kit, by its name
            for word in ("none", "any"):
                equipment.value = word
                await pilot.press("ctrl+s")
                await pilot.pause()
                plans[word] = [p.exercise for p in app.state.view().items]
                assert load_settings()[0].equipment == ([] if word == "any" else ["none"])
        return plans

    plans = run(scenario())
    assert "calf-raise" in plans["any"] and "calf-raise" not in plans["none"]
    assert 'equipment = "any"' in settings_file().read_text(encoding="utf-8")
    for word in ("none", "any"):
        argv = ["recommend", "--json", "--rules", str(pack), "--date", TODAY.isoformat(), "--equipment", word]
        assert main(argv) == 0
        printed = json.loads(capsys.readouterr().out)
        assert [p["exercise"] for p in printed["today"]] == plans[word]


def test_old_settings_files_keep_their_meaning(tmp_path: Path) -> None:
    """Files written before "any" existed say `equipment = []` for any kit: still any kit."""
    path = tmp_path / "settings.toml"
    path.write_text("equipment = []\nhome_only = false\n", encoding="utf-8")
    settings, problems = load_settings(path)
    assert problems == [] and settings.equipment == []
    from prehab.settings import equipment_kit, format_value

    assert format_value("equipment", settings.equipment) == "any"
    assert equipment_kit(settings.equipment, settings.home_only) is None  # any kit
    assert equipment_kit(["none"], False) == frozenset()  # bodyweight only
    assert equipment_kit([], True) == frozenset()  # any kit, but at home: bodyweight


def test_help_scrolls_with_j_and_k(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("6")
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            box = app.screen.query_one("#help-scroll")
            assert box.scroll_y == 0
            await pilot.press("j", "j", "j")
            await pilot.pause()
            assert box.scroll_y == 3
            await pilot.press("k")
            await pilot.pause()
            assert box.scroll_y == 2
            assert "fired on today's facts" in app.screen.screen_help  # the * of the Rules list

    run(scenario())


def test_tui_help_names_all_seven_screens(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["tui", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"1-{len(PrehabApp.MODES)} screens" in out and len(PrehabApp.MODES) == 7
    assert "Today, Week, Check-in, Sessions, Trends, Rules, Settings" in out


# -- item 5: units, durations, dates, settings changed elsewhere ---------------------------------


def test_distances_in_miles_are_shown_to_a_tenth(make_app: Callable[..., PrehabApp]) -> None:
    save_settings(Settings(units="mi"))
    with Store.open() as store:
        store.add_checkin({"weekly-checkin": {"weekly_km": 52.0}}, [], datetime(2026, 11, 26, 8))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "weekly-checkin")
            assert screen.query_one("#q-weekly-checkin-weekly_km", Input).value == "32.3"
            assert screen.unsaved() == []  # showing it rounded is not an edit

    run(scenario())


def test_the_session_form_takes_h_mm_ss_like_log(
    make_app: Callable[..., PrehabApp], capsys: pytest.CaptureFixture[str]
) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_session_form(pilot, type="long", distance="21.1", duration="2:65:00")
            await pilot.press("ctrl+s")
            await pilot.pause()
            error = str(form.query_one("#err-q-session-duration", Static).render())
            assert "'2:65:00' is not a duration; give minutes (45) or H:MM:SS" in error
            form.query_one("#q-session-duration", Input).value = "2:05:00"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)

    run(scenario())
    assert main(["log", "--kind", "easy", "--date", "2026-11-20", "--duration", "2:05:00"]) == 0
    with Store.open() as store:
        assert sorted(s.duration_min or 0 for s in store.sessions()) == [125, 125]
    assert parse_minutes("45:30") == 45.5 and parse_minutes("1:05:00") == 65
    for bad in ("", "1:2:3:4", "-5", "45:75", "nan", "1:xx"):
        with pytest.raises(ValueError, match="is not a duration"):
            parse_minutes(bad)


def test_editing_a_session_keeps_unrounded_values_it_did_not_touch(
    make_app: Callable[..., PrehabApp],
) -> None:
    with Store.open() as store:
        store.add_session(Session(date(2026, 11, 24), "easy", 14.372, duration_min=78.123, rpe=4))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4", "e")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, SessionForm)
            assert form.query_one("#q-session-distance", Input).value == "14.4"
            form.query_one("#q-session-rpe", Input).value = "5"
            await pilot.press("ctrl+s")
            await pilot.pause()
            table = app.screen.query_one("#sessions-table", DataTable)
            assert str(table.get_row_at(0)[3]) == "78"  # whole minutes in the table

    run(scenario())
    with Store.open() as store:
        [session] = store.sessions()
        assert (session.distance_km, session.duration_min, session.rpe) == (14.372, 78.123, 5)


def test_a_goal_race_date_in_the_past_is_refused(
    make_app: Callable[..., PrehabApp], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["settings", "set", "goal_race_date", "2020-04-12"])
    assert code == 2 and "2020-04-12 is in the past" in capsys.readouterr().err
    save_settings(Settings(goal_race_date=date(2026, 10, 4)))  # saved before the race: it has passed

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            screen = app.screen
            budget = screen.query_one("#set-time_budget_min", Input)
            budget.value = "20"  # the passed race is kept while other settings change
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert load_settings()[0] == Settings(time_budget_min=20, goal_race_date=date(2026, 10, 4))
            screen.query_one("#set-goal_race_date", Input).value = "2026-11-01"
            await pilot.press("ctrl+s")
            await pilot.pause()
            box = screen.query_one("#err-set-goal_race_date", Static)
            assert box.has_class("shown") and "2026-11-01 is in the past" in str(box.render())
            assert load_settings()[0].goal_race_date == date(2026, 10, 4)

    run(scenario())


def test_a_cli_settings_change_reaches_the_running_app(
    make_app: Callable[..., PrehabApp], capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open() as store:
        store.add_checkin({}, [CALVES_6], datetime(2026, 11, 26, 8))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("7")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SettingsScreen)
            screen.query_one("#set-strength_weeks", Input).value = "4"  # being edited: kept
            assert main(["settings", "set", "equipment", "none"]) == 0
            assert main(["settings", "set", "time_budget_min", "15"]) == 0
            app._check_files()
            await pilot.pause()
            assert app.state.settings.time_budget_min == 15
            assert app.state.settings.equipment == ["none"]
            assert "calf-raise" not in {p.exercise for p in app.state.view().items}  # re-planned
            assert screen.query_one("#set-time_budget_min", Input).value == "15"
            assert screen.query_one("#set-strength_weeks", Input).value == "4"
            assert screen.unsaved() == ["Settings (strength weeks so far)"]

    run(scenario())


# -- item 7: one rule count; the * explained ----------------------------------------------------


def test_the_rules_status_and_the_reload_toast_count_alike(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("6")
            await pilot.pause()
            book = app.state.book
            assert book is not None and pack_summary(book) == "3 rules (1 off), 5 exercises"
            status = str(app.screen.query_one("#rules-problems", Static).render())
            assert "ok: 3 rules (1 off), 5 exercises" in status and "* fired today" in status
            await pilot.press("r")
            await pilot.pause()
            assert "rules reloaded: 3 rules (1 off), 5 exercises" in toasts(app)
            await pilot.press("v")  # the exercise list has no * to explain
            await pilot.pause()
            assert "* fired" not in str(app.screen.query_one("#rules-problems", Static).render())
            assert isinstance(app.screen, RulesScreen) and app.screen.view == "exercises"

    run(scenario())


# -- item 15: another session's saves are seen ---------------------------------------------------


def test_a_save_by_another_session_is_noticed(make_app: Callable[..., PrehabApp]) -> None:
    """The app polls SQLite's data_version (every WATCH_SECONDS): a session logged from another
    connection shows in Sessions and re-plans Today without a restart; the app's own writes do
    not count as changes from elsewhere."""

    async def scenario() -> None:
        app = make_app()
        app.watch_files = True  # as started for real: poll files and the history
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            await pilot.pause()
            table = app.screen.query_one("#sessions-table", DataTable)
            assert table.row_count == 0
            app.state.save_session(Session(date(2026, 11, 20), "easy", 5.0))
            version = app.state.version
            with Store.open() as other:  # what a second app over SSH, or `prehab log`, does
                other.add_session(Session(date(2026, 11, 25), "long", 21.0))
                other.add_checkin(
                    {}, [{"fact": "tightness", "region": "calves", "level": 7}], datetime(2026, 11, 26, 9)
                )
            await pilot.pause(2.6)
            assert app.state.version > version
            assert table.row_count == 2
            assert "calf-stretch" in {p.exercise for p in app.state.view().items}

    run(scenario())


def test_a_screen_title_with_brackets_is_shown_as_written(make_app: Callable[..., PrehabApp]) -> None:
    """The * marker, the quit question and the saved toast quote a title from a TOML file anyone
    can edit: as text, never as markup."""
    from prehab.paths import user_screens_dir

    user_screens_dir().mkdir(parents=True)
    (user_screens_dir() / "mine.toml").write_text(
        '[screen]\nid = "mine"\ntitle = "[b]Mine[/b] [/oops]"\n\n[[question]]\nid = "calves"\n'
        'prompt = "Calves [red]now[/red]"\nkind = "scale"\n'
        'sets = { fact = "tightness", region = "calves", field = "level" }\n',
        encoding="utf-8",
    )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_checkin(pilot, "mine")
            screen.query_one("#q-mine-calves", Input).value = "6"
            await pilot.pause()
            tab = screen.query_one("#checkin-tabs").get_tab("tab-mine")  # type: ignore[attr-defined]
            assert tab.label_text == "[b]Mine[/b] [/oops] *"
            await pilot.press("escape", "q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "Check-in ([b]Mine[/b] [/oops])" in app.screen.question
            await pilot.press("n", "ctrl+s")
            await pilot.pause()
            await pilot.pause()
            assert "[b]Mine[/b] [/oops] saved: 1 fact(s)." in toasts(app)
            assert "calf-stretch" in {p.exercise for p in app.state.view().items}

    run(scenario())
