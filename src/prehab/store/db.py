"""The history database: one SQLite file, one connection, and every fault told apart.

``Store`` owns the connection: opening (migrating to the latest schema), the write
transaction, the reads (``query``), and what to do when the file cannot be written or is
damaged. What is kept in it is read and written by one repository module per record, each a
set of functions taking the Store: ``store.sessions``, ``store.checkins``, ``store.done``,
``store.dayplans`` (the day's plan and the advice log), ``store.undo`` (deletes and restoring
them), ``store.episodes``, ``store.responses``, ``store.profile`` and ``store.workouts``. The
most used of them are also methods of the Store (``store.sessions(...)``), so callers need
not know which module keeps what.

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
  any read that meets a bad page. Writes stop; reads still try: every row that can be read
  is copied once into an in-memory database (``store.rescue``) and the same SQL runs there,
  so ``prehab export`` saves every row that can be read and the history can be restored into
  a new file with ``prehab import``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

from prehab.model import UserError
from prehab.store import checkins as _checkins
from prehab.store import dayplans as _dayplans
from prehab.store import done as _done
from prehab.store import rows
from prehab.store import sessions as _sessions
from prehab.store import undo as _undo
from prehab.store.schema import (
    LATEST_VERSION,
    QUICK_CHECK_MAX_BYTES,
    SchemaTooNew,
    current_version,
    migrate,
    revision_in,
)

FULL_BELOW_BYTES = 256 * 1024
"""A disk with less free than this is full for the history (SQLite needs room for its journal)."""
BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another process's write lock."""
BUSY_RETRIES = 3
"""Extra attempts when SQLite reports the lock busy without waiting (it does so during WAL
recovery and to break a deadlock); a full busy timeout is not waited twice."""
_T = TypeVar("_T")

# Moved to their repositories, and still importable from here for modules that import them from
# here (being changed elsewhere at the same time); new code imports them from their homes.
add_checkin_in = _checkins.add_checkin_in
add_sessions_in = _sessions.add_sessions_in
local_day = rows.local_day


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
        """Rows of a damaged file that could not be read (set when its readable copy is made)."""
        self._copy: sqlite3.Connection | None = None
        self.unreadable: dict[tuple[str, int], rows.Unreadable] = {}
        """Rows met by a read with a value that does not parse (by table and id): left out of
        every read and the metrics, kept as written by ``prehab export``."""
        self._checked = False
        self.own_revision: int | None = None
        """The history's revision as this connection's own writes left it, while no other
        process has written since ``follow`` (the day memo's check); None otherwise."""

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
                checked = self._conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.Error as exc:
            if fault(exc) not in ("damaged", "notadb"):
                raise self._error(exc) from exc
            self.damaged = str(exc)
            return self.damaged
        found = str(checked[0][0]) if checked else "ok"
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

    def parsed(self, table: str, found: list[Any], read: Callable[[Sequence[Any]], _T]) -> list[_T]:
        """``found`` rows read by ``read``; a row a value of which does not parse (written by hand,
        or by something else) is left out and kept in ``unreadable``, never a stop."""
        out: list[_T] = []
        for row in found:
            try:
                out.append(read(row))
            except (TypeError, ValueError, OverflowError, RecursionError):
                self.unreadable[(table, row[0])] = rows.unreadable_row(table, row)
        return out

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one read, for a module that keeps a table of its own (the importer's
        ``prehab.imports.ledger``); a fault becomes its StoreError."""
        return self._rows(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one read, and the same read again on what can still be read when the
        file is damaged: every readable row is copied into an in-memory database of the same
        schema once (``store.rescue``), so a repository writes each query once and a damaged
        file is read by the same SQL as a healthy one."""
        try:
            return self._rows(sql, params)
        except StoreDamaged:
            with self._lock:
                return self._readable_copy().execute(sql, params).fetchall()

    def _readable_copy(self) -> sqlite3.Connection:
        """An in-memory database of the latest schema holding every row of the damaged file
        that can still be read (made once; ``lost_rows`` counts the rest). A column the file does
        not have (a file too damaged to have been upgraded) takes its default, so its rows still
        read."""
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
            kept = _columns(self._conn, table)
            names = ", ".join(c for c in columns if c in kept or not kept)
            found = readable_rows(self._conn, table, names)
            lost += found.lost
            marks = ", ".join("?" for _ in names.split(", "))
            copy.executemany(
                f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", list(found.rows.values())
            )
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
                start = revision_in(conn) if self.own_revision is not None else None
                yield conn
                end = revision_in(conn) if start is not None else None
                conn.execute("COMMIT")
                self.own_revision = end if start is not None and start == self.own_revision else None
            except BaseException as exc:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    error = self._error(exc)
                    if error is not exc:
                        raise error from exc
                raise

    def revision(self) -> int | None:
        """The history's revision: moved by every write of any table (``schema`` migration 6's
        triggers). None when it cannot be trusted to say nothing changed: a damaged file (its
        rows are read from a copy) or a read that fails."""
        if self.damaged or self._copy is not None:
            return None
        try:
            with self._lock:
                return revision_in(self._conn)
        except (sqlite3.Error, TypeError):  # TypeError: the row is missing
            return None

    def follow(self, revision: int) -> None:
        """Tell this connection's writes apart from now on: ``revision`` is the history's as
        read last; each transaction that starts at ``own_revision`` moves it to where it ends,
        one that starts anywhere else (another process wrote) sets it to None for good."""
        self.own_revision = revision

    def schema_version(self) -> int:
        try:
            with self._lock:
                return current_version(self._conn)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    # -- the records, kept by their repositories -------------------------------------------
    # Each record's reads and writes are functions of its own module taking the Store
    # (``prehab.store.sessions.sessions(store, since)``). The most used are also the Store's
    # methods: the function itself, bound to the Store, so ``store.sessions(since)`` is the
    # same call. A new record kind needs nothing here.

    add_session = _sessions.add_session
    add_sessions = _sessions.add_sessions
    update_session = _sessions.update_session
    get_session = _sessions.get_session
    sessions = _sessions.sessions

    add_checkin = _checkins.add_checkin
    checkins = _checkins.checkins
    latest_checkin = _checkins.latest_checkin

    mark_done = _done.mark_done
    unmark_done = _done.unmark_done
    done_on = _done.done_on
    done_items = _done.done_items

    log_advice = _dayplans.log_advice
    advice = _dayplans.advice
    advice_log = _dayplans.advice_log
    last_advice_before = _dayplans.last_advice_before

    delete = _undo.delete
    restore = _undo.restore
    deleted = _undo.deleted


# -- opening and reading helpers -------------------------------------------------------------


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The columns ``table`` has in the file (none known when its schema cannot be read)."""
    try:
        return {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})").fetchall()}
    except sqlite3.DatabaseError:
        return set()


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
