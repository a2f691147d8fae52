"""Hostile inputs, round 3: text that is not text, stored values that do not parse, numbers at
the edges of the CLI, bidirectional controls, a full disk, store faults in the app, an
override's bad value, and ``rules test`` beside the runner's own overrides. Every one ends in
one line (or a notice in the app) and nothing wrong is written."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from tests.cli_support import run
from tests.fs_support import unshare
from tests.tui_support import TODAY, app_fixtures, calf_tight, toasts
from tests.tui_support import run as run_async

from prehab.store import Session, Store
from prehab.store import db as store_db
from prehab.tui.app import PrehabApp
from prehab.tui.screens.today import TodayScreen

pack, make_app = app_fixtures(calf_tight())
BIDI = "\u202e\u2066\u2069\u200f"


# -- 3. text that is not text ---------------------------------------------------------------------


def test_a_command_line_byte_that_is_not_utf8_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # what Python makes of `prehab log --notes $'\xff'` (surrogateescape)
    code, _, err = run(capsys, "log", "--kind", "easy", "--distance", "5", "--notes", "\udcff")
    assert code == 2 and "--notes holds bytes that are not UTF-8 text" in err
    code, _, err = run(capsys, "done", "\udcff")
    assert code == 2 and "not UTF-8 text" in err
    with Store.open() as store:
        assert store.sessions() == []


def test_a_stored_surrogate_never_stops_export_or_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value stored before prehab refused them (a JSON "\\ud800" through a text answer)."""
    with Store.open() as store:
        store.add_checkin(
            {"body-map": {"note": "\ud800"}}, [{"fact": "answer", "question": "x", "value": "a\ud800"}]
        )
    code, out, _ = run(capsys, "export")
    assert code == 0 and "\ufffd" in out
    target = tmp_path / "backup.toml"
    code, _, _ = run(capsys, "export", "-o", str(target))
    assert code == 0 and tomllib.loads(target.read_text(encoding="utf-8"))["checkin"]
    code, out, _ = run(capsys, "history", "--checkins", "--json")
    assert code == 0 and json.loads(out)[0]["answers"]["body-map"]["note"] == "\ud800"  # escaped, same data
    code, out, _ = run(capsys, "history", "--checkins")
    assert code == 0


# -- 4. stored values that do not parse ---------------------------------------------------------


def _spoil(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO sessions (date, kind, distance_km, notes) VALUES ('garbage', 'easy', 5, 'g')")
    conn.execute("INSERT INTO sessions (date, kind, distance_km, notes) VALUES (?, 'easy', 'abc', 'a')",
                 (date.today().isoformat(),))  # fmt: skip
    conn.execute("INSERT INTO checkins (taken_at, answers, facts) VALUES ('garbage', '{}', '[]')")
    conn.execute("INSERT INTO checkins (taken_at, answers, facts) VALUES (?, 'not json', '[]')",
                 (datetime.now().astimezone().isoformat(),))  # fmt: skip
    conn.execute(
        "INSERT INTO done (day, exercise_id, dose) VALUES (?, 'squat', 'nope')", (date.today().isoformat(),)
    )
    conn.commit()
    conn.close()


def test_one_bad_stored_value_never_stops_a_read(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        store.add_session(Session(date.today() - timedelta(days=1), "easy", 8.0, notes="good"))
        path = store.path
    _spoil(path)
    code, out, err = run(capsys, "recommend")
    assert code == 0 and "today's plan" in out
    assert "sessions #3: distance_km 'abc' cannot be read: left out" in err  # the day's reads meet it
    code, out, err = run(capsys, "history")
    assert code == 0 and "good" in out and "sessions #2: date 'garbage' cannot be read: left out" in err
    code, out, err = run(capsys, "done")
    assert code == 0
    code, out, err = run(capsys, "history", "--checkins")
    assert code == 0 and "checkins #2: answers 'not json'" in err
    code, out, err = run(capsys, "export")
    assert code == 0 and "kept as written under [[unreadable]]" in err
    kept = {(u["table"], u["column"], u["raw"]) for u in tomllib.loads(out)["unreadable"]}
    assert ("sessions", "date", "garbage") in kept and ("sessions", "distance_km", "abc") in kept
    assert ("done", "dose", "nope") in kept


def test_the_app_starts_on_a_history_with_bad_rows_and_says_so(make_app: Callable[..., PrehabApp]) -> None:
    with Store.open() as store:
        path = store.path
    _spoil(path)

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
            assert "cannot be read: left out" in toasts(app)

    run_async(scenario())


# -- 5. the app under store faults --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (store_db.StoreBusy, "busy"),
        (store_db.StoreReadOnly, "read-only"),
        (store_db.StoreDamaged, "damaged"),
        (store_db.StoreError, "disk is full"),
    ],
)
def test_the_app_reports_a_store_fault_and_keeps_running(
    fault: type[Exception], says: str, make_app: Callable[..., PrehabApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open() as store:
        store.add_checkin(
            {}, [{"fact": "tightness", "region": "calves", "level": 6}], datetime(2026, 11, 26, 7)
        )

    def refuse(*args: object, **kwargs: object) -> int:
        raise fault(f"the history is {says} (a test)")

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            monkeypatch.setattr(Store, "mark_done", refuse)
            screen = app.screen
            assert isinstance(screen, TodayScreen)
            listing = screen.query_one("#today-list")
            listing.highlighted = listing.get_option_index("ex-calf-raise")  # type: ignore[attr-defined]
            await pilot.press("space")
            await pilot.pause()
            assert says in toasts(app) and app.is_running
            await pilot.press("2")  # still at work
            await pilot.pause()
            assert app.screen.id == "screen-week"

    run_async(scenario())
    with Store.open() as store:
        assert store.done_on(TODAY) == set()


# -- 9. numbers at the edges of the command line --------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["done", "9" * 5000],
        ["done", "²"],
        ["done", "--date", "0001-01-01"],
        ["done", "--date", "9999-12-31"],
        ["recommend", "--date", "0001-01-01"],
        ["checkin", "--date", "9999-12-31", "--list"],
        ["delete", "session", "9223372036854775808"],
        ["delete", "session", "-1"],
        ["restore", "done", str(10**20)],
        ["done", "--rpe", "11"],
        ["done", "--rpe", "٣"],
    ],
)
def test_numbers_at_the_edges_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from prehab.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own one-line errors
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err


