"""The history database: sessions, check-ins and done work in one SQLite file.

Why these settings: WAL lets the TUI read while an import writes; ``BEGIN IMMEDIATE`` takes
the write lock up front so two writers queue (busy timeout) instead of failing half-way;
``synchronous=FULL`` makes every commit survive a crash or power cut. Every write is one
transaction, so a killed process leaves either all of a write or none of it.

Faults are told apart, each with a true message and what to do (``StoreError``):

- busy: another prehab holds the write lock (a long import). Readers never wait for it
  (opening takes the write lock only when the schema must change); a writer waits up to
  ``BUSY_TIMEOUT_MS`` and retries, then says the history is busy. It never suggests moving
  the file aside, which would split the history in two.
- read-only (the file, or its folder): the history opens read-only; reading works, a write
  says why it cannot be done.
- damaged (``database disk image is malformed``): found by ``PRAGMA quick_check`` on open
  (for files up to ``QUICK_CHECK_MAX_BYTES``; bigger ones before their first write) or by
  any read that meets a bad page. Writes stop; reads still try, and ``prehab export`` saves
  every row that can be read (``store.rescue``) so the history can be restored into a new
  file with ``prehab import``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

from prehab.model import Fact, UserError
from prehab.store import rows
from prehab.store.records import (
    CROSS_PLANES,
    RUN_KINDS,
    STRENGTH_SESSION_MINUTES,
    STRENGTH_WORK,
    AdviceRecord,
    Checkin,
    Deleted,
    DoneItem,
    ImportCount,
    Session,
    validate_session,
)
from prehab.store.schema import LATEST_VERSION, SchemaTooNew, current_version, migrate

FULL_BELOW_BYTES = 256 * 1024
"""A disk with less free than this is full for the history (SQLite needs room for its journal)."""
BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another process's write lock."""
BUSY_RETRIES = 3
"""Extra attempts when SQLite reports the lock busy without waiting (it does so during WAL
recovery and to break a deadlock); a full busy timeout is not waited twice."""
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
"""Files up to this size are checked on open (about 25 ms for 15 MB, 100k sessions)."""
ATHLETE_ID = 1
_T = TypeVar("_T")
LATEST_WALK_DAYS = 366
"""``latest_date`` walks the date index over this many days before scanning older rows."""
DUPLICATE_KM = 0.05
"""Two sessions on one day of one kind whose distances differ by less than this are one."""
START_TOLERANCE = timedelta(minutes=10)
"""Imported sessions whose start times are this close are one activity recorded twice (two
devices, or a file and Strava's row of it) when their kinds agree and their times overlap."""

_SESSION_COLUMNS = (
    "id, date, kind, distance_km, duration_min, rpe, surface, cross_plane, notes, source, external_id, "
    "deleted_at"
)
_LIVE = "deleted_at IS NULL"
"""Every read leaves deleted rows out (they stay until restored; the export keeps them)."""
RESTORABLE = ("session", "checkin", "done")
"""The kinds of record a delete can be undone for (``Store.restore``)."""


class StoreError(UserError):
    """A store problem a user can act on; the message says what to do."""


class StoreBusy(StoreError):
    """Another process holds the write lock longer than we wait."""


class StoreReadOnly(StoreError):
    """The history can be read but not written (file or folder permissions, read-only disk)."""


class StoreDamaged(StoreError):
    """The database file is damaged; writing is refused, the message says how to recover."""


