"""calendar.prehab: the week's planned sessions as all-day events."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from . import samples
from .helpers import FakeBridge, add_runner

ENTITY = "calendar.prehab"


async def test_the_week_is_on_the_calendar(
    hass: HomeAssistant, mqtt_mock, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(dt_util.as_utc(dt_util.start_of_local_day(samples.TODAY) + timedelta(hours=9)))
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    state = hass.states.get(ENTITY)
    assert state.state == "on"  # today's session is an all-day event
    assert state.attributes["message"] == "Strength (calves), 5 min"
    assert state.attributes["all_day"] is True
    start = dt_util.start_of_local_day(samples.TODAY)
    found = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": ENTITY, "start_date_time": start, "end_date_time": start + timedelta(days=7)},
        blocking=True,
        return_response=True,
    )
    events = found[ENTITY]["events"]  # type: ignore[index]
    planned = [d for d in samples.week()["days"] if d["items"]]
    assert [e["start"] for e in events] == [d["day"] for d in planned]
    assert all(e["summary"] == "Strength (calves), 5 min" for e in events)
    assert events[0]["description"] == "Calf raise: 3 x 15 (5 min)"
    assert events[0]["end"] == (samples.TODAY + timedelta(days=1)).isoformat()


async def test_between_sessions_the_next_one_is_shown(
    hass: HomeAssistant, mqtt_mock, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(
        dt_util.as_utc(dt_util.start_of_local_day(samples.TODAY + timedelta(days=1)) + timedelta(hours=9))
    )
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    state = hass.states.get(ENTITY)
    assert state.state == "off"
    assert state.attributes["start_time"].startswith((samples.TODAY + timedelta(days=3)).isoformat())
