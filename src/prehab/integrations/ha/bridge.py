"""``prehab ha run``: stay connected to the broker through paho-mqtt 2.x, MQTT 3.1.1 (what Home
Assistant speaks). The one-shot commands (``ha publish``, ``ha remove``) are
``prehab.integrations.ha.publish``, on a plain socket (``wire``): paho is not imported for them.

A last will marks the device "offline" if prehab dies or the network drops; a clean stop says
"offline" itself. paho reconnects with an exponential back-off (1 s doubling to
``max_backoff``); every (re)connect, and every "online" from Home Assistant, republishes
everything, since a restarted broker may have lost retained messages. Between, a poll every
``poll_s`` seconds republishes what a change of the history, settings, rules or day altered
(only topics whose payload changed), and commands from Home Assistant (a check-in, the button,
a tick on the to-do list) are answered on the result topic. A referral new in the plan is
announced once on the event topic, after the states it comes with (``announce``). paho's
refusals and back-off are logged: ``run`` keeps trying.

paho's network thread only queues what arrives and sets flags; every store access and
publish happens in the caller's thread.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from prehab.integrations.ha.announce import Announcements
from prehab.integrations.ha.broker import Broker
from prehab.integrations.ha.publish import payload_json, retained_messages
from prehab.integrations.ha.source import Source
from prehab.integrations.ha.topics import OFFLINE, Topics
from prehab.integrations.ha.wire import refusal
from prehab.model import UserError
from prehab.settings import Settings

__all__ = ["Broker", "Client", "Runner", "announce", "session_id"]

log = logging.getLogger("prehab.ha")

KEEPALIVE_S = 30
MAX_BACKOFF_S = 60


class Client:
    """A paho client set up for ``ha run``: will, credentials, TLS, back-off, a persistent
    session named ``session`` (``session_id``)."""

    def __init__(
        self, broker: Broker, topics: Topics, *, session: str, max_backoff: int = MAX_BACKOFF_S
    ) -> None:
        self.broker = broker
        self.topics = topics
        self.inbox: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self.fresh = threading.Event()
        """Set on each successful (re)connect and Home Assistant's "online": republish all."""
        self.listening = threading.Event()
        """Set once the broker has confirmed the command subscriptions of this connection."""
        self.refused = ""
        """Why the broker refused the last connection ("" if it did not)."""
        self._logged_refusal = ""
        self.connects = 0
        self.ignored: set[tuple[str, str]] = set()
        """(why, topic) of ignored messages already logged: each is logged once."""
        # ``session``: a persistent session: a fixed client id and clean_session off, so the
        # broker keeps the QoS 1 subscriptions and queues commands sent while prehab is down,
        # and delivers them when it is back.
        c = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"{topics.device_id}-{session}",
            protocol=mqtt.MQTTv311,
            clean_session=False,
        )
        if broker.username or broker.password is not None:
            c.username_pw_set(broker.username or None, broker.password)
        if broker.tls:
            c.tls_set()  # the system's CA certificates; the host name is checked
        c.will_set(topics.availability, OFFLINE, qos=1, retain=True)
        c.reconnect_delay_set(min_delay=1, max_delay=max(1, max_backoff))
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_connect_fail = self._on_connect_fail
        c.on_message = self._on_message
        c.on_subscribe = self._on_subscribe
        self.paho = c
        self._listen: list[str] = []

    # -- paho's thread -------------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            self.refused = refusal(str(reason))
            if self.refused != self._logged_refusal:  # once, not at every retry
                log.error(
                    "the broker %s refused prehab: %s; retrying with back-off", self.broker, self.refused
                )
                self._logged_refusal = self.refused
            return
        self.refused = self._logged_refusal = ""
        self.connects += 1
        log.info("connected to %s", self.broker)
        if self._listen:
            client.subscribe([(topic, 1) for topic in self._listen])
        self.fresh.set()

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, codes: Any, props: Any) -> None:
        self.listening.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self.listening.clear()
        if reason.is_failure and not self.refused:
            log.warning("lost the broker %s (%s); reconnecting with back-off", self.broker, reason)

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        log.warning("cannot reach the broker %s; retrying with back-off", self.broker)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic != self.topics.ha_status:
            if message.retain:  # a retained command would be carried out again on every reconnect
                self._ignore("a retained", message.topic, "send commands without retain")
                return
            if not message.payload:  # clearing a retained command (mosquitto_pub -r -n) is not a press
                self._ignore("an empty", message.topic, "a command needs a payload")
                return
        self.inbox.put((message.topic, bytes(message.payload)))

    def _ignore(self, why: str, topic: str, fix: str) -> None:
        if (why, topic) not in self.ignored:
            self.ignored.add((why, topic))
            log.warning("ignored %s message on %s: %s (logged once)", why, topic, fix)

    # -- the caller's thread -------------------------------------------------------------

    def listen(self, topics: list[str]) -> None:
        """Subscribe to ``topics`` on every (re)connect."""
        self._listen = list(topics)

    def start(self) -> None:
        """Connect in the background, retrying with back-off until it works (for ``run``)."""
        self.paho.connect_async(self.broker.host, self.broker.port, KEEPALIVE_S)
        self.paho.loop_start()

    def connected(self) -> bool:
        return bool(self.paho.is_connected())

    def publish(self, topic: str, payload: str | bytes, retain: bool = True) -> mqtt.MQTTMessageInfo:
        return self.paho.publish(topic, payload, qos=1, retain=retain)

    def stop(self, say_offline: bool) -> None:
        """Disconnect cleanly (no will), after saying "offline" if asked and connected."""
        if say_offline and self.connected():
            info = self.publish(self.topics.availability, OFFLINE)
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(2.0)
        self.paho.disconnect()
        self.paho.loop_stop()


