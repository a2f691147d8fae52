"""The history database: sessions, check-ins and done work in one SQLite file.

Why these settings: WAL lets the TUI read while an import writes; ``BEGIN IMMEDIATE`` takes
the write lock up front so two writers queue (busy timeout) instead of failing half-way;
``synchronous=FULL`` makes every commit survive a crash or power cut. Every write is one
transaction, so a killed process leaves either all of a write or none of it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from prehab.model import Fact, UserError
from prehab.store.records import Checkin, ImportCount, Session, validate_session
from prehab.store.schema import SchemaTooNew, migrate

BUSY_TIMEOUT_MS = 10_000
ATHLETE_ID = 1
DUPLICATE_KM = 0.05
"""Two sessions on one day of one kind whose distances differ by less than this are one."""

_SESSION_COLUMNS = (
    "id, date, kind, distance_km, duration_min, rpe, surface, cross_plane, notes, source, external_id"
)


class StoreError(UserError):
    """A store problem a user can act on; the message says what to do."""


class Store:
    """One open history database. Use ``Store.open()``; close it or use it in ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.RLock()  # one connection, maybe several threads (TUI workers)
        self.path = path

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (creating if needed) the database at ``path``, migrated to the latest schema."""
        if path is None:
            from prehab.paths import database_file

            path = database_file()
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create {path.parent}: {exc.strerror}; "
                "choose another place with --data-dir or PREHAB_DATA_DIR"
            ) from exc
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}; check the permissions or use --data-dir") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        except SchemaTooNew as exc:
            conn.close()
            raise StoreError(f"{path}: {exc}; upgrade prehab to read it") from exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(
                f"{path} is not a usable prehab database ({exc}); move it aside and prehab "
                "will start a new one, or point --data-dir elsewhere"
            ) from exc
        return cls(conn, path)

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

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: the write lock is taken first, all or nothing is kept."""
        conn = self._conn
        with self._lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def schema_version(self) -> int:
        from prehab.store.schema import current_version

        return current_version(self._conn)

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

    def delete_session(self, id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ? AND athlete_id = ?", (id, ATHLETE_ID))

    def get_session(self, id: int) -> Session | None:
        row = self._conn.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ? AND athlete_id = ?",
            (id, ATHLETE_ID),
        ).fetchone()
        return _session(row) if row else None

    def sessions(
        self, since: date | None = None, until: date | None = None, kind: str | None = None
    ) -> list[Session]:
        """Sessions from ``since`` to ``until`` inclusive, of ``kind`` if given; newest first."""
        where = ["athlete_id = ?"]
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
        rows = self._conn.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE {' AND '.join(where)} "
            "ORDER BY date DESC, id DESC",
            params,
        ).fetchall()
        return [_session(r) for r in rows]

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
        """Keep one questionnaire's answers and the facts they produced; returns its id."""
        when = _utc(taken_at or datetime.now(UTC))
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO checkins (athlete_id, taken_at, answers, facts) VALUES (?, ?, ?, ?)",
                (ATHLETE_ID, when.isoformat(), _dumps(answers), _dumps(facts)),
            )
        return int(cur.lastrowid or 0)

    def checkins(self, limit: int = 20) -> list[Checkin]:
        """The latest ``limit`` check-ins, newest first."""
        rows = self._conn.execute(
            "SELECT id, taken_at, answers, facts FROM checkins WHERE athlete_id = ? "
            "ORDER BY taken_at DESC, id DESC LIMIT ?",
            (ATHLETE_ID, limit),
        ).fetchall()
        return [
            Checkin(
                id=r[0],
                taken_at=datetime.fromisoformat(r[1]),
                answers=json.loads(r[2]),
                facts=json.loads(r[3]),
            )
            for r in rows
        ]

    def latest_checkin(self) -> Checkin | None:
        found = self.checkins(limit=1)
        return found[0] if found else None

    # -- done work (adherence) -----------------------------------------------------------

    def mark_done(self, day: date, exercise_id: str, rule_ids: Sequence[str]) -> None:
        """Record that ``exercise_id`` was done on ``day``; marking twice keeps one record."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO done (athlete_id, day, exercise_id, rule_ids) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (athlete_id, day, exercise_id) DO UPDATE SET rule_ids = "
                "excluded.rule_ids",
                (ATHLETE_ID, day.isoformat(), exercise_id, json.dumps(list(rule_ids))),
            )

    def unmark_done(self, day: date, exercise_id: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM done WHERE athlete_id = ? AND day = ? AND exercise_id = ?",
                (ATHLETE_ID, day.isoformat(), exercise_id),
            )

    def done_on(self, day: date) -> set[str]:
        rows = self._conn.execute(
            "SELECT exercise_id FROM done WHERE athlete_id = ? AND day = ?",
            (ATHLETE_ID, day.isoformat()),
        ).fetchall()
        return {r[0] for r in rows}

    def adherence(self, since: date) -> dict[date, int]:
        """Exercises done per day from ``since`` on; days with nothing done are absent."""
        rows = self._conn.execute(
            "SELECT day, COUNT(*) FROM done WHERE athlete_id = ? AND day >= ? GROUP BY day ORDER BY day",
            (ATHLETE_ID, since.isoformat()),
        ).fetchall()
        return {date.fromisoformat(r[0]): int(r[1]) for r in rows}

    def done_records(self) -> list[tuple[date, str, list[str]]]:
        """Every done record, oldest first (for export)."""
        rows = self._conn.execute(
            "SELECT day, exercise_id, rule_ids FROM done WHERE athlete_id = ? ORDER BY day, exercise_id",
            (ATHLETE_ID,),
        ).fetchall()
        return [(date.fromisoformat(r[0]), r[1], json.loads(r[2])) for r in rows]


# -- row helpers ---------------------------------------------------------------------------


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


def _is_duplicate(conn: sqlite3.Connection, s: Session) -> bool:
    if s.external_id is not None:
        hit = conn.execute("SELECT 1 FROM sessions WHERE external_id = ?", (s.external_id,)).fetchone()
        if hit:
            return True
    # Same day, kind and distance: one session seen twice, unless both rows carry their own
    # ids from the same source (two equal 5 km runs in one Strava export are two runs).
    hit = conn.execute(
        "SELECT 1 FROM sessions WHERE athlete_id = ? AND date = ? AND kind = ? "
        "AND abs(distance_km - ?) < ? "
        "AND (? IS NULL OR external_id IS NULL OR source != ?)",
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


def _session(row: Sequence[Any]) -> Session:
    return Session(
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


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        when = when.astimezone()
    return when.astimezone(UTC)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, sort_keys=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in a check-in")
