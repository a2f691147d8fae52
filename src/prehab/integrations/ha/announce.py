"""Which referrals Home Assistant has been told about: each new one is one event, once.

A referral ("see a physiotherapist before loading it") stays in the plan day after day while
what raised it stays open, and ``ha run`` republishes everything on every (re)connect and every
Home Assistant restart. An automation on the warning's state or attributes notified again each
time. So a referral is *announced*: one non-retained message on the ``event`` entity's topic
the first time it is in the plan, and never again while it stays. Which ones were announced is
kept in a small JSON file beside the history (``<history>.ha-referrals.json``), so a restart of
``prehab ha run`` (the systemd unit restarts it on failure), a reboot, a reload of Home
Assistant's MQTT integration or a restarted broker announces nothing again. A referral that goes
(resolved, answered better) and comes back later is new again.

A referral is the rule that gave it and its words: the same rule with other words (another
region) is another referral. The file is written atomically; an unreadable one counts as empty
(the worst case is one repeated notification, never a missed one).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from prehab.model import URGENCY_LABEL
from prehab.record import Record, field
from prehab.safe.files import atomic_write

log = logging.getLogger("prehab.ha")

MAX_FILE_BYTES = 256 * 1024
MAX_KEPT = 200
"""More than this many referrals at once is not a plan: keep the file small whatever happens."""


def referral_key(referral: Mapping[str, Any]) -> str:
    return f"{referral.get('rule', '')}\x1f{referral.get('text', '')}"


def event_payload(referral: Mapping[str, Any], day: date) -> dict[str, Any]:
    """What the ``event`` entity receives: its ``event_type`` (the urgency) and the words."""
    urgency = str(referral.get("urgency") or "physio")
    return {
        "event_type": urgency,
        "text": str(referral.get("text", "")),
        "label": URGENCY_LABEL.get(urgency, ""),
        "rule": str(referral.get("rule", "")),
        "day": day.isoformat(),
    }


class Announcements(Record):
    """The referrals announced and still in the plan, kept in ``path``."""

    path: Path
    keys: set[str] = field(default_factory=set)

    @classmethod
    def beside(cls, history: Path) -> Announcements:
        found = cls(history.with_name(history.name + ".ha-referrals.json"))
        found.keys = found._read()
        return found

    def _read(self) -> set[str]:
        try:
            if self.path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError("too large")
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(r["key"]) for r in data["announced"] if isinstance(r, dict) and "key" in r}
        except FileNotFoundError:
            return set()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "cannot read %s (%s): referrals in the plan now may be announced again", self.path, exc
            )
            return set()

    def new(self, referrals: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """The referrals of ``referrals`` not announced yet, in their order, each once."""
        out: dict[str, Mapping[str, Any]] = {}
        for r in referrals:
            key = referral_key(r)
            if key not in self.keys and key not in out:
                out[key] = r
        return list(out.values())

    def events(self, referrals: Iterable[Mapping[str, Any]], day: date) -> list[dict[str, Any]]:
        """The event payloads of the referrals not announced yet (``new``)."""
        return [event_payload(r, day) for r in self.new(referrals)]

    def keep(self, referrals: Iterable[Mapping[str, Any]], day: date) -> None:
        """``referrals`` (all announced now) are what the plan holds: remember exactly them
        (one that left the plan is forgotten, so its return is new)."""
        listed = {referral_key(r): r for r in referrals}
        keys = set(list(listed)[:MAX_KEPT])
        if keys == self.keys and self.path.exists():
            return
        self.keys = keys
        rows = [
            {"key": k, "rule": str(listed[k].get("rule", "")), "text": str(listed[k].get("text", ""))}
            for k in sorted(keys)
        ]
        text = json.dumps({"day": day.isoformat(), "announced": rows}, ensure_ascii=False, indent=1)
        try:
            atomic_write(self.path, (text + "\n").encode("utf-8", "replace"))
        except OSError as exc:
            log.warning("cannot keep the announced referrals in %s: %s", self.path, exc)
