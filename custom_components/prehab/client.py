"""One runner's bridge as Home Assistant sees it: what ``prehab ha run`` publishes, and commands.

Subscribes (through Home Assistant's MQTT integration) to the runner's retained to-do list, week
and availability, keeps the last of each, and tells the entities when one changes. A command
(a tick, a check-in) is published on the bridge's command topic with an ``id``, and its answer
is the message on the result topic that echoes that id. Nothing is worked out here: the plan,
its words and every check are prehab's.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from homeassistant.components import mqtt
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from .const import ANSWER_TIMEOUT_S, DOMAIN, ONLINE, PROTOCOL, RunnerTopics

_LOGGER = logging.getLogger(__name__)


class PrehabBridge:
    """The last to-do list, week and availability of one runner, and its commands."""

    def __init__(self, hass: HomeAssistant, name: str) -> None:
        self.hass = hass
        self.topics = RunnerTopics(name)
        self.todo: dict[str, Any] | None = None
        self.week: dict[str, Any] | None = None
        self.online = False
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._waiting: dict[tuple[str, str], asyncio.Future[dict[str, Any]]] = {}
        self._warned_protocol = False

    @property
    def available(self) -> bool:
        return self.online

    async def async_start(self) -> None:
        subscriptions: list[tuple[str, Callable[[mqtt.ReceiveMessage], None]]] = [
            (self.topics.todo, self._on_todo),
            (self.topics.week, self._on_week),
            (self.topics.availability, self._on_availability),
            (self.topics.result, self._on_result),
        ]
        for topic, handler in subscriptions:
            self._unsubscribe.append(await mqtt.async_subscribe(self.hass, topic, handler, qos=1))

    @callback
    def async_stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for future in self._waiting.values():
            future.cancel()
        self._waiting.clear()

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    @callback
    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- what the bridge publishes ------------------------------------------------------------

    def _payload(self, msg: mqtt.ReceiveMessage) -> dict[str, Any] | None:
        """The message's JSON object; None for an empty message (``prehab ha remove``)."""
        if not msg.payload:
            return None
        try:
            data = json.loads(msg.payload)
        except ValueError:
            _LOGGER.warning("prehab sent something that is not JSON on %s", msg.topic)
            return None
        if not isinstance(data, dict):
            return None
        if int(data.get("protocol", 1)) > PROTOCOL and not self._warned_protocol:
            self._warned_protocol = True
            _LOGGER.warning(
                "prehab on %s is newer than this integration (protocol %s, this reads %s): update it",
                self.topics.base,
                data.get("protocol"),
                PROTOCOL,
            )
        return data

    @callback
    def _on_todo(self, msg: mqtt.ReceiveMessage) -> None:
        self.todo = self._payload(msg)
        self._changed()

    @callback
    def _on_week(self, msg: mqtt.ReceiveMessage) -> None:
        self.week = self._payload(msg)
        self._changed()

    @callback
    def _on_availability(self, msg: mqtt.ReceiveMessage) -> None:
        self.online = msg.payload == ONLINE
        self._changed()

    @callback
    def _on_result(self, msg: mqtt.ReceiveMessage) -> None:
        data = self._payload(msg)
        if data is None:
            return
        key = (str(data.get("command", "")), str(data.get("id", "")))
        future = self._waiting.pop(key, None)
        if future is not None and not future.done():
            future.set_result(data)

    # -- commands -----------------------------------------------------------------------------

    async def async_command(self, command: str, topic: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Publish ``payload`` (given an ``id`` if it has none) and return prehab's answer."""
        payload = dict(payload)
        payload.setdefault("id", f"ha-{uuid.uuid4().hex[:12]}")
        key = (command, str(payload["id"]))
        future: asyncio.Future[dict[str, Any]] = self.hass.loop.create_future()
        self._waiting[key] = future
        try:
            await mqtt.async_publish(self.hass, topic, json.dumps(payload), qos=1, retain=False)
            async with asyncio.timeout(ANSWER_TIMEOUT_S):
                return await future
        except TimeoutError:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="no_answer",
                translation_placeholders={"seconds": f"{ANSWER_TIMEOUT_S:g}", "base": self.topics.base},
            ) from None
        finally:
            self._waiting.pop(key, None)

    async def async_tick(self, item: str, done: bool) -> dict[str, Any]:
        return await self.async_command("item", self.topics.item_command, {"item": item, "done": done})

    async def async_check_in(self, data: dict[str, Any]) -> dict[str, Any]:
        return await self.async_command("checkin", self.topics.checkin_command, data)
