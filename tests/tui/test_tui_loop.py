"""Closing the loop in the app (issue 10), driven by Pilot as a runner would: mark work done,
restart, see it counted; undo; the advice log and what changed; Week's first day is Today;
the response check-in; Trends per region."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tests.tui_support import (
    TODAY,
    app_fixtures,
    calf_tight,
    hips_tight,
    option_ids,
    run,
    seed_easy_week,
    toasts,
)
from textual.widgets import DataTable, Input, OptionList, Select, Static
from textual_plotext import PlotextPlot

from prehab.store import Session, Store
from prehab.store.records import AdviceRecord
from prehab.store.sessions import delete_session
from prehab.tui.app import PrehabApp
from prehab.tui.screens.checkin import CheckinScreen
from prehab.tui.screens.records import AdviceLogScreen, DeletedScreen
from prehab.tui.screens.today import TodayScreen
from prehab.tui.screens.trends import TrendsScreen
from prehab.tui.screens.week import WeekScreen

YESTERDAY = TODAY - timedelta(days=1)
NEVER_TEXT = "Your log has runs but not one strength session yet: start with two short sessions a week."

RULES = (
    f"""
[[rule]]
id = "strength-never"
title = "Runs but no strength work yet"
priority = 500
when = [ {{ fact = "load", runs_7d = {{ at_least = 1 }}, days_since_strength = {{ exists = false }} }} ]
why = "Strength work is due."
source = "Test source: strength"
[rule.then]
note = "{NEVER_TEXT}"
[[rule.example]]
given = [ {{ fact = "load", runs_7d = 2 }} ]
expect.fires = ["strength-never"]
"""
    + calf_tight()
    + hips_tight("Pigeon pose stretches the hip rotators.")
)

pack, make_app = app_fixtures(RULES)


def seed(calves: int = 6, hips: int | None = None) -> None:
    facts = [{"fact": "tightness", "region": "calves", "level": calves}]
    if hips is not None:
        facts.append({"fact": "tightness", "region": "hip_rotators", "level": hips})
    seed_easy_week(facts)


def prompt(app: PrehabApp, key: str) -> str:
    return str(app.screen.query_one("#today-list", OptionList).get_option(key).prompt)


def notes(app: PrehabApp) -> str:
    screen = app.screen
    assert isinstance(screen, TodayScreen)
    return " ".join(e.text for e in screen.entries.values() if e.kind == "note")


def select(app: PrehabApp, key: str) -> None:
    listing = app.screen.query_one("#today-list", OptionList)
    listing.highlighted = listing.get_option_index(key)


def test_marked_work_counts_survives_a_restart_and_undoes(make_app: Callable[[], PrehabApp]) -> None:
    seed()

    async def first_run() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            assert NEVER_TEXT in notes(app)
            select(app, "ex-calf-raise")
            await pilot.press("space")
            await pilot.pause()
            assert "[x]" in prompt(app, "ex-calf-raise")
            await pilot.press("u")  # undo: not done
            await pilot.pause()
            assert "[ ]" in prompt(app, "ex-calf-raise")
            await pilot.press("space")  # and done again
            await pilot.pause()
            assert "u undoes" in " ".join(str(n.message) for n in app._notifications)

    run(first_run())
    with Store.open() as store:
        [done] = store.done_items(TODAY)
    assert (done.exercise, done.kind, done.dose, done.plane, done.minutes) == (
        "calf-raise", "strength", {"sets": 3, "reps": 15}, "sagittal", 5.0
    )  # fmt: skip

    async def after_restart() -> None:
        app = make_app()  # a new AppState: everything read back from the store
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert NEVER_TEXT in notes(app)  # today's plan is as committed: a tick never re-plans it
            assert "ex-calf-raise" in option_ids(app) and "[x]" in prompt(app, "ex-calf-raise")
            # tomorrow the marked work is in the history: 5 minutes of calf raises are done work
            # (adherence), not yet the strength session the rules ask for (15 minutes or more)
            tomorrow = app.state.facts(TODAY + timedelta(days=1))
            load = next(f for f in tomorrow if f["fact"] == "load")
            assert "days_since_strength" not in load and load["strength_sessions_7d"] == 0

    run(after_restart())


def test_the_deleted_dialog_restores_and_u_undoes_it(make_app: Callable[[], PrehabApp]) -> None:
    seed()
    with Store.open() as store:
        gone = store.add_session(Session(YESTERDAY, "tempo", 10.0, rpe=7))
        delete_session(store, gone)

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("z")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, DeletedScreen)
            listing = dialog.query_one("#records-list", OptionList)
            assert listing.highlighted_option is not None
            assert listing.highlighted_option.id == f"restore:session:{gone}"
            await pilot.press("r")
            await pilot.pause()
            assert app.state.store is not None and app.state.store.get_session(gone) is not None
            # a check-in can be deleted here too, and comes back with r
            checkin = app.state.store.latest_checkin()
            assert checkin is not None
            listing.highlighted = listing.get_option_index(f"delete:checkin:{checkin.id}")
            await pilot.press("d")
            await pilot.pause()
            assert app.state.store.latest_checkin() is None
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            assert not any(f["fact"] == "tightness" for f in app.state.view().facts)  # re-planned without it
            await pilot.press("u")  # the last thing done: the check-in deleted -> restored
            await pilot.pause()
            assert app.state.store.latest_checkin() is not None
            await pilot.press("u")  # then the session restore -> deleted again
            await pilot.pause()
            assert app.state.store.get_session(gone) is None

    run(scenario())


def test_today_says_what_changed_since_the_last_plan_and_the_log_lists_days(
    make_app: Callable[[], PrehabApp],
) -> None:
    seed(calves=6)
    item = {
        "exercise": "pigeon-pose", "name": "Pigeon pose", "kind": "mobility", "dose": {"sets": 2},
        "minutes": 4, "rules": ["hip-rotators-tight"],
        "why": {"hip-rotators-tight": [{"fact": "tightness", "region": "hip_rotators", "level": 5}]},
    }  # fmt: skip
    with Store.open() as store:
        store.log_advice(
            AdviceRecord(
                YESTERDAY, datetime(2026, 11, 25, 7, tzinfo=UTC), "old", [item], ["hip-rotators-tight"]
            )
        )
        store.mark_done(YESTERDAY, "pigeon-pose", ["hip-rotators-tight"], kind="mobility", dose={"sets": 2})

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            found = option_ids(app)
            assert "change---pigeon-pose" in found and "change-+-calf-raise" in found
            screen = app.screen
            assert isinstance(screen, TodayScreen)
            assert screen.entries["change---pigeon-pose"].text == (
                "hip-rotators-tight no longer applies: tightness hip rotators no longer reported"
            )
            assert screen.entries["change-+-calf-raise"].text.startswith(
                "added by calf-tight: tightness calves level 6"
            )
            select(app, "change---pigeon-pose")
            await pilot.pause()
            assert "no longer applies" in str(app.screen.query_one("#today-why", Static).render())
            await pilot.press("a")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, AdviceLogScreen)
            assert list(dialog.plans) == [TODAY.isoformat(), YESTERDAY.isoformat()]
            assert dialog.done[YESTERDAY.isoformat()] == {"pigeon-pose"}
            listing = dialog.query_one("#records-list", OptionList)
            listing.highlighted = 1
            await pilot.pause()
            detail = str(dialog.query_one("#records-detail", Static).render())
            assert "[x] Pigeon pose" in detail and "hip-rotators-tight" in detail
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)

    run(scenario())
    with Store.open() as store:
        stored = store.advice(TODAY)
    assert stored is not None and {"calf-raise", "calf-stretch"} <= set(stored.exercises)


def test_week_day_zero_is_today_and_s_re_plans(make_app: Callable[[], PrehabApp]) -> None:
    seed()

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            select(app, "ex-calf-stretch")
            await pilot.press("space")
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            week = app.screen
            assert isinstance(week, WeekScreen)
            table = week.query_one("#week-table", DataTable)
            first = table.get_row_at(0)
            assert str(first[5]) == "1/2" and str(first[2]) == "1 ex" and str(first[3]) == "1 ex"
            detail = str(week.query_one("#week-detail", Static).render())
            assert (
                "(Today)" in detail and "[x] Calf stretch" in detail and "Rest from extra work" not in detail
            )
            assert {p.exercise for p in week.days[0].items} == {p.exercise for p in app.state.view().items}
            await pilot.press("s")  # today is committed: changed on Today, not here
            await pilot.pause()
            assert not week.days[0].skipped_strength and "Today's plan is kept" in toasts(app)
            later = next(i for i, d in enumerate(week.days) if i > 0 and d.strength)
            table.move_cursor(row=later)
            await pilot.press("s")  # skip a later day's strength: the days after are planned again
            await pilot.pause()
            assert week.days[later].skipped_strength and str(table.get_row_at(later)[2]) == "skip"
            await pilot.press("s")
            await pilot.pause()
            assert not week.days[later].skipped_strength

    run(scenario())


def test_the_response_tab_saves_effort_and_response_facts(make_app: Callable[[], PrehabApp]) -> None:
    seed()
    with Store.open() as store:
        store.mark_done(
            YESTERDAY, "calf-raise", ["calf-tight"], kind="strength", dose={"sets": 3}, loads=["calves"]
        )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            assert "response" in option_ids(app)  # Today asks how yesterday's prehab went
            select(app, "response")
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CheckinScreen)
            assert getattr(screen.query_one("#checkin-tabs"), "active", "") == "tab-response"
            screen.query_one("#q-response-effort_rpe", Input).value = "6"
            screen.query_one("#q-response-during_calves", Select).value = "same"
            screen.query_one("#q-response-morning_calves", Select).value = "worse"
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen) and "response" not in option_ids(app)  # answered
            assert {"fact": "effort", "rpe": 6, "days_ago": 1} in app.state.view().facts
            assert {
                "fact": "response",
                "region": "calves",
                "pain_during": "same",
                "next_morning": "worse",
            } in (app.state.view().facts)

    run(scenario())
    with Store.open() as store:
        assert [d.rpe for d in store.done_items(YESTERDAY)] == [6]


def test_trends_plots_each_region_beside_adherence(make_app: Callable[[], PrehabApp]) -> None:
    seed(calves=6, hips=5)
    with Store.open() as store:
        store.add_checkin(
            {}, [{"fact": "tightness", "region": "calves", "level": 7}], datetime(2026, 11, 17, 8)
        )

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("5")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TrendsScreen) and screen.series is not None
            assert screen.shown_region == "calves"  # the most troubled lately
            assert screen.series.regions["calves"].tightness[-2:] == [7, 6]
            assert screen.series.prescribed[-1] > 0  # today's plan is in the advice log
            await pilot.press("r")
            await pilot.pause()
            assert screen.shown_region == "hip_rotators"
            head = str(screen.query_one("#trends-head", Static).render())
            assert "hip rotators" in head and "\n" not in head.strip()

    run(scenario())


def test_trends_shows_a_lone_week_as_a_mark_not_a_pixel(make_app: Callable[[], PrehabApp]) -> None:
    """One check-in is one point on the region's line: drawn in braille it was a single pixel,
    which reads as an empty chart; it is a full ● (more points are a braille line again)."""
    seed(calves=6)

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("5")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TrendsScreen) and screen.series is not None
            tightness = [v for v in screen.series.regions["calves"].tightness if v is not None]
            assert len(tightness) == 1
            plot = screen.query_one("#trends-regions", PlotextPlot)
            assert "●" in plot.plt.build()

    run(scenario())
