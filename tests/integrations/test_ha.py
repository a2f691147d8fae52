"""prehab ha against a real MQTT broker (mosquitto, else amqtt; see ha_broker.py).

Every test starts its own broker on a free loopback port and stops it; ``ha run`` runs in a
thread (or a subprocess, for the last-will tests) and is always stopped; every wait has a
timeout, so a broken build fails in seconds instead of hanging.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from ha_broker import Broker, Listener, listening, make_broker
from prehab.cli import main
from prehab.day.service import DayService
from prehab.integrations.ha.bridge import Broker as BrokerAddress
from prehab.integrations.ha.bridge import Runner
from prehab.integrations.ha.discovery import ENTITIES
from prehab.integrations.ha.source import Source
from prehab.integrations.ha.topics import Topics
from prehab.questionnaire import validate
from prehab.store import Session, Settings, Store, save_settings

T = Topics()
STATE = T.state
WAIT_S = 10.0


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    with make_broker(tmp_path / "broker") as b:
        save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=b.port))
        yield b


def add_history() -> None:
    """Two weeks of easy runs, then a long one: load metrics, a spike and strength due."""
    today = date.today()
    with Store.open() as store:
        for days_ago in (13, 11, 9, 6, 4, 2):
            store.add_session(Session(date=today - timedelta(days=days_ago), kind="easy", distance_km=8))
        store.add_session(Session(date=today - timedelta(days=1), kind="long", distance_km=21))


def log_in_with(folder: Path, port: int, password: str) -> None:
    """Settings for the bridge to log in as "runner" with ``password``, read from a private file."""
    secret = folder / "mqtt-password"
    secret.write_text(password + "\n", encoding="utf-8")
    secret.chmod(0o600)
    save_settings(
        Settings(
            mqtt_host="127.0.0.1", mqtt_port=port, mqtt_username="runner", mqtt_password_file=str(secret)
        )
    )


def state(listener: Listener) -> dict[str, Any]:
    return dict(listener.json(STATE))


def wait_state(listener: Listener, check: Any, timeout: float = WAIT_S) -> dict[str, Any]:
    def ok(messages: dict[str, bytes]) -> bool:
        return STATE in messages and bool(check(json.loads(messages[STATE])))

    assert listener.wait_for(ok, timeout), f"state never matched; last: {listener.messages.get(STATE)!r}"
    return state(listener)


@contextmanager
def running(port: int, **options: Any) -> Iterator[Runner]:
    """``prehab ha run`` in a thread, stopped (and checked stopped) on the way out."""
    source = Source.open(**({"clock": options.pop("clock")} if "clock" in options else {}))
    runner = Runner(
        source, BrokerAddress("127.0.0.1", port), T, poll_s=options.pop("poll_s", 0.1), max_backoff=2
    )
    thread = threading.Thread(target=runner.run, name="ha-run", daemon=True)
    thread.start()
    try:
        assert runner.client.listening.wait(WAIT_S), "ha run never subscribed to its commands"
        yield runner
    finally:
        runner.stop()
        thread.join(15)
        source.close()
        assert not thread.is_alive(), "ha run did not stop"


def command(listener: Listener, topic: str, payload: str | bytes) -> dict[str, Any]:
    """Send a command and wait for its answer on the result topic."""
    listener.messages.pop(T.result, None)
    listener.publish(topic, payload)
    assert listener.wait_for(lambda m: T.result in m, WAIT_S), "no answer on the result topic"
    return dict(listener.json(T.result))


def test_publish_makes_every_entity_with_valid_discovery(broker: Broker, capsys: Any) -> None:
    add_history()
    assert main(["ha", "publish"]) == 0
    assert "published 10 messages" in capsys.readouterr().out
    with listening(broker.port) as listener:
        assert listener.wait_for(lambda m: T.availability in m and STATE in m and T.discovery in m, WAIT_S)
        config = listener.json(T.discovery)
        current = state(listener)
        assert listener.messages[T.availability] == b"online"
        attributes = {e.key: listener.json(T.attributes(e.key)) for e in ENTITIES if e.attributes}
    assert config["origin"]["name"] == "prehab"  # device-based discovery needs the origin block
    assert config["device"]["identifiers"] == ["prehab"] and config["device"]["name"] == "prehab"
    assert config["availability_topic"] == T.availability
    components = config["components"]
    assert sorted(components) == sorted(e.key for e in ENTITIES)
    ids = [c["unique_id"] for c in components.values()]
    assert len(set(ids)) == len(ids) == 11 and all(i.startswith("prehab_") for i in ids)
    platforms = {k: c["platform"] for k, c in components.items()}
    assert platforms["strength_due"] == platforms["warning"] == "binary_sensor"
    assert platforms["mark_done"] == "button" and components["mark_done"]["command_topic"] == T.done_command
    assert components["warning"]["device_class"] == "problem"
    assert components["weekly_distance"]["unit_of_measurement"] == "km"
    assert components["weekly_distance"]["device_class"] == "distance"
    assert components["last_checkin"]["device_class"] == "date"
    for key, c in components.items():
        if c["platform"] == "event":
            assert c["state_topic"] == T.referral and "value_template" not in c
        elif c["platform"] != "button":
            assert c["state_topic"] == STATE
            field = c["value_template"].removeprefix("{{ value_json.").removesuffix(" }}")
            assert field in current, f"{key} reads {field}, not in the state"
        if "json_attributes_topic" in c:
            assert isinstance(attributes[key], dict)
    # the values are the app's: the same one call gives the same plan
    with DayService() as service:
        plan = service.open().view()
    assert current["planned_minutes"] == plan.minutes
    assert current["planned_items"] == len(plan.items)
    assert [i["exercise"] for i in attributes["today"]["items"]] == [i.exercise for i in plan.items]
    assert [i["number"] for i in attributes["today"]["items"]] == [i.number for i in plan.items]
    assert all(i["dose"] and i["why"] for i in attributes["today"]["items"])
    assert current["headline"].endswith(f", {plan.minutes:g} min")
    assert current["weekly_distance"] == 45.0 and current["run_spike_pct"] == 162.5
    assert current["strength_due"] == "ON" and current["days_since_strength"] is None
    assert current["warning"] == "ON" and attributes["warning"]["text"]
    assert current["done_today"] == 0 and current["last_checkin"] is None


def test_run_follows_a_checkin_in_the_app(broker: Broker) -> None:
    """A check-in saved in the app reaches Home Assistant: the test waits for the published state
    (an event), never for a time; how fast it arrives is measured in bench/ha.py."""
    from prehab.tui.state import AppState

    add_history()
    with listening(broker.port) as listener, running(broker.port):
        before = wait_state(listener, lambda s: s["last_checkin"] is None)
        app = AppState()
        app.open()
        try:
            screen = app.screens.screens["body-map"]
            checked = validate(screen, {"tight_calves": "7"}, today=app.today)
            app.save({"body-map": checked})
        finally:
            app.close()
        after = wait_state(listener, lambda s: s["last_checkin"] == date.today().isoformat())
    assert after["headline"] != before["headline"] or after["planned_items"] != before["planned_items"]


def test_checkin_over_mqtt_is_validated_stored_and_published(broker: Broker) -> None:
    add_history()
    with listening(broker.port) as listener, running(broker.port):
        wait_state(listener, lambda s: s["last_checkin"] is None)
        payload = {
            "screen": "weekly-checkin",
            "answers": {"hard_sessions": 2, "goal_focus": "speed"},
            "id": 7,
        }
        result = command(listener, T.checkin_command, json.dumps(payload))
        assert result == {
            "command": "checkin", "ok": True, "screen": "weekly-checkin", "facts": 2, "id": 7,
            "episodes": [], "new": result["new"],
        }  # fmt: skip
        current = wait_state(listener, lambda s: s["last_checkin"] == date.today().isoformat())
        # a second screen the same day keeps the first one's answers, as in the app
        result = command(
            listener, T.checkin_command, '{"screen": "body-map", "answers": {"tight_calves": 6}}'
        )
        assert result["ok"] is True
        attrs = lambda: listener.json(T.attributes("today"))  # noqa: E731
        assert listener.wait_for(lambda m: "calves" in json.dumps(attrs()), WAIT_S)
    with Store.open() as store:
        latest = store.latest_checkin()
    assert latest is not None and set(latest.answers) == {"weekly-checkin", "body-map"}
    assert latest.answers["weekly-checkin"] == {"hard_sessions": 2, "goal_focus": "speed"}
    assert {"fact": "tightness", "region": "calves", "level": 6} in latest.facts
    assert current["last_checkin"] == date.today().isoformat()


BAD_CHECKINS = [
    (b"not json", "not JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"screen": "body-map", "answer": {}}', "unknown key 'answer'"),
    (b'{"screen": "body-mpa", "answers": {}}', "did you mean 'body-map'"),
    (b'{"screen": "session", "answers": {}}', "must name a screen you can answer now"),
    (b'{"screen": "body-map", "answers": [6]}', "'answers' must be an object"),
    (b'{"screen": "body-map", "answers": {"tight_calfs": 6}}', "did you mean 'tight_calves'"),
    (b'{"screen": "body-map", "answers": {"tight_calves": 11}}', "out of range"),
    (b'{"screen": "body-map", "answers": {"tight_calves": 6, "tight_shins": "lots"}}', "not a number"),
    (b'{"screen": "weekly-checkin", "answers": {"goal_focus": "glory"}}', "not one of the choices"),
    (b'{"screen": "body-map", "answers": {"tight_calves": true}}', "only yes-no questions"),
    (b'{"screen": "body-map", "answers": {"tight_calves": [6]}}', "not a list"),
    (b'{"screen": "weekly-checkin", "answers": {"rest_day": "perhaps"}}', "answer yes or no"),
]


def test_a_bad_checkin_is_answered_on_the_result_topic_and_stores_nothing(broker: Broker) -> None:
    with listening(broker.port) as listener, running(broker.port):
        wait_state(listener, lambda s: True)
        for payload, why in BAD_CHECKINS:
            result = command(listener, T.checkin_command, payload)
            assert result["ok"] is False and result["command"] == "checkin", payload
            assert why in result["error"], (payload, result)
        result = command(
            listener, T.checkin_command, b'{"screen": "body-map", "answers": {"tight_calves": 11}}'
        )
        assert result["errors"] == {"tight_calves": "11 is out of range: give 0-10"}
        assert "nothing was stored" in result["error"]
    with Store.open() as store:
        assert store.checkins() == []


def test_a_retained_command_is_not_carried_out(broker: Broker) -> None:
    """A command left retained on the broker would be carried out again on every reconnect."""
    with listening(broker.port) as listener:
        empty = b'{"screen": "body-map", "answers": {}}'
        listener.client.publish(T.checkin_command, empty, qos=1, retain=True).wait_for_publish(5)
        listener.client.publish(T.done_command, b"PRESS", qos=1, retain=True).wait_for_publish(5)
        with running(broker.port):
            wait_state(listener, lambda s: True)
            time.sleep(0.5)
        for topic in (T.checkin_command, T.done_command):
            listener.client.publish(topic, b"", qos=1, retain=True).wait_for_publish(5)
    with Store.open() as store:
        assert store.checkins() == [] and store.done_on(date.today()) == set()


def test_the_button_marks_today_done(broker: Broker) -> None:
    add_history()
    with listening(broker.port) as listener, running(broker.port):
        before = wait_state(listener, lambda s: s["planned_items"] > 0)
        assert command(listener, T.done_command, b"nonsense")["ok"] is False
        result = command(listener, T.done_command, b"PRESS")
        assert result["ok"] is True and len(result["done"]) == before["planned_items"]
        after = wait_state(listener, lambda s: s["done_today"] == before["planned_items"])
        done = listener.json(T.attributes("done_today"))
        assert after["days_since_strength"] == 0  # the marked work counts as a strength session
    assert done["remaining"] == [] and done["planned"] == before["planned_items"]
    assert len(done["names"]) == len(result["done"]) and not set(done["names"]) & set(result["done"])
    with Store.open() as store:
        assert store.done_on(date.today()) == set(result["done"])
        items = store.done_items(date.today())
    assert all(d.kind and d.dose for d in items)  # recorded as the app records a tick


def test_remove_clears_every_retained_topic(broker: Broker, capsys: Any) -> None:
    assert main(["ha", "publish"]) == 0
    with listening(broker.port) as listener:
        assert listener.wait_for(lambda m: T.discovery in m and T.availability in m, WAIT_S)
    assert main(["ha", "remove"]) == 0
    assert "cleared 10 retained topics" in capsys.readouterr().out
    with listening(broker.port) as listener:
        listener.publish("prehab-test/marker", b"x")  # retained messages come before it
        assert listener.wait_for(lambda m: "prehab-test/marker" in m, WAIT_S)
        left = {t: p for t, p in listener.messages.items() if t != "prehab-test/marker" and p}
    assert left == {}


def test_run_recovers_when_the_broker_restarts(broker: Broker) -> None:
    add_history()
    with running(broker.port) as runner:
        with listening(broker.port) as listener:
            wait_state(listener, lambda s: True)
            assert listener.wait_for(lambda m: m.get(T.availability) == b"online", WAIT_S)
        broker.stop(kill=True)  # no persistence: every retained message is gone with it
        time.sleep(1.0)
        broker.start()  # the same port
        with listening(broker.port) as listener:
            assert listener.wait_for(
                lambda m: T.discovery in m and STATE in m and m.get(T.availability) == b"online", 20
            ), f"not republished after the restart: {sorted(listener.messages)}"
            assert runner.client.connects >= 2 and runner.client.listening.wait(WAIT_S)
            result = command(
                listener, T.checkin_command, '{"screen": "body-map", "answers": {"tight_calves": 5}}'
            )
            assert result["ok"] is True


def test_settings_rules_and_midnight_republish(broker: Broker, tmp_path: Path) -> None:
    add_history()
    day = [date.today()]
    with listening(broker.port) as listener, running(broker.port, clock=lambda: day[0]):
        first = wait_state(listener, lambda s: s["planned_minutes"] > 10)
        save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=broker.port, units="mi", time_budget_min=10))
        miles = wait_state(listener, lambda s: s["units"] == "mi")
        assert miles["planned_minutes"] <= 10 and miles["weekly_distance"] == pytest.approx(
            45 / 1.609344, 0.01
        )
        assert listener.wait_for(
            lambda m: (
                json.loads(m[T.discovery])["components"]["weekly_distance"]["unit_of_measurement"] == "mi"
            ),
            WAIT_S,
        )
        rules = Path(os.environ["PREHAB_CONFIG_DIR"]) / "rules"
        rules.mkdir(parents=True)
        (rules / "mine.toml").write_text(
            '[[override]]\nid = "strength-never-logged"\nenabled = false\n', encoding="utf-8"
        )
        wait_state(listener, lambda s: s["strength_due"] == "OFF")
        day[0] = day[0] + timedelta(days=1)  # midnight
        wait_state(listener, lambda s: s["day"] == day[0].isoformat())
    assert first["units"] == "km"


def _ha_run_process(port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    return subprocess.Popen(
        [sys.executable, "-m", "prehab", "ha", "run", "--poll", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.parametrize("how", ["killed", "stopped"])
def test_entities_go_unavailable_when_prehab_stops(broker: Broker, how: str) -> None:
    with listening(broker.port, (T.availability,)) as listener:
        proc = _ha_run_process(broker.port)
        try:
            assert listener.wait_for(lambda m: m.get(T.availability) == b"online", 30), "never online"
            if how == "killed":
                proc.kill()  # the broker sends the last will
            else:
                proc.send_signal(signal.SIGTERM)  # a clean stop says offline itself
            assert listener.wait_for(lambda m: m.get(T.availability) == b"offline", WAIT_S)
            code = proc.wait(timeout=WAIT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=WAIT_S)
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    assert code == (-signal.SIGKILL if how == "killed" else 0), out


def test_the_pip_installed_broker_works_too(tmp_path: Path) -> None:
    """A fresh machine without mosquitto runs these tests on amqtt: publish and a check-in."""
    with make_broker(tmp_path / "amqtt", "amqtt") as b:
        save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=b.port))
        assert main(["ha", "publish"]) == 0
        with listening(b.port) as listener, running(b.port):
            assert listener.wait_for(lambda m: T.discovery in m and STATE in m, WAIT_S)
            result = command(
                listener, T.checkin_command, '{"screen": "body-map", "answers": {"tight_calves": 4}}'
            )
            assert result["ok"] is True
            wait_state(listener, lambda s: s["last_checkin"] == date.today().isoformat())


@pytest.mark.parametrize("kind", ["default", "amqtt"])
def test_user_name_and_password_file(tmp_path: Path, capsys: Any, kind: str) -> None:
    """The password comes from mqtt_password_file; a wrong one is a one-line refusal."""
    users = {"runner": "correct horse"}
    with make_broker(tmp_path / "auth", None if kind == "default" else kind, users=users) as b:
        log_in_with(tmp_path, b.port, "correct horse")
        assert main(["ha", "publish"]) == 0
        with listening(b.port, (T.availability,), auth=("runner", "correct horse")) as listener:
            assert listener.wait_for(lambda m: m.get(T.availability) == b"online", WAIT_S)
        log_in_with(tmp_path, b.port, "wrong")
        capsys.readouterr()
        assert main(["ha", "publish"]) == 2
        err = capsys.readouterr().err
        assert "did not let prehab in" in err and "mqtt_password_file" in err, err
    assert "correct horse" not in Path(os.environ["PREHAB_CONFIG_DIR"], "settings.toml").read_text()


def test_tls_checks_the_brokers_certificate(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mqtt_tls: the broker's certificate must chain to a trusted CA and name the host."""
    import shutil

    from ha_broker import make_certificates

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate authority")
    ca, cert, key = make_certificates(tmp_path / "tls")
    with make_broker(tmp_path / "tls-broker", tls=(cert, key)) as b:
        save_settings(Settings(mqtt_host="localhost", mqtt_port=b.port, mqtt_tls=True))
        assert main(["ha", "publish"]) == 2  # the test CA is not trusted yet
        err = capsys.readouterr().err
        assert "over TLS" in err and "CERTIFICATE_VERIFY_FAILED" in err and "trusts" in err, err
        monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # what OpenSSL's default store reads
        assert main(["ha", "publish"]) == 0
        assert "published 10 messages to mqtts://localhost:" in capsys.readouterr().out


