"""What the importer remembers: files already imported, and how each session's kind was decided.

Re-importing an unchanged file used to cost as much as the first time (a FIT file ~3 s per MB,
all of it parsing), only to find every session already stored. Now each file, zip member or
``activities.csv`` imported cleanly is remembered by the SHA-256 of its bytes with the ids of
its sessions; next time the same bytes are hashed (hundreds of MB/s), found, and skipped before
they are parsed, as long as every one of those sessions is still in the history. A file that
failed in any part is not remembered, so its failure is reported again.

``prehab history`` shows how an imported session's kind was decided ("type 'Run'", "no type,
19.0 km/h over 19.0 km: too fast for a run", "type 'Run', title 'tempo'"), kept here by the
session's external id.

The two tables are the importer's own, made by :func:`ensure` the first time an import stores
something (``CREATE TABLE IF NOT EXISTS``: one idempotent migration, outside the numbered ones in
``prehab.store.schema`` so it needs no schema version of its own). Both are caches of what an
import worked out: a history restored from ``prehab export`` has neither, and the next import
simply reads its files again. Readers never create them (a read-only history stays untouched).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from prehab.record import Record
from prehab.store.db import Store, StoreError

if TYPE_CHECKING:
    from prehab.imports.files import Found
    from prehab.imports.limits import Readable

TABLES = (
    """CREATE TABLE IF NOT EXISTS imported_files (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        ids TEXT NOT NULL,
        imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    )""",
    """CREATE TABLE IF NOT EXISTS import_kinds (
        external_id TEXT PRIMARY KEY,
        how TEXT NOT NULL
    )""",
)

HASH_CHUNK = 1 << 20


class Digest(Record, frozen=True):
    """A file's content hash and size in bytes."""

    sha256: str
    size: int


def digest(stream: Readable) -> Digest:
    """The SHA-256 and length of everything ``stream`` gives (read in 1 MB chunks). OpenSSL's
    (``hashlib``), several times faster on an export of hundreds of megabytes; imported here,
    so ``prehab history`` (which reads the ledger) does not load it (``prehab.digest``)."""
    import hashlib

    h = hashlib.sha256()
    size = 0
    while True:
        chunk = stream.read(HASH_CHUNK)
        if not chunk:
            return Digest(h.hexdigest(), size)
        h.update(chunk)
        size += len(chunk)


def ensure(conn: sqlite3.Connection) -> None:
    """Create the importer's tables if they are missing (inside the caller's transaction)."""
    for statement in TABLES:
        conn.execute(statement)


def _has_tables(store: Store) -> bool:
    rows = store.read("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
                      ("imported_files", "import_kinds"))  # fmt: skip
    return bool(rows and rows[0][0] == 2)


class Ledger:
    """The files one import run may skip, looked up in the store as it goes."""

    def __init__(self, store: Store) -> None:
        self._store = store
        try:
            self._ready = _has_tables(store)
        except StoreError:
            self._ready = False  # a damaged history: nothing is skipped, the writes will say why

    def done(self, found: Digest) -> int | None:
        """How many sessions the file with this content gave, if it was imported cleanly before
        and every one of them is still stored; else None (parse it)."""
        if not self._ready:
            return None
        try:
            rows = self._store.read("SELECT ids FROM imported_files WHERE sha256 = ?", (found.sha256,))
            if not rows:
                return None
            ids = [str(i) for i in json.loads(rows[0][0])]
            if ids:
                marks = ", ".join("?" for _ in ids)
                present = self._store.read(
                    f"SELECT COUNT(DISTINCT external_id) FROM sessions WHERE external_id IN ({marks})", ids
                )
                if not present or present[0][0] != len(set(ids)):
                    return None
        except (StoreError, ValueError, TypeError):
            return None
        return len(ids)

    def record(self, conn: sqlite3.Connection, found: Digest, name: str, sessions: Sequence[Found]) -> None:
        """Remember a file imported cleanly (in the transaction that stored its sessions)."""
        ensure(conn)
        ids = sorted({f.session.external_id for f in sessions if f.session.external_id})
        conn.execute(
            "INSERT OR REPLACE INTO imported_files (sha256, name, bytes, ids) VALUES (?, ?, ?, ?)",
            (found.sha256, name, found.size, json.dumps(ids)),
        )
        self._ready = True

    def note_kinds(self, conn: sqlite3.Connection, added: Iterable[Found]) -> None:
        """Keep how the kind of each newly stored session was decided."""
        rows = [(f.session.external_id, f.how) for f in added if f.session.external_id and f.how]
        if not rows:
            return
        ensure(conn)
        conn.executemany("INSERT OR REPLACE INTO import_kinds (external_id, how) VALUES (?, ?)", rows)
        self._ready = True


def kinds_decided(store: Store, external_ids: Iterable[str | None]) -> dict[str, str]:
    """How the kind of each of these imported sessions was decided, by external id (those the
    importer kept a note for; none for a history that never had an import)."""
    wanted = sorted({i for i in external_ids if i})
    if not wanted:
        return {}
    try:
        if not _has_tables(store):
            return {}
        out: dict[str, str] = {}
        for at in range(0, len(wanted), 500):  # SQLite's limit on ? parameters is 999 on old builds
            part = wanted[at : at + 500]
            marks = ", ".join("?" for _ in part)
            for external_id, how in store.read(
                f"SELECT external_id, how FROM import_kinds WHERE external_id IN ({marks})", part
            ):
                out[str(external_id)] = str(how)
        return out
    except StoreError:
        return {}
