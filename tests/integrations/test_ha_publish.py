"""``prehab ha publish`` through the day memo (``prehab.integrations.ha.publish``), against a
real broker: an unchanged day is sent again exactly as it was, without the rules or paho; any
change to the day, the settings, the prefix or the cache means it is worked out again; the
broker's password is read each time and never kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_ha import WAIT_S, T, add_history, broker, log_in_with

from ha_broker import Broker, Listener, listening, make_broker
from prehab.cli import main
from prehab.day import memo
from prehab.day.service import DayService
from prehab.integrations.ha import publish
from prehab.integrations.ha.topics import Topics
from prehab.paths import cache_dir, database_file
from prehab.store import Settings, save_settings

__all__ = ["broker"]  # the fixture, used by name


def publish_once(listener: Listener, *argv: str, last: str = T.availability) -> dict[str, bytes]:
    """Run ``ha publish``; what it sent, as the listener saw it (up to ``last``, the topic it
    sends last: a broker delivers one client's messages in order)."""
    before = len(listener.history)
    assert main(["ha", *argv, "publish"]) == 0

    def arrived(messages: dict[str, bytes]) -> bool:
        return any(topic == last for _, topic, _, _ in listener.history[before:])

    assert listener.wait_for(arrived, WAIT_S)
    return {topic: payload for _, topic, payload, _ in listener.history[before:]}


def test_an_unchanged_day_is_sent_again_exactly_without_the_rules(broker: Broker, counted: list[int]) -> None:
    add_history()
    with listening(broker.port, (f"{T.base}/#", "homeassistant/#")) as listener:
        first = publish_once(listener)
        assert len(counted) == 1
        for _ in range(2):
            assert publish_once(listener) == first
        assert len(counted) == 1  # sent again from the memo
        for kept in (cache_dir() / "day").glob("*.json"):
            kept.unlink()
        assert publish_once(listener) == first  # and it is what working the day out sends
    assert len(counted) == 2


def checkin(folder: Path, answers: dict[str, Any]) -> None:
    file = folder / "checkin.json"
    file.write_text(json.dumps(answers))
    assert main(["checkin", "--json", str(file)]) == 0


@pytest.mark.parametrize("change", ["tick", "checkin", "settings"])
def test_any_change_is_sent_at_once(broker: Broker, counted: list[int], change: str, tmp_path: Path) -> None:
    add_history()
    with listening(broker.port, ("#",)) as listener:
        before = json.loads(publish_once(listener)[T.state])
        publish_once(listener)
        assert len(counted) == 1
        if change == "tick":
            assert main(["done", "1"]) == 0
        elif change == "checkin":
            checkin(tmp_path, {"screen": "body-map", "answers": {"tight_calves": 4}})
        else:
            save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=broker.port, units="mi"))
        after = json.loads(publish_once(listener)[T.state])
    if change == "tick":
        assert (before["done_today"], after["done_today"]) == (0, 1)
    elif change == "checkin":
        assert (before["last_checkin"], after["last_checkin"]) == (None, date.today().isoformat())
    else:
        assert (before["units"], after["units"]) == ("km", "mi")
    assert len(counted) >= 2


def test_the_prefix_and_the_name_are_part_of_what_is_kept(broker: Broker) -> None:
    add_history()
    with listening(broker.port, ("#",)) as listener:
        publish_once(listener)
        other = publish_once(listener, "--discovery-prefix", "elsewhere")
        assert Topics("", "elsewhere").discovery in other and T.discovery not in other
        save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=broker.port, ha_name="alice"))
        alice = publish_once(listener, last=Topics("alice").availability)
    assert Topics("alice").state in alice and T.state not in alice


def test_the_password_is_read_each_time_and_never_kept(tmp_path: Path, capsys: Any) -> None:
    """A memo holds where the broker is, never the password: a changed password file counts on
    the next publish of an unchanged day, and the cache folder never holds the password."""
    with make_broker(tmp_path / "auth", users={"runner": "correct horse"}) as b:
        log_in_with(tmp_path, b.port, "correct horse")
        assert main(["ha", "publish"]) == 0
        assert main(["ha", "publish"]) == 0  # from the memo
        (tmp_path / "mqtt-password").write_text("wrong\n")
        capsys.readouterr()
        assert main(["ha", "publish"]) == 2
        assert "did not let prehab in" in capsys.readouterr().err
        (tmp_path / "mqtt-password").write_text("correct horse\n")
        assert main(["ha", "publish"]) == 0
    kept = [p.read_bytes() for p in cache_dir().rglob("*") if p.is_file()]
    assert kept and not any(b"correct horse" in k for k in kept)


