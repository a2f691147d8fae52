"""Implausible session dates (issue 9, item 6).

A device whose clock was never set writes 0001-01-01 as a GPX start. Imported, that row made
``recommend``, ``history --metrics`` and the app fail with OverflowError on every run. Now the
imports refuse a start before 1980 or more than a day ahead (naming the file and the
activity, the rest still importing), ``prehab log`` refuses such a date in one line, and a
bad row already in the store is skipped by the metrics rather than allowed to stop anything.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.cli_support import run

from prehab.facts.dates import EARLIEST, start_problem, usable
from prehab.facts.history import build_facts
from prehab.facts.metrics import load_metrics
from prehab.imports import import_paths
from prehab.imports.strava import parse_activities_csv
from prehab.paths import data_dir
from prehab.store import Session, Settings, Store

FIX = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Etc/GMT+5")  # west of UTC: 0001-01-01T00:00Z is year 0 locally
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def gpx(when: str, name: str = "ancient") -> str:
    return (
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{name}</name><type>run</type><trkseg>"
        f'<trkpt lat="51.0" lon="0.0"><time>{when}</time></trkpt>'
        '<trkpt lat="51.01" lon="0.0"></trkpt>'
        "</trkseg></trk></gpx>"
    )


# -- refused at import -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "needle"),
    [
        ("0001-01-01T00:00:00Z", "starts 0001-01-01 00:00+00:00, before 1980-01-01"),
        ("0001-01-01T00:00:00+05:00", "starts 0001-01-01 00:00+05:00, before 1980-01-01"),
        ("1979-12-31T23:59:59Z", "before 1980-01-01"),
        ("9999-12-31T23:59:59Z", "more than a day from now"),
        ("9999-12-31T23:00:00-05:00", "more than a day from now"),
    ],
)
def test_an_implausible_gpx_start_is_refused_and_the_rest_imports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, when: str, needle: str
) -> None:
    bad = tmp_path / "clock.gpx"
    bad.write_text(gpx(when), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(bad), str(FIX / "run.gpx"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("imported 1 session, skipped 0 already stored, 1 failed")
    assert lines[1].startswith("  clock.gpx: the run 'ancient' ") and needle in lines[1]
    assert lines[1].endswith("nothing of this file was imported")
    with Store.open() as store:
        assert [s.source for s in store.sessions()] == ["gpx"]  # run.gpx only


def test_a_start_in_the_next_day_is_fine_more_is_not() -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert start_problem(now + timedelta(hours=23), now) is None
    assert start_problem(datetime(1980, 1, 1), now) is None  # naive: UTC
    assert "more than a day from now" in (start_problem(now + timedelta(hours=25), now) or "")


def test_an_implausible_tcx_activity_is_refused(tmp_path: Path) -> None:
    tcx = (FIX / "run.tcx").read_text(encoding="utf-8").replace("2024-01-16", "0001-01-01")
    path = tmp_path / "old.tcx"
    path.write_text(tcx, encoding="utf-8")
    with Store.open(tmp_path / "h.sqlite3") as store:
        report = import_paths(store, [path])
        assert report.added == 0
        [(name, reason)] = report.failures
        assert name == "old.tcx" and reason.startswith("the running 'Tempo 2x5k' starts 0001-01-01")


def test_an_implausible_strava_row_fails_alone() -> None:
    csv = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance\n"
        '1,"Jan 5, 2024, 7:12:03 AM",Good,Run,10\n'
        "2,0001-01-01 00:00:00,Unset clock,Run,10\n"
        "3,9999-12-31 23:59:59,Far future,Run,10\n"
    )
    rows = parse_activities_csv(csv.encode())
    assert [s.notes for s in rows.sessions] == ["Good"]
    assert [(where, reason.split(" starts ")[0]) for where, reason in rows.failures] == [
        ("activities.csv row 3", "the activity 'Unset clock'"),
        ("activities.csv row 4", "the activity 'Far future'"),
    ]


# -- prehab log --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "needle"),
    [
        ("0001-01-01", "date: 0001-01-01 is before 1980-01-01; check the year"),
        ("1979-12-31", "date: 1979-12-31 is before 1980-01-01; check the year"),
        ("9999-12-31", "more than a year ahead"),
        ("0000-01-01", "is not a date"),
    ],
)
def test_log_with_an_implausible_date_is_one_line(
    capsys: pytest.CaptureFixture[str], day: str, needle: str
) -> None:
    code, out, err = run(capsys, "log", "--kind", "easy", "--distance", "5", "--date", day)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("prehab: error: ") and needle in err
    assert not (data_dir() / "prehab.sqlite3").exists() or _count_rows() == 0


def _count_rows() -> int:
    with Store.open() as store:
        return len(store.sessions())


# -- a bad row already stored ------------------------------------------------------------------


def _store_with_a_year_one_row() -> None:
    """Recent rides and strength work, plus the only runs dated 0001-01-0x, written with sqlite3
    directly (as an older prehab, or a hand edit, could have left them). The old metrics took
    30 days off the last run's date: OverflowError on every run of recommend and the app."""
    today = date.today()
    with Store.open() as store:
        for days in (1, 3, 5, 8):
            store.add_session(Session(today - timedelta(days=days), "cycling", 20.0, 45.0, 5))
        store.add_session(Session(today - timedelta(days=2), "strength", duration_min=30.0))
    with sqlite3.connect(data_dir() / "prehab.sqlite3") as db:
        for day, kind in (("0001-01-01", "long"), ("0001-01-02", "easy")):
            db.execute(
                "INSERT INTO sessions (date, kind, distance_km, duration_min, notes, source) "
                "VALUES (?, ?, 30, 180, 'bad clock', 'gpx')",
                (day, kind),
            )