# -- hostile and lost messages -------------------------------------------------------------------


def test_a_checkin_that_is_not_text_is_refused_and_the_bridge_keeps_running(broker: Broker) -> None:
    """A lone UTF-16 surrogate is valid JSON; the refusal never echoes it (publishing it raised
    and stopped the bridge), and the next check-in is answered."""
    with listening(broker.port) as listener, running(broker.port) as runner:
        for payload in (
            '{"screen": "body-map", "answers": {"sore_region": "\\ud800"}, "id": "\\udfff"}',
            '{"screen": "\\ud800", "answers": {}}',
            '{"screen": "body-map", "answers": {"\\ud800": 3}}',
        ):
            result = command(listener, T.checkin_command, payload)
            assert result["ok"] is False and "\ud800" not in json.dumps(result, ensure_ascii=False)
        result = command(
            listener, T.checkin_command, '{"screen": "body-map", "answers": {"tight_calves": 5}}'
        )
        assert result["ok"] is True and runner.client.connected()
    with Store.open() as store:
        assert len(store.checkins()) == 1


def test_clearing_a_retained_command_does_nothing(broker: Broker, caplog: pytest.LogCaptureFixture) -> None:
    """``mosquitto_pub -r -n -t prehab/done/set`` (how one clears a retained message) is an
    empty retained message: not a press; an empty message is not one either."""
    add_history()
    with listening(broker.port) as listener, running(broker.port):
        wait_state(listener, lambda s: s["planned_items"] > 0)
        for _ in range(2):
            listener.client.publish(T.done_command, b"", qos=1, retain=True).wait_for_publish(5)
            listener.client.publish(T.done_command, b"", qos=1).wait_for_publish(5)
        result = command(listener, T.done_command, b"PRESS")  # a real press after them is answered
        assert result["ok"] is True and result["done"]
    with Store.open() as store:
        assert store.done_on(date.today()) == set(result["done"])
    assert sum("ignored an empty message" in r.message for r in caplog.records) == 1  # logged once


