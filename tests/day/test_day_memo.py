"""The day memo (``prehab.day.memo``): ``recommend --json`` printed again without reading the
rules, only while nothing the day depends on has changed; any change, a corrupt memo or a
write by another process while the day was read means the day is read again."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.cli_support import Cli

from prehab.day import memo
from prehab.day.service import DayService
from prehab.paths import cache_dir, config_dir, database_file

RULE_OVERRIDE = """
[[override]]
rule = "core-for-heavy-week"
enabled = false
"""


def _json(cli: Cli) -> tuple[str, str]:
    code, out, err = cli("recommend", "--json")
    assert code == 0, err
    return out, err


def _fresh(cli: Cli) -> str:
    """``recommend --json`` with no memo at all: the day read as if for the first time today."""
    for kept in (cache_dir() / "day").glob("*.json"):
        kept.unlink()
    return _json(cli)[0]


def test_printed_again_without_the_rules_and_exactly_the_same(cli: Cli, counted: list[int]) -> None:
    assert cli("log", "--kind", "easy", "--distance", "8", "--rpe", "3")[0] == 0
    first = _json(cli)[0]
    assert len(counted) == 1  # the first read plans and commits the day: kept all the same
    for _ in range(3):
        assert _json(cli)[0] == first
    assert len(counted) == 1
    assert _fresh(cli) == first  # and it is what reading the day gives


def _write_session(cli: Cli) -> None:
    assert cli("log", "--kind", "tempo", "--distance", "10", "--rpe", "7")[0] == 0


def _tick(cli: Cli) -> None:
    assert cli("done", "1")[0] == 0


def _user_rules(cli: Cli) -> None:
    folder = config_dir() / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.toml").write_text(RULE_OVERRIDE)


def _user_screen(cli: Cli) -> None:
    folder = config_dir() / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.toml").write_text("[screen\n")  # a problem recommend reports


def _settings(cli: Cli) -> None:
    assert cli("settings", "set", "time_budget_min", "10")[0] == 0


def _by_hand(cli: Cli) -> None:
    """Another program writes the history (any table moves the revision)."""
    conn = sqlite3.connect(database_file())
    conn.execute(
        "INSERT INTO sessions (date, kind, distance_km) VALUES (?, 'easy', 30)",
        ((date.today() - timedelta(days=1)).isoformat(),),
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "change",
    [_write_session, _tick, _user_rules, _user_screen, _settings, _by_hand],
    ids=lambda f: f.__name__,
)
def test_any_change_reads_the_day_again(cli: Cli, counted: list[int], change: Any) -> None:
    """Each input (the history through prehab or another program, the user's rules and screens,
    settings.toml) is in the key: after a change the output is the day read afresh. (A tick's
    own command reads the day again after its write and keeps that read: the next command
    prints it, so the tick shows without reading the rules a second time.)"""
    assert cli("log", "--kind", "easy", "--distance", "8", "--rpe", "3", "--date", _yesterday())[0] == 0
    before = _json(cli)
    change(cli)
    reads = len(counted)
    after = _json(cli)
    if change is _tick:
        day = json.loads(after[0])
        assert next(i["exercise"] for i in day["today"] if i["number"] == 1) in day["done"]
    else:
        assert len(counted) == reads + 1, "the change was not noticed"
    assert after[0] == _fresh(cli)
    if change in (_user_rules, _settings, _user_screen, _tick):
        assert after != before


def _yesterday() -> str:
    return (date.today() - timedelta(days=1)).isoformat()


def test_a_corrupt_or_foreign_memo_is_a_miss(cli: Cli, counted: list[int]) -> None:
    first = _json(cli)[0]
    for kept in (cache_dir() / "day").glob("*.json"):
        kept.write_bytes(kept.read_bytes()[:-9] + b"}]]]]]]]]")
    assert _json(cli)[0] == first
    assert len(counted) == 2


def test_a_read_only_cache_folder_still_answers(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("PREHAB_CACHE_DIR", str(blocked / "cache"))
    first = _json(cli)[0]
    assert _json(cli)[0] == first


def test_a_write_while_the_day_is_read_keeps_no_memo(cli: Cli) -> None:
    """Another process writes between the day's read and its keeping: what was read may be
    older than the history, so nothing is kept (the next command reads the day)."""
    _json(cli)
    service = DayService().open(lazy=True)
    try:
        assert service.memo_key() is not None
        _by_hand(cli)
        assert service.memo_key() is None
    finally:
        service.close()


def test_its_own_commit_does_not_stop_the_memo(cli: Cli) -> None:
    """The first read of the day commits the plan (a write): that write is this process's own."""
    with DayService().open(lazy=True) as service:
        before = service.store.revision() if service.store else None
        service.read()
        after = service.store.revision() if service.store else None
        assert before is not None and after is not None and after > before
        assert service.memo_key() is not None