def announce(client: Client, source: Source, announcements: Announcements) -> int:
    """One event per referral new in today's plan (after the states that hold it); remember
    what the plan holds."""
    current = source.referrals()
    fresh = announcements.events(current, source.clock())
    for payload in fresh:
        client.publish(client.topics.referral, payload_json(payload), retain=False)
        log.info("announced a referral (%s): %s", payload["event_type"], payload["text"][:80])
    announcements.keep(current, source.clock())
    return len(fresh)


class Runner:
    """``prehab ha run``: keeps Home Assistant up to date until ``stop`` is set."""

    def __init__(
        self,
        source: Source,
        broker: Broker,
        topics: Topics,
        *,
        poll_s: float = 0.5,
        max_backoff: int = MAX_BACKOFF_S,
        watcher: Any = None,
        on_publish: Callable[[str, str | bytes], None] | None = None,
    ) -> None:

        self.source = source
        self.broker = broker
        self.topics = topics
        self.poll_s = poll_s
        self.client = Client(
            broker, self.topics, max_backoff=max_backoff, session=session_id(source.store.path)
        )
        self.client.listen(
            [
                self.topics.done_command,
                self.topics.checkin_command,
                self.topics.item_command,
                self.topics.ha_status,
            ]
        )
        self.announcements = Announcements.beside(source.store.path)
        self.published: dict[str, str | bytes] = {}
        self.dirty = True
        self.on_publish = on_publish
        self.stop_event = threading.Event()
        self._next_poll = 0.0
        self.watcher = watcher
        """A stand-in for the service's own watcher (tests); None: ``source.poll``."""
        self._broker_settings = _broker_settings(source.settings)

    def stop(self) -> None:
        self.stop_event.set()

    def run(self) -> None:
        self.client.start()
        try:
            while not self.stop_event.is_set():
                self.step()
        finally:
            self.client.stop(say_offline=True)
            log.info("stopped: Home Assistant shows prehab's entities unavailable")

    def step(self) -> None:
        """Answer a command as soon as it comes; look for changes every ``poll_s`` seconds on
        a fixed beat (commands do not push the next look back); publish what changed."""
        now = time.monotonic()
        try:
            topic, payload = self.client.inbox.get(timeout=max(0.0, self._next_poll - now))
        except queue.Empty:
            pass
        else:
            self.handle(topic, payload)
        now = time.monotonic()
        if now >= self._next_poll:
            self._next_poll += self.poll_s
            if self._next_poll <= now:  # fell behind (a slow evaluation): no burst of polls
                self._next_poll = now + self.poll_s
            found = (
                self.source.service.apply(self.watcher.poll())
                if self.watcher is not None
                else self.source.poll()
            )
            self.notice(found)
        self.sync()

    def handle(self, topic: str, payload: bytes) -> None:
        log.debug("message on %s (%d bytes)", topic, len(payload))
        if topic == self.topics.ha_status:
            if payload.strip() == b"online":
                log.info("Home Assistant is online: republishing")
                self.client.fresh.set()
            return
        if topic == self.topics.checkin_command:
            result = self.source.checkin(payload)
        elif topic == self.topics.done_command:
            result = self.source.mark_done(payload)
        elif topic == self.topics.item_command:
            result = self.source.tick(payload)
        else:
            return
        if result.get("ok"):
            self.dirty = True
        else:
            log.warning("refused a command on %s: %s", topic, result.get("error"))
        self.sync()  # the new states first, then the answer: a reader of the result sees them
        self.client.publish(self.topics.result, payload_json(result), retain=False)

    def notice(self, changes: set[str]) -> None:
        """Something changed (the service reloaded it already): publish what it changed."""
        if not changes:
            return
        log.info("changed: %s", ", ".join(sorted(changes)))
        self.dirty = True
        if "settings" in changes:
            for p in self.source.service.settings_problems:
                log.warning("%s: %s", p.severity, p)
            if Topics(self.source.settings.ha_name, self.topics.discovery_prefix) != self.topics or (
                _broker_settings(self.source.settings) != self._broker_settings
            ):
                log.warning("the broker settings or ha_name changed: restart prehab ha run to use them")
        if "rules" in changes:
            for p in self.source.service.problems:
                log.warning("%s: %s", p.severity, p)

    def sync(self) -> None:
        """After a change or a (re)connect, publish the topics whose payload changed
        (everything after a (re)connect). The advice is computed only then."""
        if self.client.fresh.is_set():
            self.client.fresh.clear()
            self.published.clear()
            self.dirty = True
        if not self.dirty or not self.client.connected():
            return
        try:
            messages = retained_messages(self.source, self.topics)
        except UserError as exc:  # e.g. the history became unreadable: say so, keep going
            log.error("cannot compute today's advice: %s", exc)
            return
        self.dirty = False
        for topic, payload in messages.items():
            if self.published.get(topic) == payload:
                continue
            self.client.publish(topic, payload)
            self.published[topic] = payload
            log.debug("published %s (%d bytes)", topic, len(payload))
            if self.on_publish is not None:
                self.on_publish(topic, payload)
        try:
            announce(self.client, self.source, self.announcements)
        except UserError as exc:
            log.error("cannot read today's referrals: %s", exc)


def session_id(history: Path) -> str:
    """The persistent session's name for one history: stable across restarts, apart per history."""
    import hashlib

    return hashlib.sha256(str(history.resolve()).encode()).hexdigest()[:10]


def _broker_settings(settings: Settings) -> tuple[Any, ...]:
    return (
        settings.mqtt_host,
        settings.mqtt_port,
        settings.mqtt_tls,
        settings.mqtt_username,
        settings.mqtt_password_file,
    )
