"""Store faults (issue 9, item 10): a lock held by another process, a read-only history, a
damaged file. Each gets a true one-line message; reads keep working where they can; nothing
is written into a damaged file; and nothing ever says to move the history aside because it
is merely busy.

The lock is held by a real second process (``BEGIN IMMEDIATE`` in a subprocess) while the CLI
runs, with bounded timeouts. Read-only cases run the CLI with the history mounted read-only in
a mount namespace of its own (``unshare``), which binds root too, so they need no other user.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.cli_support import run
from tests.fs_support import unshare

from prehab.store import db
from prehab.store.db import Store, StoreDamaged
from prehab.store.records import Session

N_SESSIONS = 2000

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO sessions (date, kind, notes) VALUES ('2024-01-02', 'easy', 'held')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "error: " in lines[0], err
    return lines[0]


def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "prehab.sqlite3"


def fill(path: Path, n: int = N_SESSIONS) -> None:
    with Store.open(path) as store:
        start = date(2020, 1, 1)
        store.add_sessions(
            Session(start + timedelta(days=i // 2), "easy", 5 + i % 7, notes=f"run {i} " + "x" * 60)
            for i in range(n)
        )


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process holding the history's write lock (as a long import does) for 20 s."""
    fill(db_path(tmp_path), 3)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path(tmp_path)), "20"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    yield proc
    proc.kill()
    proc.wait(timeout=10)


# -- busy ----------------------------------------------------------------------------------------


def test_history_reads_while_another_process_writes(holder: subprocess.Popen[str]) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "prehab", "history"], capture_output=True, text=True, timeout=30
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "run 0" in done.stdout and "held" not in done.stdout  # committed rows only
    assert "move it aside" not in done.stderr and "not a usable" not in done.stderr
    assert elapsed < 5, f"history waited {elapsed:.1f} s for a writer"


def test_a_write_waits_then_says_the_history_is_busy(
    holder: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 1500)
    started = time.monotonic()
    code, _, err = run(capsys, "log", "--kind", "easy", "--distance", "5")
    elapsed = time.monotonic() - started
    line = error_line(err)
    assert code == 2 and "the history is busy" in line and "try again" in line
    assert "move it aside" not in line and "not a usable" not in line
    assert 1.4 < elapsed < 8, elapsed


def test_a_write_goes_through_once_the_lock_is_released(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    fill(path, 3)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), "1"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with Store.open(path) as store:
            started = time.monotonic()
            store.add_session(Session(date(2024, 1, 3), "long", 20))
            waited = time.monotonic() - started
        assert 0.3 < waited < 9
    finally:
        proc.wait(timeout=30)
    with Store.open(path) as store:
        assert len(store.sessions()) == 5  # ours, the holder's and the first three


def test_busy_errors_are_told_apart() -> None:
    busy = sqlite3.OperationalError("database is locked")
    assert db.fault(busy) == "busy"
    assert db.fault(sqlite3.OperationalError("attempt to write a readonly database")) == "readonly"
    assert db.fault(sqlite3.DatabaseError("database disk image is malformed")) == "damaged"
    assert db.fault(sqlite3.DatabaseError("file is not a database")) == "notadb"
    assert db.fault(sqlite3.IntegrityError("UNIQUE constraint failed")) is None


# -- read-only -----------------------------------------------------------------------------------


