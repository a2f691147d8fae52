"""Restore a ``prehab export`` TOML file: the way back from a backup or to a new machine.

Restoring is idempotent like any import: sessions already stored are skipped (by id or by
day, kind and distance), check-ins by their exact time, done work by day and exercise, stored
plans by day. Deleted records come back deleted (and restorable). It runs in one
transaction, so a restore is all in or all out.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from prehab.record import Record
from prehab.store.db import Store
from prehab.store.records import Session, validate_session
from prehab.store.rows import ATHLETE_ID
from prehab.store.sessions import add_sessions_in


class BackupError(ValueError):
    """The file is not a usable prehab export; the message says what is wrong."""


class RestoreCount(Record):
    """How many records of each kind a restore added (and sessions it skipped as already there)."""

    sessions_added: int = 0
    sessions_skipped: int = 0
    checkins_added: int = 0
    done_added: int = 0
    advice_added: int = 0
    episodes_added: int = 0


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
                deleted_at=_stamp(row.get("deleted_at")),
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
        for s in sessions:
            if s.id is not None and s.deleted_at is not None:  # added now, deleted then
                conn.execute("UPDATE sessions SET deleted_at = ? WHERE id = ?", (_iso(s.deleted_at), s.id))
        new_checkins: list[int] = []
        for number, row in enumerate(data.get("checkin", []), start=1):
            taken = row.get("taken_at") if isinstance(row, dict) else None
            if not isinstance(taken, datetime) or taken.tzinfo is None:
                raise BackupError(f"check-in {number}: needs taken_at with a time zone")
            when = taken.astimezone(UTC).isoformat()
            if conn.execute(
                "SELECT 1 FROM checkins WHERE athlete_id = ? AND taken_at = ?", (ATHLETE_ID, when)
            ).fetchone():
                continue
            cur = conn.execute(
                "INSERT INTO checkins (athlete_id, taken_at, answers, facts, deleted_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    ATHLETE_ID,
                    when,
                    json.dumps(row.get("answers", {}), default=str, sort_keys=True),
                    json.dumps(row.get("facts", []), default=str, sort_keys=True),
                    _iso(_stamp(row.get("deleted_at"))),
                ),
            )
            count.checkins_added += 1
            new_checkins.append(int(cur.lastrowid or 0))
        for number, row in enumerate(data.get("done", []), start=1):
            day = row.get("day") if isinstance(row, dict) else None
            if not isinstance(day, date) or not isinstance(row.get("exercise"), str):
                raise BackupError(f"done {number}: needs a day and an exercise")
            dose, loads, minutes = row.get("dose", {}), row.get("loads", []), row.get("minutes")
            cur = conn.execute(
                "INSERT OR IGNORE INTO done (athlete_id, day, exercise_id, rule_ids, kind, dose, plane, "
                "loads, minutes, marked_at, deleted_at, actual) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ATHLETE_ID,
                    day.isoformat(),
                    row["exercise"],
                    json.dumps(row.get("rule_ids", [])),
                    str(row.get("kind", "")),
                    json.dumps(dose if isinstance(dose, dict) else {}, default=str, sort_keys=True),
                    str(row.get("plane", "")),
                    json.dumps([str(r) for r in loads] if isinstance(loads, list) else []),
                    _number(minutes),
                    _iso(_stamp(row.get("marked_at"))),
                    _iso(_stamp(row.get("deleted_at"))),
                    _actual_json(row.get("actual")),
                ),
            )
            count.done_added += cur.rowcount
        for number, row in enumerate(data.get("advice", []), start=1):
            day = row.get("day") if isinstance(row, dict) else None
            computed = row.get("computed_at") if isinstance(row, dict) else None
            if not isinstance(day, date) or not isinstance(computed, datetime):
                raise BackupError(f"advice {number}: needs a day and computed_at")
            cur = conn.execute(
                "INSERT OR IGNORE INTO advice (athlete_id, day, computed_at, fingerprint, items, rule_ids, "
                "held) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    ATHLETE_ID,
                    day.isoformat(),
                    _iso(computed) or "",
                    str(row.get("fingerprint", "")),
                    *(
                        json.dumps(row.get(key, []), default=str, sort_keys=True)
                        for key in ("items", "rule_ids", "held")
                    ),
                ),
            )
            count.advice_added += cur.rowcount
        if any(key in data for key in ("episode", "response", "profile")):
            count.episodes_added = _restore_day_records(conn, data)
        else:  # an export from before episodes: its check-ins become them, as on an upgrade
            from prehab.store.upgrade import checkins_to_records

            checkins_to_records(conn, new_checkins)
    return count


def _restore_day_records(conn: Any, data: dict[str, Any]) -> int:
    """The profile (unless one is stored), episodes (by kind, subject and day opened) with their
    story, and responses (by day of work and region) of an export."""
    from prehab.store import rows

    added = 0
    profile = data.get("profile")
    if isinstance(profile, dict) and isinstance(profile.get("answers", {}), dict):
        conn.execute(
            "INSERT OR IGNORE INTO profile (athlete_id, answers, facts, skipped, updated_at) "
            "VALUES (1, ?, ?, ?, ?)",
            (
                rows.dumps(profile.get("answers", {})),
                rows.dumps([f for f in profile.get("facts", []) if isinstance(f, dict)]),
                int(bool(profile.get("skipped", False))),
                _iso(_stamp(profile.get("updated_at"))) or datetime.now(UTC).isoformat(),
            ),
        )
    for number, row in enumerate(data.get("episode", []), start=1):
        opened = row.get("opened_on") if isinstance(row, dict) else None
        if (
            not isinstance(opened, date)
            or not isinstance(row.get("kind"), str)
            or not isinstance(row.get("subject"), str)
        ):
            raise BackupError(f"episode {number}: needs a kind, a subject and opened_on")
        fact = row.get("fact", {})
        if conn.execute(
            "SELECT 1 FROM episodes WHERE athlete_id = 1 AND kind = ? AND subject = ? AND opened_on = ?",
            (row["kind"], row["subject"], opened.isoformat()),
        ).fetchone():
            continue
        updated = row.get("updated_on") if isinstance(row.get("updated_on"), date) else opened
        closed = row.get("closed_on") if isinstance(row.get("closed_on"), date) else None
        cur = conn.execute(
            "INSERT INTO episodes (athlete_id, kind, subject, fact, opened_on, updated_on, trend, closed_on, "
            "close_reason, deleted_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["kind"], row["subject"], rows.dumps(fact if isinstance(fact, dict) else {}),
                opened.isoformat(), updated.isoformat(), str(row.get("trend", "")),
                closed.isoformat() if closed else None, str(row.get("close_reason", "")),
                _iso(_stamp(row.get("deleted_at"))),
            ),
        )  # fmt: skip
        episode_id = int(cur.lastrowid or 0)
        for step in row.get("story", []):
            if isinstance(step, dict) and isinstance(step.get("day"), date):
                conn.execute(
                    "INSERT INTO episode_updates (episode_id, day, at, what) VALUES (?, ?, ?, ?)",
                    (
                        episode_id,
                        step["day"].isoformat(),
                        _iso(_stamp(step.get("at"))) or "",
                        str(step.get("what", "")),
                    ),
                )
        added += 1
    for number, row in enumerate(data.get("response", []), start=1):
        work = row.get("work_day") if isinstance(row, dict) else None
        if not isinstance(work, date):
            raise BackupError(f"response {number}: needs a work_day")
        rpe = row.get("rpe")
        conn.execute(
            "INSERT OR IGNORE INTO responses (athlete_id, work_day, region, rpe, pain_during, next_morning, "
            "answered_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
            (
                work.isoformat(), str(row.get("region", "")),
                rpe if isinstance(rpe, int) and not isinstance(rpe, bool) and 1 <= rpe <= 10 else None,
                _choice(row.get("pain_during")), _choice(row.get("next_morning")),
                _iso(_stamp(row.get("answered_at"))) or datetime.now(UTC).isoformat(),
            ),
        )  # fmt: skip
    return added


def _choice(value: Any) -> str | None:
    return value if value in ("better", "same", "worse") else None


def _stamp(value: Any) -> datetime | None:
    """A time from the export (TOML datetimes; a naive one is taken as UTC)."""
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _actual_json(value: Any) -> str:
    """What was really done, as the export had it, kept only as far as it is valid."""
    from prehab.workout.actual import Actual

    return json.dumps(Actual.from_json(value).to_json(), sort_keys=True)
