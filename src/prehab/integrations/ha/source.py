"""What Home Assistant shows for one runner, and what it may ask of prehab.

A thin adapter over the day service (``prehab.day.service``): the entities show the day's
committed plan (the view the app's Today, ``prehab recommend`` and ``prehab done`` show, with the
same item numbers), the attributes are cut from ``prehab.present.render.view_json`` (what ``recommend
--json`` prints), a check-in goes through ``prehab.day.commands.answer`` (the shape
``prehab checkin --json`` takes), and the button marks the plan's items done that are not done
yet: marking never re-plans the day, so a second press marks nothing more. A tick from the
native integration's to-do list marks (or unmarks) one item by its id, as ticking it in Today.
The week (``DayService.week``) is planned again only when the committed plan, the settings or
the day change, never for a tick. Broken user rules or screens keep the last good ones in
force, as in the app. No paho, no Textual.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from prehab.day.service import DayService
from prehab.day.view import DayView, Decorations, Item
from prehab.facts.units import to_display
from prehab.integrations.ha.discovery import device_config
from prehab.integrations.ha.native import bridge_info, parse_item_id, todo_payload, week_payload
from prehab.integrations.ha.publish import payload_json
from prehab.integrations.ha.topics import PRESS, Topics
from prehab.model import URGENCY_LABEL, Problem, UserError, errors_in
from prehab.record import Record
from prehab.rulebook import Rulebook
from prehab.settings import Settings
from prehab.store import Store

log = logging.getLogger("prehab.ha")

MAX_STATE_CHARS = 255
"""Home Assistant refuses a state longer than this."""
MAX_ATTRIBUTES_BYTES = 12_000
"""Home Assistant's recorder drops attributes over 16 KiB: stay well under."""
MAX_COMMAND_BYTES = 65_536
STRENGTH_DUE_FLAG = "strength-due"


