"""prehab's own discovery payload in Home Assistant's real MQTT discovery, and the docs' YAML.

The payload is built by prehab's ``discovery`` module (pure Python, imported from src/), so
these tests hold the bridge and Home Assistant together: every entity is created, the referral
``event`` fires once per message and never from a retained replay or a reload, and the docs'
automation notifies once per new referral, not when prehab or MQTT restarts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from homeassistant.components import automation, script
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message, async_mock_service

from prehab.integrations.ha.announce import event_payload
from prehab.integrations.ha.discovery import ENTITIES, device_config
from prehab.integrations.ha.topics import Topics

from . import samples
from .helpers import FakeBridge, add_runner

DOCS = Path(__file__).resolve().parents[2] / "docs" / "home-assistant.md"
T = Topics()
STATE = {
    "headline": "Strength (calves), 5 min", "planned_minutes": 5, "planned_items": 1, "done_today": 0,
    "strength_due": "ON", "warning": "OFF", "weekly_distance": 45.0, "run_spike_pct": 162.5,
    "days_since_strength": None, "last_checkin": None, "day": samples.TODAY.isoformat(), "units": "km",
}  # fmt: skip
REFERRAL = {"rule": "red-flag-bone-tenderness", "text": "Pinpoint bone tenderness: see a doctor within days.",
            "urgency": "doctor-soon"}  # fmt: skip


def doc_blocks() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- ha:([\w-]+) -->\n```(?:yaml|ini)\n(.*?)\n```", text, re.S))


async def publish_prehab(hass: HomeAssistant, units: str = "km", retained: bool = True) -> None:
    """What ``prehab ha run`` publishes on (re)connect. ``retained``: as a broker delivers it
    to a new subscription (a live message reaches a subscriber without the retain flag). The
    mocked broker replays nothing to a later subscriber: the entities are made first."""
    async_fire_mqtt_message(hass, T.discovery, json.dumps(device_config(T, units)), retain=retained)
    await hass.async_block_till_done()
    async_fire_mqtt_message(hass, T.state, json.dumps({**STATE, "units": units}), retain=retained)
    async_fire_mqtt_message(hass, T.availability, "online", retain=retained)
    await hass.async_block_till_done()


def entity_id(platform: str, name: str) -> str:
    return f"{platform}.prehab_{re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')}"


async def test_every_entity_of_the_payload_is_created(hass: HomeAssistant, mqtt_mock) -> None:
    await publish_prehab(hass)
    registry = er.async_get(hass)
    for entity in ENTITIES:
        found = registry.async_get(entity_id(entity.platform, entity.name))
        assert found is not None, entity
        assert found.unique_id == f"prehab_{entity.key}"
    assert hass.states.get("sensor.prehab_weekly_distance").state == "45.0"
    assert hass.states.get("event.prehab_referral").state == STATE_UNKNOWN  # no referral yet
    attributes = hass.states.get("event.prehab_referral").attributes
    assert attributes["event_types"] == ["emergency", "doctor-today", "doctor-soon", "physio"]


async def test_miles_are_shown_in_home_assistants_unit_system(hass: HomeAssistant, mqtt_mock) -> None:
    """What the docs say: on a metric Home Assistant a distance in mi is shown in km."""
    await publish_prehab(hass, "mi")
    state = hass.states.get("sensor.prehab_weekly_distance")
    assert state.attributes["unit_of_measurement"] == "km"
    assert float(state.state) == 45.0 * 1.609344


async def test_a_referral_event_fires_once_and_never_from_a_replay(hass: HomeAssistant, mqtt_mock) -> None:
    await publish_prehab(hass)
    payload = json.dumps(event_payload(REFERRAL, samples.TODAY))
    async_fire_mqtt_message(hass, T.referral, payload)
    await hass.async_block_till_done()
    state = hass.states.get("event.prehab_referral")
    assert state.attributes["event_type"] == "doctor-soon" and state.attributes["text"] == REFERRAL["text"]
    assert state.attributes["label"] == "see a doctor within days"
    fired = state.state
    async_fire_mqtt_message(hass, T.referral, payload, retain=True)  # a retained copy is never an event
    await hass.async_block_till_done()
    assert hass.states.get("event.prehab_referral").state == fired


async def test_the_docs_automation_notifies_once_per_new_referral(hass: HomeAssistant, mqtt_mock) -> None:
    blocks = doc_blocks()
    notify = async_mock_service(hass, "notify", "mobile_app_your_phone")
    config = yaml.safe_load(blocks["automation"])
    assert await async_setup_component(
        hass, automation.DOMAIN, {automation.DOMAIN: [{"id": "doc", **config}]}
    )
    await publish_prehab(hass)
    async_fire_mqtt_message(hass, T.referral, json.dumps(event_payload(REFERRAL, samples.TODAY)))
    await hass.async_block_till_done()
    assert len(notify) == 1
    assert notify[0].data["message"] == f"{REFERRAL['text']} (see a doctor within days)"
    # prehab ha run restarts: offline (its will), then online and everything retained again
    async_fire_mqtt_message(hass, T.availability, "offline")
    await hass.async_block_till_done()
    assert hass.states.get("event.prehab_referral").state == STATE_UNAVAILABLE
    await publish_prehab(hass, retained=False)
    # Home Assistant's MQTT integration is reloaded
    mqtt_entry = hass.config_entries.async_entries("mqtt")[0]
    assert await hass.config_entries.async_reload(mqtt_entry.entry_id)
    await hass.async_block_till_done()
    await publish_prehab(hass)
    assert len(notify) == 1
    # a second, new referral notifies again
    other = {
        **REFERRAL,
        "rule": "red-flag-swelling",
        "text": "Swelling: see a doctor today.",
        "urgency": "doctor-today",
    }
    async_fire_mqtt_message(hass, T.referral, json.dumps(event_payload(other, samples.TODAY)))
    await hass.async_block_till_done()
    assert len(notify) == 2 and notify[1].data["message"].startswith("Swelling")


async def test_the_docs_dashboard_names_only_entities_that_exist(hass: HomeAssistant, mqtt_mock) -> None:
    blocks = doc_blocks()
    bridge = FakeBridge(hass, mqtt_mock)
    await publish_prehab(hass)
    await add_runner(hass)
    await bridge.online()
    for name in ("dashboard", "markdown"):
        card = yaml.safe_load(blocks[name])
        assert isinstance(card, dict) and card["type"], name
        named = set(
            re.findall(r"\b(?:sensor|binary_sensor|button|todo|calendar|event)\.prehab\w*", blocks[name])
        )
        assert named and not {e for e in named if hass.states.get(e) is None}, name
    dashboard = yaml.safe_load(blocks["dashboard"])
    assert {c["type"] for c in dashboard["cards"]} >= {"todo-list", "entities", "calendar"}


async def test_the_markdown_card_is_one_short_line_per_item(hass: HomeAssistant, mqtt_mock) -> None:
    """The card's template rendered by Home Assistant on a real plan: a headline, then one
    line per item (the old ``>-`` card folded them all into one run-on bullet)."""
    from homeassistant.helpers.template import Template

    card = yaml.safe_load(doc_blocks()["markdown"])
    items = [
        {"name": "Calf raise", "dose": "3 x 15 @ 16 kg", "done": True, "why": "a long reason " * 20},
        {
            "name": "Calf stretch at a wall (straight and bent knee)",
            "dose": "2 x 30 s per side",
            "done": False,
        },
        {"name": "Side plank", "dose": "3 x 30 s per side", "done": False},
    ]
    hass.states.async_set("sensor.prehab_today", "Strength (calves), 12 min", {"items": items})
    hass.states.async_set("binary_sensor.prehab_warning", "on", {"text": "See a physiotherapist."})
    text = Template(card["content"], hass).async_render(parse_result=False)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == [
        "**⚠ See a physiotherapist.**",
        "**Strength (calves), 12 min**",
        "- ✓ Calf raise: 3 x 15 @ 16 kg",
        "- Calf stretch at a wall (straight and bent knee): 2 x 30 s per side",
        "- Side plank: 3 x 30 s per side",
    ]
    hass.states.async_set("binary_sensor.prehab_warning", "off", {})
    text = Template(card["content"], hass).async_render(parse_result=False)
    assert text.splitlines()[0] == "**Strength (calves), 12 min**"


async def test_the_docs_scripts_run(hass: HomeAssistant, mqtt_mock) -> None:
    """Both check-in scripts load and run: the action sends prehab's check-in and shows its answer."""
    blocks = doc_blocks()
    bridge = FakeBridge(hass, mqtt_mock)
    await add_runner(hass)
    await bridge.online()
    notes = async_mock_service(hass, "persistent_notification", "create")
    scripts = {"native": yaml.safe_load(blocks["check-in"]), "mqtt": yaml.safe_load(blocks["script"])}
    assert await async_setup_component(hass, script.DOMAIN, {script.DOMAIN: scripts})
    await hass.services.async_call("script", "native", blocking=True)
    assert bridge.sent[-1][0] == "prehab/checkin/set"
    assert bridge.sent[-1][1]["answers"] == {"tight_calves": 6}
    assert notes[-1].data["message"].startswith("Stored")
    published = mqtt_mock.async_publish
    await hass.services.async_call("script", "mqtt", blocking=True)
    topic, payload = published.call_args[0][:2]
    assert topic == "prehab/checkin/set" and json.loads(payload)["screen"] == "body-map"


def test_every_yaml_block_is_in_a_test() -> None:
    text = DOCS.read_text(encoding="utf-8")
    fenced = re.findall(r"(<!-- ha:[\w-]+ -->\n)?```yaml\n", text)
    assert fenced and all(fenced), "every yaml block of the docs has a <!-- ha:NAME --> marker"
