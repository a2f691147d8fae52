"""prehab in Home Assistant: today's plan as a to-do list, the week as a calendar, check-ins.

A thin client of ``prehab ha run`` (prehab's MQTT bridge, which plans the day with prehab's
rules): it reads the retained to-do list and week the bridge publishes for one runner and sends
ticks and check-ins to the bridge's command topics. It has no rule engine and works nothing
out. The sensors, the button and the referral event come from MQTT discovery, without it.
See docs/home-assistant.md in prehab.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ConfigEntryNotReady, HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .client import PrehabBridge
from .const import CONF_NAME, DOMAIN

PLATFORMS = [Platform.CALENDAR, Platform.TODO]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

SERVICE_CHECK_IN = "check_in"
CHECK_IN_SCHEMA = vol.Schema(
    {
        vol.Required("screen"): cv.string,
        vol.Required("answers"): dict,  # prehab checks every answer, as its app's form does
        vol.Optional("id"): vol.Any(cv.string, int),
        vol.Optional("runner"): cv.string,
    }
)
"""The check-in prehab takes (``screen``, ``answers`` by question id, an ``id`` to echo), and
which runner (``runner``: the name; needed only with several)."""

PrehabConfigEntry = ConfigEntry[PrehabBridge]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    async def check_in(call: ServiceCall) -> ServiceResponse:
        bridge = _bridge_for(hass, call.data.get("runner"))
        data = {k: v for k, v in call.data.items() if k != "runner"}
        answer = await bridge.async_check_in(data)
        if not answer.get("ok") and not call.return_response:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="refused",
                translation_placeholders={"error": str(answer.get("error", ""))},
            )
        return answer if call.return_response else None

    hass.services.async_register(
        DOMAIN,
        SERVICE_CHECK_IN,
        check_in,
        schema=CHECK_IN_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    return True


def _bridge_for(hass: HomeAssistant, runner: str | None) -> PrehabBridge:
    entries: list[PrehabConfigEntry] = [
        e
        for e in hass.config_entries.async_loaded_entries(DOMAIN)
        if isinstance(e.runtime_data, PrehabBridge)
    ]
    if runner is not None:
        entries = [e for e in entries if e.data.get(CONF_NAME, "") == runner]
    if len(entries) == 1:
        return entries[0].runtime_data
    names = ", ".join(
        repr(e.data.get(CONF_NAME, "")) for e in hass.config_entries.async_loaded_entries(DOMAIN)
    )
    key = "no_runner" if not entries else "which_runner"
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"runner": str(runner or ""), "names": names or "none"},
    )


async def async_setup_entry(hass: HomeAssistant, entry: PrehabConfigEntry) -> bool:
    if not await mqtt.async_wait_for_mqtt_client(hass):
        raise ConfigEntryNotReady("the MQTT integration is not set up yet")
    bridge = PrehabBridge(hass, entry.data.get(CONF_NAME, ""))
    await bridge.async_start()
    entry.runtime_data = bridge
    entry.async_on_unload(bridge.async_stop)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: PrehabConfigEntry) -> bool:
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


def device_info(bridge: PrehabBridge) -> Any:
    """The device prehab's MQTT discovery makes (identifiers ``mqtt``/``prehab``): the to-do
    list and the calendar join the sensors on one device page."""
    from homeassistant.helpers.device_registry import DeviceInfo

    return DeviceInfo(
        identifiers={(mqtt.DOMAIN, bridge.topics.device_id)},
        name=bridge.topics.device_name,
        manufacturer="prehab",
        model="Strength and mobility advisor for runners",
    )