# -- 11. bidirectional controls never reach the terminal ---------------------------------------------


def test_bidi_controls_are_cleaned_on_the_way_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from prehab.paths import user_rules_dir

    with Store.open() as store:
        store.add_session(Session(date.today(), "easy", 5.0, notes=f"exe.{BIDI}evil"))
    user = user_rules_dir()
    user.mkdir(parents=True)
    (user / "mine.toml").write_text(
        f"""[[rule]]
id = "mine-bidi"
title = "Mine {BIDI}"
priority = 100
when = [ {{ fact = "load", weekly_km = {{ at_least = 1 }} }} ]
why = "Because{BIDI}."
source = "Me"
[rule.then]
note = "A note{BIDI}."
""",
        encoding="utf-8",
    )
    for argv in (
        ["history"],
        ["export", "--format", "csv"],
        ["recommend"],
        ["explain", "mine-bidi"],
        ["rules", "check"],
    ):
        code, out, err = run(capsys, *argv)
        assert not any(ch in out + err for ch in BIDI), (argv, out, err)


# -- 12. an override's bad value is the override's -------------------------------------------------


def test_a_bad_value_in_an_override_is_reported_at_the_override(capsys: pytest.CaptureFixture[str]) -> None:
    from prehab.paths import user_rules_dir

    user = user_rules_dir()
    user.mkdir(parents=True)
    mine = user / "mine.toml"
    mine.write_text(
        '[[override]]\nid = "strength-due"\nset = { "when.0.days_since_strength.at_least" = "abc" }\n'
    )
    code, out, err = run(capsys, "rules", "check")
    assert code != 0 and f"{mine}:3:" in out + err and "your override" in out + err


# -- 13. a full disk --------------------------------------------------------------------------------


def test_a_full_disk_still_reads_and_refuses_writes_in_one_line(tmp_path: Path) -> None:
    with Store.open(tmp_path / "src" / "prehab.sqlite3") as store:
        store.add_session(Session(date.today() - timedelta(days=1), "easy", 8.0, notes="before"))
    disk = tmp_path / "disk"
    disk.mkdir()
    prehab = [sys.executable, "-m", "prehab", "--data-dir", str(disk), "--config-dir", str(tmp_path / "cfg")]
    script = (
        'mount -t tmpfs -o size=2m tmpfs "$1" && cp "$2" "$1/" && '
        '(dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; true) && shift 2 && '
        'for cmd in history recommend "log --kind easy --distance 3"; do '
        '"$@" $cmd; echo "exit=$?"; done'
    )
    done = subprocess.run(
        [*unshare(), "sh", "-c", script, "sh", str(disk), str(tmp_path / "src" / "prehab.sqlite3"), *prehab],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    exits = [line for line in done.stdout.splitlines() if line.startswith("exit=")]
    assert exits == ["exit=0", "exit=0", "exit=2"], done.stdout + done.stderr
    assert "before" in done.stdout and "not kept" in done.stdout
    assert "the disk is full; reading works. Free some space" in done.stderr


# -- 16. rules test and the runner's own overrides ----------------------------------------------------


def test_rules_test_tells_changes_made_by_overrides_from_failures(capsys: pytest.CaptureFixture[str]) -> None:
    from prehab.paths import user_rules_dir

    user = user_rules_dir()
    user.mkdir(parents=True)
    (user / "mine.toml").write_text(
        '[[override]]\nid = "strength-due"\nset = { "when.0.days_since_strength.at_least" = 5 }\n'
    )
    code, out, _ = run(capsys, "rules", "test")
    assert (
        code == 0
        and "changed by your overrides" in out
        and "prehab rules diff" in out
        and ", 0 failed" in out
    )
    (user / "own.toml").write_text(
        '[[rule]]\nid = "mine"\ntitle = "Mine"\npriority = 10\n'
        'when = [ { fact = "tightness", region = "calves", level = { at_least = 4 } } ]\n'
        'why = "w"\nsource = "s"\n[rule.then]\nnote = "n"\n'
        '[[rule.example]]\ngiven = [ { fact = "tightness", region = "calves", level = 6 } ]\n'
        'expect.fires = ["other"]\n'
    )
    code, out, _ = run(capsys, "rules", "test")
    assert code == 1 and "FAIL mine example 1" in out and "1 failed" in out