def test_a_checkin_sent_while_the_bridge_is_down_is_answered_when_it_is_back(broker: Broker) -> None:
    """``ha run`` keeps a persistent session (a fixed client id, QoS 1): the broker queues what
    is sent while it is down."""
    with listening(broker.port) as listener:
        with running(broker.port):
            wait_state(listener, lambda s: True)
        listener.messages.pop(T.result, None)
        listener.publish(
            T.checkin_command, '{"screen": "body-map", "answers": {"tight_calves": 6}, "id": "late"}'
        )
        with running(broker.port):
            assert listener.wait_for(lambda m: T.result in m, WAIT_S), (
                "the queued check-in was never answered"
            )
            assert listener.json(T.result)["ok"] is True and listener.json(T.result)["id"] == "late"
    with Store.open() as store:
        assert len(store.checkins()) == 1


def test_a_second_bridge_on_one_history_is_refused_with_who_holds_it(broker: Broker, capsys: Any) -> None:
    from prehab.integrations.ha.lock import BridgeLock

    with Store.open() as store:
        path = store.path
    with BridgeLock(path):
        assert main(["ha", "run"]) == 2
        err = capsys.readouterr().err
        assert "another prehab ha run already serves this history" in err and f"pid {os.getpid()}" in err
    with BridgeLock(path):  # released when the holder stops: the next one may start
        pass
