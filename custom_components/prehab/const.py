"""Constants and the topics of one runner: the same names ``prehab ha run`` publishes under.

The topic layout mirrors ``prehab.integrations.ha.topics`` (prehab's own tests check the two
agree): the only runner publishes under ``prehab/``, a runner with ``ha_name`` set under
``prehab/NAME/``. Nothing here imports Home Assistant, so the mirror can be checked anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOMAIN = "prehab"
CONF_NAME = "name"
"""The runner's name: prehab's ``ha_name`` setting ("" for the only runner on the broker)."""

PROTOCOL = 1
"""The newest payload shape this integration reads (the bridge's ``protocol``)."""
ANSWER_TIMEOUT_S = 10.0
"""How long a tick or a check-in waits for ``prehab ha run``'s answer."""
FIND_TIMEOUT_S = 5.0
"""How long the config flow waits for a bridge's retained card."""

ONLINE = "online"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class RunnerTopics:
    name: str = ""

    @property
    def device_id(self) -> str:
        return f"prehab_{self.name}" if self.name else "prehab"

    @property
    def device_name(self) -> str:
        return f"prehab {self.name}" if self.name else "prehab"

    @property
    def base(self) -> str:
        return f"prehab/{self.name}" if self.name else "prehab"

    @property
    def bridge(self) -> str:
        return f"{self.base}/bridge"

    @property
    def availability(self) -> str:
        return f"{self.base}/availability"

    @property
    def todo(self) -> str:
        return f"{self.base}/todo"

    @property
    def week(self) -> str:
        return f"{self.base}/week"

    @property
    def item_command(self) -> str:
        return f"{self.base}/item/set"

    @property
    def checkin_command(self) -> str:
        return f"{self.base}/checkin/set"

    @property
    def result(self) -> str:
        return f"{self.base}/result"
