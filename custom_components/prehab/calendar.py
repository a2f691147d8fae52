"""``calendar.prehab``: the next seven days' planned sessions, one all-day event per day.

Each event is a day of the bridge's week: prehab's summary of it ("Mobility (calves) + strength
(hamstrings), 29 min") and one line per exercise with its dose (today's with a tick when done).
Days with nothing planned have no event. Read-only: the plan is prehab's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from . import PrehabConfigEntry
from .entity import PrehabEntity


async def async_setup_entry(
    hass: HomeAssistant, entry: PrehabConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    async_add_entities([PrehabWeek(entry.runtime_data, "week")])


class PrehabWeek(PrehabEntity, CalendarEntity):
    _attr_name = None  # the device's name: calendar.prehab
    _attr_translation_key = "week"

    def events(self) -> list[CalendarEvent]:
        week = self.bridge.week or {}
        out = []
        for day in week.get("days", []):
            if not isinstance(day, dict) or not day.get("items"):
                continue
            try:
                start = date.fromisoformat(str(day["day"]))
            except (KeyError, ValueError):
                continue
            out.append(
                CalendarEvent(
                    start=start,
                    end=start + timedelta(days=1),
                    summary=str(day.get("summary", "")) or "prehab",
                    description=str(day.get("description", "")) or None,
                    uid=f"{self.bridge.topics.device_id}-{start.isoformat()}",
                )
            )
        return out

    @property
    def event(self) -> CalendarEvent | None:
        """Today's session, else the next one."""
        now = dt_util.now()
        return next((e for e in self.events() if e.end_datetime_local > now), None)

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        start, end = dt_util.as_local(start_date), dt_util.as_local(end_date)
        return [e for e in self.events() if e.start_datetime_local < end and e.end_datetime_local > start]