def cli(folder: Path, *argv: str, read_only: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess on ``folder``; with ``read_only``, that file or folder is mounted
    read-only for it (a bind mount in a mount namespace of its own, ``unshare``): root ignores
    file permissions, so a read-only mount is how a read-only history looks to every user."""
    command = [
        sys.executable,
        "-m",
        "prehab",
        "--data-dir",
        str(folder / "data"),
        "--config-dir",
        str(folder),
    ]
    if read_only is not None:
        script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
        command = [*unshare(), "sh", "-c", script, "sh", str(read_only), *command]
    done = subprocess.run([*command, *argv], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr
    return done


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_history_reads_and_refuses_writes(what: str, tmp_path: Path) -> None:
    done = cli(tmp_path, "log", "--kind", "easy", "--distance", "5", "--notes", "mine")
    assert done.returncode == 0, done.stderr
    data = tmp_path / "data"
    locked = data / "prehab.sqlite3" if what == "file" else data
    before = digest(data / "prehab.sqlite3")
    done = cli(tmp_path, "history", read_only=locked)
    assert done.returncode == 0 and "mine" in done.stdout, done.stderr
    done = cli(tmp_path, "export", read_only=locked)
    assert done.returncode == 0 and 'notes = "mine"' in done.stdout, done.stderr
    done = cli(tmp_path, "recommend", read_only=locked)  # shown, not kept: no traceback, no write
    assert done.returncode == 0 and "not kept" in done.stdout, done.stderr
    done = cli(tmp_path, "log", "--kind", "easy", "--distance", "3", read_only=locked)
    line = error_line(done.stderr)
    assert done.returncode == 2 and "read-only" in line and "reading works" in line
    assert "move it aside" not in line
    assert digest(data / "prehab.sqlite3") == before


def test_a_read_only_folder_without_a_history_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    done = cli(tmp_path, "history", read_only=tmp_path / "data")
    assert done.returncode == 2 and "--data-dir" in error_line(done.stderr)


# -- damaged -------------------------------------------------------------------------------------


def damage(path: Path) -> None:
    """Garbage over one page in the middle of a real history (sessions' pages fill it)."""
    conn = sqlite3.connect(path)
    page_size, pages = (
        conn.execute("PRAGMA page_size").fetchone()[0],
        conn.execute("PRAGMA page_count").fetchone()[0],
    )
    conn.close()
    with path.open("r+b") as fh:
        fh.seek(page_size * (pages // 2))
        fh.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = db_path(tmp_path)
    fill(path)
    damage(path)
    return path


def test_damage_is_found_on_open_and_writes_stop(damaged: Path) -> None:
    before = digest(damaged)
    with Store.open(damaged) as store:
        assert store.damaged and "malformed" in store.damaged
        with pytest.raises(StoreDamaged, match="prehab export -o rescue.toml") as caught:
            store.add_session(Session(date(2024, 1, 1), "easy", 5))
        assert "start over" not in str(caught.value) and "\n" not in str(caught.value)
        assert len(store.sessions()) > N_SESSIONS * 0.9  # reads still get what can be read
    assert digest(damaged) == before


def test_damage_in_a_big_file_is_found_before_the_first_write(
    damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "QUICK_CHECK_MAX_BYTES", 0)  # too big to check on open
    before = digest(damaged)
    with Store.open(damaged) as store:
        assert store.damaged is None
        with pytest.raises(StoreDamaged):
            store.mark_done(date(2024, 1, 1), "calf-raise", ["r"])
    assert digest(damaged) == before


def test_log_refuses_history_reads_export_rescues(
    damaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(damaged)
    code, out, err = run(capsys, "log", "--kind", "easy", "--distance", "5")
    line = error_line(err)
    assert code == 2 and not out and "damaged" in line and "prehab export" in line and "prehab import" in line
    assert digest(damaged) == before
    code, out, err = run(capsys, "history")
    assert code == 0 and "run 0 " in out and "warning: " in err and "damaged" in err
    rescue = tmp_path / "rescue.toml"
    code, _, err = run(capsys, "export", "-o", str(rescue))
    assert code in (0, 1) and digest(damaged) == before
    saved = tomllib.loads(rescue.read_text(encoding="utf-8"))["session"]
    assert N_SESSIONS * 0.9 < len(saved) <= N_SESSIONS
    if len(saved) < N_SESSIONS:
        assert code == 1 and f"{N_SESSIONS - len(saved)} row(s)" in err
    # the way back the message gives: a new history, the rescue imported into it
    monkeypatch.setenv("PREHAB_DATA_DIR", str(tmp_path / "new"))
    code, out, _ = run(capsys, "import", str(rescue))
    assert code == 0 and f"imported {len(saved)} sessions" in out
    with Store.open() as store:
        assert store.damaged is None and len(store.sessions()) == len(saved)


def test_recommend_on_a_damaged_history_warns_and_advises(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "recommend", "--brief")
    assert code == 0 and out and "damaged" in err


def test_not_a_database_never_says_start_over(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(db.StoreError) as caught:
        Store.open(path)
    assert "keep it" in str(caught.value) and "prehab import" in str(caught.value)
