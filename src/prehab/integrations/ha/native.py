"""What the native integration (``custom_components/prehab``) reads, and the words it shows.

MQTT discovery has no to-do list and no calendar, so three retained topics carry them to the
custom integration, which only displays them and sends ticks back (it has no rule engine):

- ``<base>/bridge``: who publishes here (the runner's name, the topics' base, the version):
  the integration's config flow finds a bridge by it.
- ``<base>/todo``: today's committed plan as a list to tick off: each item's id
  (``2026-03-01#3``, the number ``prehab done`` and the app use), its dose and done mark, and
  the summary and description the list shows.
- ``<base>/week``: the next seven days' planned sessions, each day's summary and one line per
  exercise (day 0 is today's committed plan, with its done marks).

Every text is prehab's (the same words as ``prehab recommend``); the integration adds none.
``PROTOCOL`` is bumped when a payload's meaning changes, so an older integration can say so.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from prehab import __version__
from prehab.day.view import DayView, Item
from prehab.integrations.ha.topics import Topics
from prehab.present.render import dose_text

PROTOCOL = 1
MAX_WHY_CHARS = 80
MAX_ITEMS = 60
"""A plan is a handful of items; a list this long is cut (a retained message stays small)."""
ITEM_ID = re.compile(r"(\d{4}-\d{2}-\d{2})#(\d{1,4})")


def bridge_info(topics: Topics) -> dict[str, Any]:
    return {
        "protocol": PROTOCOL,
        "name": topics.name,
        "device": topics.device_id,
        "device_name": topics.device_name,
        "base": topics.base,
        "discovery_prefix": topics.discovery_prefix,
        "version": __version__,
    }


def item_summary(item: Item) -> str:
    """One short line: "Calf raise · 3 x 15 @ 16 kg"."""
    return f"{item.name} · {dose_text(item.dose)}"


def item_description(item: Item, extra: bool = False) -> str:
    """The second line: "#3 · 5 min · Tight calves: stretch them" (the number ``prehab done``
    takes, and the title of the rule that gave it: short, where its "why" is a paragraph)."""
    why = (item.reasons[0].title or item.reasons[0].why) if item.reasons else ""
    if len(why) > MAX_WHY_CHARS:
        why = why[: MAX_WHY_CHARS - 3].rstrip() + "..."
    parts = [f"#{item.number}", f"{item.minutes:g} min"]
    if extra:
        parts.append("if you have time")
    if why:
        parts.append(why)
    return " · ".join(parts)


def _item(item: Item, day: date, done: Collection[str], extra: bool) -> dict[str, Any]:
    return {
        "id": item.item_id(day),
        "number": item.number,
        "exercise": item.exercise,
        "name": item.name,
        "kind": item.kind,
        "dose": dose_text(item.dose),
        "minutes": _number(item.minutes),
        "done": item.exercise in done,
        "extra": extra,
        "summary": item_summary(item),
        "description": item_description(item, extra),
    }


def todo_payload(view: DayView, done: Collection[str], extra_done: Sequence[str]) -> dict[str, Any]:
    """Today's plan, then what it lists "if you have more time", each with its done mark."""
    items = [_item(i, view.day, done, False) for i in view.items]
    items += [_item(i, view.day, done, True) for i in view.extra]
    return {
        "protocol": PROTOCOL,
        "day": view.day.isoformat(),
        "committed": view.committed,
        "minutes": _number(view.minutes),
        "items": items[:MAX_ITEMS],
        "extra_done": list(extra_done),
    }


def day_lines(view: DayView, done: Collection[str], notes: Sequence[str]) -> str:
    """A calendar event's description: one line per exercise ("✓" when done), then the notes."""
    lines = [
        f"{'✓ ' if i.exercise in done else ''}{i.name}: {dose_text(i.dose)} ({i.minutes:g} min)"
        for i in view.items
    ]
    return "\n".join([*lines[:MAX_ITEMS], *notes])


def week_payload(
    days: Sequence[Any], today_done: Collection[str], summaries: Mapping[date, str]
) -> dict[str, Any]:
    """``days`` (``prehab.day.week.PlannedDay``) as the calendar's all-day events."""
    out = []
    for offset, planned in enumerate(days):
        done = today_done if offset == 0 else ()
        view: DayView = planned.view
        out.append(
            {
                "day": planned.day.isoformat(),
                "weekday": planned.weekday,
                "summary": summaries.get(planned.day, ""),
                "description": day_lines(view, done, planned.notes),
                "minutes": _number(view.minutes),
                "key_run": planned.key_run,
                "items": [
                    {
                        "number": i.number,
                        "name": i.name,
                        "kind": i.kind,
                        "dose": dose_text(i.dose),
                        "minutes": _number(i.minutes),
                        "done": i.exercise in done,
                    }
                    for i in view.items[:MAX_ITEMS]
                ],
            }
        )
    return {"protocol": PROTOCOL, "start": days[0].day.isoformat() if days else None, "days": out}


def parse_item_id(value: Any) -> tuple[date, int] | None:
    """``"2026-03-01#3"`` as (day, number); None if it is not an item id."""
    if not isinstance(value, str):
        return None
    match = ITEM_ID.fullmatch(value)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1)), int(match.group(2))
    except ValueError:
        return None


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)
