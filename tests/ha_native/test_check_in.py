"""prehab.check_in: the documented schema, sent to the bridge, its answer returned or raised."""

from __future__ import annotations

import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .helpers import FakeBridge, add_runner


async def test_a_check_in_reaches_the_bridge_and_answers(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    answer = await hass.services.async_call(
        "prehab",
        "check_in",
        {"screen": "body-map", "answers": {"tight_calves": 6}, "id": "morning"},
        blocking=True,
        return_response=True,
    )
    assert answer == {"command": "checkin", "ok": True, "screen": "body-map", "facts": 1, "id": "morning"}
    topic, sent = bridge.sent[-1]
    assert topic == "prehab/checkin/set"
    assert sent == {"screen": "body-map", "answers": {"tight_calves": 6}, "id": "morning"}
    # without asking for the answer, it is sent all the same
    await hass.services.async_call("prehab", "check_in", {"screen": "body-map", "answers": {}}, blocking=True)
    assert bridge.sent[-1][1]["id"].startswith("ha-")


async def test_a_refused_check_in(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    error = "1 answer(s) to fix, nothing was stored; tight_calves: 11 is out of range: give 0-10"
    bridge.answer = lambda d: {
        "command": "checkin",
        "ok": False,
        "error": error,
        "id": d["id"],
        "errors": {"tight_calves": "11 is out of range: give 0-10"},
    }
    bad = {"screen": "body-map", "answers": {"tight_calves": 11}}
    with pytest.raises(HomeAssistantError, match="11 is out of range"):
        await hass.services.async_call("prehab", "check_in", bad, blocking=True)
    answer = await hass.services.async_call("prehab", "check_in", bad, blocking=True, return_response=True)
    assert answer["ok"] is False and answer["errors"] == {"tight_calves": "11 is out of range: give 0-10"}


async def test_the_schema(hass: HomeAssistant, mqtt_mock) -> None:
    FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    for bad in (
        {"answers": {}},
        {"screen": "body-map"},
        {"screen": "body-map", "answers": [6]},
        {"screen": "body-map", "answers": {}, "extra": 1},
    ):
        with pytest.raises(vol.Invalid):
            await hass.services.async_call("prehab", "check_in", bad, blocking=True)


async def test_several_runners_are_told_apart(hass: HomeAssistant, mqtt_mock) -> None:
    alice = FakeBridge(hass, mqtt_mock, "alice")
    await add_runner(hass, "alice")
    await add_runner(hass, "bob")
    with pytest.raises(ServiceValidationError, match="Several prehab runners"):
        await hass.services.async_call(
            "prehab", "check_in", {"screen": "body-map", "answers": {}}, blocking=True
        )
    with pytest.raises(ServiceValidationError, match="No prehab runner named 'carol'"):
        await hass.services.async_call(
            "prehab", "check_in", {"screen": "body-map", "answers": {}, "runner": "carol"}, blocking=True
        )
    await hass.services.async_call(
        "prehab", "check_in", {"screen": "body-map", "answers": {}, "runner": "alice"}, blocking=True
    )
    assert alice.sent[-1][0] == "prehab/alice/checkin/set"