class Source(Record):
    """One runner's day service, as Home Assistant sees it."""

    service: DayService
    _week: tuple[str, Any] | None = None
    """(what the week was planned on, the week): planned again only when that changes."""

    @classmethod
    def open(cls, clock: Callable[[], date] = date.today) -> Source:
        """The default store, settings, rules and screens (``--data-dir``/``--config-dir``),
        watched for changes (``ha run``)."""
        source = cls._opened(DayService(clock=clock).open())
        source.service.watch()
        return source

    @classmethod
    def once(cls, sources: Any = None) -> Source:
        """For one publish: today's read may come from the day memo, and what is published is
        kept beside it (``DayService.open(lazy=True)``); ``sources`` as that takes them."""
        return cls._opened(DayService().open(lazy=True, sources=sources))

    @classmethod
    def _opened(cls, service: DayService) -> Source:
        if not service.usable():
            first = next(iter(errors_in(service.problems)), None)
            service.close()
            raise UserError(f"no usable rulebook: {first or 'the shipped pack is missing'}")
        return cls(service)

    def close(self) -> None:
        self.service.close()

    @property
    def store(self) -> Store:
        assert self.service.store is not None
        return self.service.store

    @property
    def settings(self) -> Settings:
        return self.service.settings

    @property
    def book(self) -> Rulebook:
        assert self.service.book is not None
        return self.service.book

    @property
    def problems(self) -> list[Problem]:
        return self.service.settings_problems + self.service.problems

    def clock(self) -> date:
        return self.service.today

    # -- reloading (ha run) --------------------------------------------------------------------

    def poll(self) -> set[str]:
        """What changed (history, settings, rules, day), reloaded by the service."""
        return self.service.poll()

    # -- what is published ---------------------------------------------------------------------

    def advice(self) -> tuple[DayView, Decorations]:
        return self.service.read()

    def discovery(self, topics: Topics) -> dict[str, str]:
        """The discovery payload, and the bridge's card for the native integration."""
        return {
            topics.discovery: payload_json(device_config(topics, self.settings.units)),
            topics.bridge: payload_json(bridge_info(topics)),
        }

    def referrals(self) -> list[dict[str, str]]:
        """Today's referrals (rule, words, urgency): what ``announce`` announces once each."""
        view, _ = self.advice()
        return [{"rule": m.reason.rule_id, "text": m.text, "urgency": m.urgency} for m in view.referrals]

    def week(self, view: DayView) -> list[Any]:
        """The next seven days (``DayService.week``), planned again only when today's committed
        plan, the settings or the rules changed: a tick changes none of them."""
        key = payload_json([view.to_json(), repr(self.settings), self.book.fingerprint])
        if self._week is None or self._week[0] != key:
            self._week = (key, self.service.week())
        return list(self._week[1])

    def payloads(self, topics: Topics) -> dict[str, str]:
        """Every retained state and attributes topic with its payload (no discovery)."""
        from prehab.present.render import view_json

        view, extras = self.advice()
        day = view.day
        full = view_json(view, extras)
        load = next((f for f in view.facts if f.get("fact") == "load"), {})
        done = extras.done
        referrals = full["referrals"]
        cautions = [c["text"] for c in full["cautions"]]
        strength = next((r for flag, r in view.flagged if flag == STRENGTH_DUE_FLAG), None)
        weekly = load.get("weekly_km")
        strength_today = any(
            i.exercise in done and i.kind in ("strength", "plyometric") for i in view.all_items()
        )
        state = {
            "headline": headline(view, self.book, bool(referrals)),
            "planned_minutes": _number(view.minutes),
            "planned_items": len(view.items),
            "done_today": sum(1 for i in view.items if i.exercise in done),
            "strength_due": _on(STRENGTH_DUE_FLAG in view.flags),
            "warning": _on(bool(referrals or cautions or extras.follow_ups)),
            "weekly_distance": None if weekly is None else round(to_display(weekly, self.settings.units), 1),
            "run_spike_pct": _rounded(load.get("run_spike_pct")),
            "days_since_strength": 0 if strength_today else load.get("days_since_strength"),
            "last_checkin": None if extras.last_checkin is None else extras.last_checkin.isoformat(),
            "day": day.isoformat(),
            "units": self.settings.units,
        }
        first_text = (
            referrals[0]["text"] if referrals else extras.follow_ups[0].question if extras.follow_ups
            else cautions[0] if cautions else ""
        )  # fmt: skip
        attributes = {
            "today": today_attributes(full, view, day),
            "done_today": {
                "done": [i.exercise for i in view.all_items() if i.exercise in done],
                "numbers": [i.number for i in view.all_items() if i.exercise in done],
                "names": [i.name for i in view.all_items() if i.exercise in done],
                "remaining": [i.name for i in view.items if i.exercise not in done],
                "planned": len(view.items),
                "extra": list(extras.extra_done),
            },
            "strength_due": {
                "why": strength.why if strength else "",
                "rule": strength.rule_id if strength else "",
            },
            "warning": {
                "text": first_text,
                "referrals": [
                    {"text": r["text"], "urgency": r["urgency"], "label": URGENCY_LABEL.get(r["urgency"], "")}
                    for r in referrals
                ],
                "cautions": cautions,
                "follow_ups": full["follow_ups"],
            },
        }
        out = {topics.state: payload_json(state)}
        for entity, values in attributes.items():
            out[topics.attributes(entity)] = payload_json(values)
        out[topics.todo] = payload_json(todo_payload(view, done, extras.extra_done))
        days = self.week(view)
        summaries = {d.day: headline(d.view, self.book, bool(d.view.referrals)) for d in days}
        out[topics.week] = payload_json(week_payload(days, done, summaries))
        return out

    # -- commands from Home Assistant ----------------------------------------------------------

    def checkin(self, payload: bytes) -> dict[str, Any]:
        """Store a check-in sent as JSON if, and only if, every answer is valid (the shape
        ``prehab checkin --json`` takes: ``prehab.day.commands``)."""
        from prehab.day.commands import answer, refused, safe_echo

        data, problem = _json_object(payload)
        if problem or data is None:
            echo = safe_echo(data.get("id")) if isinstance(data, dict) and "id" in data else {}
            return refused(problem, echo)
        result = answer(self.service, data)
        if result.get("ok"):
            log.info("check-in %s stored from MQTT: %d fact(s)", result.get("screen"), result.get("facts", 0))
        return result

    def tick(self, payload: bytes) -> dict[str, Any]:
        """One item of a day's plan done (``"done": true``) or not (``false``), by its id, as
        ticking it in Today: ``{"item": "2026-03-01#3", "done": true, "id": ...}``."""
        from prehab.day.commands import safe_echo

        data, problem = _json_object(payload)
        echo = safe_echo(data.get("id")) if isinstance(data, dict) and "id" in data else {}

        def refuse(error: str) -> dict[str, Any]:
            return {"command": "item", "ok": False, "error": error, **echo}

        if problem or data is None:
            return refuse(problem.replace('{"screen": ..., "answers": {...}}', '{"item": ..., "done": true}'))
        unknown = sorted(str(k)[:40] for k in data if k not in ("item", "done", "id"))
        if unknown:
            return refuse(f'unknown key {unknown[0]!r}: send {{"item": "YYYY-MM-DD#N", "done": true}}')
        done = data.get("done", True)
        if not isinstance(done, bool):
            return refuse("'done' must be true (tick) or false (untick)")
        found = parse_item_id(data.get("item"))
        if found is None:
            return refuse("'item' must be an item id like 2026-03-01#3 (as the to-do list sends)")
        day, number = found
        name = f"{day.isoformat()}#{number}"
        if day > self.clock():
            return refuse(f"{name} is a day ahead: tick it on its day")
        view, extras = self.service.read(day)
        if day < self.clock() and not view.committed:
            return refuse(f"no plan of {day.isoformat()} was kept: nothing to tick")
        item = view.item(number)
        if item is None:
            numbers = ", ".join(str(i.number) for i in view.all_items()) or "none"
            return refuse(f"the plan of {day.isoformat()} has no item {number} (its items: {numbers})")
        try:
            if done:
                changed = item.exercise not in extras.done
                if changed:
                    self.service.mark(item, day)
            else:
                changed = self.service.unmark(item.exercise, day)
        except UserError as exc:
            return refuse(f"not recorded: {exc}")
        log.info("%s %s from MQTT: %s", "ticked" if done else "unticked", name, item.name)
        return {
            "command": "item", "ok": True, "item": name, "exercise": item.exercise, "name": item.name,
            "done": done, "changed": changed, **echo,
        }  # fmt: skip

    def mark_done(self, payload: bytes) -> dict[str, Any]:
        """The button: every item of today's list not done yet is marked done (as ticking each
        in Today). Only a real press counts: ``PRESS``."""
        if payload.strip() != PRESS.encode():
            return {"command": "done", "ok": False, "error": "press the button: the payload is PRESS"}
        view, extras = self.advice()
        marked: list[Item] = []
        try:
            for item in view.items:
                if item.exercise not in extras.done:
                    self.service.mark(item)
                    marked.append(item)
        except UserError as exc:
            return {"command": "done", "ok": False, "error": f"not recorded: {exc}"}
        log.info("today marked done from MQTT: %d item(s)", len(marked))
        return {
            "command": "done",
            "ok": True,
            "done": [i.exercise for i in marked],
            "numbers": [i.number for i in marked],
            "already": len(view.items) - len(marked),
        }