def test_history_metrics_and_recommend_skip_a_stored_year_one_row(capsys: pytest.CaptureFixture[str]) -> None:
    _store_with_a_year_one_row()
    code, out, _ = run(capsys, "history", "--metrics", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["sessions"]) == 7  # listed as stored...
    load = data["load"]
    assert "last_run_km" not in load and load["weekly_km"] == 0.0  # ...but not counted
    assert load["days_since_strength"] == 2 and load["cycling_share_pct"] == 100.0
    code, out, _ = run(capsys, "history", "--metrics")
    assert code == 0 and "0001-01-01" in out and "days_since_strength" in out
    code, out, _ = run(capsys, "recommend", "--json")
    assert code == 0 and json.loads(out)


def test_only_a_year_one_row_gives_no_metrics_rather_than_an_error() -> None:
    bad = [Session(date(1, 1, 1), "long", 30.0), Session(date(1, 1, 3), "strength")]
    assert load_metrics(bad, TODAY) == {}
    facts = build_facts(bad, Settings(), TODAY, None)
    assert facts[0] == {"fact": "load"}
    assert usable(bad + [Session(EARLIEST, "easy", 5.0)], TODAY) == [Session(EARLIEST, "easy", 5.0)]


def test_whole_number_metrics_are_clamped_to_their_declared_range() -> None:
    history = [Session(date(1985, 1, 1), "strength"), Session(TODAY, "easy", 5.0)]
    assert load_metrics(history, TODAY)["days_since_strength"] == 10000  # facts.toml: max 10000


def test_the_app_opens_every_screen_with_a_stored_year_one_row(
    make_pack: Callable[..., Path], app_on_pack: Callable[..., Any]
) -> None:
    from prehab.tui.screens.trends import TrendsScreen

    _store_with_a_year_one_row()
    pack = make_pack(
        """
        [[rule]]
        id = "weekly-note"
        title = "Weekly distance context"
        priority = 100
        when = [ { fact = "load", weekly_km = { above = 0 } } ]
        why = "Context."
        source = "Test"
        [rule.then]
        note = "Weekly distance is context."
        """
    )
    app = app_on_pack(pack)

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            for key in ("1", "2", "4", "5", "1"):
                await pilot.press(key)
                await pilot.pause()
            await pilot.press("5")
            await pilot.pause()
            assert isinstance(app.screen, TrendsScreen)

    asyncio.run(scenario())
