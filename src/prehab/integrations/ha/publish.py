"""``prehab ha publish`` and ``ha remove``: everything sent once, then disconnect (no paho).

- ``retained_messages``: discovery, states and attributes, then "online", as Home Assistant
  wants them (``ha run`` publishes the same, through paho).
- ``Sent``: what one ``ha publish`` sends for a day: the retained messages and the referrals
  to announce. A runner's timer publishes every few minutes an unchanged day; computing it
  again meant the rules and seven evaluations (the week). So it is kept in the day memo
  (``prehab.day.memo``) beside the read it came from, under that read's key and this module's
  code: while nothing the day depends on changed (the history, every rule, screen and settings
  file, the day, prehab's code), ``ha publish`` sends it again without reading the day. Where
  it goes is never taken from the cache: the broker, the password (from its file) and the
  topics come from the settings each time, and a kept message on any other topic than this
  runner's is a miss, so a cache folder others can write cannot send the password elsewhere.
- ``send``: connect (``wire``), publish the retained messages, announce the new referrals
  (``announce.Announcements``: kept only once the broker acknowledged them), disconnect.
- ``remove``: empty retained messages on every retained topic, so the entities go cleanly.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from prehab.integrations.ha.broker import Broker
from prehab.integrations.ha.topics import OFFLINE, ONLINE, Topics
from prehab.record import Record
from prehab.rulebook import packcache

if TYPE_CHECKING:
    from prehab.day.memo import Sources
    from prehab.integrations.ha.announce import Announcements
    from prehab.integrations.ha.source import Source
    from prehab.integrations.ha.wire import Connection

log = logging.getLogger("prehab.ha")

ACK_TIMEOUT_S = 10.0
"""How long the broker may take to let prehab in, and then to acknowledge everything."""


def payload_json(value: Any) -> str:
    """JSON to publish; always encodable (a lone surrogate becomes "?"): publishing never raises."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return text.encode("utf-8", "replace").decode("utf-8")


def retained_messages(source: Source, topics: Topics) -> dict[str, str]:
    """Discovery, states and attributes, then "online": the order Home Assistant wants them in."""
    messages: dict[str, str] = {}
    messages.update(source.discovery(topics))
    messages.update(source.payloads(topics))
    messages[topics.availability] = ONLINE
    return messages


class Sent(Record):
    """What ``ha publish`` sends for ``day`` (see the module docstring)."""

    day: date
    messages: dict[str, str]
    """Retained, in the order sent."""
    referrals: list[dict[str, str]]
    """Today's referrals (``Source.referrals``): the new ones are announced."""
    stderr: str = ""
    """The rules' and screens' problems printed before: printed again with it (the settings'
    are read and printed each time)."""


packcache.register("hS", Sent)


def memo_name(discovery_prefix: str) -> str:
    """The name ``Sent`` is kept under beside a day's read: the prefix and this package's code
    (the day's key covers the rest of prehab's)."""
    stamp = packcache.code_stamp(("integrations/ha",))
    return f"ha publish\0{discovery_prefix}\0{stamp}"


def recall(topics: Topics) -> tuple[Sent | None, Sources | None]:
    """What ``ha publish`` sent for today on ``topics``, if nothing the day depends on changed
    since; with it, what the day depends on as found (for the day service to use again on a
    miss)."""
    from prehab.day import memo

    found = memo.today_sources()
    if found is None:
        return None, None
    kept = memo.recall_beside(found.key(date.today()), memo_name(topics.discovery_prefix))
    return (kept if _well_formed(kept, topics) else None), found


def _well_formed(kept: Any, topics: Topics) -> bool:
    """A ``Sent`` of the right shape for today, on this runner's topics only: anything else in
    the cache is a miss."""
    from prehab.integrations.ha.discovery import ATTRIBUTE_ENTITIES

    if not isinstance(kept, Sent) or kept.day != date.today() or not isinstance(kept.stderr, str):
        return False
    if not isinstance(kept.messages, dict) or not set(kept.messages) <= set(
        topics.retained(ATTRIBUTE_ENTITIES)
    ):
        return False
    if not all(isinstance(v, str) for v in kept.messages.values()):
        return False
    return isinstance(kept.referrals, list) and all(
        isinstance(r, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in r.items())
        for r in kept.referrals
    )


def send(
    sent: Sent,
    broker: Broker,
    topics: Topics,
    announcements: Announcements | None = None,
    timeout: float = ACK_TIMEOUT_S,
) -> int:
    """Publish everything once (and announce new referrals, given ``announcements``); the
    number of retained messages the broker acknowledged. UserError saying why it could not."""
    with _connect(broker, topics, (topics.availability, OFFLINE), timeout) as connection:
        count = connection.publish(((t, p, True) for t, p in sent.messages.items()), timeout)
        for topic, payload in sent.messages.items():  # acknowledged, every one (-v shows them)
            log.debug("published %s (%d bytes)", topic, len(payload))
        if announcements is not None:
            announce(connection, topics, sent.referrals, sent.day, announcements, timeout)
    return count


def announce(
    connection: Any,
    topics: Topics,
    referrals: Sequence[Mapping[str, Any]],
    day: date,
    announcements: Announcements,
    timeout: float,
) -> int:
    """One event per referral new in the plan, after the states that hold it; what the plan
    holds is remembered only once the broker acknowledged them (else they are announced again
    next time, rather than never)."""
    from prehab.errors import UserError

    events = announcements.events(referrals, day)
    try:
        connection.publish([(topics.referral, payload_json(e), False) for e in events], timeout)
    except UserError as exc:
        log.warning("the new referrals were not announced (%s): they will be, next time", exc)
        return 0
    for e in events:
        log.info("announced a referral (%s): %s", e["event_type"], e["text"][:80])
    announcements.keep(referrals, day)
    return len(events)


def remove(broker: Broker, topics: Topics, timeout: float = ACK_TIMEOUT_S) -> int:
    """Clear every retained topic (discovery first): Home Assistant removes the entities."""
    from prehab.integrations.ha.discovery import ATTRIBUTE_ENTITIES

    retained = topics.retained(ATTRIBUTE_ENTITIES)
    with _connect(broker, topics, None, timeout) as connection:
        connection.publish(((t, b"", True) for t in retained), timeout)
    return len(retained)


def _connect(broker: Broker, topics: Topics, will: tuple[str, str] | None, timeout: float) -> Connection:
    """A one-shot connection (``wire``) under a throw-away session of this runner's device."""
    from prehab.integrations.ha.wire import Connection

    return Connection.open(broker, f"{topics.device_id}-{os.urandom(4).hex()}", will, timeout)
