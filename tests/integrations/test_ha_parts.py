"""prehab ha without a broker: topics, discovery payload, settings, password file, the
watcher and the command answers (the broker round trips are in test_ha.py)."""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from prehab.cli import main
from prehab.day.view import DayView
from prehab.day.watch import DAY, HISTORY, RULES, SETTINGS, Watcher
from prehab.integrations.ha.broker import read_password
from prehab.integrations.ha.discovery import ENTITIES, device_config
from prehab.integrations.ha.source import MAX_ATTRIBUTES_BYTES, Source, headline
from prehab.integrations.ha.topics import Topics
from prehab.model import UserError
from prehab.paths import settings_file
from prehab.settings import SettingError, with_value
from prehab.store import Session, Settings, Store, load_settings, save_settings


def test_topics_for_one_runner_and_for_a_named_one() -> None:
    one = Topics()
    assert (one.device_id, one.device_name, one.base) == ("prehab", "prehab", "prehab")
    assert one.discovery == "homeassistant/device/prehab/config"
    alice = Topics("alice", "ha")
    assert (alice.device_id, alice.device_name) == ("prehab_alice", "prehab alice")
    assert alice.state == "prehab/alice/state" and alice.discovery == "ha/device/prehab_alice/config"
    assert alice.checkin_command == "prehab/alice/checkin/set" and alice.result == "prehab/alice/result"
    for bad in ("Alice", "a/b", "#", "x" * 40):
        with pytest.raises(ValueError):
            Topics(bad)
    with pytest.raises(ValueError):
        Topics("", "home/+/x")


def test_discovery_payload_shape() -> None:
    config = device_config(Topics("bob"), units="mi")
    assert set(config) == {"device", "origin", "components", "qos"} | {
        "availability_topic", "payload_available", "payload_not_available",
    }  # fmt: skip
    assert config["origin"]["name"] == "prehab" and config["device"]["identifiers"] == ["prehab_bob"]
    components = config["components"]
    assert len(components) == len(ENTITIES) == 11
    assert len({c["unique_id"] for c in components.values()}) == 11
    assert {c["platform"] for c in components.values()} == {"sensor", "binary_sensor", "button", "event"}
    assert components["referral"]["state_topic"] == "prehab/bob/referral"
    assert components["referral"]["event_types"] == ["emergency", "doctor-today", "doctor-soon", "physio"]
    assert components["weekly_distance"]["unit_of_measurement"] == "mi"
    assert all(
        c["state_topic"] == "prehab/bob/state"
        for c in components.values()
        if c["platform"] not in ("button", "event")
    )
    json.dumps(config)  # plain JSON


def test_broker_settings_are_checked_like_every_setting(tmp_path: Path) -> None:
    s = Settings()
    assert with_value(s, "mqtt_port", "8883").mqtt_port == 8883
    assert with_value(s, "mqtt_tls", "yes").mqtt_tls is True
    assert with_value(s, "mqtt_username", "none").mqtt_username == ""
    assert (
        with_value(s, "mqtt_password_file", "~/.config/prehab/pw").mqtt_password_file == "~/.config/prehab/pw"
    )
    for key, text, message in [
        ("mqtt_port", "0", "is not a port"),
        ("mqtt_port", "http", "is not a port"),
        ("mqtt_host", "two words", "not a host name"),
        ("mqtt_password_file", "pw.txt", "not a full path"),
        ("ha_name", "Alice Smith", "not a short name"),
    ]:
        with pytest.raises(SettingError, match=message):
            with_value(s, key, text)
    with pytest.raises(SettingError) as refused:  # a password typed where its file's path goes
        with_value(s, "mqtt_password_file", "hunter2secret")
    assert "hunter2secret" not in str(refused.value) and "not repeated here" in str(refused.value)
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    for typed in ('"hunter2secret"', "12345"):  # never repeated: a refusal is printed, logged, kept
        path.write_text(f"mqtt_password_file = {typed}\n", encoding="utf-8")
        problems = load_settings()[1]
        assert len(problems) == 1 and typed.strip('"') not in str(problems[0]), problems
    path.write_text('mqtt_host = "ha.local"\nmqtt_password = "hunter2"\n', encoding="utf-8")
    settings, problems = load_settings()
    assert settings.mqtt_host == "ha.local"
    assert len(problems) == 1 and "mqtt_password_file" in problems[0].fix and "remove it" in problems[0].fix


