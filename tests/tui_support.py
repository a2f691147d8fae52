"""What the TUI tests share: the day they run on, a few rules for their small packs, the
``pack``/``make_app`` fixtures on a module's own rules, seeded logs and looks at Today.

A module takes its fixtures with ``pack, make_app = app_fixtures(RULES)``; the fixtures they
build on (``make_pack``, ``app_on_pack``, the isolated dirs) are in conftest.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Select

from prehab.store import Session, Settings, Store, save_settings
from prehab.tui.app import PrehabApp
from prehab.tui.screens.checkin import CheckinScreen
from prehab.tui.screens.sessions import SessionForm

TODAY = date(2026, 11, 26)  # app_on_pack's day, a Thursday
CALVES_6 = {"fact": "tightness", "region": "calves", "level": 6}

CALVES_WHY = "The calves take the most impact in running."
CALVES_WHY_STRENGTH = "The calves take the most impact in running; strength protects them."
HIPS_WHY = "Pigeon pose stretches the hip rotators and glutes."


def calf_tight(
    why: str = CALVES_WHY, expect: Sequence[str] = ("calf-stretch", "calf-raise"), flag: str = ""
) -> str:
    """The rule on tight calves (level 4 and up): calf stretch and calf raise, ``flag`` set if given."""
    flag_line = f'flag = {{ name = "{flag}", region = "calves" }}\n' if flag else ""
    return f"""
[[rule]]
id = "calf-tight"
title = "Tight calves: stretch and strengthen"
priority = 400
when = [ {{ fact = "tightness", region = "calves", level = {{ at_least = 4 }} }} ]
why = "{why}"
source = "Test source: calves"
[rule.then]
prescribe = [ {{ exercise = "calf-stretch" }}, {{ exercise = "calf-raise" }} ]
{flag_line}[[rule.example]]
given = [ {{ fact = "tightness", region = "calves", level = 6 }} ]
expect.prescribe = {json.dumps(list(expect))}
"""


def hips_tight(why: str = HIPS_WHY) -> str:
    """The rule on tight hip rotators (level 4 and up): pigeon pose."""
    return f"""
[[rule]]
id = "hip-rotators-tight"
title = "Tight hips: pigeon pose"
priority = 350
when = [ {{ fact = "tightness", region = "hip_rotators", level = {{ at_least = 4 }} }} ]
why = "{why}"
source = "Test source: hips"
[rule.then]
prescribe = [ {{ exercise = "pigeon-pose" }} ]
[[rule.example]]
given = [ {{ fact = "tightness", region = "hip_rotators", level = 5 }} ]
expect.prescribe = ["pigeon-pose"]
"""


SWITCHED_OFF = """
[[rule]]
id = "switched-off"
title = "A rule switched off"
priority = 100
enabled = false
when = [ { fact = "tightness", region = "shins", level = { at_least = 4 } } ]
why = "Off."
source = "Test source: off"
[rule.then]
note = "Off."
[[rule.example]]
given = [ { fact = "tightness", region = "shins", level = 6 } ]
expect.fires = []
"""


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def app_fixtures(rules: str) -> tuple[Any, Any]:
    """The fixtures ``pack`` (the mini catalogue with ``rules``) and ``make_app`` (the app on it)."""

    @pytest.fixture
    def pack(make_pack: Callable[..., Path]) -> Path:
        return make_pack(rules)

    @pytest.fixture
    def make_app(pack: Path, app_on_pack: Callable[..., PrehabApp]) -> Callable[..., PrehabApp]:
        return lambda **kwargs: app_on_pack(pack, **kwargs)

    return pack, make_app


def seed_history(settings: Settings | None = None) -> None:
    """Six weeks of realistic running, ending the day before TODAY."""
    save_settings(settings or Settings(equipment=["step"], key_run_days=["sunday"], time_budget_min=30))
    with Store.open() as store:
        for week in range(6):
            monday = TODAY - timedelta(days=TODAY.weekday()) - timedelta(weeks=week)
            plan = [(0, "easy", 8.0, 5), (2, "intervals", 10.0, 8), (5, "long", 14.0 + week, 6)]
            for offset, kind, km, rpe in plan:
                day = monday + timedelta(days=offset)
                if day < TODAY:
                    store.add_session(Session(day, kind, km, duration_min=km * 5.5, rpe=rpe, surface="road"))


def seed_easy_week(facts: list[dict[str, Any]]) -> None:
    """Three easy runs this week and today's check-in with ``facts``."""
    save_settings(Settings(equipment=["step"], time_budget_min=30))
    with Store.open() as store:
        for days in (1, 3, 5):
            store.add_session(Session(TODAY - timedelta(days=days), "easy", 8.0, duration_min=45, rpe=4))
        store.add_checkin({"body-map": {}}, facts, datetime(2026, 11, 26, 8))


def option_ids(app: PrehabApp) -> list[str]:
    """The ids on Today's list, top to bottom."""
    listing = app.screen.query_one("#today-list", OptionList)
    return [o.id for o in listing.options if o.id]


def toasts(app: PrehabApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def open_checkin(pilot: Any, tab: str) -> CheckinScreen:
    """Switch to Check-in (key 3) and show ``tab``, as a runner would."""
    await pilot.press("3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CheckinScreen)
    screen.show_tab(tab)
    await pilot.pause()
    return screen


async def until(pilot: Any, ready: Callable[[], object], presses: int = 200) -> bool:
    """Let the app process its messages until ``ready()`` holds (bounded by a count of pauses,
    not by the clock): what a key started (a save, a screen switch, a toast) may take more
    than one round of messages on a loaded machine."""
    for _ in range(presses):
        if ready():
            return True
        await pilot.pause()
    return bool(ready())


async def open_session_form(pilot: Any, **answers: str) -> SessionForm:
    """Sessions (4), then a (add a session), as a runner would, with ``answers`` typed in by
    question id (``type`` is a choice, ``date``, ``distance``, ``duration`` ... are text)."""
    await pilot.press("4", "a")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, SessionForm)
    for question, value in answers.items():
        field = form.query_one(f"#q-session-{question}")
        assert isinstance(field, Input | Select), question
        field.value = value
    return form
