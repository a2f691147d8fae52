"""The history store: API behaviour, de-duplication, migrations, concurrency, crash safety."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prehab.store import Session, Store, StoreError, validate_session
from prehab.store.done import adherence, done_records
from prehab.store.schema import LATEST_VERSION, MIGRATIONS
from prehab.store.sessions import delete_session

D = date(2024, 5, 1)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREHAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PREHAB_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "h.sqlite3")
    yield s  # type: ignore[misc]
    s.close()


def test_open_default_path_creates_dirs(tmp_path: Path) -> None:
    with Store.open() as s:
        assert s.path == tmp_path / "data" / "prehab.sqlite3"
        assert s.path.is_file()
        assert s.schema_version() == LATEST_VERSION
    conn = sqlite3.connect(tmp_path / "data" / "prehab.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_add_get_update_delete(store: Store) -> None:
    s = Session(D, "easy", 10.5, duration_min=55, rpe=4, surface="road", notes="nice")
    sid = store.add_session(s)
    assert s.id == sid
    got = store.get_session(sid)
    assert got == s
    got.kind, got.distance_km, got.cross_plane = "tempo", 12.0, True
    store.update_session(got)
    again = store.get_session(sid)
    assert again is not None
    assert (again.kind, again.distance_km, again.cross_plane) == ("tempo", 12.0, True)
    delete_session(store, sid)
    assert store.get_session(sid) is None


def test_invalid_sessions_are_refused_with_actionable_messages(store: Store) -> None:
    bad = Session(D, "jogging", -1, duration_min=0, rpe=11, surface="moon")
    problems = validate_session(bad)
    assert len(problems) == 5
    assert any("kind" in p and "easy" in p for p in problems)
    assert any("rpe" in p and "1" in p and "10" in p for p in problems)
    with pytest.raises(ValueError):
        store.add_session(bad)
    assert store.sessions() == []
    assert validate_session(Session(D, "strength")) == []


def test_sessions_filter_and_order(store: Store) -> None:
    for offset, kind in [(0, "easy"), (1, "long"), (2, "easy"), (10, "strength")]:
        store.add_session(Session(D - timedelta(days=offset), kind, 5))
    assert [s.date for s in store.sessions()] == [
        D, D - timedelta(days=1), D - timedelta(days=2), D - timedelta(days=10),
    ]  # fmt: skip
    assert len(store.sessions(since=D - timedelta(days=2))) == 3
    assert len(store.sessions(until=D - timedelta(days=1))) == 3
    assert [s.kind for s in store.sessions(kind="easy")] == ["easy", "easy"]
    assert store.sessions(since=D - timedelta(days=1), until=D - timedelta(days=1))[0].kind == "long"


def test_add_sessions_skips_duplicates(store: Store) -> None:
    store.add_session(Session(D, "easy", 10.0))  # manual, no id
    batch = [
        Session(D, "easy", 10.03, source="gpx", external_id="start:a"),  # same run as the manual
        Session(D, "long", 20, source="strava", external_id="start:b"),
        Session(D, "long", 20, source="strava", external_id="start:b"),  # same id twice
        Session(D, "strides", 5, source="strava", external_id="start:c"),
        Session(D, "strides", 5, source="strava", external_id="start:d"),  # a second 5 km: kept
        Session(D, "long", 20.0, source="fit", external_id="start:e"),  # strava's long run again
    ]
    count = store.add_sessions(batch)
    assert (count.added, count.skipped) == (3, 3)
    again = store.add_sessions([Session(D, "long", 20, source="strava", external_id="start:b")])
    assert (again.added, again.skipped) == (0, 1)
    assert len(store.sessions()) == 4


def test_add_sessions_is_all_or_nothing(store: Store) -> None:
    with pytest.raises(ValueError):
        store.add_sessions([Session(D, "easy", 5), Session(D, "easy", 9999)])
    assert store.sessions() == []


def test_checkins(store: Store) -> None:
    t1 = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
    t2 = datetime(2024, 5, 2, 7, 0, tzinfo=UTC)
    first = store.add_checkin({"weekly_km": 30}, [{"fact": "load", "weekly_km": 30}], taken_at=t1)
    second = store.add_checkin(
        {"tight": ["calves"], "when": date(2024, 5, 2)},
        [{"fact": "tightness", "region": "calves", "level": 6}],
        taken_at=t2,
    )
    assert first < second
    latest = store.latest_checkin()
    assert latest is not None and latest.id == second
    assert latest.taken_at == t2
    assert latest.answers == {"tight": ["calves"], "when": "2024-05-02"}
    assert latest.facts == [{"fact": "tightness", "region": "calves", "level": 6}]
    assert [c.id for c in store.checkins()] == [second, first]
    assert [c.id for c in store.checkins(limit=1)] == [second]


def test_done_and_adherence(store: Store) -> None:
    store.mark_done(D, "calf-raise", ["calves-tight"])
    store.mark_done(D, "calf-raise", ["calves-tight", "load-spike"])  # again: one record
    store.mark_done(D, "clamshell", [])
    store.mark_done(D + timedelta(days=2), "clamshell", [])
    assert store.done_on(D) == {"calf-raise", "clamshell"}
    store.unmark_done(D, "clamshell")
    assert store.done_on(D) == {"calf-raise"}
    assert adherence(store, D) == {D: 1, D + timedelta(days=2): 1}
    assert adherence(store, D + timedelta(days=1)) == {D + timedelta(days=2): 1}
    assert done_records(store)[0] == (D, "calf-raise", ["calves-tight", "load-spike"])


# -- migrations ------------------------------------------------------------------------------


def _make_v1(path: Path) -> None:
    """A database as prehab's first schema left it, with one session."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    for statement in MIGRATIONS[0][1].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT INTO schema_version (version) VALUES (1)")
    conn.execute(
        "INSERT INTO sessions (date, kind, distance_km, notes) VALUES ('2024-01-02', 'easy', 8, 'old')"
    )
    conn.close()


