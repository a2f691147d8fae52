"""The database schema as an ordered list of migrations.

Each migration runs once, in order, inside the same transaction as the version bump, so a
database is always at exactly one known version. Never edit a released migration: append
a new one. A database newer than this code is refused rather than guessed at. A migration
that creates a table also creates its ``revision_triggers``: the day memo trusts the revision to
move on every write (``tests/store/test_revision.py`` checks every table has them).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def revision_triggers(table: str) -> tuple[str, ...]:
    """The triggers that move the history's revision on every insert, update and delete of
    ``table`` (a ``DELETE`` with no ``WHERE`` too: SQLite skips its truncation shortcut when a
    table has triggers)."""
    return tuple(
        f"CREATE TRIGGER {table}_revision_{event.lower()} AFTER {event} ON {table} "
        "BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    )


MIGRATIONS: tuple[tuple[int, str | tuple[str, ...]], ...] = (
    (
        1,
        """
        CREATE TABLE athletes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL DEFAULT 'me',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        INSERT INTO athletes (id, name) VALUES (1, 'me');
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            date TEXT NOT NULL,
            kind TEXT NOT NULL,
            distance_km REAL NOT NULL DEFAULT 0,
            duration_min REAL,
            rpe INTEGER CHECK (rpe IS NULL OR rpe BETWEEN 1 AND 10),
            surface TEXT,
            notes TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT 'manual',
            external_id TEXT UNIQUE,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            taken_at TEXT NOT NULL,
            answers TEXT NOT NULL,
            facts TEXT NOT NULL
        );
        """,
    ),
    (
        2,
        """
        ALTER TABLE sessions ADD COLUMN cross_plane INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX sessions_by_date ON sessions (athlete_id, date);
        CREATE INDEX checkins_by_time ON checkins (athlete_id, taken_at);
        CREATE TABLE done (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            day TEXT NOT NULL,
            exercise_id TEXT NOT NULL,
            rule_ids TEXT NOT NULL DEFAULT '[]',
            UNIQUE (athlete_id, day, exercise_id)
        );
        """,
    ),
    (
        3,
        # Closing the loop (issue 10): done work keeps what was done (kind, dose, plane, the
        # regions it loaded) and when it was marked; sessions, check-ins and done marks are
        # deleted softly (deleted_at) so every delete can be undone; each day's plan is kept.
        """
        ALTER TABLE done ADD COLUMN kind TEXT NOT NULL DEFAULT '';
        ALTER TABLE done ADD COLUMN dose TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE done ADD COLUMN plane TEXT NOT NULL DEFAULT '';
        ALTER TABLE done ADD COLUMN loads TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE done ADD COLUMN minutes REAL;
        ALTER TABLE done ADD COLUMN marked_at TEXT;
        ALTER TABLE done ADD COLUMN deleted_at TEXT;
        ALTER TABLE sessions ADD COLUMN deleted_at TEXT;
        ALTER TABLE checkins ADD COLUMN deleted_at TEXT;
        CREATE TABLE advice (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            day TEXT NOT NULL,
            computed_at TEXT NOT NULL,
            fingerprint TEXT NOT NULL DEFAULT '',
            items TEXT NOT NULL DEFAULT '[]',
            rule_ids TEXT NOT NULL DEFAULT '[]',
            held TEXT NOT NULL DEFAULT '[]',
            UNIQUE (athlete_id, day)
        );
        """,
    ),
    (
        4,
        # One runner, one day: who the runner is (the profile, one row), what stays open until
        # closed (episodes and their updates), answers tied to the work they answer
        # (responses), the committed day plan (the advice row gains its inputs and the whole
        # view) with each re-plan and why, and done marks that point at a plan item.
        """
        CREATE TABLE profile (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL UNIQUE REFERENCES athletes(id),
            answers TEXT NOT NULL DEFAULT '{}',
            facts TEXT NOT NULL DEFAULT '[]',
            skipped INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE episodes (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            fact TEXT NOT NULL DEFAULT '{}',
            opened_on TEXT NOT NULL,
            updated_on TEXT NOT NULL,
            trend TEXT NOT NULL DEFAULT '',
            closed_on TEXT,
            close_reason TEXT NOT NULL DEFAULT '',
            deleted_at TEXT
        );
        CREATE INDEX episodes_by_subject ON episodes (athlete_id, kind, subject, closed_on);
        CREATE TABLE episode_updates (
            id INTEGER PRIMARY KEY,
            episode_id INTEGER NOT NULL REFERENCES episodes(id),
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            what TEXT NOT NULL,
            fact TEXT NOT NULL DEFAULT '{}',
            checkin_id INTEGER
        );
        CREATE INDEX episode_updates_by_episode ON episode_updates (episode_id, id);
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            work_day TEXT NOT NULL,
            region TEXT NOT NULL DEFAULT '',
            rpe INTEGER,
            pain_during TEXT,
            next_morning TEXT,
            answered_at TEXT NOT NULL,
            deleted_at TEXT,
            UNIQUE (athlete_id, work_day, region)
        );
        CREATE INDEX responses_by_day ON responses (athlete_id, work_day);
        ALTER TABLE advice ADD COLUMN inputs TEXT NOT NULL DEFAULT '';
        ALTER TABLE advice ADD COLUMN view TEXT NOT NULL DEFAULT '';
        CREATE TABLE replans (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            trigger TEXT NOT NULL DEFAULT '',
            changes TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX replans_by_day ON replans (athlete_id, day);
        ALTER TABLE done ADD COLUMN item INTEGER;
        ALTER TABLE done ADD COLUMN actual TEXT NOT NULL DEFAULT '{}'
        """,
    ),
    (
        5,
        """
        CREATE TABLE workouts (
            athlete_id INTEGER NOT NULL DEFAULT 1 REFERENCES athletes(id),
            day TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL,
            finished INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (athlete_id, day)
        )
        """,
    ),
    (
        # The history's revision (issue 21): one number that every write of any table moves,
        # so "has anything changed since the day was planned?" is one read (``Store.revision``,
        # the day memo's key) instead of deriving the day's facts again. A later migration that
        # adds a table adds its triggers too (``revision_triggers``).
        6,
        (
            "CREATE TABLE revision (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
            "INSERT INTO revision (id, n) VALUES (1, 0)",
            *(
                statement
                for table in (
                    "athletes",
                    "sessions",
                    "checkins",
                    "done",
                    "advice",
                    "profile",
                    "episodes",
                    "episode_updates",
                    "responses",
                    "replans",
                    "workouts",
                    "schema_version",
                )  # fmt: skip
                for statement in revision_triggers(table)
            ),
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1][0]


class SchemaTooNew(Exception):
    """The database was written by a newer prehab; we refuse to touch it."""


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version of ``conn``'s database; 0 for an empty database."""
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if row is None:
        return 0
    version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    return int(version or 0)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to ``LATEST_VERSION``; returns the version it started at.

    Runs in one ``BEGIN IMMEDIATE`` transaction so two processes opening a fresh database at
    once cannot both create tables: the second waits, then sees the new version. ``executescript``
    would commit on its own, so statements are split and run one by one.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        start = current_version(conn)
        if start > LATEST_VERSION:
            raise SchemaTooNew(
                f"the history database is schema version {start}, this prehab knows up to {LATEST_VERSION}"
            )
        if start == 0:
            conn.execute(
                "CREATE TABLE schema_version (version INTEGER NOT NULL, "
                "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
            )
        for version, script in MIGRATIONS:
            if version <= start:
                continue
            for statement in script if isinstance(script, tuple) else _statements(script):
                conn.execute(statement)
            if version == 4 and start > 0:  # a history from before episodes: its check-ins become them
                from prehab.store.upgrade import checkins_to_records

                checkins_to_records(conn)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (our scripts have no ';' inside literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def revision_in(conn: sqlite3.Connection) -> int:
    """The history's revision (``revision_triggers``), read on ``conn``: inside a transaction,
    the revision that transaction sees."""
    return int(conn.execute("SELECT n FROM revision WHERE id = 1").fetchone()[0])


QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
"""A history up to this size is checked (``PRAGMA quick_check``) every time it is opened
(about 25 ms for 15 MB, 100k sessions)."""


def read_revision(path: Path) -> int | None:
    """The revision of the history at ``path``, read without opening it as a ``Store``: a
    read-only connection, the schema this code writes, and a file that passes ``quick_check``
    (what ``Store.open`` would check). None for anything else: a missing, older, newer, damaged
    or locked file is the day service's to open and report."""
    try:
        if path.stat().st_size > QUICK_CHECK_MAX_BYTES:
            return None
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for the three reads
        if current_version(conn) != LATEST_VERSION:
            return None
        if conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
            return None
        return revision_in(conn)
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        conn.close()
