"""The app's side of one runner, one day: the profile asked once on the first start, an open
episode asked about on Today and answered on Check-in's Follow-up tab, the profile edited
from Settings, all at 80x24 and with text a runner types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tests.tui_support import TODAY, app_fixtures, calf_tight, option_ids, run, toasts, until
from textual.widgets import Input, OptionList, Select

from prehab.store import Store
from prehab.store.episodes import open_on
from prehab.tui.app import PrehabApp
from prehab.tui.screens.checkin import CheckinScreen
from prehab.tui.screens.profile import ProfileScreen
from prehab.tui.screens.today import TodayScreen

pack, make_app = app_fixtures(calf_tight())  # the shipped screens (the profile) over a mini pack


def test_the_first_start_asks_for_the_profile_once_and_skip_keeps_the_defaults(
    make_app: Callable[..., PrehabApp],
) -> None:
    async def first() -> None:
        app = make_app(onboarding=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ProfileScreen)
            await pilot.press("escape")  # Skip
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            assert "cautious defaults" in toasts(app)
            assert "profile" not in option_ids(app)  # no longer asked on Today either

    run(first())
    with Store.open() as store:
        from prehab.store.profile import load_profile

        stored = load_profile(store)
        assert stored is not None and stored.skipped

    async def again() -> None:
        app = make_app(onboarding=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)  # asked once only

    run(again())


def test_the_profile_form_checks_answers_and_saves_them(make_app: Callable[..., PrehabApp]) -> None:
    async def scenario() -> None:
        app = make_app(onboarding=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ProfileScreen)
            dialog.query_one("#q-profile-birth_year", Input).value = "19[58]"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ProfileScreen)  # a wrong answer: nothing saved
            assert "1 answer(s) to fix" in toasts(app)
            dialog.query_one("#q-profile-birth_year", Input).value = "1958"
            dialog.query_one("#q-profile-sex", Select).value = "female"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            athlete = next(f for f in app.state.view().facts if f["fact"] == "athlete")
            assert athlete["age"] == TODAY.year - 1958 and athlete["sex"] == "female"
            await pilot.press("7", "p")  # Settings, then p: the profile again, filled in
            await pilot.pause()
            assert isinstance(app.screen, ProfileScreen)
            assert app.screen.query_one("#q-profile-birth_year", Input).value == "1958"

    run(scenario())


def test_a_stale_episode_is_asked_about_on_today_and_answered_on_checkin(
    make_app: Callable[..., PrehabApp],
) -> None:
    with Store.open() as store:
        store.add_checkin(
            {}, [{"fact": "pain", "region": "knees", "level": 7, "swelling": True}],
            datetime.combine(TODAY - timedelta(days=3), datetime.min.time().replace(hour=8)),
        )  # fmt: skip
        [knee] = open_on(store, TODAY)

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TodayScreen)
            key = f"follow-{knee.id}"
            assert key in option_ids(app)
            assert "knees pain (7/10, swollen)" in screen.entries[key].title
            listing = screen.query_one("#today-list", OptionList)
            listing.highlighted = listing.get_option_index(key)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            checkin = app.screen
            assert isinstance(checkin, CheckinScreen)
            form = checkin.current_form()
            assert form is not None and form.questionnaire.id == "follow-up"
            form.query_one(f"#q-follow-up-episode_{knee.id}", Select).value = "resolved"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "resolved: knees pain" in toasts(app))
            assert "resolved: knees pain" in toasts(app)
            assert not any(k.startswith("follow-") for k in option_ids(app))

    run(scenario())
    with Store.open() as store:
        assert open_on(store, TODAY) == []
