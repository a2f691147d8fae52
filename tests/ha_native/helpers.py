"""A stand-in for ``prehab ha run`` on the mocked broker: it answers commands as the bridge does."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from custom_components.prehab.const import CONF_NAME, DOMAIN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_mqtt_message

from . import samples

Answer = Callable[[dict[str, Any]], dict[str, Any] | None]


class FakeBridge:
    """Records what the integration publishes and answers on the result topic."""

    def __init__(self, hass: HomeAssistant, mqtt_mock: Any, name: str = "") -> None:
        self.hass = hass
        self.base = f"prehab/{name}" if name else "prehab"
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.answer: Answer = self.ok
        mqtt_mock.async_publish.side_effect = self._publish

    async def _publish(self, topic: str, payload: Any, qos: int = 0, retain: bool = False) -> None:
        if not topic.startswith(self.base + "/"):
            return
        data = json.loads(payload)
        self.sent.append((topic, data))
        answer = self.answer(data)
        if answer is not None:
            self.hass.loop.call_soon(self.publish, "result", answer)

    @staticmethod
    def ok(data: dict[str, Any]) -> dict[str, Any]:
        if "item" in data:
            return {
                "command": "item",
                "ok": True,
                "item": data["item"],
                "done": data["done"],
                "id": data.get("id"),
            }
        return {
            "command": "checkin",
            "ok": True,
            "screen": data.get("screen"),
            "facts": 1,
            "id": data.get("id"),
        }

    def publish(self, what: str, payload: Any, retain: bool = False) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        async_fire_mqtt_message(self.hass, f"{self.base}/{what}", text, retain=retain)

    async def online(self, todo: dict[str, Any] | None = None, week: dict[str, Any] | None = None) -> None:
        self.publish("availability", "online", retain=True)
        self.publish("todo", todo or samples.todo(), retain=True)
        self.publish("week", week or samples.week(), retain=True)
        await self.hass.async_block_till_done()


async def add_runner(hass: HomeAssistant, name: str = "") -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, data={CONF_NAME: name}, unique_id=f"prehab_{name}" if name else "prehab"
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
