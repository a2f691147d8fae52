"""Check-ins: one questionnaire's answers and the facts they produced, as taken.

A check-in is kept whole (answers and facts, at the moment it was taken); what it reports
lives on in its own records: the episodes it opened or updated (``store.episodes``) and its
answers about the last session (``store.responses``), written in the same transaction. A
delete is soft and takes the episodes it opened with it (``store.undo``). Reads go through
``Store.query``, so a damaged file is read by the same SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prehab.model import Fact
from prehab.store import rows, undo
from prehab.store.records import Checkin
from prehab.store.rows import ATHLETE_ID, LIVE

if TYPE_CHECKING:
    from prehab.store.db import Store

COLUMNS = "id, taken_at, answers, facts, deleted_at"


def add_checkin(
    store: Store, answers: dict[str, Any], facts: list[Fact], taken_at: datetime | None = None
) -> int:
    """Keep one questionnaire's answers and the facts they produced, open or update the
    episodes they report (on the check-in's day) and keep its answers about the last session
    against that session's day (``store.upgrade.record_checkin_in``); returns its id. The
    day service writes its check-ins itself (it knows which screens were answered)."""
    from prehab.store.upgrade import record_checkin_in

    when = taken_at or datetime.now(UTC)
    with store.transaction() as conn:
        checkin_id = add_checkin_in(conn, answers, facts, when)
        record_checkin_in(conn, checkin_id, facts, when)
    return checkin_id


def add_checkin_in(
    conn: sqlite3.Connection, answers: dict[str, Any], facts: list[Fact], taken_at: datetime
) -> int:
    """Insert one check-in inside the caller's transaction; its id."""
    cur = conn.execute(
        "INSERT INTO checkins (athlete_id, taken_at, answers, facts) VALUES (?, ?, ?, ?)",
        (ATHLETE_ID, rows.utc(taken_at).isoformat(), rows.dumps(answers), rows.dumps(facts)),
    )
    return int(cur.lastrowid or 0)


def delete_checkin(store: Store, id: int) -> bool:
    """Delete a check-in softly, with the episodes it opened (``restore("checkin", id)``
    undoes it)."""
    return undo.delete(store, "checkin", id)


def checkins(store: Store, limit: int = 20, *, include_deleted: bool = False) -> list[Checkin]:
    """The latest ``limit`` check-ins, newest first (deleted ones only ``include_deleted``)."""
    live = "" if include_deleted else f" AND {LIVE}"
    found = store.query(
        f"SELECT {COLUMNS} FROM checkins WHERE athlete_id = ?{live} ORDER BY taken_at DESC, id DESC LIMIT ?",
        (ATHLETE_ID, limit),
    )
    return store.parsed("checkins", found, _checkin)


def latest_checkin(store: Store) -> Checkin | None:
    found = checkins(store, limit=1)
    return found[0] if found else None


def checkins_since(store: Store, since: datetime, *, mentioning: str | None = None) -> list[Checkin]:
    """Check-ins taken at or after ``since``, oldest first; with ``mentioning``, only those
    whose stored facts contain that text (a cheap filter before the JSON is read)."""
    when = rows.utc(since).isoformat()
    test = "" if mentioning is None else " AND instr(facts, ?) > 0"
    params: list[Any] = [ATHLETE_ID, when] + ([] if mentioning is None else [mentioning])
    found = store.query(
        f"SELECT {COLUMNS} FROM checkins WHERE athlete_id = ? AND {LIVE} "
        f"AND taken_at >= ?{test} ORDER BY taken_at, id",
        params,
    )
    return store.parsed("checkins", found, _checkin)


def _checkin(row: Sequence[Any]) -> Checkin:
    answers, facts = json.loads(row[2]), json.loads(row[3])
    if not isinstance(answers, dict) or not isinstance(facts, list):
        raise ValueError("a check-in's answers are an object and its facts a list")
    return Checkin(
        id=row[0],
        taken_at=datetime.fromisoformat(row[1]),
        answers=answers,
        facts=[f for f in facts if isinstance(f, dict)],
        deleted_at=rows.when(row[4]),
    )