def headline(view: DayView, book: Rulebook, referrals: bool) -> str:
    """Today in a few words: "Mobility (calves, hip flexors) + strength (calves), 25 min"."""
    if not view.items:
        return "See a professional first; nothing else today" if referrals else "Nothing extra today"
    groups: dict[str, list[str]] = {}
    for item in view.items:
        ex = book.exercises.get(item.exercise)
        regions = groups.setdefault(item.kind, [])
        region = ex.works[0].replace("_", " ") if ex is not None and ex.works else ""
        if region and region not in regions:
            regions.append(region)
    parts = [f"{kind} ({', '.join(regions[:2])})" if regions else kind for kind, regions in groups.items()]
    text = " + ".join(parts)
    text = f"{text[:1].upper()}{text[1:]}, {view.minutes:g} min"
    if len(text) > MAX_STATE_CHARS:
        text = text[: MAX_STATE_CHARS - 3] + "..."
    return text


def today_attributes(full: Mapping[str, Any], view: DayView, day: date) -> dict[str, Any]:
    """Today's items with their numbers, doses and reasons, and what comes before them, under 12 KB."""
    items = [
        {
            "id": p["id"],
            "number": p["number"],
            "exercise": p["exercise"],
            "name": p["name"],
            "kind": p["kind"],
            "dose": p["dose_text"],
            "minutes": _number(p["minutes"]),
            "done": p["done"],
            "why": p["reasons"][0]["why"] if p["reasons"] else "",
            "rule": p["reasons"][0]["rule"] if p["reasons"] else "",
        }
        for p in full["today"]
    ]
    out: dict[str, Any] = {
        "day": day.isoformat(),
        "minutes": _number(view.minutes),
        "items": items,
        "referrals": [r["text"] for r in full["referrals"]],
        "follow_ups": [f["question"] for f in full["follow_ups"]],
        "not_today": [r["text"] for r in full["not_today"]],
        "instead": list(full["instead"]),
        "if_time": [p["name"] for p in full["if_time"]],
        "errors": list(full["errors"]),
        "disclaimer": full["disclaimer"],
    }
    for limit in (400, 160, 60, 0):
        if len(payload_json(out).encode()) <= MAX_ATTRIBUTES_BYTES:
            break
        for item in items:
            item["why"] = _cut(item["why"], limit)
    while len(payload_json(out).encode()) > MAX_ATTRIBUTES_BYTES and items:
        items.pop()
        out["truncated"] = True
    return out


def _json_object(payload: bytes) -> tuple[dict[str, Any] | None, str]:
    if len(payload) > MAX_COMMAND_BYTES:
        return None, f"the payload is over {MAX_COMMAND_BYTES // 1024} KiB: send one check-in"
    try:
        data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "the payload is not UTF-8 text"
    except (ValueError, RecursionError) as exc:
        return None, f'the payload is not JSON ({exc}); send {{"screen": ..., "answers": {{...}}}}'
    if not isinstance(data, dict):
        return None, 'the payload must be a JSON object: {"screen": ..., "answers": {...}}'
    return data, ""


def _on(value: bool) -> str:
    return "ON" if value else "OFF"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 3)].rstrip() + "..."
