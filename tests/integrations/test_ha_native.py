"""The bridge's side of the native integration, against a real broker: ticks from the to-do
list, the to-do list and week topics, the referral event (once, never on a restart), and the
one-line refusal of a wrong login. The integration's own tests run in Home Assistant's harness
(tests/ha_native, scripts/ha-tests); here they are held to the same topics and payload shapes.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from test_ha import WAIT_S, T, add_history, broker, command, log_in_with, running, wait_state

from ha_broker import Broker, Listener, listening, make_broker
from prehab.cli import main
from prehab.integrations.ha.announce import Announcements
from prehab.integrations.ha.source import Source
from prehab.integrations.ha.topics import Topics
from prehab.settings import Settings, save_settings
from prehab.store import Store

ROOT = Path(__file__).resolve().parents[2]
REFERRAL_CHECKIN = {
    "screen": "body-map",
    "answers": {"pain_region": "shins", "pain_level": 6, "pain_bone_tenderness": "yes"},
}
__all__ = ["broker"]  # the fixture, used by name


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def todo(listener: Listener) -> dict[str, Any]:
    return dict(listener.json(T.todo))


def wait_todo(listener: Listener, check: Any) -> dict[str, Any]:
    def ok(messages: dict[str, bytes]) -> bool:
        return T.todo in messages and bool(check(json.loads(messages[T.todo])))

    assert listener.wait_for(ok, WAIT_S), f"to-do list never matched: {listener.messages.get(T.todo)!r}"
    return todo(listener)


def referral_events(listener: Listener) -> list[dict[str, Any]]:
    return [json.loads(p) for _, topic, p, _ in listener.history if topic == T.referral]


# -- the contract with custom_components/prehab ---------------------------------------------------


def test_the_integration_uses_the_bridges_topics() -> None:
    const = load(ROOT / "custom_components" / "prehab" / "const.py", "prehab_integration_const")
    for name in ("", "alice"):
        ours, theirs = Topics(name), const.RunnerTopics(name)
        for topic in ("device_id", "device_name", "base", "bridge", "availability", "todo", "week",
                      "item_command", "checkin_command", "result"):  # fmt: skip
            assert getattr(theirs, topic) == getattr(ours, topic), (name, topic)
    manifest = json.loads((ROOT / "custom_components" / "prehab" / "manifest.json").read_text())
    assert manifest["mqtt"] == [Topics().bridge, "prehab/+/bridge"] and manifest["dependencies"] == ["mqtt"]
    assert manifest["version"] and manifest["config_flow"] is True
    assert json.loads((ROOT / "hacs.json").read_text())["name"] == "prehab"


def test_the_integrations_samples_have_the_bridges_shapes() -> None:
    """tests/ha_native/samples.py feeds the integration's tests: the bridge publishes exactly
    those keys (so neither side drifts)."""
    samples = load(ROOT / "tests" / "ha_native" / "samples.py", "prehab_integration_samples")
    add_history()
    source = Source.open()
    try:
        payloads = {**source.payloads(T), **source.discovery(T)}
    finally:
        source.close()
    real_todo, real_week = json.loads(payloads[T.todo]), json.loads(payloads[T.week])
    assert set(real_todo) == set(samples.todo())
    assert real_todo["items"] and all(set(i) == set(samples.todo()["items"][0]) for i in real_todo["items"])
    assert set(real_week) == set(samples.week())
    assert len(real_week["days"]) == 7 and all(
        set(d) == set(samples.week()["days"][0]) for d in real_week["days"]
    )
    planned = [d for d in real_week["days"] if d["items"]]
    assert planned and all(
        set(i) == set(samples.week()["days"][0]["items"][0]) for d in planned for i in d["items"]
    )
    assert json.loads(payloads[T.bridge]) == {
        **samples.card(),
        "version": json.loads(payloads[T.bridge])["version"],
    }


# -- the to-do list and the week ------------------------------------------------------------------


def test_the_todo_list_is_the_committed_plan_and_the_week_starts_with_it() -> None:
    add_history()
    source = Source.open()
    try:
        view, _ = source.advice()
        payloads = source.payloads(T)
    finally:
        source.close()
    listed = json.loads(payloads[T.todo])
    assert listed["day"] == date.today().isoformat() and listed["committed"] is True
    plan = [*view.items, *view.extra]
    assert [i["id"] for i in listed["items"]] == [i.item_id(view.day) for i in plan]
    assert [i["extra"] for i in listed["items"]] == [False] * len(view.items) + [True] * len(view.extra)
    first = listed["items"][0]
    assert first["summary"].startswith(plan[0].name + " · ") and first["dose"] in first["summary"]
    assert first["description"].startswith(f"#{plan[0].number} · ")
    week = json.loads(payloads[T.week])
    assert [d["day"] for d in week["days"]] == [
        (date.today() + timedelta(days=k)).isoformat() for k in range(7)
    ]
    assert [i["name"] for i in week["days"][0]["items"]] == [i.name for i in view.items]
    assert week["days"][0]["summary"].endswith(f", {view.minutes:g} min")
    assert all(line in week["days"][0]["description"] for line in (i.name for i in view.items))


def test_a_tick_never_plans_the_week_again(monkeypatch: pytest.MonkeyPatch) -> None:
    add_history()
    source = Source.open()
    calls = []
    real = source.service.week
    monkeypatch.setattr(source.service, "week", lambda *a: calls.append(1) or real(*a))
    try:
        source.payloads(T)
        view, _ = source.advice()
        assert source.tick(json.dumps({"item": view.items[0].item_id(view.day)}).encode())["ok"]
        week = json.loads(source.payloads(T)[T.week])
        assert week["days"][0]["items"][0]["done"] is True and week["days"][0]["description"].startswith("✓ ")
        assert len(calls) == 1
        save_settings(Settings(time_budget_min=10))  # what the week rests on: planned again
        source.service.apply(source.poll())
        source.payloads(T)
        assert len(calls) == 2
    finally:
        source.close()


def test_ticks_from_home_assistant_reach_the_history(broker: Broker) -> None:
    add_history()
    with listening(broker.port) as listener, running(broker.port):
        listed = wait_todo(listener, lambda t: t["items"])
        first = listed["items"][0]
        started = time.monotonic()
        result = command(
            listener, T.item_command, json.dumps({"item": first["id"], "done": True, "id": "ha-1"})
        )
        answered = time.monotonic() - started
        assert result == {
            "command": "item", "ok": True, "item": first["id"], "exercise": first["exercise"],
            "name": first["name"], "done": True, "changed": True, "id": "ha-1",
        }  # fmt: skip
        with Store.open() as store:  # in the history as soon as it is answered
            assert store.done_on(date.today()) == {first["exercise"]}
        wait_todo(listener, lambda t: t["items"][0]["done"])
        wait_state(listener, lambda s: s["done_today"] == 1)
        again = command(listener, T.item_command, json.dumps({"item": first["id"], "done": True}))
        assert again["ok"] and again["changed"] is False
        result = command(listener, T.item_command, json.dumps({"item": first["id"], "done": False}))
        assert result["ok"] and result["done"] is False and result["changed"] is True
        wait_todo(listener, lambda t: not t["items"][0]["done"])
        with Store.open() as store:
            assert store.done_on(date.today()) == set()
    assert answered < WAIT_S


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        (b"not json", "not JSON"),
        (b'{"item": "2026-03-01"}', "must be an item id"),
        (b'{"item": 3}', "must be an item id"),
        (b'{"item": "TODAY#1", "done": "yes"}', "'done' must be true"),
        (b'{"item": "TODAY#1", "tick": true}', "unknown key 'tick'"),
        (b'{"item": "TODAY#99"}', "has no item 99"),
        (b'{"item": "TOMORROW#1"}', "is a day ahead"),
        (b'{"item": "2020-01-01#1"}', "no plan of 2020-01-01 was kept"),
    ],
)
def test_a_bad_tick_is_refused_and_stores_nothing(payload: bytes, why: str) -> None:
    add_history()
    source = Source.open()
    try:
        text = payload.replace(b"TODAY", date.today().isoformat().encode())
        text = text.replace(b"TOMORROW", (date.today() + timedelta(days=1)).isoformat().encode())
        result = source.tick(text)
    finally:
        source.close()
    assert result["ok"] is False and result["command"] == "item" and why in result["error"], result
    with Store.open() as store:
        assert store.done_on(date.today()) == set()


def test_the_button_marks_the_rest_and_a_second_press_nothing(broker: Broker) -> None:
    add_history()
    with listening(broker.port) as listener, running(broker.port):
        listed = wait_todo(listener, lambda t: t["items"])
        command(listener, T.item_command, json.dumps({"item": listed["items"][0]["id"]}))
        first = command(listener, T.done_command, b"PRESS")
        planned = [i for i in listed["items"] if not i["extra"]]
        assert first["ok"] and len(first["done"]) == len(planned) - 1 and first["already"] == 1
        second = command(listener, T.done_command, b"PRESS")
        assert second["ok"] and second["done"] == [] and second["already"] == len(planned)


# -- the referral event -----------------------------------------------------------------------------


def test_a_new_referral_is_one_event_never_again_on_a_restart(broker: Broker) -> None:
    add_history()
    with listening(broker.port) as listener:
        with running(broker.port):
            wait_state(listener, lambda s: s["warning"] == "ON")  # a caution (the spike), no referral
            assert command(listener, T.checkin_command, json.dumps(REFERRAL_CHECKIN))["ok"]
            assert listener.wait_for(lambda m: T.referral in m, WAIT_S), "no event for the new referral"
            event = json.loads(listener.messages[T.referral])
            assert event["event_type"] == "doctor-soon" and "bone" in event["text"].lower()
            assert event["label"] == "see a doctor within days" and event["day"] == date.today().isoformat()
            assert not [r for _, t, _, r in listener.history if t == T.referral and r]  # never retained
            # another check-in re-plans and republishes: the referral stays, no second event
            assert command(
                listener, T.checkin_command, '{"screen": "body-map", "answers": {"tight_calves": 5}}'
            )["ok"]
            listener.publish(T.ha_status, b"online")  # Home Assistant restarted: everything again
            marker = time.monotonic()
            assert listener.wait_for(
                lambda m: any(t == T.discovery and w > marker for w, t, _, _ in listener.history), WAIT_S
            )
        with running(broker.port):  # prehab ha run restarted (the systemd unit's Restart=on-failure)
            assert listener.wait_for(lambda m: m.get(T.availability) == b"online", WAIT_S)
            assert command(listener, T.checkin_command, '{"screen": "body-map", "answers": {}}')["ok"]
        assert main(["ha", "publish"]) == 0  # and a one-shot publish
    assert len(referral_events(listener)) == 1


def test_ha_publish_announces_when_no_bridge_runs(broker: Broker, capsys: Any) -> None:
    add_history()
    with Store.open() as store:
        store_path = store.path
    with listening(broker.port, (T.referral, "prehab-test/marker")) as listener:
        assert main(["ha", "publish"]) == 0  # no referral yet
        source = Source.open()
        try:
            assert source.checkin(json.dumps(REFERRAL_CHECKIN).encode())["ok"]
        finally:
            source.close()
        assert main(["ha", "publish"]) == 0
        assert listener.wait_for(lambda m: T.referral in m, WAIT_S)
        assert main(["ha", "publish"]) == 0  # announced already: nothing
        listener.publish("prehab-test/marker", b"x")
    assert len(referral_events(listener)) == 1
    kept = Announcements.beside(store_path)
    assert len(kept.keys) == 1 and kept.path.name.endswith(".ha-referrals.json")


def test_announcements_forget_what_left_the_plan(tmp_path: Path) -> None:
    ref = {"rule": "r1", "text": "See a physio.", "urgency": "physio"}
    other = {"rule": "r1", "text": "See a physio about the knee.", "urgency": "physio"}
    kept = Announcements.beside(tmp_path / "history.sqlite3")
    assert kept.new([ref, ref]) == [ref]
    kept.keep([ref], date.today())
    again = Announcements.beside(tmp_path / "history.sqlite3")  # a restart reads the file
    assert again.new([ref]) == [] and again.new([ref, other]) == [other]
    again.keep([], date.today())  # resolved: it left the plan
    assert Announcements.beside(tmp_path / "history.sqlite3").new([ref]) == [ref]  # its return is new
    again.path.write_text("{broken", encoding="utf-8")
    assert Announcements.beside(tmp_path / "history.sqlite3").keys == set()  # at worst one repeat


# -- the one-line refusal -------------------------------------------------------------------------


def test_a_wrong_login_is_one_line(tmp_path: Path, capsys: Any, caplog: pytest.LogCaptureFixture) -> None:
    with make_broker(tmp_path / "auth", users={"runner": "correct horse"}) as b:
        log_in_with(tmp_path, b.port, "wrong")
        with caplog.at_level(logging.INFO, logger="prehab.ha"):
            assert main(["ha", "publish"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not let prehab in" in err and "mqtt_password_file" in err, err
    assert [r.message for r in caplog.records if r.name == "prehab.ha"] == []
