"""Sessions: the runs, rides and strength sessions the runner logged or imported.

Each is a row of ``sessions``; a delete is soft (``deleted_at``) so it can be undone
(``store.undo``). Imports write many at once (``add_sessions_in``, inside the caller's
transaction) and skip what is already stored: one activity from two devices, or from a file
and Strava's row of it, is kept once (``_is_duplicate``). Reads go through ``Store.query``, so
a damaged file is read by the same SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from prehab.store import rows, undo
from prehab.store.records import RUN_KINDS, ImportCount, Session, validate_session
from prehab.store.rows import ATHLETE_ID, LIVE

if TYPE_CHECKING:
    from prehab.store.db import Store

COLUMNS = (
    "id, date, kind, distance_km, duration_min, rpe, surface, cross_plane, notes, source, external_id, "
    "deleted_at"
)
LATEST_WALK_DAYS = 366
"""``latest_date`` walks the date index over this many days before scanning older rows."""
DUPLICATE_KM = 0.05
"""Two sessions on one day of one kind whose distances differ by less than this are one."""
START_TOLERANCE = timedelta(minutes=10)
"""Imported sessions whose start times are this close are one activity recorded twice (two
devices, or a file and Strava's row of it) when their kinds agree and their times overlap."""


# -- writing -----------------------------------------------------------------------------------


def add_session(store: Store, s: Session) -> int:
    """Store ``s`` and return its id (also set on ``s``). Raises ValueError if invalid."""
    _check(s)
    with store.transaction() as conn:
        new_id = _insert(conn, s)
    s.id = new_id
    return new_id


def update_session(store: Store, s: Session) -> None:
    """Replace the stored session with id ``s.id`` by ``s``."""
    if s.id is None:
        raise ValueError("update_session needs a session with an id")
    _check(s)
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE sessions SET date = ?, kind = ?, distance_km = ?, duration_min = ?, "
            "rpe = ?, surface = ?, cross_plane = ?, notes = ?, source = ?, external_id = ? "
            "WHERE id = ? AND athlete_id = ?",
            (*_values(s), s.id, ATHLETE_ID),
        )
        if cur.rowcount == 0:
            raise KeyError(s.id)


def delete_session(store: Store, id: int) -> bool:
    """Delete a session softly (``restore("session", id)`` undoes it); False if there was
    no such session to delete."""
    return undo.delete(store, "session", id)


def add_sessions(store: Store, items: Iterable[Session], keep_repeats: bool = False) -> ImportCount:
    """Store many sessions in one transaction, skipping ones already stored.

    A duplicate is a session with a known ``external_id`` or, failing that, one on the
    same day, of the same kind and (within 50 m) the same distance from another source
    or without an id — so the same run from a GPX file and from Strava's CSV is kept
    once. With ``keep_repeats`` (restoring a backup) only rows stored before this call
    count: two equal manual runs on one day in the backup were two runs. Invalid items
    raise ValueError and nothing of the batch is kept.
    """
    batch = list(items)
    for s in batch:
        _check(s)
    with store.transaction() as conn:
        return add_sessions_in(conn, batch, keep_repeats)


def add_sessions_in(
    conn: sqlite3.Connection, batch: Sequence[Session], keep_repeats: bool = False
) -> ImportCount:
    """The body of :func:`add_sessions`, inside a transaction the caller holds."""
    count = ImportCount()
    if keep_repeats:
        seen: set[str] = set()
        fresh = []
        for s in batch:
            repeat = s.external_id is not None and s.external_id in seen
            if s.external_id is not None:
                seen.add(s.external_id)
            fresh.append(not repeat and not _is_duplicate(conn, s))
    for index, s in enumerate(batch):
        if not (fresh[index] if keep_repeats else not _is_duplicate(conn, s)):
            count.skipped += 1
            continue
        s.id = _insert(conn, s)
        count.added += 1
    return count