def test_the_settings_command_sets_and_shows_them(capsys: Any) -> None:
    assert main(["settings", "set", "mqtt_host", "ha.local"]) == 0
    assert main(["settings", "set", "mqtt_tls", "true"]) == 0
    assert main(["settings", "set", "mqtt_port", "8883"]) == 0
    assert main(["settings", "set", "mqtt_port", "99999"]) == 2
    settings, _ = load_settings()
    assert (settings.mqtt_host, settings.mqtt_tls, settings.mqtt_port) == ("ha.local", True, 8883)
    capsys.readouterr()
    assert main(["settings"]) == 0
    assert any(line.split()[:2] == ["mqtt_username", "none"] for line in capsys.readouterr().out.splitlines())


def test_password_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pw = tmp_path / "pw"
    with pytest.raises(UserError, match="does not exist"):
        read_password(str(pw))
    pw.write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="is empty"):
        read_password(str(pw))
    with pytest.raises(UserError, match="not a regular file"):
        read_password(str(tmp_path))
    pw.write_text("s3cret\nignored\n", encoding="utf-8")
    pw.chmod(0o600)
    with caplog.at_level(logging.WARNING, logger="prehab.ha"):
        assert read_password(str(pw)) == "s3cret"
    assert caplog.records == []
    pw.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="prehab.ha"):
        read_password(str(pw))
    assert "chmod 600" in caplog.text


