"""todo.prehab_today: the bridge's list shown as is, ticks and unticks sent to the bridge."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from homeassistant.components.todo import DOMAIN as TODO
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from . import samples
from .helpers import FakeBridge, add_runner

ENTITY = "todo.prehab_today"


async def items(hass: HomeAssistant, entity: str = ENTITY) -> list[dict]:
    found = await hass.services.async_call(
        TODO, "get_items", {"entity_id": entity}, blocking=True, return_response=True
    )
    return list(found[entity]["items"])  # type: ignore[index,call-overload]


async def test_the_list_is_the_bridges_plan(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    assert hass.states.get(ENTITY).state == STATE_UNAVAILABLE  # nothing heard from prehab yet
    await bridge.online(samples.todo(done=(2,)))
    state = hass.states.get(ENTITY)
    assert state.state == "2"  # items still to do
    assert state.attributes["day"] == samples.TODAY.isoformat()
    shown = await items(hass)
    assert [i["uid"] for i in shown] == [i["id"] for i in samples.todo()["items"]]
    assert shown[0]["summary"] == "Calf raise · 3 x 15 @ 16 kg"
    assert shown[0]["description"].startswith("#1 · 5 min")
    assert [i["status"] for i in shown] == ["needs_action", "completed", "needs_action"]


async def test_one_device_with_the_mqtt_entities(hass: HomeAssistant, mqtt_mock) -> None:
    await add_runner(hass)
    entity = er.async_get(hass).async_get(ENTITY)
    assert entity is not None and entity.unique_id == "prehab_today"
    device = dr.async_get(hass).async_get(entity.device_id)
    assert ("mqtt", "prehab") in device.identifiers and device.name == "prehab"


async def test_ticking_marks_done_through_the_bridge_and_unticking_undoes(
    hass: HomeAssistant, mqtt_mock
) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    first = samples.todo()["items"][0]["id"]
    await hass.services.async_call(
        TODO, "update_item", {"entity_id": ENTITY, "item": first, "status": "completed"}, blocking=True
    )
    topic, sent = bridge.sent[-1]
    assert topic == "prehab/item/set" and sent["item"] == first and sent["done"] is True and sent["id"]
    assert hass.states.get(ENTITY).state == "2"
    assert (await items(hass))[0]["status"] == "completed"
    await hass.services.async_call(
        TODO, "update_item", {"entity_id": ENTITY, "item": first, "status": "needs_action"}, blocking=True
    )
    assert bridge.sent[-1][1]["done"] is False
    assert hass.states.get(ENTITY).state == "3"
    # an item by its summary, as the frontend or a voice command may name it
    await hass.services.async_call(
        TODO,
        "update_item",
        {"entity_id": ENTITY, "item": "Calf stretch · 2 x 30 s per side", "status": "completed"},
        blocking=True,
    )
    assert bridge.sent[-1][1]["item"] == samples.todo()["items"][1]["id"]


async def test_a_refusal_is_the_actions_error(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    bridge.answer = lambda d: {
        "command": "item",
        "ok": False,
        "error": "the plan of 2026-03-02 has no item 9",
        "id": d["id"],
    }
    with pytest.raises(HomeAssistantError, match="prehab refused: the plan of 2026-03-02 has no item 9"):
        await hass.services.async_call(
            TODO,
            "update_item",
            {"entity_id": ENTITY, "item": samples.todo()["items"][0]["id"], "status": "completed"},
            blocking=True,
        )
    assert hass.states.get(ENTITY).state == "3"  # nothing changed


async def test_no_answer_says_prehab_is_not_running(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    bridge.answer = lambda d: None
    with (
        patch("custom_components.prehab.client.ANSWER_TIMEOUT_S", 0.01),
        pytest.raises(HomeAssistantError, match="is `prehab ha run` running"),
    ):
        await hass.services.async_call(
            TODO,
            "update_item",
            {"entity_id": ENTITY, "item": samples.todo()["items"][0]["id"], "status": "completed"},
            blocking=True,
        )


async def test_the_plan_cannot_be_renamed_added_to_or_deleted(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    first = samples.todo()["items"][0]["id"]
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            TODO, "update_item", {"entity_id": ENTITY, "item": first, "rename": "Skip it"}, blocking=True
        )
    for service, data in (("add_item", {"item": "Extra"}), ("remove_item", {"item": [first]})):
        with pytest.raises(ServiceValidationError):
            await hass.services.async_call(TODO, service, {"entity_id": ENTITY, **data}, blocking=True)
    assert bridge.sent == []


async def test_offline_and_removed(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    bridge.publish("availability", "offline")
    await hass.async_block_till_done()
    assert hass.states.get(ENTITY).state == STATE_UNAVAILABLE
    bridge.publish("availability", "online")
    bridge.publish("todo", "")  # prehab ha remove clears it
    await hass.async_block_till_done()
    assert hass.states.get(ENTITY).state == "0" and await items(hass) == []


async def test_a_named_runner_has_its_own_topics_and_entities(hass: HomeAssistant, mqtt_mock) -> None:
    alice = FakeBridge(hass, mqtt_mock, "alice")
    await add_runner(hass, "alice")
    await alice.online()
    assert hass.states.get("todo.prehab_alice_today").state == "3"
    await hass.services.async_call(
        TODO,
        "update_item",
        {
            "entity_id": "todo.prehab_alice_today",
            "item": samples.todo()["items"][0]["id"],
            "status": "completed",
        },
        blocking=True,
    )
    assert alice.sent[-1][0] == "prehab/alice/item/set"


async def test_unload_and_reload(hass: HomeAssistant, mqtt_mock) -> None:
    bridge = FakeBridge(hass, mqtt_mock)
    entry = await add_runner(hass)
    await bridge.online()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(ENTITY).state == STATE_UNAVAILABLE
    assert await hass.config_entries.async_setup(entry.entry_id)
    await bridge.online()
    assert hass.states.get(ENTITY).state == "3"
