"""``todo.prehab_today``: today's committed plan, ticked off item by item.

The items are the bridge's (its ids, the ``prehab done`` numbers, prehab's words for the dose);
ticking one sends ``{"item": id, "done": true}`` to the bridge, which marks it done as the app's
Today does (unticking undoes it) and answers; a refusal is shown as the error of the action.
The list cannot be added to, renamed or reordered: the plan is prehab's.
"""

from __future__ import annotations

from homeassistant.components.todo import TodoItem, TodoListEntity
from homeassistant.components.todo.const import TodoItemStatus, TodoListEntityFeature
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import PrehabConfigEntry
from .const import DOMAIN
from .entity import PrehabEntity


async def async_setup_entry(
    hass: HomeAssistant, entry: PrehabConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    async_add_entities([PrehabToday(entry.runtime_data, "today")])


class PrehabToday(PrehabEntity, TodoListEntity):
    _attr_translation_key = "today"
    _attr_supported_features = TodoListEntityFeature.UPDATE_TODO_ITEM

    @callback
    def refresh(self) -> None:
        todo = self.bridge.todo or {}
        self._attr_todo_items = [
            TodoItem(
                uid=str(item["id"]),
                summary=str(item.get("summary") or item.get("name", "")),
                description=str(item.get("description", "")) or None,
                status=TodoItemStatus.COMPLETED if item.get("done") else TodoItemStatus.NEEDS_ACTION,
            )
            for item in todo.get("items", [])
            if isinstance(item, dict) and "id" in item
        ]
        self._attr_extra_state_attributes = {"day": todo.get("day"), "minutes": todo.get("minutes")}

    async def async_update_todo_item(self, item: TodoItem) -> None:
        current = next((i for i in self.todo_items or () if i.uid == item.uid), None)
        if current is None or item.uid is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_in_plan",
                translation_placeholders={"item": str(item.uid)},
            )
        if item.summary != current.summary:
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="read_only")
        if item.status == current.status:
            return
        answer = await self.bridge.async_tick(item.uid, item.status == TodoItemStatus.COMPLETED)
        if not answer.get("ok"):
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="refused",
                translation_placeholders={"error": str(answer.get("error", ""))},
            )
        # the bridge has published the new list before answering; mark it here too, in case
        # the list's message comes after the answer
        for listed in (self.bridge.todo or {}).get("items", []):
            if isinstance(listed, dict) and listed.get("id") == item.uid:
                listed["done"] = bool(answer.get("done"))
        self._bridge_changed()
