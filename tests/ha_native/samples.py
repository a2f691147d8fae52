"""What ``prehab ha run`` publishes for the integration, as samples in the bridge's shapes.

Plain data, no Home Assistant: prehab's own suite (tests/integrations/test_ha_native.py) checks that the
bridge's real payloads have exactly these keys, so these tests cannot drift from the bridge.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

TODAY = date(2026, 3, 2)


def card(name: str = "") -> dict[str, Any]:
    base = f"prehab/{name}" if name else "prehab"
    device = f"prehab_{name}" if name else "prehab"
    return {
        "protocol": 1,
        "name": name,
        "device": device,
        "device_name": device.replace("_", " "),
        "base": base,
        "discovery_prefix": "homeassistant",
        "version": "0.1.0",
    }


def item(
    number: int, name: str, dose: str, minutes: float, done: bool = False, extra: bool = False
) -> dict[str, Any]:
    return {
        "id": f"{TODAY.isoformat()}#{number}",
        "number": number,
        "exercise": name.lower().replace(" ", "-"),
        "name": name,
        "kind": "strength",
        "dose": dose,
        "minutes": minutes,
        "done": done,
        "extra": extra,
        "summary": f"{name} · {dose}",
        "description": f"#{number} · {minutes:g} min"
        + (" · if you have time" if extra else "")
        + " · Tight calves",
    }


def todo(done: tuple[int, ...] = ()) -> dict[str, Any]:
    items = [
        item(1, "Calf raise", "3 x 15 @ 16 kg", 5, 1 in done),
        item(2, "Calf stretch", "2 x 30 s per side", 3, 2 in done),
        item(3, "Side plank", "3 x 30 s per side", 4, 3 in done, extra=True),
    ]
    return {
        "protocol": 1,
        "day": TODAY.isoformat(),
        "committed": True,
        "minutes": 8,
        "items": items,
        "extra_done": [],
    }


def week(start: date = TODAY) -> dict[str, Any]:
    days = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        planned = offset % 3 == 0
        items = (
            [
                {
                    "number": 1,
                    "name": "Calf raise",
                    "kind": "strength",
                    "dose": "3 x 15",
                    "minutes": 5,
                    "done": False,
                }
            ]
            if planned
            else []
        )
        days.append(
            {
                "day": day.isoformat(),
                "weekday": ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()],
                "summary": "Strength (calves), 5 min" if planned else "Nothing extra today",
                "description": "Calf raise: 3 x 15 (5 min)" if planned else "",
                "minutes": 5 if planned else 0,
                "key_run": False,
                "items": items,
            }
        )
    return {"protocol": 1, "start": start.isoformat(), "days": days}
