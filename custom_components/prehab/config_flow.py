"""Add a runner: found by the card its bridge leaves on the broker, or by the name typed.

Every ``prehab ha run`` (and ``ha publish``) leaves a retained card on ``prehab/bridge``
(``prehab/NAME/bridge`` for a named runner); the manifest's ``mqtt`` topics make Home Assistant
offer each one it sees, and the flow only confirms. Added by hand, the flow asks the runner's
name alone (prehab's ``ha_name``, empty for the only runner) and looks for that card.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import voluptuous as vol
from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.core import callback
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo

from .const import CONF_NAME, DOMAIN, FIND_TIMEOUT_S, NAME_PATTERN, RunnerTopics


def card_of(payload: Any) -> dict[str, Any] | None:
    """A bridge's card (``{"name": ..., "base": ..., ...}``), or None if it is not one."""
    if not payload:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or "base" not in data:
        return None
    name = data["name"]
    if name and not NAME_PATTERN.fullmatch(name):
        return None
    if data["base"] != RunnerTopics(name).base:
        return None
    return data


class PrehabConfigFlow(ConfigFlow, domain=DOMAIN):
    VERSION = 1

    def __init__(self) -> None:
        self._name = ""

    async def async_step_mqtt(self, discovery_info: MqttServiceInfo) -> ConfigFlowResult:
        card = card_of(discovery_info.payload)
        if card is None or discovery_info.topic != RunnerTopics(card["name"]).bridge:
            return self.async_abort(reason="not_prehab")
        self._name = card["name"]
        topics = RunnerTopics(self._name)
        await self.async_set_unique_id(topics.device_id)
        self._abort_if_unique_id_configured()
        self.context["title_placeholders"] = {"name": topics.device_name}
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        topics = RunnerTopics(self._name)
        if user_input is not None:
            return self.async_create_entry(title=topics.device_name, data={CONF_NAME: self._name})
        self._set_confirm_only()
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={"device_name": topics.device_name, "base": topics.base},
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        if not await mqtt.async_wait_for_mqtt_client(self.hass):
            return self.async_abort(reason="mqtt_not_ready")
        errors: dict[str, str] = {}
        if user_input is not None:
            name = str(user_input.get(CONF_NAME, "")).strip().lower()
            if name and not NAME_PATTERN.fullmatch(name):
                errors[CONF_NAME] = "invalid_name"
            else:
                topics = RunnerTopics(name)
                await self.async_set_unique_id(topics.device_id)
                self._abort_if_unique_id_configured()
                if await self._find(topics):
                    return self.async_create_entry(title=topics.device_name, data={CONF_NAME: name})
                errors["base"] = "not_found"
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema({vol.Optional(CONF_NAME, default=""): str}),
            errors=errors,
        )

    async def _find(self, topics: RunnerTopics) -> bool:
        """Whether the runner's bridge card is on the broker (it is retained: it comes at once)."""
        found = asyncio.Event()

        @callback
        def seen(msg: mqtt.ReceiveMessage) -> None:
            if card_of(msg.payload) is not None:
                found.set()

        unsubscribe = await mqtt.async_subscribe(self.hass, topics.bridge, seen, qos=1)
        try:
            async with asyncio.timeout(FIND_TIMEOUT_S):
                await found.wait()
        except TimeoutError:
            return False
        finally:
            unsubscribe()
        return True