def test_unreachable_broker_is_one_line(capsys: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens on it once closed
    save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=port))
    assert main(["ha", "publish"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("prehab: error: cannot reach the MQTT broker mqtt://127.0.0.1:") and "\n" not in err
    assert main(["ha", "run", "--poll", "0"]) == 2
    assert main(["ha", "--discovery-prefix", "a/+", "publish"]) == 2


def _history(store: Store) -> None:
    today = date.today()
    for days_ago in (13, 11, 9, 6, 4, 2):
        store.add_session(Session(date=today - timedelta(days=days_ago), kind="easy", distance_km=8))


def test_headline_and_attributes_come_from_the_apps_plan() -> None:
    source = Source.open()
    try:
        _history(source.store)
        view, _ = source.advice()
        text = headline(view, source.book, False)
        assert text.endswith(f", {view.minutes:g} min") and len(text) <= 255
        assert text.split(" (")[0] in {"Mobility", "Strength", "Plyometric"}
        payloads = source.payloads(Topics())
        assert all(len(p.encode()) <= MAX_ATTRIBUTES_BYTES for p in payloads.values())
        state = json.loads(payloads["prehab/state"])
        assert state["headline"] == text and state["weekly_distance"] == 24.0
        empty = DayView(view.day)
        assert headline(empty, source.book, True).startswith("See a professional")
    finally:
        source.close()


def test_commands_refuse_bad_payloads_without_a_broker() -> None:
    source = Source.open()
    try:
        assert "over 64 KiB" in source.checkin(b"{" + b" " * 70_000 + b"}")["error"]
        assert source.checkin(b'{"screen": "body-map", "answers": {}, "id": "x"}') == {
            "command": "checkin", "ok": True, "screen": "body-map", "facts": 0, "id": "x",
            "episodes": [], "new": [],
        }  # fmt: skip
        assert source.mark_done(b"PRESS")["ok"] is True
        assert source.mark_done(b"")["ok"] is False  # clearing a retained command is not a press
    finally:
        source.close()


def test_watcher_notices_history_settings_rules_and_midnight(tmp_path: Path) -> None:
    day = [date(2026, 3, 1)]
    save_settings(Settings())
    rules = tmp_path / "rules"
    rules.mkdir()
    with Store.open() as store:
        watcher = Watcher(store.path, settings_file(), lambda: [rules], lambda: day[0])
        try:
            assert watcher.poll() == set()
            with Store.open() as other:  # another process, e.g. the app or `prehab log`
                _history(other)
            assert watcher.poll() == {HISTORY}
            store.add_checkin({}, [])  # a write through any connection counts
            assert watcher.poll() == {HISTORY}
            save_settings(Settings(time_budget_min=20))
            assert watcher.poll() == {SETTINGS}
            (rules / "mine.toml").write_text("# nothing yet\n", encoding="utf-8")
            assert watcher.poll() == {RULES}
            day[0] += timedelta(days=1)
            assert watcher.poll() == {DAY}
            assert watcher.poll() == set()
            os.replace(store.path, tmp_path / "moved.sqlite3")  # a restored history under the same name
            with Store.open(store.path):
                pass
            assert HISTORY in watcher.poll()
        finally:
            watcher.close()


def test_the_docs_yaml_parses_and_names_real_entities() -> None:
    """Every YAML block in docs/home-assistant.md parses and names only entities prehab makes
    (Home Assistant loads and runs them in tests/ha_native/test_discovery.py; the dashboard is
    looked at in a real browser by scripts/ha_check.py)."""
    import re

    import yaml

    docs = (Path(__file__).resolve().parents[2] / "docs" / "home-assistant.md").read_text(encoding="utf-8")
    native = {"todo.prehab_today", "calendar.prehab"}
    ours = native | {
        f"{e.platform}.prehab_{re.sub(r'[^a-z0-9]+', '_', e.name.lower()).strip('_')}" for e in ENTITIES
    }
    pattern = r"\b(?:sensor|binary_sensor|button|event|todo|calendar)\.prehab\w*"
    blocks = re.findall(r"(<!-- ha:([\w-]+) -->\n)?```yaml\n(.*?)\n```", docs, re.S)
    assert {name for _, name, _ in blocks} == {"dashboard", "markdown", "automation", "check-in", "script"}
    for marker, name, text in blocks:
        assert marker, "every yaml block is marked <!-- ha:NAME --> for the tests"
        assert isinstance(yaml.safe_load(text), dict), name
        named = set(re.findall(pattern, text))
        assert named <= ours, (name, named - ours)
    listed = set(
        re.findall(r"^\| `((?:sensor|binary_sensor|button|event|todo|calendar)\.prehab\w*)`", docs, re.M)
    )
    assert listed == ours  # the tables of entities
    assert {e.platform for e in ENTITIES} == {"sensor", "binary_sensor", "button", "event"}
    assert (
        "![the dashboard" in docs
        and (Path(__file__).resolve().parents[2] / "docs" / "ha-dashboard.png").exists()
    )


def test_a_checkin_saved_while_the_day_is_read_is_never_shown_beside_the_plan_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app saves a check-in while ``ha run`` reads the day (its plan read or made, the rest
    not read yet): the state it then publishes may lag one poll behind, but it never says
    "checked in today" beside the plan made without that check-in (CI once caught exactly that)."""
    from prehab.day.service import DayService

    with Store.open() as store:
        _history(store)
    source = Source.open()
    saved: list[bool] = []
    committed = DayService._committed

    def read_while_the_app_saves(self: DayService, day: date) -> DayView:
        view = committed(self, day)
        if not saved:
            saved.append(True)
            with DayService().open() as app:  # another process: the app, saving a check-in
                screen = app.screens.screens["body-map"]
                app.save({"body-map": app.validate(screen, {"tight_calves": "7"})})
        return view

    try:
        before = json.loads(source.payloads(Topics())["prehab/state"])
        source.service.apply({HISTORY})  # as when a poll sees some other write
        monkeypatch.setattr(DayService, "_committed", read_while_the_app_saves)
        during = json.loads(source.payloads(Topics())["prehab/state"])
        assert saved, "the day was not read again"
        assert during["last_checkin"] is None
        assert (during["headline"], during["planned_items"]) == (before["headline"], before["planned_items"])
        assert HISTORY in source.poll()
        after = json.loads(source.payloads(Topics())["prehab/state"])
        assert after["last_checkin"] == date.today().isoformat()
        assert (after["headline"], after["planned_items"]) != (before["headline"], before["planned_items"])
    finally:
        source.close()
