"""The whole store as TOML or CSV: the runner's data, readable without prehab.

TOML holds everything (sessions, check-ins, done work); CSV holds the sessions, one per row,
for spreadsheets. Distances are kilometres in both (the unit is in the column/key name).

From a damaged history (``Store.damaged``, or a read that meets a bad page) the export holds
every row that can still be read (``Store.rescue``); ``Store.lost_rows`` then says how many
could not be, so the command can say so.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import tomli_w

from prehab.store.db import Store, StoreDamaged
from prehab.store.records import Checkin, Session
from prehab.store.schema import LATEST_VERSION

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


def contents(store: Store) -> tuple[list[Session], list[Checkin], list[tuple[Any, str, list[str]]], int]:
    """Sessions and check-ins (oldest first), done work and the schema version. From a damaged
    file the reads fall back to every row that can be read (``store.lost_rows`` counts the
    rest)."""
    sessions = store.sessions()
    checkins = store.checkins(limit=1_000_000)
    done = store.done_records()
    try:
        version = store.schema_version()
    except StoreDamaged:
        version = LATEST_VERSION
    return list(reversed(sessions)), list(reversed(checkins)), done, version


def export_toml(store: Store) -> str:
    sessions, checkins, done, version = contents(store)
    data: dict[str, Any] = {
        "exported_at": datetime.now(UTC).replace(microsecond=0),
        "schema_version": version,
        "session": [s.record() for s in sessions],
        "checkin": [
            {"id": c.id, "taken_at": c.taken_at, "answers": c.answers, "facts": c.facts} for c in checkins
        ],
        "done": [{"day": day, "exercise": exercise, "rule_ids": rules} for day, exercise, rules in done],
    }
    return tomli_w.dumps(_without_none(data))


def export_csv(store: Store) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in contents(store)[0]:
        writer.writerow(
            [
                s.id, s.date.isoformat(), s.kind, s.distance_km,
                "" if s.duration_min is None else s.duration_min,
                "" if s.rpe is None else s.rpe, s.surface or "", int(s.cross_plane),
                s.notes, s.source, s.external_id or "",
            ]
        )  # fmt: skip
    return out.getvalue()
