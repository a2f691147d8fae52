"""The history's revision (schema migration 6): every write of every table moves it, so the day
memo can trust "same revision" to mean "nothing in the history changed"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from prehab.store import Store
from prehab.store.schema import MIGRATIONS


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {name for (name,) in rows} - {"revision"}


def test_every_table_has_the_three_triggers(tmp_path: Path) -> None:
    """A migration that adds a table without ``revision_triggers`` fails here."""
    with Store.open(tmp_path / "h.sqlite3") as store:
        conn = store._conn
        tables = _tables(conn)
        triggers = {
            (table, sql.split(" AFTER ")[1].split()[0])
            for table, sql in conn.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        }
    assert tables, "no tables"
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            assert (table, event) in triggers, f"{table}: no {event} trigger"


def test_every_kind_of_write_moves_it(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.sqlite3") as store:
        seen = [store.revision()]
        conn = store._conn
        for sql in (
            "INSERT INTO sessions (date, kind) VALUES ('2026-01-01', 'easy')",
            "UPDATE sessions SET distance_km = 5",
            "UPDATE sessions SET distance_km = 5",  # the same value: still a write
            "DELETE FROM sessions",  # no WHERE: SQLite's truncation shortcut would skip triggers
            "INSERT INTO profile (athlete_id, updated_at) VALUES (1, 'x')",
        ):
            conn.execute(sql)
            seen.append(store.revision())
    assert all(isinstance(n, int) for n in seen)
    assert seen == sorted(set(seen)), seen  # each write moved it forward


def test_an_older_history_gets_it_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    for version, script in MIGRATIONS[:5]:
        assert isinstance(script, str)
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    conn.close()
    with Store.open(path) as store:
        before = store.revision()
        store._conn.execute(
            "INSERT INTO checkins (taken_at, answers, facts) VALUES ('2026-01-01T00:00:00Z', '{}', '[]')"
        )
        assert before is not None and store.revision() == before + 1


def test_read_without_the_store_as_the_store_reads_it(tmp_path: Path) -> None:
    """``read_revision`` (the day memo's quick read) agrees with ``Store.revision``, and says
    nothing for a history the ``Store`` would have to open, upgrade or report."""
    from prehab.store.schema import read_revision

    path = tmp_path / "h.sqlite3"
    assert read_revision(path) is None  # not there yet
    with Store.open(path) as store:
        store._conn.execute("INSERT INTO sessions (date, kind) VALUES ('2026-01-01', 'easy')")
        assert read_revision(path) == store.revision() is not None
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    conn.execute("INSERT INTO schema_version (version) VALUES (5)")
    conn.close()
    assert read_revision(old) is None  # an older schema: the Store upgrades it first
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\0" + b"\xff" * 4096)
    assert read_revision(garbage) is None
    assert read_revision(tmp_path) is None  # a folder