# -- reading -----------------------------------------------------------------------------------


def get_session(store: Store, id: int) -> Session | None:
    found = store.query(
        f"SELECT {COLUMNS} FROM sessions WHERE id = ? AND athlete_id = ? AND {LIVE}", (id, ATHLETE_ID)
    )
    return _session(found[0]) if found else None


def sessions(
    store: Store,
    since: date | None = None,
    until: date | None = None,
    kind: str | None = None,
    *,
    include_deleted: bool = False,
) -> list[Session]:
    """Sessions from ``since`` to ``until`` inclusive, of ``kind`` if given; newest first.
    Deleted sessions only ``include_deleted`` (the export)."""
    where = ["athlete_id = ?"] if include_deleted else ["athlete_id = ?", LIVE]
    params: list[Any] = [ATHLETE_ID]
    if since is not None:
        where.append("date >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("date <= ?")
        params.append(until.isoformat())
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    found = store.query(
        f"SELECT {COLUMNS} FROM sessions WHERE {' AND '.join(where)} ORDER BY date DESC, id DESC", params
    )
    return store.parsed("sessions", found, _session)


def latest_date(
    store: Store,
    since: date,
    until: date,
    *,
    kinds: Sequence[str] | None = None,
    cross_plane: bool = False,
    with_distance: bool = False,
) -> date | None:
    """The date of the latest session from ``since`` to ``until`` (of one of ``kinds``; only
    cross-plane ones; only ones with a distance), or None, without reading the history:
    the date index is walked back over the last ``LATEST_WALK_DAYS`` (stopping at the first
    match); only if nothing is there are the older rows scanned once, in table order (at a
    million sessions a scan takes ~70 ms where walking the index over them took ~350)."""
    where = ["athlete_id = ?", LIVE]
    params: list[Any] = [ATHLETE_ID]
    if kinds is not None:
        where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params += list(kinds)
    if cross_plane:
        where.append("cross_plane = 1")
    if with_distance:
        where.append("distance_km > 0")
    test = " AND ".join(where)
    recent = max(since, until - timedelta(days=LATEST_WALK_DAYS))
    found = store.query(
        f"SELECT date FROM sessions WHERE {test} AND date >= ? AND date <= ? ORDER BY date DESC LIMIT 1",
        [*params, recent.isoformat(), until.isoformat()],
    )
    if not found and recent > since:
        found = store.query(
            f"SELECT MAX(date) FROM sessions NOT INDEXED WHERE {test} AND date >= ? AND date < ?",
            [*params, since.isoformat(), recent.isoformat()],
        )
    return rows.day(found[0][0]) if found and found[0][0] else None


def daily_counts(store: Store, since: date, until: date, kind: str) -> dict[date, int]:
    """How many sessions of ``kind`` each day from ``since`` to ``until`` had (days with none
    are left out): a streak over years without building a Session per row."""
    found = store.query(
        f"SELECT date, COUNT(*) FROM sessions WHERE athlete_id = ? AND kind = ? AND {LIVE} "
        "AND date >= ? AND date <= ? GROUP BY date",
        (ATHLETE_ID, kind, since.isoformat(), until.isoformat()),
    )
    return {d: int(count) for day, count in found if (d := rows.day(day)) is not None}


# -- one row -----------------------------------------------------------------------------------


def _check(s: Session) -> None:
    problems = validate_session(s)
    if problems:
        raise ValueError("; ".join(problems))


def _values(s: Session) -> tuple[Any, ...]:
    return (
        s.date.isoformat(),
        s.kind,
        float(s.distance_km),
        None if s.duration_min is None else float(s.duration_min),
        s.rpe,
        s.surface,
        int(bool(s.cross_plane)),
        s.notes,
        s.source,
        s.external_id,
    )


def _insert(conn: sqlite3.Connection, s: Session) -> int:
    cur = conn.execute(
        "INSERT INTO sessions (date, kind, distance_km, duration_min, rpe, surface, cross_plane, "
        "notes, source, external_id, athlete_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*_values(s), ATHLETE_ID),
    )
    return int(cur.lastrowid or 0)


def _session(row: Sequence[Any]) -> Session:
    return Session(
        deleted_at=rows.when(row[11]),
        id=row[0],
        date=date.fromisoformat(row[1]),
        kind=row[2],
        distance_km=float(row[3]),
        duration_min=None if row[4] is None else float(row[4]),
        rpe=None if row[5] is None else int(row[5]),
        surface=row[6],
        cross_plane=bool(row[7]),
        notes=row[8],
        source=row[9],
        external_id=row[10],
    )


# -- one activity recorded twice ---------------------------------------------------------------


def start_of(external_id: str | None) -> datetime | None:
    """The start time an imported session's id holds (``start:2024-01-05T07:12:03Z``), else None."""
    if not external_id or not external_id.startswith("start:"):
        return None
    try:
        return datetime.strptime(external_id[6:], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _start_key(when: datetime) -> str:
    return "start:" + when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_duplicate(conn: sqlite3.Connection, s: Session) -> bool:
    """Whether ``s`` is already stored: by its id; else, when it has a start time, by the start
    times (``START_TOLERANCE``); only without a start time on one side, by day, kind and distance.

    The start decides first: two 5 km runs on one day, at 06:10 from a watch's FIT and at 08:53
    from a phone's GPX, were one session by day, kind and distance, and the second run was lost
    although each had its own start.
    """
    if s.external_id is not None:
        hit = conn.execute("SELECT 1 FROM sessions WHERE external_id = ?", (s.external_id,)).fetchone()
        if hit:
            return True
    start = start_of(s.external_id)
    if start is not None:
        near = conn.execute(
            # "+athlete_id": the external_id index, not the date index (which would read every
            # session of the athlete for each row: a 50k-row Strava import took minutes)
            "SELECT kind, source, external_id, duration_min FROM sessions "
            "WHERE external_id BETWEEN ? AND ? AND +athlete_id = ?",
            (_start_key(start - START_TOLERANCE), _start_key(start + START_TOLERANCE), ATHLETE_ID),
        ).fetchall()
        if any(_same_activity(s, start, *row) for row in near):
            return True
    # Same day, kind and distance: one session seen twice, unless both rows carry their own
    # ids from the same source (two equal 5 km runs in one Strava export are two runs). With a
    # start time, only against sessions that have none (a manual entry of the same run).
    hit = conn.execute(
        "SELECT 1 FROM sessions WHERE athlete_id = ? AND date = ? AND kind = ? "
        "AND abs(distance_km - ?) < ? "
        "AND (? IS NULL OR external_id IS NULL OR source != ?)"
        + (" AND (external_id IS NULL OR external_id NOT LIKE 'start:%')" if start is not None else ""),
        (
            ATHLETE_ID,
            s.date.isoformat(),
            s.kind,
            float(s.distance_km),
            DUPLICATE_KM,
            s.external_id,
            s.source,
        ),
    ).fetchone()
    return hit is not None


def _same_activity(
    s: Session, start: datetime, kind: str, source: str, external_id: str, minutes: float | None
) -> bool:
    """Whether a stored session starting near ``s`` is ``s`` recorded again: the kinds agree
    (both runs count as agreeing: a FIT has no title to make it a tempo), their times overlap,
    and they are not two rows of Strava's own list (Strava keeps each activity once)."""
    other = start_of(external_id)
    if other is None or (s.source == "strava" and source == "strava"):
        return False
    if kind != s.kind and not (kind in RUN_KINDS and s.kind in RUN_KINDS):
        return False
    (first, first_min), (second, _) = sorted([(start, s.duration_min), (other, minutes)], key=lambda p: p[0])
    return first_min is None or second < first + timedelta(minutes=first_min)
