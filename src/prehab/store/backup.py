"""Restore a ``prehab export`` TOML file: the way back from a backup or to a new machine.

Restoring is idempotent like any import: sessions already stored are skipped (by id or by
day, kind and distance), check-ins by their exact time, done work by day and exercise. It
runs in one transaction, so a restore is all in or all out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from prehab.store.db import ATHLETE_ID, Store, add_sessions_in
from prehab.store.records import Session, validate_session


class BackupError(ValueError):
    """The file is not a usable prehab export; the message says what is wrong."""


@dataclass
class RestoreCount:
    sessions_added: int = 0
    sessions_skipped: int = 0
    checkins_added: int = 0
    done_added: int = 0


def is_export(data: dict[str, Any]) -> bool:
    """Whether a parsed TOML document looks like ``prehab export`` output."""
    return "schema_version" in data and "exported_at" in data


def sessions_from_export(data: dict[str, Any]) -> list[Session]:
    """The exported sessions, checked; raises BackupError naming the first bad entry."""
    out = []
    for number, row in enumerate(data.get("session", []), start=1):
        if not isinstance(row, dict) or not isinstance(row.get("date"), date):
            raise BackupError(f"session {number}: needs a date like 2024-05-01")
        try:
            s = Session(
                date=row["date"],
                kind=str(row.get("kind", "")),
                distance_km=float(row.get("distance_km", 0.0)),
                duration_min=None if row.get("duration_min") is None else float(row["duration_min"]),
                rpe=row.get("rpe"),
                surface=row.get("surface"),
                cross_plane=bool(row.get("cross_plane", False)),
                notes=str(row.get("notes", "")),
                source=str(row.get("source", "manual")),
                external_id=row.get("external_id"),
            )
        except (TypeError, ValueError) as exc:
            raise BackupError(f"session {number}: {exc}") from exc
        problems = validate_session(s)
        if problems:
            raise BackupError(f"session {number} ({s.date} {s.kind}): {'; '.join(problems)}")
        out.append(s)
    return out


def restore(store: Store, data: dict[str, Any]) -> RestoreCount:
    """Put an export's sessions, check-ins and done work back, skipping what is there."""
    if not is_export(data):
        raise BackupError("not a prehab export (no schema_version/exported_at at the top)")
    sessions = sessions_from_export(data)
    count = RestoreCount()
    with store.transaction() as conn:
        added = add_sessions_in(conn, sessions, keep_repeats=True)
        count.sessions_added, count.sessions_skipped = added.added, added.skipped
        for number, row in enumerate(data.get("checkin", []), start=1):
            taken = row.get("taken_at") if isinstance(row, dict) else None
            if not isinstance(taken, datetime) or taken.tzinfo is None:
                raise BackupError(f"check-in {number}: needs taken_at with a time zone")
            when = taken.astimezone(UTC).isoformat()
            if conn.execute(
                "SELECT 1 FROM checkins WHERE athlete_id = ? AND taken_at = ?", (ATHLETE_ID, when)
            ).fetchone():
                continue
            conn.execute(
                "INSERT INTO checkins (athlete_id, taken_at, answers, facts) VALUES (?, ?, ?, ?)",
                (
                    ATHLETE_ID,
                    when,
                    json.dumps(row.get("answers", {}), default=str, sort_keys=True),
                    json.dumps(row.get("facts", []), default=str, sort_keys=True),
                ),
            )
            count.checkins_added += 1
        for number, row in enumerate(data.get("done", []), start=1):
            day = row.get("day") if isinstance(row, dict) else None
            if not isinstance(day, date) or not isinstance(row.get("exercise"), str):
                raise BackupError(f"done {number}: needs a day and an exercise")
            cur = conn.execute(
                "INSERT OR IGNORE INTO done (athlete_id, day, exercise_id, rule_ids) VALUES (?, ?, ?, ?)",
                (ATHLETE_ID, day.isoformat(), row["exercise"], json.dumps(row.get("rule_ids", []))),
            )
            count.done_added += cur.rowcount
    return count
