"""The device-based MQTT discovery payload: one retained message creates every entity.

Follows Home Assistant's MQTT discovery documentation: ``<prefix>/device/<id>/config`` with
``device``, ``origin`` (required for device-based discovery) and ``components``, each with
its ``platform`` and a ``unique_id``; availability is shared by all components. Every value
comes from one retained JSON state topic through a ``value_template``; lists and texts that
do not fit a state (items, doses, reasons, referral texts) are JSON attributes. The one
``event`` entity (a new referral) reads its own topic, never retained: a message there is one
event, so nothing old is replayed when Home Assistant or its MQTT integration restarts.
"""

from __future__ import annotations

from typing import Any

from prehab import __version__
from prehab.integrations.ha.topics import OFFLINE, ONLINE, PRESS, Topics
from prehab.model import URGENCY_ORDER
from prehab.record import Record, field


class Entity(Record, frozen=True):
    """One Home Assistant entity announced by MQTT discovery, declared as data."""

    key: str
    """The component's key, the end of its unique id and of its attributes topic."""
    platform: str
    name: str
    value: str = ""
    """The key in the state JSON (the value template reads it); "" for the button and the event."""
    attributes: bool = False
    """True: JSON attributes on ``<base>/<key>/attributes``."""
    options: dict[str, Any] = field(default_factory=dict)


ENTITIES: tuple[Entity, ...] = (
    Entity("today", "sensor", "Today", "headline", True, {"icon": "mdi:run"}),
    Entity(
        "planned_minutes",
        "sensor",
        "Planned minutes",
        "planned_minutes",
        options={"device_class": "duration", "unit_of_measurement": "min", "state_class": "measurement"},
    ),
    Entity(
        "done_today",
        "sensor",
        "Done today",
        "done_today",
        True,
        {"state_class": "measurement", "icon": "mdi:check-all"},
    ),
    Entity("strength_due", "binary_sensor", "Strength due", "strength_due", True, {"icon": "mdi:dumbbell"}),
    Entity("warning", "binary_sensor", "Warning", "warning", True, {"device_class": "problem"}),
    Entity(
        "weekly_distance",
        "sensor",
        "Weekly distance",
        "weekly_distance",
        options={"device_class": "distance", "state_class": "measurement", "suggested_display_precision": 1},
    ),
    Entity(
        "run_spike",
        "sensor",
        "Single-run spike",
        "run_spike_pct",
        options={
            "unit_of_measurement": "%",
            "state_class": "measurement",
            "suggested_display_precision": 0,
            "icon": "mdi:chart-line-variant",
        },
    ),
    Entity(
        "days_since_strength",
        "sensor",
        "Days since strength",
        "days_since_strength",
        options={"device_class": "duration", "unit_of_measurement": "d", "state_class": "measurement"},
    ),
    Entity("last_checkin", "sensor", "Last check-in", "last_checkin", options={"device_class": "date"}),
    Entity("mark_done", "button", "Mark today done", options={"icon": "mdi:check-bold"}),
    Entity(
        "referral", "event", "Referral", options={"event_types": list(URGENCY_ORDER), "icon": "mdi:doctor"}
    ),
)
"""Every entity, in the order Home Assistant lists them."""

ATTRIBUTE_ENTITIES = [e.key for e in ENTITIES if e.attributes]


def unique_id(topics: Topics, entity: Entity) -> str:
    return f"{topics.device_id}_{entity.key}"


def component(topics: Topics, entity: Entity, units: str) -> dict[str, Any]:
    """One entry of ``components``: the entity's platform, name, unique id, topics and classes."""
    config: dict[str, Any] = {
        "platform": entity.platform,
        "name": entity.name,
        "unique_id": unique_id(topics, entity),
    }
    if entity.platform == "button":
        config.update(command_topic=topics.done_command, payload_press=PRESS)
    elif entity.platform == "event":  # the payload is {"event_type": urgency, "text": ...}
        config.update(state_topic=topics.referral)
    else:
        config.update(state_topic=topics.state, value_template=f"{{{{ value_json.{entity.value} }}}}")
    if entity.attributes:
        config["json_attributes_topic"] = topics.attributes(entity.key)
    config.update(entity.options)
    if entity.key == "weekly_distance":
        config["unit_of_measurement"] = units
    return config


def device_config(topics: Topics, units: str = "km") -> dict[str, Any]:
    """The retained payload for ``topics.discovery``."""
    return {
        "device": {
            "identifiers": [topics.device_id],
            "name": topics.device_name,
            "manufacturer": "prehab",
            "model": "Strength and mobility advisor for runners",
            "sw_version": __version__,
        },
        "origin": {"name": "prehab", "sw_version": __version__},
        "availability_topic": topics.availability,
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
        "qos": 1,
        "components": {e.key: component(topics, e, units) for e in ENTITIES},
    }