def fault(exc: sqlite3.Error) -> str | None:
    """What kind of store fault ``exc`` is: "busy", "readonly", "damaged", "notadb", "cantopen",
    "full", "io" or None (a bug or a constraint, not the environment)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return "busy"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "readonly"
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return "damaged"
    if name == "SQLITE_NOTADB" or "file is not a database" in text:
        return "notadb"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return "cantopen"
    if name == "SQLITE_FULL" or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "io"
    return None


def busy_message(path: Path) -> str:
    return (
        f"the history is busy: another prehab is writing to {path} (an import?) and held it "
        f"for over {BUSY_TIMEOUT_MS // 1000} s; try again when it has finished"
    )


def damaged_message(path: Path, detail: str) -> str:
    return (
        f"the history {path} is damaged ({detail}); prehab will not write to it. To recover: "
        f"`prehab export -o rescue.toml` saves every row that can still be read, then move "
        f"{path.name} aside (keep it) and `prehab import rescue.toml` restores them into a new "
        "history (a newer `prehab export` of yours can be imported the same way)"
    )


class Store:
    """One open history database. Use ``Store.open()``; close it or use it in ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: str | None = None) -> None:
        self._conn = conn
        self._lock = threading.RLock()  # one connection, maybe several threads (TUI workers)
        self.path = path
        self.read_only = read_only
        """Why the history cannot be written (None: it can)."""
        self.damaged: str | None = None
        """What ``quick_check`` or a read found wrong with the file (None: nothing yet)."""
        self.lost_rows = 0
        """Rows of a damaged file that could not be read (set by ``rescue``)."""
        self._rescued: Rescue | None = None
        self._copy: sqlite3.Connection | None = None
        self.unreadable: dict[tuple[str, int], Unreadable] = {}
        """Rows met by a read with a value that does not parse (by table and id): left out of
        every read and the metrics, kept as written by ``prehab export``."""
        self._checked = False

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (creating if needed) the database at ``path``, migrated to the latest schema.

        A history that cannot be written is opened read-only (``read_only`` says why); a
        damaged one is opened with ``damaged`` set. StoreError when it cannot be read at all.
        """
        if path is None:
            from prehab.paths import database_file

            path = database_file()
        path = Path(path)
        exists = path.exists()
        if not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create {path.parent}: {exc.strerror}; "
                    "choose another place with --data-dir or PREHAB_DATA_DIR"
                ) from exc
        try:
            store = cls._open_writable(path)
        except sqlite3.Error as exc:
            kind = fault(exc)
            if not exists or kind not in ("readonly", "cantopen", "full", "io"):
                raise _open_error(path, exc, exists) from exc
            store = cls._open_read_only(path, exc)  # a full disk still lets the history be read
        if path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            store.check()
        return store

    @classmethod
    def _open_writable(cls, path: Path) -> Store:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                _retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if current_version(conn) != LATEST_VERSION:  # readers never take the write lock
                _retry_busy(lambda: migrate(conn))
        except SchemaTooNew as exc:
            conn.close()
            raise StoreError(f"{path}: {exc}; upgrade prehab to read it") from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def _open_read_only(cls, path: Path, why: sqlite3.Error) -> Store:
        """Open for reading only: plain ``mode=ro`` first; in a read-only folder a WAL
        database whose -shm file is missing can only be opened ``immutable``."""
        uri = f"file:{quote(str(path.absolute()))}?mode=ro"
        last: sqlite3.Error = why
        for suffix in ("", "&immutable=1"):
            try:
                conn = sqlite3.connect(
                    uri + suffix, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                    check_same_thread=False,
                )  # fmt: skip
            except sqlite3.Error as exc:
                last = exc
                continue
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                version = current_version(conn)
            except sqlite3.Error as exc:
                conn.close()
                last = exc
                continue
            if version > LATEST_VERSION:
                conn.close()
                raise StoreError(f"{path}: the history database is schema version {version}; upgrade prehab")
            if version < LATEST_VERSION:
                conn.close()
                raise StoreReadOnly(
                    f"the history {path} needs an upgrade (schema {version} to {LATEST_VERSION}) "
                    "but cannot be written; give yourself write permission on it and its folder"
                )
            reason = _read_only_reason(path)
            return cls(conn, path, read_only=reason)
        raise _open_error(path, last, True) from last

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- faults --------------------------------------------------------------------------

    def check(self) -> str | None:
        """Run ``PRAGMA quick_check`` (once); what it found wrong, or None. Sets ``damaged``."""
        if self._checked:
            return self.damaged
        self._checked = True
        try:
            with self._lock:
                rows = self._conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.Error as exc:
            if fault(exc) not in ("damaged", "notadb"):
                raise self._error(exc) from exc
            self.damaged = str(exc)
            return self.damaged
        found = str(rows[0][0]) if rows else "ok"
        if found != "ok":
            detail = "; ".join(x.strip() for x in found.splitlines() if x.strip() and "***" not in x)
            self.damaged = f"database disk image is malformed: {detail}"
        return self.damaged

    def _error(self, exc: sqlite3.Error) -> Exception:
        """The StoreError that says what ``exc`` means here (or ``exc`` if it is not a fault)."""
        kind = fault(exc)
        if kind == "busy":
            return StoreBusy(busy_message(self.path))
        if kind == "readonly":
            why = self.read_only or _read_only_reason(self.path)
            return StoreReadOnly(_read_only_message(self.path, why))
        if kind in ("damaged", "notadb"):
            self.damaged = self.damaged or str(exc)
            return StoreDamaged(damaged_message(self.path, self.damaged))
        if kind == "full":
            return StoreError(f"cannot write the history {self.path}: the disk is full; free some space")
        if kind in ("io", "cantopen"):
            return StoreError(f"cannot use the history {self.path}: {exc}; check the disk and the file")
        return exc

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of a read; a fault becomes its StoreError."""
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def _parsed(self, table: str, found: list[Any], read: Callable[[Sequence[Any]], _T]) -> list[_T]:
        """``found`` rows read by ``read``; a row a value of which does not parse (written by hand,
        or by something else) is left out and kept in ``unreadable``, never a stop."""
        out: list[_T] = []
        for row in found:
            try:
                out.append(read(row))
            except (TypeError, ValueError, OverflowError, RecursionError):
                self.unreadable[(table, row[0])] = unreadable_row(table, row)
        return out

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one read, for a module that keeps a table of its own (the importer's
        ``prehab.imports.ledger``); a fault becomes its StoreError."""
        return self._rows(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one read, and the same read again on what can still be read when the
        file is damaged: every readable row is copied into an in-memory database of the same
        schema once (``store.rescue``), so a repository writes each query once."""
        try:
            return self._rows(sql, params)
        except StoreDamaged:
            with self._lock:
                return self._readable_copy().execute(sql, params).fetchall()

    def _readable_copy(self) -> sqlite3.Connection:
        """An in-memory database of the latest schema holding every row of the damaged file
        that can still be read (made once; ``lost_rows`` counts the rest)."""
        if self._copy is not None:
            return self._copy
        from prehab.store.rescue import readable_rows

        copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        migrate(copy)
        tables = [r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        lost = 0
        for table in tables:
            if table in ("schema_version", "athletes"):
                continue
            columns = [r[1] for r in copy.execute(f"PRAGMA table_info({table})")]
            found = readable_rows(self._conn, table, ", ".join(columns))
            lost += found.lost
            marks = ", ".join("?" for _ in columns)
            copy.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", list(found.rows.values()))
        self.lost_rows = max(self.lost_rows, lost)
        self._copy = copy
        return copy

    def _writable(self) -> None:
        """Refuse a write into a read-only or damaged history, checking it first if need be."""
        if self.read_only:
            raise StoreReadOnly(_read_only_message(self.path, self.read_only))
        if self.check():
            raise StoreDamaged(damaged_message(self.path, self.damaged or "damaged"))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: the write lock is taken first, all or nothing is kept.

        Refused (StoreReadOnly, StoreDamaged) before anything is written when the history
        cannot take it; a lock held by another process is waited for, then StoreBusy.
        """
        self._writable()
        conn = self._conn
        with self._lock:
            try:
                _retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"))
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    error = self._error(exc)
                    if error is not exc:
                        raise error from exc
                raise

    def schema_version(self) -> int:
        try:
            with self._lock:
                return current_version(self._conn)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    # -- sessions ------------------------------------------------------------------------

    def add_session(self, s: Session) -> int:
        """Store ``s`` and return its id (also set on ``s``). Raises ValueError if invalid."""
        _check(s)
        with self.transaction() as conn:
            new_id = _insert(conn, s)
        s.id = new_id
        return new_id

    def update_session(self, s: Session) -> None:
        """Replace the stored session with id ``s.id`` by ``s``."""
        if s.id is None:
            raise ValueError("update_session needs a session with an id")
        _check(s)
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE sessions SET date = ?, kind = ?, distance_km = ?, duration_min = ?, "
                "rpe = ?, surface = ?, cross_plane = ?, notes = ?, source = ?, external_id = ? "
                "WHERE id = ? AND athlete_id = ?",
                (*_values(s), s.id, ATHLETE_ID),
            )
            if cur.rowcount == 0:
                raise KeyError(s.id)

    def delete_session(self, id: int) -> bool:
        """Delete a session softly (``restore("session", id)`` undoes it); False if there was
        no such session to delete."""
        return self._soft_delete("sessions", "id = ?", (id,))

    def get_session(self, id: int) -> Session | None:
        try:
            rows = self._rows(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ? AND athlete_id = ? AND {_LIVE}",
                (id, ATHLETE_ID),
            )
        except StoreDamaged:
            return next((s for s in self.rescue().sessions if s.id == id and s.deleted_at is None), None)
        return _session(rows[0]) if rows else None

    def sessions(
        self,
        since: date | None = None,
        until: date | None = None,
        kind: str | None = None,
        *,
        include_deleted: bool = False,
    ) -> list[Session]:
        """Sessions from ``since`` to ``until`` inclusive, of ``kind`` if given; newest first.
        Deleted sessions only ``include_deleted`` (the export)."""
        where = ["athlete_id = ?"] if include_deleted else ["athlete_id = ?", _LIVE]
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
        try:
            rows = self._rows(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE {' AND '.join(where)} "
                "ORDER BY date DESC, id DESC",
                params,
            )
        except StoreDamaged:
            return [
                s
                for s in self.rescue().sessions
                if (since is None or s.date >= since)
                and (until is None or s.date <= until)
                and (kind is None or s.kind == kind)
                and (include_deleted or s.deleted_at is None)
            ]
        return self._parsed("sessions", rows, _session)

    def latest_date(
        self,
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
        where = ["athlete_id = ?", _LIVE]
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
        try:
            rows = self._rows(
                f"SELECT date FROM sessions WHERE {test} AND date >= ? AND date <= ? "
                "ORDER BY date DESC LIMIT 1",
                [*params, recent.isoformat(), until.isoformat()],
            )
            if not rows and recent > since:
                rows = self._rows(
                    f"SELECT MAX(date) FROM sessions NOT INDEXED WHERE {test} AND date >= ? AND date < ?",
                    [*params, since.isoformat(), recent.isoformat()],
                )
        except StoreDamaged:
            found = [
                s.date
                for s in self.rescue().sessions
                if since <= s.date <= until
                and s.deleted_at is None
                and (kinds is None or s.kind in kinds)
                and (s.cross_plane or not cross_plane)
                and (s.distance_km > 0 or not with_distance)
            ]
            return max(found, default=None)
        return _day(rows[0][0]) if rows and rows[0][0] else None

    def daily_counts(self, since: date, until: date, kind: str) -> dict[date, int]:
        """How many sessions of ``kind`` each day from ``since`` to ``until`` had (days with none
        are left out): a streak over years without building a Session per row."""
        try:
            rows = self._rows(
                f"SELECT date, COUNT(*) FROM sessions WHERE athlete_id = ? AND kind = ? AND {_LIVE} "
                "AND date >= ? AND date <= ? GROUP BY date",
                (ATHLETE_ID, kind, since.isoformat(), until.isoformat()),
            )
        except StoreDamaged:
            counts: dict[date, int] = {}
            for s in self.sessions(since, until, kind):
                counts[s.date] = counts.get(s.date, 0) + 1
            return counts
        return {d: int(count) for day, count in rows if (d := _day(day)) is not None}

    def add_sessions(self, items: Iterable[Session], keep_repeats: bool = False) -> ImportCount:
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
        with self.transaction() as conn:
            return add_sessions_in(conn, batch, keep_repeats)

    # -- check-ins -----------------------------------------------------------------------

    def add_checkin(
        self, answers: dict[str, Any], facts: list[Fact], taken_at: datetime | None = None
    ) -> int:
        """Keep one questionnaire's answers and the facts they produced, open or update the
        episodes they report (on the check-in's day) and keep its answers about the last session
        against that session's day (``store.upgrade.record_checkin_in``); returns its id. The
        day service writes its check-ins itself (it knows which screens were answered)."""
        from prehab.store.upgrade import record_checkin_in

        when = taken_at or datetime.now(UTC)
        with self.transaction() as conn:
            checkin_id = add_checkin_in(conn, answers, facts, when)
            record_checkin_in(conn, checkin_id, facts, when)
        return checkin_id

    def checkins(self, limit: int = 20, *, include_deleted: bool = False) -> list[Checkin]:
        """The latest ``limit`` check-ins, newest first (deleted ones only ``include_deleted``)."""
        live = "" if include_deleted else f" AND {_LIVE}"
        try:
            rows = self._rows(
                f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE athlete_id = ?{live} "
                "ORDER BY taken_at DESC, id DESC LIMIT ?",
                (ATHLETE_ID, limit),
            )
        except StoreDamaged:
            found = self.rescue().checkins
            return [c for c in found if include_deleted or c.deleted_at is None][:limit]
        return self._parsed("checkins", rows, _checkin)

    def checkins_since(self, since: datetime, *, mentioning: str | None = None) -> list[Checkin]:
        """Check-ins taken at or after ``since``, oldest first; with ``mentioning``, only those
        whose stored facts contain that text (a cheap filter before the JSON is read)."""
        when = _utc(since).isoformat()
        test = "" if mentioning is None else " AND instr(facts, ?) > 0"
        params: list[Any] = [ATHLETE_ID, when] + ([] if mentioning is None else [mentioning])
        try:
            rows = self._rows(
                f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE athlete_id = ? AND {_LIVE} "
                f"AND taken_at >= ?{test} ORDER BY taken_at, id",
                params,
            )
        except StoreDamaged:
            start = _utc(since)
            found = [c for c in self.rescue().checkins if c.deleted_at is None and _utc(c.taken_at) >= start]
            return sorted(found, key=lambda c: (_utc(c.taken_at), c.id))
        return self._parsed("checkins", rows, _checkin)

    def latest_checkin(self) -> Checkin | None:
        found = self.checkins(limit=1)
        return found[0] if found else None

    def delete_checkin(self, id: int) -> bool:
        """Delete a check-in softly, with the episodes it opened (``restore("checkin", id)``
        undoes it)."""
        return self.delete("checkin", id)

    # -- undo: soft deletes and restoring them -------------------------------------------

    def _soft_delete(self, table: str, test: str, params: Sequence[Any]) -> bool:
        with self.transaction() as conn:
            cur = conn.execute(
                f"UPDATE {table} SET deleted_at = ? WHERE athlete_id = ? AND {_LIVE} AND {test}",
                (_now(), ATHLETE_ID, *params),
            )
        return cur.rowcount > 0

    def delete(self, kind: str, id: int) -> bool:
        """Delete one record softly (``kind``: session, checkin or done); False if there is no
        such record that is not deleted already. ``restore`` undoes it."""
        table = _TABLES.get(kind)
        if table is None:
            raise ValueError(f"cannot delete {kind!r}: delete one of {', '.join(RESTORABLE)}")
        from prehab.store.episodes import delete_opened_by

        when = _now()
        with self.transaction() as conn:
            cur = conn.execute(
                f"UPDATE {table} SET deleted_at = ? WHERE athlete_id = ? AND {_LIVE} AND id = ?",
                (when, ATHLETE_ID, id),
            )
            if cur.rowcount and kind == "checkin":  # the episodes it opened go with it
                delete_opened_by(conn, id, when)
        return cur.rowcount > 0

    def restore(self, kind: str, id: int) -> bool:
        """Undo the delete of one record (``kind``: session, checkin or done); False if no
        deleted record of that kind has that id."""
        table = _TABLES.get(kind)
        if table is None:
            raise ValueError(f"cannot restore {kind!r}: restore one of {', '.join(RESTORABLE)}")
        from prehab.store.episodes import restore_opened_by

        with self.transaction() as conn:
            cur = conn.execute(
                f"UPDATE {table} SET deleted_at = NULL WHERE id = ? AND athlete_id = ? "
                "AND deleted_at IS NOT NULL",
                (id, ATHLETE_ID),
            )
            if cur.rowcount and kind == "checkin":
                restore_opened_by(conn, id)
        return cur.rowcount > 0

    def deleted(self, limit: int = 200) -> list[Deleted]:
        """Deleted records of every kind, most recently deleted first."""
        out: list[Deleted] = []
        try:
            for r in self._rows(
                "SELECT id, date, kind, distance_km, deleted_at FROM sessions "
                "WHERE athlete_id = ? AND deleted_at IS NOT NULL",
                (ATHLETE_ID,),
            ):
                km = f" {float(r[3]):g} km" if r[3] else ""
                day = _day(r[1])
                if day is not None:
                    out.append(Deleted("session", r[0], day, f"{r[2]}{km}", _stamp(r[4])))
            for r in self._rows(
                "SELECT id, taken_at, answers, deleted_at FROM checkins "
                "WHERE athlete_id = ? AND deleted_at IS NOT NULL",
                (ATHLETE_ID,),
            ):
                taken = _when(r[1])
                if taken is None:
                    continue
                screens = ", ".join(sorted(rows.loads_as(r[2], dict))) or "no answers"
                out.append(Deleted("checkin", r[0], local_day(taken), f"check-in ({screens})", _stamp(r[3])))
            for r in self._rows(
                "SELECT id, day, exercise_id, deleted_at FROM done WHERE athlete_id = ? "
                "AND deleted_at IS NOT NULL",
                (ATHLETE_ID,),
            ):
                day = _day(r[1])
                if day is not None:
                    out.append(Deleted("done", r[0], day, f"done: {r[2]}", _stamp(r[3])))
        except StoreDamaged:
            rescued = self.rescue()
            out = [
                Deleted("session", s.id or 0, s.date, s.kind, s.deleted_at)
                for s in rescued.sessions
                if s.deleted_at is not None
            ]
            out += [
                Deleted("checkin", c.id, local_day(c.taken_at), "check-in", c.deleted_at)
                for c in rescued.checkins
                if c.deleted_at is not None
            ]
        out.sort(key=lambda d: (d.deleted_at, d.id), reverse=True)
        return out[:limit]

    # -- done work -----------------------------------------------------------------------

    def mark_done(
        self,
        day: date,
        exercise_id: str,
        rule_ids: Sequence[str],
        *,
        kind: str = "",
        dose: dict[str, Any] | None = None,
        plane: str = "",
        loads: Sequence[str] = (),
        minutes: float | None = None,
        item: int | None = None,
        actual: dict[str, Any] | None = None,
    ) -> int:
        """Record that ``exercise_id`` was done on ``day`` at ``dose`` (the dose given that day);
        ``item`` is its number in the day's committed plan (None: work the plan did not give).
        Marking twice keeps one record, and marking an unmarked item again restores it. What a
        caller leaves out (kind, dose, plane, what was actually done...) keeps its stored value.
        ``actual``: the dose really done (``prehab.workout.actual.Actual.to_json``). Returns
        the record's id."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO done (athlete_id, day, exercise_id, rule_ids, kind, dose, plane, loads, "
                "minutes, marked_at, item, actual) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (athlete_id, day, exercise_id) DO UPDATE SET "
                "rule_ids = excluded.rule_ids, "
                "kind = COALESCE(NULLIF(excluded.kind, ''), done.kind), "
                "dose = CASE WHEN excluded.dose = '{}' THEN done.dose ELSE excluded.dose END, "
                "plane = COALESCE(NULLIF(excluded.plane, ''), done.plane), "
                "loads = CASE WHEN excluded.loads = '[]' THEN done.loads ELSE excluded.loads END, "
                "minutes = COALESCE(excluded.minutes, done.minutes), "
                "item = COALESCE(excluded.item, done.item), "
                "actual = CASE WHEN excluded.actual = '{}' THEN done.actual ELSE excluded.actual END, "
                "marked_at = CASE WHEN done.deleted_at IS NULL THEN done.marked_at "
                "ELSE excluded.marked_at END, "
                "deleted_at = NULL",
                (
                    ATHLETE_ID,
                    day.isoformat(),
                    exercise_id,
                    json.dumps(list(rule_ids)),
                    kind,
                    _dumps(dose or {}),
                    plane,
                    json.dumps(list(loads)),
                    None if minutes is None else float(minutes),
                    _now(),
                    item,
                    _dumps(actual or {}),
                ),
            )
            row = conn.execute(
                "SELECT id FROM done WHERE athlete_id = ? AND day = ? AND exercise_id = ?",
                (ATHLETE_ID, day.isoformat(), exercise_id),
            ).fetchone()
        return int(row[0])

    def unmark_done(self, day: date, exercise_id: str) -> bool:
        """Take a done mark back (softly: marking it again, or ``restore``, brings it back)."""
        return self._soft_delete("done", "day = ? AND exercise_id = ?", (day.isoformat(), exercise_id))

    def done_on(self, day: date) -> set[str]:
        try:
            rows = self._rows(
                f"SELECT exercise_id FROM done WHERE athlete_id = ? AND day = ? AND {_LIVE}",
                (ATHLETE_ID, day.isoformat()),
            )
        except StoreDamaged:
            return {d.exercise for d in self._rescued_done() if d.day == day}
        return {r[0] for r in rows}

    def adherence(self, since: date) -> dict[date, int]:
        """Exercises done per day from ``since`` on; days with nothing done are absent."""
        try:
            rows = self._rows(
                f"SELECT day, COUNT(*) FROM done WHERE athlete_id = ? AND day >= ? AND {_LIVE} "
                "GROUP BY day ORDER BY day",
                (ATHLETE_ID, since.isoformat()),
            )
        except StoreDamaged:
            counts: dict[date, int] = {}
            for d in self._rescued_done():
                if d.day >= since:
                    counts[d.day] = counts.get(d.day, 0) + 1
            return counts
        return {when: int(r[1]) for r in rows if (when := _day(r[0])) is not None}

    def done_records(self) -> list[tuple[date, str, list[str]]]:
        """Every done record (day, exercise, rule ids), oldest first."""
        return [(d.day, d.exercise, list(d.rule_ids)) for d in self.done_rows() if d.deleted_at is None]

    def done_rows(self, *, include_deleted: bool = True) -> list[DoneRow]:
        """Every done record with all it keeps, oldest first (the export; deleted ones too)."""
        live = "" if include_deleted else f" AND {_LIVE}"
        try:
            rows = self._rows(
                f"SELECT {_DONE_COLUMNS} FROM done WHERE athlete_id = ?{live} ORDER BY day, exercise_id",
                (ATHLETE_ID,),
            )
        except StoreDamaged:
            rescued = self.rescue().done
            return [d for d in rescued if include_deleted or d.deleted_at is None]
        return self._parsed("done", rows, _done)

    def done_items(self, since: date, until: date | None = None, *, with_rpe: bool = True) -> list[DoneItem]:
        """What the runner did from ``since`` to ``until`` (inclusive), oldest first, each with
        the dose given that day and the session RPE answered for that day's work (``rpe``, from
        the responses stored against that day; None when not answered, or not looked up
        ``with_rpe=False``)."""
        where = f"athlete_id = ? AND {_LIVE} AND day >= ?"
        params: list[Any] = [ATHLETE_ID, since.isoformat()]
        if until is not None:
            where += " AND day <= ?"
            params.append(until.isoformat())
        try:
            rows = self._parsed("done", self._rows(
                f"SELECT {_DONE_COLUMNS} FROM done WHERE {where} ORDER BY day, exercise_id", params
            ), _done)  # fmt: skip
        except StoreDamaged:
            rows = [d for d in self._rescued_done() if d.day >= since and (until is None or d.day <= until)]
        if not rows or not with_rpe:
            return [d.item() for d in rows]
        from prehab.store.responses import responses, rpe_by_day

        rpe = rpe_by_day(responses(self, min(d.day for d in rows), max(d.day for d in rows)))
        return [d.item(rpe.get(d.day)) for d in rows]

    def done_days(self, until: date) -> dict[date, tuple[bool, bool, bool]]:
        """Per day up to ``until`` with done work: (a strength session: strength and plyometric
        items of ``STRENGTH_SESSION_MINUTES`` or more; any mobility item; any frontal, transverse
        or multi-plane item). One row a day, no JSON read: what the facts need to count done work
        as sessions (``facts.metrics.done_work`` gives the same from the items)."""
        try:
            rows = self._rows(
                "SELECT day, SUM(CASE WHEN kind IN ('strength', 'plyometric') THEN COALESCE(minutes, ?) "
                "ELSE 0 END) >= ?, MAX(kind = 'mobility'), MAX(plane IN ('frontal', 'transverse', 'multi')) "
                f"FROM done WHERE athlete_id = ? AND {_LIVE} AND day <= ? GROUP BY day",
                (STRENGTH_SESSION_MINUTES, STRENGTH_SESSION_MINUTES, ATHLETE_ID, until.isoformat()),
            )
        except StoreDamaged:
            minutes: dict[date, float] = {}
            out: dict[date, tuple[bool, bool, bool]] = {}
            for d in self._rescued_done():
                if d.day <= until:
                    if d.kind in STRENGTH_WORK:
                        add = STRENGTH_SESSION_MINUTES if d.minutes is None else d.minutes
                        minutes[d.day] = minutes.get(d.day, 0.0) + add
                    was = out.get(d.day, (False, False, False))
                    out[d.day] = (False, was[1] or d.kind == "mobility", was[2] or d.plane in CROSS_PLANES)
            return {
                d: (minutes.get(d, 0.0) >= STRENGTH_SESSION_MINUTES, mob, cross)
                for d, (_, mob, cross) in out.items()
            }
        return {when: (bool(r[1]), bool(r[2]), bool(r[3])) for r in rows if (when := _day(r[0])) is not None}

    def marked_days(self, since: date, until: date) -> dict[date, datetime | None]:
        """Days from ``since`` to ``until`` with done work, and when each day's first item was
        marked (None for marks from before prehab kept the time)."""
        try:
            rows = self._rows(
                f"SELECT day, MIN(marked_at) FROM done WHERE athlete_id = ? AND {_LIVE} "
                "AND day >= ? AND day <= ? GROUP BY day",
                (ATHLETE_ID, since.isoformat(), until.isoformat()),
            )
        except StoreDamaged:
            return first_marks(d for d in self._rescued_done() if since <= d.day <= until)
        return {when: _when(r[1]) for r in rows if (when := _day(r[0])) is not None}

    def _rescued_done(self) -> list[DoneRow]:
        return [d for d in self.rescue().done if d.deleted_at is None]

    # -- the advice log ------------------------------------------------------------------

    def log_advice(self, record: AdviceRecord) -> bool:
        """Keep ``record`` as its day's plan (one per day): written when the day has none yet
        or the plan changed (items, doses, rules, the rulebook); True when written."""
        stored = self.advice(record.day)
        if stored is not None and _advice_key(stored) == _advice_key(record):
            return False
        from prehab.store.dayplans import commit_in

        with self.transaction() as conn:
            commit_in(conn, record, "", {})  # no inputs: the day service plans that day again
        return True

    def advice(self, day: date) -> AdviceRecord | None:
        """The plan stored for ``day``, if any."""
        found = self.advice_log(since=day, until=day)
        return found[0] if found else None

    def last_advice_before(self, day: date) -> AdviceRecord | None:
        """The latest plan stored for a day before ``day`` (what Today compares with)."""
        found = self.advice_log(until=day - timedelta(days=1), limit=1)
        return found[0] if found else None

    def advice_log(
        self, since: date | None = None, until: date | None = None, limit: int | None = None
    ) -> list[AdviceRecord]:
        """Stored plans from ``since`` to ``until`` (inclusive), newest first."""
        where = ["athlete_id = ?"]
        params: list[Any] = [ATHLETE_ID]
        if since is not None:
            where.append("day >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append("day <= ?")
            params.append(until.isoformat())
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        try:
            rows = self._rows(
                f"SELECT {_ADVICE_COLUMNS} FROM advice WHERE {' AND '.join(where)} ORDER BY day DESC{tail}",
                params,
            )
        except StoreDamaged:
            found = [
                a
                for a in self.rescue().advice
                if (since is None or a.day >= since) and (until is None or a.day <= until)
            ]
            return found[:limit] if limit is not None else found
        out = []
        for r in rows:
            try:
                out.append(_advice(r))
            except (TypeError, ValueError):
                continue  # a row written by hand that cannot be read: the rest still can
        return out

    # -- rescue (a damaged file) ---------------------------------------------------------

    def rescue(self) -> Rescue:
        """Every session, check-in, done record and stored plan that can still be read, row by
        row (``store.rescue``), and how many rows could not (also in ``lost_rows``). The reads
        above fall back to it when a damaged page stops them; worked out once per Store
        (a damaged history is not written to)."""
        from prehab.store.rescue import readable_rows

        if self._rescued is not None:
            return self._rescued
        out = Rescue()
        with self._lock:
            sessions = readable_rows(self._conn, "sessions", _SESSION_COLUMNS + ", athlete_id")
            checkins = readable_rows(self._conn, "checkins", _CHECKIN_COLUMNS + ", athlete_id")
            done = readable_rows(self._conn, "done", _done_columns(self._conn) + ", athlete_id")
            advice = readable_rows(self._conn, "advice", _ADVICE_COLUMNS + ", athlete_id")
        out.lost = sessions.lost + checkins.lost + done.lost + advice.lost
        out.lost += _read_rows(sessions.rows, _session, out.sessions)
        out.lost += _read_rows(checkins.rows, _checkin, out.checkins)
        out.lost += _read_rows(done.rows, _done, out.done)
        out.lost += _read_rows(advice.rows, _advice, out.advice)
        out.sessions.sort(key=lambda s: (s.date, s.id or 0), reverse=True)
        out.checkins.sort(key=lambda c: (c.taken_at, c.id or 0), reverse=True)
        out.done.sort(key=lambda d: (d.day, d.exercise))
        out.advice.sort(key=lambda a: a.day, reverse=True)
        self._rescued = out
        self.lost_rows = out.lost
        return out


@dataclass(frozen=True)
class Unreadable:
    """A stored row with a value that does not parse: where it is and what it holds."""

    table: str
    id: int
    column: str
    raw: str

    def __str__(self) -> str:
        return f"{self.table} #{self.id}: {self.column} {self.raw!r} cannot be read"


_CHECKS: dict[str, tuple[tuple[int, str, Callable[[Any], object]], ...]] = {
    "sessions": ((1, "date", date.fromisoformat), (3, "distance_km", float), (4, "duration_min", float),
                 (5, "rpe", int)),
    "checkins": ((1, "taken_at", datetime.fromisoformat), (2, "answers", lambda v: _of(json.loads(v), dict)),
                 (3, "facts", lambda v: _of(json.loads(v), list))),
    "done": ((1, "day", date.fromisoformat), (3, "rule_ids", json.loads), (5, "dose", json.loads),
             (7, "loads", json.loads), (8, "minutes", float)),
}  # fmt: skip


def _of(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"not a JSON {kind.__name__}")
    return value


def unreadable_row(table: str, row: Sequence[Any]) -> Unreadable:
    """Which value of ``row`` does not parse, and what it holds."""
    for index, column, parse in _CHECKS.get(table, ()):
        value = row[index]
        if value is None and column in ("duration_min", "rpe", "minutes"):
            continue
        try:
            parse(value if not isinstance(value, bytes) else value.decode("utf-8", "replace"))
        except (TypeError, ValueError, OverflowError, RecursionError):
            return Unreadable(table, int(row[0]), column, str(value)[:80])
    return Unreadable(table, int(row[0]), "row", str(tuple(row))[:80])


@dataclass
class Rescue:
    """What :meth:`Store.rescue` could read, in the order the normal reads give it."""

    sessions: list[Session] = field(default_factory=list)
    """Newest first."""
    checkins: list[Checkin] = field(default_factory=list)
    """Newest first."""
    done: list[DoneRow] = field(default_factory=list)
    """Oldest first."""
    advice: list[AdviceRecord] = field(default_factory=list)
    """Newest first."""
    lost: int = 0
    """Rows known to exist that could not be read."""


@dataclass(frozen=True)
class DoneRow:
    """One stored done mark as it is kept (the export's ``[[done]]``); :class:`DoneItem` is
    what the rest of prehab reads."""

    id: int
    day: date
    exercise: str
    rule_ids: tuple[str, ...]
    kind: str = ""
    dose: dict[str, Any] = field(default_factory=dict, hash=False)
    plane: str = ""
    loads: tuple[str, ...] = ()
    minutes: float | None = None
    marked_at: datetime | None = None
    deleted_at: datetime | None = None
    actual: dict[str, Any] = field(default_factory=dict, hash=False)
    """What was really done (``prehab.workout.actual.Actual``'s JSON; {}: the dose given)."""

    def item(self, rpe: int | None = None) -> DoneItem:
        return DoneItem(
            self.day, self.exercise, self.kind, dict(self.dose), rpe, self.plane, self.loads,
            self.minutes, self.rule_ids, self.id, dict(self.actual),
        )  # fmt: skip


def first_marks(rows: Iterable[DoneRow]) -> dict[date, datetime | None]:
    """Per day with done work, when its first item was marked (None: before prehab kept it)."""
    out: dict[date, datetime | None] = {}
    for d in rows:
        if d.day not in out:
            out[d.day] = d.marked_at
        else:
            earlier = out[d.day]
            if earlier is not None and (d.marked_at is None or d.marked_at < earlier):
                out[d.day] = d.marked_at
    return out


def local_day(when: datetime) -> date:
    """The runner's calendar day of a stored time (stored in UTC, lived in local time)."""
    try:
        return when.astimezone().date() if when.tzinfo else when.date()
    except OverflowError:  # a time at the very start or end of the calendar
        return when.date()


_TABLES = {"session": "sessions", "checkin": "checkins", "done": "done"}
_CHECKIN_COLUMNS = "id, taken_at, answers, facts, deleted_at"
_DONE_COLUMNS = (
    "id, day, exercise_id, rule_ids, kind, dose, plane, loads, minutes, marked_at, deleted_at, actual"
)
_ADVICE_COLUMNS = "id, day, computed_at, fingerprint, items, rule_ids, held"


def _checkin(row: Sequence[Any]) -> Checkin:
    answers, facts = json.loads(row[2]), json.loads(row[3])
    if not isinstance(answers, dict) or not isinstance(facts, list):
        raise ValueError("a check-in's answers are an object and its facts a list")
    return Checkin(
        id=row[0],
        taken_at=datetime.fromisoformat(row[1]),
        answers=answers,
        facts=[f for f in facts if isinstance(f, dict)],
        deleted_at=_when(row[4]),
    )


def _done(row: Sequence[Any]) -> DoneRow:
    dose = json.loads(row[5] or "{}")
    loads = json.loads(row[7] or "[]")
    return DoneRow(
        id=int(row[0]),
        day=date.fromisoformat(row[1]),
        exercise=str(row[2]),
        rule_ids=tuple(str(r) for r in json.loads(row[3] or "[]")),
        kind=str(row[4] or ""),
        dose=dose if isinstance(dose, dict) else {},
        plane=str(row[6] or ""),
        loads=tuple(str(r) for r in loads) if isinstance(loads, list) else (),
        minutes=None if row[8] is None else float(row[8]),
        marked_at=_when(row[9]),
        deleted_at=_when(row[10]),
        actual=_object(row[11]),
    )


def _object(text: Any) -> dict[str, Any]:
    """A stored JSON object, or {} for anything else (``Actual.from_json`` checks its values)."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _done_columns(conn: sqlite3.Connection) -> str:
    """The done columns a damaged file can give: a file too damaged to have been upgraded has
    no ``actual`` column, and its rows still read (with nothing recorded as actually done)."""
    try:
        names = {str(r[1]) for r in conn.execute("PRAGMA table_info(done)").fetchall()}
    except sqlite3.DatabaseError:
        names = set()
    return _DONE_COLUMNS if "actual" in names or not names else _DONE_COLUMNS.replace(", actual", ", '{}'")


def _advice(row: Sequence[Any]) -> AdviceRecord:
    items, rules, held = json.loads(row[4]), json.loads(row[5]), json.loads(row[6])
    return AdviceRecord(
        day=date.fromisoformat(row[1]),
        computed_at=datetime.fromisoformat(row[2]),
        fingerprint=str(row[3]),
        items=[i for i in items if isinstance(i, dict)] if isinstance(items, list) else [],
        rule_ids=[str(r) for r in rules] if isinstance(rules, list) else [],
        held=[h for h in held if isinstance(h, dict)] if isinstance(held, list) else [],
        id=int(row[0]),
    )


def _advice_key(record: AdviceRecord) -> str:
    """What makes two stored plans the same plan (not when they were computed)."""
    return _dumps([record.fingerprint, record.items, sorted(record.rule_ids), record.held])


def _read_rows(rows: dict[int, tuple[Any, ...]], read: Callable[[Sequence[Any]], _T], into: list[_T]) -> int:
    """The athlete's rows read into ``into``; how many could not be read."""
    lost = 0
    for row in rows.values():
        try:
            if row[-1] == ATHLETE_ID:
                into.append(read(row))
        except (TypeError, ValueError):
            lost += 1
    return lost


def _stamp(text: Any) -> datetime:
    return _when(text) or datetime.min.replace(tzinfo=UTC)


# -- row helpers ---------------------------------------------------------------------------


def add_checkin_in(
    conn: sqlite3.Connection, answers: dict[str, Any], facts: list[Fact], taken_at: datetime
) -> int:
    """Insert one check-in inside the caller's transaction; its id."""
    cur = conn.execute(
        "INSERT INTO checkins (athlete_id, taken_at, answers, facts) VALUES (?, ?, ?, ?)",
        (ATHLETE_ID, _utc(taken_at).isoformat(), _dumps(answers), _dumps(facts)),
    )
    return int(cur.lastrowid or 0)


def add_sessions_in(
    conn: sqlite3.Connection, batch: Sequence[Session], keep_repeats: bool = False
) -> ImportCount:
    """The body of :meth:`Store.add_sessions`, inside a transaction the caller holds."""
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

    The start decides first (issue 11): two 5 km runs on one day, at 06:10 from a watch's FIT and
    at 08:53 from a phone's GPX, were one session by day, kind and distance, and the second run
    was lost although each had its own start.
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


def _session(row: Sequence[Any]) -> Session:
    return Session(
        deleted_at=_when(row[11]),
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


_when = rows.when
_day = rows.day
_now = rows.now
_utc = rows.utc
_dumps = rows.dumps


# -- opening helpers -------------------------------------------------------------------------


def _retry_busy(step: Any) -> Any:
    """Run ``step``, which waits up to the busy timeout for a lock itself; if SQLite said
    "busy" without waiting that long (WAL recovery, deadlock avoidance), try again."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    for attempt in range(BUSY_RETRIES + 1):
        try:
            return step()
        except sqlite3.Error as exc:
            if fault(exc) != "busy" or attempt == BUSY_RETRIES or time.monotonic() >= deadline:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None  # pragma: no cover - the loop returns or raises


def _read_only_reason(path: Path) -> str:
    """Why ``path`` cannot be written: a full disk, else as far as the permissions tell."""
    import os
    import shutil

    try:
        if shutil.disk_usage(path.parent).free < FULL_BELOW_BYTES:
            return "the disk is full"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path.name} is read-only"
    if not os.access(path.parent, os.W_OK):
        return f"its folder {path.parent} is read-only"
    return "the file system does not allow writing"


def _read_only_message(path: Path, why: str) -> str:
    if why == "the disk is full":
        return f"cannot write to the history {path}: {why}; reading works. Free some space on that disk"
    return (
        f"cannot write to the history {path}: {why}; reading works. Give yourself write "
        "permission on the file and its folder, or use --data-dir for a writable copy"
    )


def _open_error(path: Path, exc: sqlite3.Error, exists: bool) -> StoreError:
    """The StoreError for a history that could not be opened at all."""
    kind = fault(exc)
    if kind == "busy":
        return StoreBusy(busy_message(path))
    if kind == "damaged":
        return StoreDamaged(damaged_message(path, str(exc)))
    if kind == "notadb":
        return StoreError(
            f"{path} is not a usable prehab database ({exc}): if it is your history, it is damaged; "
            "keep it: move it aside and prehab will start a new one, into which `prehab import` "
            "restores your last `prehab export`; or point --data-dir elsewhere"
        )
    if kind in ("readonly", "cantopen") and not exists:
        return StoreReadOnly(
            f"cannot create the history {path}: {_read_only_reason(path)}; "
            "choose another place with --data-dir or PREHAB_DATA_DIR"
        )
    if kind == "full":
        return StoreError(f"cannot open the history {path}: the disk is full; free some space")
    return StoreError(f"cannot open {path}: {exc}; check the permissions or use --data-dir")