def test_old_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _make_v1(path)
    with Store.open(path) as s:
        assert s.schema_version() == LATEST_VERSION == 6
        [old] = s.sessions()
        assert (old.date, old.kind, old.distance_km, old.notes) == (date(2024, 1, 2), "easy", 8, "old")
        assert old.cross_plane is False  # the column version 2 added
        s.mark_done(D, "x", [])  # the table version 2 added
        assert s.done_on(D) == {"x"}
        assert s.done_items(D)[0].kind == ""  # marks from before version 3 kept no kind
    with Store.open(path) as s:  # opening again migrates nothing
        assert s.schema_version() == LATEST_VERSION
        assert len(s.sessions()) == 1


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version (version) VALUES (99)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="upgrade prehab"):
        Store.open(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="move it aside"):
        Store.open(path)


# -- concurrency and crashes -----------------------------------------------------------------

N = 150


def _writer(path: str, tag: str, n: int) -> None:
    kind = "easy" if tag == "a" else "long"  # distinct rows: nothing is a duplicate
    with Store.open(Path(path)) as s:
        for i in range(n):
            if i % 2:
                s.add_session(Session(D, kind, 1 + i / 10, notes=f"{tag}{i}"))
            else:
                s.add_sessions([Session(D, kind, 1 + i / 10, source=tag, external_id=f"{tag}:{i}")])


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    Store.open(path).close()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), tag, N)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with Store.open(path) as s:
        sessions = s.sessions()
    assert len(sessions) == 2 * N
    assert {x.notes for x in sessions if x.source == "manual"} == {
        f"{tag}{i}" for tag in "ab" for i in range(1, N, 2)
    }
    assert {x.external_id for x in sessions if x.external_id} == {
        f"{tag}:{i}" for tag in "ab" for i in range(0, N, 2)
    }


def _open_and_write(path: str, tag: str) -> None:
    with Store.open(Path(path)) as s:
        s.add_session(Session(D, "easy", 5, notes=tag))


def test_processes_creating_a_fresh_database_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "new.sqlite3"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_open_and_write, args=(str(path), f"p{i}")) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with Store.open(path) as s:
        assert sorted(x.notes for x in s.sessions()) == ["p0", "p1", "p2", "p3"]
        assert s.schema_version() == LATEST_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("SELECT COUNT(*) FROM athletes").fetchone()[0] == 1
    conn.close()


def _die_mid_transaction(path: str, how: str) -> None:
    with Store.open(Path(path)) as s, s.transaction() as conn:
        for i in range(500):
            conn.execute(
                "INSERT INTO sessions (date, kind, distance_km, notes) VALUES (?, 'easy', 5, ?)",
                (D.isoformat(), f"doomed {i}"),
            )
        if how == "exit":
            os._exit(3)
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_process_killed_mid_transaction_leaves_store_consistent(tmp_path: Path, how: str) -> None:
    path = tmp_path / "crash.sqlite3"
    with Store.open(path) as s:
        s.add_sessions([Session(D - timedelta(days=i), "easy", 5 + i) for i in range(3)])
    proc = multiprocessing.get_context("fork").Process(target=_die_mid_transaction, args=(str(path), how))
    proc.start()
    proc.join(30)
    assert proc.exitcode in (3, -signal.SIGKILL)
    with Store.open(path) as s:
        assert [x.distance_km for x in s.sessions()] == [5, 6, 7]
        s.add_session(Session(D, "long", 20))  # still writable: no lock left behind
        assert len(s.sessions()) == 4
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


BATCH = 4000


def _big_import(path: str, started: Any) -> None:
    with Store.open(Path(path)) as s:
        started.set()
        batch = 0
        while True:  # keep importing batches until killed
            s.add_sessions(
                Session(D, "easy", 5, source="imp", external_id=f"{batch}:{i}", notes="bulk")
                for i in range(BATCH)
            )
            batch += 1


def test_sigkill_during_batch_imports_keeps_whole_batches_only(tmp_path: Path) -> None:
    path = tmp_path / "kill.sqlite3"
    with Store.open(path) as s:
        s.add_session(Session(D, "long", 30, notes="precious"))
    ctx = multiprocessing.get_context("fork")
    started = ctx.Event()
    proc = ctx.Process(target=_big_import, args=(str(path), started))
    proc.start()
    assert started.wait(20)
    time.sleep(0.4)
    os.kill(proc.pid or 0, signal.SIGKILL)
    proc.join(10)
    with Store.open(path) as s:
        sessions = s.sessions()
    notes = [x.notes for x in sessions]
    assert "precious" in notes
    # each batch is one transaction: only whole batches survive
    assert (len(sessions) - 1) % BATCH == 0
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