def test_the_key_holds_the_day_the_history_and_the_zone(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _json(cli)
    with DayService().open(lazy=True) as service:
        assert service.store is not None
        store = service.store
        found = memo.sources(store.revision(), store.path, service.folders(), config_dir() / "settings.toml")
        assert found is not None
        today = date.today()
        assert found.key(today) != found.key(today + timedelta(days=1))
        assert memo.Sources(found.files, found.revision + 1).key(today) != found.key(today)
        monkeypatch.setenv("TZ", "Pacific/Kiritimati")
        other = memo.sources(store.revision(), store.path, service.folders(), config_dir() / "settings.toml")
        assert other is not None and other.files != found.files


@pytest.mark.parametrize("argv", [["recommend", "--json"], ["recommend"], ["done"]], ids=" ".join)
def test_the_quick_path_imports_neither_the_rules_nor_the_day(tmp_path: Path, argv: list[str]) -> None:
    """A command answered by the memo: no rule loader, no engine, no day service, not even the
    ``Store`` or the settings (the revision is read on a read-only connection)."""
    import os
    import subprocess

    env = dict(os.environ)
    for name in ("PREHAB_CONFIG_DIR", "PREHAB_DATA_DIR", "PREHAB_CACHE_DIR"):
        env[name] = str(tmp_path / name.lower())
    code = f"import sys; from prehab.cli import main; sys.exit(main({argv!r}))"
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    probe = (
        f"import sys, io; from prehab.cli import main; sys.stdout = io.StringIO(); main({argv!r}); "
        "sys.stdout = sys.__stdout__; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('prehab'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    loaded = set(done.stdout.split())
    assert "prehab.day.memo" in loaded, done.stderr
    heavy = ("rulebook.loader", "day.service", "engine", "plan.day", "day.view", "store.db", "settings")
    for name in heavy:
        assert f"prehab.{name}" not in loaded, name


@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_text_is_kept_per_width(
    cli: Cli, counted: list[int], monkeypatch: pytest.MonkeyPatch, brief: bool
) -> None:
    """``recommend`` (text) is kept by the width it was wrapped to: another terminal width is
    rendered again (from the day's memo, the rules unread), and each width prints what reading
    the day prints."""
    assert cli("log", "--kind", "easy", "--distance", "8", "--rpe", "3", "--date", _yesterday())[0] == 0
    argv = ["recommend", "--brief"] if brief else ["recommend"]
    printed = {}
    for width in ("60", "100", "60"):
        monkeypatch.setenv("COLUMNS", width)
        code, out, err = cli(*argv)
        assert code == 0, err
        printed.setdefault(width, out)
        assert out == printed[width]
    assert printed["60"] != printed["100"]
    assert len(counted) == 1  # the day was read once: 100 columns rendered its memo
    monkeypatch.setenv("COLUMNS", "60")
    for kept in (cache_dir() / "day").glob("*.json"):
        kept.unlink()
    assert cli(*argv)[1] == printed["60"]


def test_done_lists_again_until_a_tick(cli: Cli, counted: list[int]) -> None:
    """``prehab done`` (the list) is printed again while the day is unchanged; a tick is a
    write, so the next list shows it."""
    assert cli("log", "--kind", "easy", "--distance", "8", "--rpe", "3", "--date", _yesterday())[0] == 0
    first = cli("done")[1]
    assert cli("done")[1] == first and len(counted) == 1
    assert "[x]" not in first
    assert cli("done", "1")[0] == 0
    after = cli("done")[1]
    assert "  1 [x]" in after and after != first
    assert cli("done")[1] == after


def test_a_plan_that_could_not_be_kept_is_not_remembered(
    cli: Cli, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history refused the day's plan (busy, read-only, full): the plan is shown, and the
    next command plans again rather than print a plan the history never kept."""
    from prehab.store import dayplans
    from prehab.store.db import StoreBusy

    def refuse(*args: object, **kwargs: object) -> None:
        raise StoreBusy("the history is busy")

    monkeypatch.setattr(dayplans, "commit_in", refuse)
    first = _json(cli)[0]
    assert '"committed": false' in first
    assert _json(cli)[0] == first
    assert len(counted) == 2
    monkeypatch.undo()
    assert '"committed": true' in _json(cli)[0]


def test_the_quick_reads_sources_are_used_only_while_the_history_stands(cli: Cli) -> None:
    """A command passes what its quick read found to the day service; a write in between (by
    any program) means the service looks again, so nothing is kept under the older key."""
    _json(cli)
    found = memo.today_sources()
    assert found is not None
    with DayService().open(lazy=True, sources=found) as service:
        assert service.memo_key() == found.key(date.today())
    _by_hand(cli)
    with DayService().open(lazy=True, sources=found) as service:
        assert service.store is not None
        key = service.memo_key()
        assert key is not None and key != found.key(date.today())


def test_an_output_is_kept_only_for_the_read_it_came_from(cli: Cli) -> None:
    _json(cli)
    with DayService().open(lazy=True) as service:
        service.read()
        service.changed({"history"})  # something changed here after the read
        service.keep_output("probe", "stale", "", 0)
    found = memo.today_sources()
    assert found is not None and memo.recall_output(found.key(date.today()), "probe") is None


def test_a_kept_output_of_the_wrong_shape_is_a_miss(cli: Cli, counted: list[int]) -> None:
    """An entry the codec reads back but whose fields are not what was kept (written by hand,
    by another version): a miss, never a traceback or a wrong exit code."""
    from prehab.rulebook import packcache

    first = _json(cli)[0]
    found = memo.today_sources()
    assert found is not None
    key = found.key(date.today())
    for bad in (memo.Output(first, "", "1"), memo.Output(first, 7, 0), memo.Output(None, "", 0)):  # type: ignore[arg-type]
        packcache.write_value(memo._output_key(key, "recommend --json"), bad, memo.memo_folder())
        assert memo.recall_output(key, "recommend --json") is None
        assert _json(cli)[0] == first


def test_a_tick_keeps_the_day_it_read_after(cli: Cli, counted: list[int]) -> None:
    """``done 1`` writes, then reads the day again to print the count: its own write is told
    apart from another process's (``Store.own_revision``), so that read is kept, and the list
    after it needs no rules."""
    assert cli("log", "--kind", "easy", "--distance", "8", "--rpe", "3", "--date", _yesterday())[0] == 0
    _json(cli)
    assert cli("done", "1")[0] == 0
    reads = len(counted)
    listed = cli("done")[1]
    assert "  1 [x]" in listed
    assert len(counted) == reads, "the list read the rules again"
    assert cli("done")[1] == listed


def test_another_writer_stops_the_following(tmp_path: Path) -> None:
    """A write by another connection between two of ours: ``own_revision`` is None for good."""
    from prehab.store import Session, Store

    path = tmp_path / "h.sqlite3"
    with Store.open(path) as ours, Store.open(path) as theirs:
        start = ours.revision()
        assert start is not None
        ours.follow(start)
        ours.add_session(Session(date.today(), "easy", 5.0))
        assert ours.own_revision == ours.revision() != start
        theirs.add_session(Session(date.today(), "easy", 6.0))
        ours.add_session(Session(date.today(), "easy", 7.0))
        assert ours.own_revision is None


def test_rules_kept_from_earlier_in_the_process_are_never_kept_as_the_memo(cli: Cli) -> None:
    """A long-running process (the app) keeps its last good rules when a file breaks: its day
    then follows what it read earlier, not the files the memo's key is made of."""
    assert cli("checkin", "--screen", "body-map", "--set", "tight_calves=6")[0] == 0
    mine = config_dir() / "rules" / "mine.toml"
    mine.parent.mkdir(parents=True, exist_ok=True)
    broken = "[[override]\n"
    mine.write_text(broken)
    with DayService().open(lazy=True) as service:
        base = [i.exercise for i in service.view().items]
        assert "calf-stretch-wall" in base
        mine.write_text('[[override]]\nid = "calves-tight"\nenabled = false\n')
        assert service.reload().ok
        assert "calf-stretch-wall" not in [i.exercise for i in service.view().items]
        mine.write_text(broken)  # the files are as at the start again; the override stays in force
        assert not service.reload().ok
        assert "calf-stretch-wall" not in [i.exercise for i in service.view().items]
        assert service.memo_key() is None
    with DayService().open(lazy=True) as again:
        assert [i.exercise for i in again.view().items] == base
