"""Adding a runner: offered when its bridge's card is seen, or found by the name typed."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from unittest.mock import patch

from custom_components.prehab.const import DOMAIN
from homeassistant.components import mqtt
from homeassistant.config_entries import SOURCE_MQTT, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message

from . import samples
from .helpers import add_runner


def discovered(topic: str, payload: Any) -> MqttServiceInfo:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return MqttServiceInfo(
        topic=topic, payload=text, qos=1, retain=True, subscribed_topic="prehab/+/bridge", timestamp=0
    )


async def test_a_bridge_seen_on_the_broker_is_offered(hass: HomeAssistant, mqtt_mock) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_MQTT}, data=discovered("prehab/alice/bridge", samples.card("alice"))
    )
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "confirm"
    assert result["description_placeholders"] == {"device_name": "prehab alice", "base": "prehab/alice"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "prehab alice" and result["data"] == {"name": "alice"}
    assert result["result"].unique_id == "prehab_alice"


async def test_the_manifest_makes_mqtt_offer_it(hass: HomeAssistant, mqtt_mock) -> None:
    """The real path: the MQTT integration sees the retained card and starts the flow."""
    async_fire_mqtt_message(hass, "prehab/bridge", json.dumps(samples.card()), retain=True)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1 and flows[0]["step_id"] == "confirm"


async def test_what_is_not_a_bridge_card_is_not_offered(hass: HomeAssistant, mqtt_mock) -> None:
    for topic, payload in (
        ("prehab/bridge", ""),  # prehab ha remove
        ("prehab/bridge", "not json"),
        ("prehab/bob/bridge", samples.card("alice")),  # the card of another topic
        ("prehab/Bad/bridge", {**samples.card("Bad")}),
    ):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_MQTT}, data=discovered(topic, payload)
        )
        assert result["type"] is FlowResultType.ABORT and result["reason"] == "not_prehab", topic


async def test_a_runner_added_already_is_not_offered_again(hass: HomeAssistant, mqtt_mock) -> None:
    await add_runner(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_MQTT}, data=discovered("prehab/bridge", samples.card())
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "already_configured"


async def test_by_hand_it_asks_only_the_name_and_finds_the_bridge(hass: HomeAssistant, mqtt_mock) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "user"
    assert [str(k) for k in result["data_schema"].schema] == ["name"]
    subscribed = asyncio.Event()
    real = mqtt.async_subscribe

    async def spy(*args: Any, **kwargs: Any) -> Any:
        unsubscribe = await real(*args, **kwargs)
        subscribed.set()
        return unsubscribe

    with patch("custom_components.prehab.config_flow.mqtt.async_subscribe", spy):
        task = hass.async_create_task(
            hass.config_entries.flow.async_configure(result["flow_id"], {"name": "Alice "})
        )
        await subscribed.wait()
        async_fire_mqtt_message(hass, "prehab/alice/bridge", json.dumps(samples.card("alice")), retain=True)
        result = await task
    assert result["type"] is FlowResultType.CREATE_ENTRY and result["data"] == {"name": "alice"}


async def test_by_hand_a_runner_nobody_publishes_for_is_not_found(hass: HomeAssistant, mqtt_mock) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"name": "no/such"})
    assert result["errors"] == {"name": "invalid_name"}
    with patch("custom_components.prehab.config_flow.FIND_TIMEOUT_S", 0.01):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {"name": "carol"})
    assert result["type"] is FlowResultType.FORM and result["errors"] == {"base": "not_found"}
