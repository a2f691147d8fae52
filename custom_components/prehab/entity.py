"""What the to-do list and the calendar share: the runner's bridge, its device, availability."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

from . import device_info
from .client import PrehabBridge


class PrehabEntity(Entity):
    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, bridge: PrehabBridge, key: str) -> None:
        self.bridge = bridge
        self._attr_unique_id = f"{bridge.topics.device_id}_{key}"
        self._attr_device_info = device_info(bridge)

    @property
    def available(self) -> bool:
        return self.bridge.available

    @callback
    def refresh(self) -> None:
        """Read what the bridge holds now into the entity's attributes."""

    @callback
    def _bridge_changed(self) -> None:
        self.refresh()
        self.async_write_ha_state()

    async def async_added_to_hass(self) -> None:
        self.refresh()
        self.async_on_remove(self.bridge.async_add_listener(self._bridge_changed))
