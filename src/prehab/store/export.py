"""The whole store as TOML or CSV: the runner's data, readable without prehab.

TOML holds everything (sessions, check-ins, done work); CSV holds the sessions, one per row,
for spreadsheets. Distances are kilometres in both (the unit is in the column/key name).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import tomli_w

from prehab.store.db import Store

CSV_COLUMNS = (
    "id", "date", "kind", "distance_km", "duration_min", "rpe", "surface", "cross_plane",
    "notes", "source", "external_id",
)  # fmt: skip


def _without_none(value: Any) -> Any:
    """TOML has no null: drop None from tables and lists, recursively."""
    if isinstance(value, dict):
        return {str(k): _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value if v is not None]
    return value


def export_toml(store: Store) -> str:
    sessions = list(reversed(store.sessions()))
    data: dict[str, Any] = {
        "exported_at": datetime.now(UTC).replace(microsecond=0),
        "schema_version": store.schema_version(),
        "session": [s.record() for s in sessions],
        "checkin": [
            {"id": c.id, "taken_at": c.taken_at, "answers": c.answers, "facts": c.facts}
            for c in reversed(store.checkins(limit=1_000_000))
        ],
        "done": [
            {"day": day, "exercise": exercise, "rule_ids": rules}
            for day, exercise, rules in store.done_records()
        ],
    }
    return tomli_w.dumps(_without_none(data))


def export_csv(store: Store) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in reversed(store.sessions()):
        writer.writerow(
            [
                s.id, s.date.isoformat(), s.kind, s.distance_km,
                "" if s.duration_min is None else s.duration_min,
                "" if s.rpe is None else s.rpe, s.surface or "", int(s.cross_plane),
                s.notes, s.source, s.external_id or "",
            ]
        )  # fmt: skip
    return out.getvalue()
