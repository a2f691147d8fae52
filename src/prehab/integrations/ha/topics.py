"""Every topic prehab uses for one runner: one Home Assistant device.

One runner (no ``ha_name`` setting) is the device ``prehab`` under ``prehab/...``; several
runners sharing a broker each set ``ha_name`` (``alice``) and become ``prehab_alice`` under
``prehab/alice/...``, so their entities never mix.
"""

from __future__ import annotations

import re

from prehab.record import Record

DEFAULT_DISCOVERY_PREFIX = "homeassistant"
ONLINE = "online"
OFFLINE = "offline"
PRESS = "PRESS"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_PREFIX = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")


class Topics(Record, frozen=True):
    """The MQTT topics of one runner's device, from its name and the discovery prefix."""

    name: str = ""
    """The runner's ``ha_name`` ("" for the only runner)."""
    discovery_prefix: str = DEFAULT_DISCOVERY_PREFIX

    def __post_init__(self) -> None:
        if self.name and not _NAME.fullmatch(self.name):
            raise ValueError(f"{self.name!r} is not a valid ha_name")
        if not _PREFIX.fullmatch(self.discovery_prefix):
            raise ValueError(f"{self.discovery_prefix!r} is not a valid discovery prefix")

    @property
    def device_id(self) -> str:
        """The device's identifier, the discovery topic's object id and every unique id's start."""
        return f"prehab_{self.name}" if self.name else "prehab"

    @property
    def device_name(self) -> str:
        return f"prehab {self.name}" if self.name else "prehab"

    @property
    def base(self) -> str:
        return f"prehab/{self.name}" if self.name else "prehab"

    @property
    def discovery(self) -> str:
        """The retained device-based discovery config (``<prefix>/device/<id>/config``)."""
        return f"{self.discovery_prefix}/device/{self.device_id}/config"

    @property
    def ha_status(self) -> str:
        """Home Assistant's birth and will topic: "online" after it (re)starts."""
        return f"{self.discovery_prefix}/status"

    @property
    def availability(self) -> str:
        return f"{self.base}/availability"

    @property
    def state(self) -> str:
        """One retained JSON object holding every entity's value."""
        return f"{self.base}/state"

    def attributes(self, entity: str) -> str:
        """A retained JSON object of one entity's attributes."""
        return f"{self.base}/{entity}/attributes"

    @property
    def done_command(self) -> str:
        """The "mark today done" button presses here."""
        return f"{self.base}/done/set"

    @property
    def checkin_command(self) -> str:
        """A check-in as JSON: ``{"screen": "body-map", "answers": {"tight_calves": 6}}``."""
        return f"{self.base}/checkin/set"

    @property
    def item_command(self) -> str:
        """Tick or untick one item of the plan: ``{"item": "2026-03-01#3", "done": true}``."""
        return f"{self.base}/item/set"

    @property
    def bridge(self) -> str:
        """Who publishes here (retained): how the custom integration finds this runner."""
        return f"{self.base}/bridge"

    @property
    def todo(self) -> str:
        """Today's plan as a list to tick off (retained): the custom integration's todo list."""
        return f"{self.base}/todo"

    @property
    def week(self) -> str:
        """The next seven days' planned sessions (retained): the custom integration's calendar."""
        return f"{self.base}/week"

    @property
    def referral(self) -> str:
        """One message per new referral (not retained): the ``event`` entity's topic."""
        return f"{self.base}/referral"

    @property
    def result(self) -> str:
        """The answer to every command (not retained): ``{"ok": false, "errors": {...}}``."""
        return f"{self.base}/result"

    def retained(self, attribute_entities: list[str]) -> list[str]:
        """Every retained topic prehab may have left on the broker (what ``ha remove`` clears)."""
        return [
            self.discovery,
            self.state,
            *(self.attributes(e) for e in attribute_entities),
            self.todo,
            self.week,
            self.bridge,
            self.availability,
        ]
