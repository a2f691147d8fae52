"""The Today screen shows what keeps a runner safe first, and agrees with `prehab recommend`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.conftest import RULES
from textual.widgets import OptionList

from prehab.cli import main
from prehab.store import Store

SWOLLEN_KNEE = [
    {"fact": "pain", "region": "knees", "level": 7, "swelling": True, "changes_stride": True},
    {"fact": "tightness", "region": "calves", "level": 5},
    {"fact": "symptom", "sign": "night_pain", "present": True},
]


def test_today_lists_referrals_then_holds_then_the_plan(app_on_pack: Callable[..., Any]) -> None:
    with Store.open() as store:
        store.add_checkin({}, SWOLLEN_KNEE, datetime(2026, 11, 26, 8))

    async def scenario() -> tuple[list[str], list[str], set[str]]:
        app = app_on_pack(RULES)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            listing = app.screen.query_one("#today-list", OptionList)
            ids = [o.id or "" for o in listing.options]
            prompts = [str(o.prompt) for o in listing.options]
            planned = {p.exercise for p in app.state.view().items + app.state.view().extra}
            return ids, prompts, planned

    ids, prompts, planned = asyncio.run(scenario())
    first_refer = next(i for i, x in enumerate(ids) if x.startswith("refer-"))
    first_hold = next(i for i, x in enumerate(ids) if x.startswith("hold-"))
    first_item = next((i for i, x in enumerate(ids) if x.startswith("ex-")), len(ids))
    assert first_refer < first_hold < first_item, "referrals, then what not to do, then the plan"
    text = "\n".join(prompts)
    assert "doctor within days" in prompts[first_refer], "the most urgent referral (night pain) comes first"
    assert "Don't run" in text and "Instead" in text
    book_loads = _catalogue_touch()
    assert not [e for e in planned if "knees" in book_loads[e]], "nothing on screen loads the swollen knee"


def test_today_and_recommend_give_the_same_plan(app_on_pack: Callable[..., Any], capsys: Any) -> None:
    with Store.open() as store:
        store.add_checkin({}, SWOLLEN_KNEE, datetime(2026, 11, 26, 8))

    async def scenario() -> list[str]:
        app = app_on_pack(RULES)
        async with app.run_test(size=(100, 40)):
            return [p.exercise for p in app.state.view().items]

    on_screen = asyncio.run(scenario())
    budget = "30"
    code = main(["recommend", "--json", "--date", "2026-11-26", "--budget", budget])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert sorted(p["exercise"] for p in printed["today"]) == sorted(on_screen)
    assert printed["referrals"][0]["urgency"] == "doctor-soon"
    assert printed["not_today"] and printed["instead"]


def _catalogue_touch() -> dict[str, set[str]]:
    from tests.clinical import shipped

    return {ex.id: set(ex.loads) | set(ex.works) for ex in shipped().exercises.values()}
