"""Undo: soft deletes, the list of what was deleted, and restoring it.

A delete only sets ``deleted_at``: every read leaves the row out (``rows.LIVE``), the export
keeps it (so a restore from a backup keeps it restorable), and ``restore`` brings it back as
it was. Deleting a check-in takes the episodes it opened with it, and restoring it brings
them back (``store.episodes``), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from prehab.store import episodes, rows
from prehab.store.records import RECORD_KINDS, Deleted, RecordKind
from prehab.store.rows import ATHLETE_ID, LIVE

if TYPE_CHECKING:
    from prehab.store.db import Store

_TABLES: dict[RecordKind, str] = {"session": "sessions", "checkin": "checkins", "done": "done"}


def soft_delete(store: Store, table: str, test: str, params: Sequence[Any]) -> bool:
    """Delete softly the live rows of ``table`` that pass ``test``; False if there were none."""
    with store.transaction() as conn:
        cur = conn.execute(
            f"UPDATE {table} SET deleted_at = ? WHERE athlete_id = ? AND {LIVE} AND {test}",
            (rows.now(), ATHLETE_ID, *params),
        )
    return cur.rowcount > 0


def delete(store: Store, kind: RecordKind, id: int) -> bool:
    """Delete one record softly (``kind``: session, checkin or done); False if there is no
    such record that is not deleted already. ``restore`` undoes it."""
    table = _TABLES.get(kind)
    if table is None:
        raise ValueError(f"cannot delete {kind!r}: delete one of {', '.join(RECORD_KINDS)}")
    when = rows.now()
    with store.transaction() as conn:
        cur = conn.execute(
            f"UPDATE {table} SET deleted_at = ? WHERE athlete_id = ? AND {LIVE} AND id = ?",
            (when, ATHLETE_ID, id),
        )
        if cur.rowcount and kind == "checkin":  # the episodes it opened go with it
            episodes.delete_opened_by(conn, id, when)
    return cur.rowcount > 0


def restore(store: Store, kind: RecordKind, id: int) -> bool:
    """Undo the delete of one record (``kind``: session, checkin or done); False if no
    deleted record of that kind has that id."""
    table = _TABLES.get(kind)
    if table is None:
        raise ValueError(f"cannot restore {kind!r}: restore one of {', '.join(RECORD_KINDS)}")
    with store.transaction() as conn:
        cur = conn.execute(
            f"UPDATE {table} SET deleted_at = NULL WHERE id = ? AND athlete_id = ? "
            "AND deleted_at IS NOT NULL",
            (id, ATHLETE_ID),
        )
        if cur.rowcount and kind == "checkin":
            episodes.restore_opened_by(conn, id)
    return cur.rowcount > 0


def deleted(store: Store, limit: int = 200) -> list[Deleted]:
    """Deleted records of every kind, most recently deleted first."""
    out: list[Deleted] = []
    for r in store.query(
        "SELECT id, date, kind, distance_km, deleted_at FROM sessions "
        "WHERE athlete_id = ? AND deleted_at IS NOT NULL",
        (ATHLETE_ID,),
    ):
        km = f" {float(r[3]):g} km" if r[3] else ""
        day = rows.day(r[1])
        if day is not None:
            out.append(Deleted("session", r[0], day, f"{r[2]}{km}", rows.stamp(r[4])))
    for r in store.query(
        "SELECT id, taken_at, answers, deleted_at FROM checkins "
        "WHERE athlete_id = ? AND deleted_at IS NOT NULL",
        (ATHLETE_ID,),
    ):
        taken = rows.when(r[1])
        if taken is None:
            continue
        screens = ", ".join(sorted(rows.loads_as(r[2], dict))) or "no answers"
        out.append(Deleted("checkin", r[0], rows.local_day(taken), f"check-in ({screens})", rows.stamp(r[3])))
    for r in store.query(
        "SELECT id, day, exercise_id, deleted_at FROM done WHERE athlete_id = ? AND deleted_at IS NOT NULL",
        (ATHLETE_ID,),
    ):
        day = rows.day(r[1])
        if day is not None:
            out.append(Deleted("done", r[0], day, f"done: {r[2]}", rows.stamp(r[3])))
    out.sort(key=lambda d: (d.deleted_at, d.id), reverse=True)
    return out[:limit]