def test_the_settings_problems_are_printed_each_time_and_never_kept(broker: Broker, capsys: Any) -> None:
    """A password typed where its file's path goes: refused without being repeated, printed on
    every publish (from the memo too), and nowhere in the cache folder."""
    from prehab.paths import settings_file

    settings_file().write_text(
        f'mqtt_host = "127.0.0.1"\nmqtt_port = {broker.port}\nmqtt_password_file = "hunter2secret"\n'
    )
    for _ in range(2):
        capsys.readouterr()
        assert main(["ha", "publish"]) == 0
        err = capsys.readouterr().err
        assert "mqtt_password_file: is not a full path" in err and "hunter2secret" not in err, err
    assert publish.recall(T)[0] is not None  # the second was sent from the memo
    kept = [p.read_bytes() for p in cache_dir().rglob("*") if p.is_file()]
    assert kept and not any(b"hunter2secret" in k for k in kept)


def _kept_key() -> str:
    found = memo.today_sources()
    assert found is not None
    return found.key(date.today())


@pytest.mark.parametrize(
    "damage", ["garbage", "messages that are not text", "another day", "a topic not this runner's"]
)
def test_a_damaged_or_foreign_entry_is_a_miss(broker: Broker, counted: list[int], damage: str) -> None:
    """Anything else than what this runner sends today is worked out again: a cache folder
    others could write can never make prehab publish elsewhere (the broker and the password
    are never taken from it at all)."""
    add_history()
    with listening(broker.port, ("#",)) as listener:
        first = publish_once(listener)
        name = publish.memo_name("homeassistant")
        good = publish.recall(T)[0]
        assert good is not None
        if damage == "garbage":
            for kept in (cache_dir() / "day").glob("*.json"):
                kept.write_bytes(b"\xff not json")
        else:
            messages: dict[str, Any] = dict(good.messages)
            if "text" in damage:
                messages[T.state] = 1
            elif "topic" in damage:
                messages["somewhere/else"] = "x"
            day = good.day.replace(year=2000) if damage == "another day" else good.day
            assert memo.keep_beside(_kept_key(), name, publish.Sent(day, messages, good.referrals))
        assert publish.recall(T)[0] is None
        assert publish_once(listener) == first
    assert len(counted) == 2


def test_the_quick_path_imports_neither_the_rules_nor_paho(broker: Broker) -> None:
    """``ha publish`` never imports paho; sent again from the memo, it imports no rule loader,
    no day service, no history and no engine either (only the settings: where to send)."""
    env = dict(os.environ)
    add_history()
    code = "import sys; from prehab.cli import main; sys.exit(main(['ha', 'publish']))"
    probe = (
        "import sys; from prehab.cli import main; code = main(['ha', 'publish']); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('prehab', 'paho')))))"
    )
    first = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "prehab.day.service" in first.stdout.split() and "paho" not in first.stdout
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    loaded = set(again.stdout.splitlines()[-1].split())
    assert "prehab.integrations.ha.publish" in loaded and "prehab.day.memo" in loaded, again.stderr
    assert "prehab.settings.file" in loaded
    for name in ("paho", "prehab.rulebook.loader", "prehab.day.service", "prehab.engine", "prehab.store.db"):
        assert name not in loaded, name


def test_a_new_referral_is_announced_from_the_memo_too(
    broker: Broker, counted: list[int], tmp_path: Path
) -> None:
    """The referrals are kept with what is sent; which were announced is read each time, so a
    publish from the memo announces what the file says was not announced yet."""
    from test_ha_native import REFERRAL_CHECKIN

    add_history()
    checkin(tmp_path, REFERRAL_CHECKIN)
    with listening(broker.port, (T.referral, "prehab-test/marker")) as listener:
        assert main(["ha", "publish"]) == 0
        assert listener.wait_for(lambda m: T.referral in m, WAIT_S)
        reads = len(counted)
        assert main(["ha", "publish"]) == 0  # announced already
        file = database_file().with_name(database_file().name + ".ha-referrals.json")
        file.unlink()
        assert main(["ha", "publish"]) == 0  # from the memo: announced again, as the file says
        listener.publish("prehab-test/marker", b"x")
        assert listener.wait_for(lambda m: "prehab-test/marker" in m, WAIT_S)
        events = [p for _, t, p, _ in listener.history if t == T.referral]
    assert len(counted) == reads  # both from the memo
    assert len(events) == 2 and file.exists()


def test_nothing_is_kept_when_a_rule_changes_while_it_is_worked_out(
    broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is sent is made from more than the day's read: the week reads the rules when it is
    planned, after the key was taken. A rule file changed in between means it is sent but not
    kept, else putting the file back would meet a week planned on the other rules."""
    from prehab.paths import config_dir

    add_history()
    folder = config_dir() / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    mine = folder / "mine.toml"
    mine.write_text("")
    real = DayService.week

    def with_an_edit(self: DayService) -> Any:  # after the day's read, before the week's
        mine.write_text('[[override]]\nrule = "core-for-heavy-week"\nenabled = false\n')
        return real(self)

    monkeypatch.setattr(DayService, "week", with_an_edit)
    assert main(["ha", "publish"]) == 0
    monkeypatch.setattr(DayService, "week", real)
    mine.write_text("")  # back as it was when the day was read
    assert publish.recall(T)[0] is None
    assert main(["ha", "publish"]) == 0
    assert publish.recall(T)[0] is not None
