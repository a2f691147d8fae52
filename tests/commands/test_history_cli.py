"""``prehab log / import / history / export`` end to end through ``prehab.cli.main``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.cli_support import run

from prehab.cli import main
from prehab.commands.base import parse_day
from prehab.commands.history import parse_minutes
from prehab.store import Session, Settings, Store, save_settings

FIX = Path(__file__).resolve().parents[1] / "fixtures"


pytestmark = pytest.mark.usefixtures("utc")


def test_log_then_history_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "log", "--date", "2024-05-01", "--kind", "tempo", "--distance", "10.5",
        "--duration", "1:05:30", "--rpe", "7", "--surface", "track", "--cross-plane",
        "--notes", "3x2k",
    )  # fmt: skip
    assert code == 0 and out.startswith("logged #1: 2024-05-01 tempo 10.5 km")
    code, out, _ = run(capsys, "history", "--json")
    [row] = json.loads(out)
    assert row | {"id": 1} == {
        "id": 1, "date": "2024-05-01", "kind": "tempo", "distance_km": 10.5, "distance": 10.5,
        "units": "km", "duration_min": 65.5, "rpe": 7, "surface": "track", "cross_plane": True,
        "notes": "3x2k", "source": "manual", "external_id": None,
    }  # fmt: skip


def test_log_in_miles_is_stored_in_km(capsys: pytest.CaptureFixture[str]) -> None:
    save_settings(Settings(units="mi"))
    code, out, _ = run(capsys, "log", "--kind", "long", "--distance", "10", "--date", "yesterday")
    assert code == 0 and "10.0 mi" in out
    with Store.open() as store:
        [s] = store.sessions()
    assert s.distance_km == pytest.approx(16.093, abs=0.001)  # 10 x 1.609344
    assert s.date == date.today() - timedelta(days=1)
    code, out, _ = run(capsys, "history")
    assert out.splitlines()[0].split()[3] == "mi" and " 10.0 " in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--kind", "easy", "--distance", "5", "--date", "31/12/2024"], "YYYY-MM-DD"),
        (["--kind", "jog", "--distance", "5"], "use one of easy"),
        (["--kind", "easy", "--distance", "5", "--rpe", "11"], "1 (very easy) to 10"),
        (["--kind", "easy", "--distance", "5", "--rpe", "6.5"], "whole number"),
        (["--kind", "easy", "--distance", "far"], "not a number"),
        (["--kind", "easy", "--distance", "5", "--duration", "an hour"], "H:MM:SS"),
        (["--kind", "easy", "--distance", "5", "--surface", "sand"], "road, trail"),
        (["--kind", "easy"], "needs a distance or a duration"),
        (["--kind", "easy", "--distance", "5", "--rpe", "inf"], "finite"),
        (["--kind", "easy", "--distance", "5", "--rpe", "nan"], "finite"),
        (["--kind", "easy", "--distance", "nan"], "finite"),
        (["--kind", "easy", "--duration=-1:00"], "H:MM:SS"),
    ],
)
def test_log_errors_are_one_line_with_a_fix(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, out, err = run(capsys, "log", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("prehab: error: ") and needle in err
    with Store.open() as store:
        assert store.sessions() == []


def test_import_summary_and_failures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", str(FIX / "strava_export.zip"), str(FIX / "run.gpx"))
    assert code == 1  # something failed; the rest is in
    lines = out.splitlines()
    assert lines[0].startswith("imported 9 sessions, skipped 0 already stored, 1 failed")
    assert lines[1].startswith("  strava_export.zip:activities/broken.gpx: not valid GPX")
    assert err == ""  # no progress bar when stderr is not a terminal
    code, out, _ = run(capsys, "import", str(FIX / "run.gpx"))
    assert code == 0 and out.startswith("imported 0 sessions, skipped 1 already stored, 0 failed")


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_import_progress_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTTY()
    monkeypatch.setattr(sys, "stderr", fake)
    assert main(["import", str(FIX / "run.gpx"), str(FIX / "run.tcx"), str(FIX / "treadmill.fit")]) == 0
    shown = fake.getvalue()
    assert "0/3 run.gpx" in shown and "3/3" in shown and shown.endswith("\n")
    assert "[" + "#" * 30 + "]" in shown


def test_history_filters_and_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    with Store.open() as store:
        for days, kind, km in [(0, "easy", 10), (2, "long", 20), (9, "easy", 8), (20, "easy", 12)]:
            store.add_session(Session(today - timedelta(days=days), kind, km))
    since = (today - timedelta(days=5)).isoformat()
    code, out, _ = run(capsys, "history", "--since", since, "--json")
    assert [r["kind"] for r in json.loads(out)] == ["easy", "long"]
    code, out, _ = run(capsys, "history", "--kind", "easy", "--json")
    assert [r["distance_km"] for r in json.loads(out)] == [10, 8, 12]
    code, out, _ = run(capsys, "history", "--metrics", "--json")
    load = json.loads(out)["load"]
    # this week 30 km, last week 8; chronic (days 7-34) 20 km -> 5 a week; 30 / 5 = 6.0
    assert (load["weekly_km"], load["previous_week_km"], load["acwr"]) == (30.0, 8.0, 6.0)
    code, out, _ = run(capsys, "history", "--metrics")
    assert "weekly_km" in out and "disputed" in out
    code, _, err = run(capsys, "history", "--kind", "jogging")
    assert code == 2 and "use one of" in err


def test_history_empty_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history")
    assert code == 0 and "prehab log" in out and "prehab import" in out


def test_export_toml_and_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run(capsys, "import", str(FIX / "run.tcx"))
    run(capsys, "log", "--date", "2024-01-20", "--kind", "strength", "--duration", "30")
    with Store.open() as store:
        store.add_checkin({"calves": 6}, [{"fact": "tightness", "region": "calves", "level": 6}])
        store.mark_done(date(2024, 1, 20), "calf-raise", ["calves-tight"])
    code, out, _ = run(capsys, "export")
    data = tomllib.loads(out)
    assert [s["kind"] for s in data["session"]] == ["tempo", "strength"]  # oldest first
    assert data["session"][0]["distance_km"] == 10.0 and "rpe" not in data["session"][0]
    assert data["checkin"][0]["facts"][0]["region"] == "calves"
    [done] = data["done"]
    assert {k: done[k] for k in ("day", "exercise", "rule_ids")} == {
        "day": date(2024, 1, 20), "exercise": "calf-raise", "rule_ids": ["calves-tight"]
    }  # fmt: skip
    assert "deleted_at" not in done and done["marked_at"].tzinfo is not None
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, "export", "--format", "csv", "--output", str(target))
    assert code == 0 and out == "" and str(target) in err
    rows = list(csv.DictReader(target.read_text().splitlines()))
    assert [(r["date"], r["kind"], r["distance_km"]) for r in rows] == [
        ("2024-01-16", "tempo", "10.0"), ("2024-01-20", "strength", "0.0"),
    ]  # fmt: skip
    code, _, err = run(capsys, "export", "--output", str(tmp_path / "no" / "such" / "x.toml"))
    assert code == 2 and "create it first" in err


def test_unusable_data_dir_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--data-dir", str(blocker / "sub"), "history")
    assert code == 2 and err.startswith("prehab: error: cannot create") and "--data-dir" in err


def test_parsers() -> None:
    today = date(2024, 3, 1)
    assert parse_day("today", today) == today
    assert parse_day("Yesterday", today) == date(2024, 2, 29)
    assert parse_day("2024-02-03", today) == date(2024, 2, 3)
    assert parse_minutes("45") == 45
    assert parse_minutes("45:30") == 45.5
    assert parse_minutes("1:05:00") == 65


def test_history_modules_do_not_import_textual() -> None:
    code = (
        "import sys, prehab.commands.history, prehab.store, prehab.facts.history, "
        "prehab.imports, prehab.store.export; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_export_then_import_restores_everything_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "import", str(FIX / "run.tcx"))
    for _ in range(2):  # two equal manual runs on one day: both real
        run(capsys, "log", "--date", "2024-02-01", "--kind", "easy", "--distance", "5")
    with Store.open() as store:
        store.add_checkin({"calves": 6}, [{"fact": "tightness", "region": "calves", "level": 6}])
        store.mark_done(date(2024, 2, 1), "calf-raise", ["calves-tight"])
    backup = tmp_path / "backup.toml"
    assert run(capsys, "export", "--output", str(backup))[0] == 0

    monkeypatch.setenv("PREHAB_DATA_DIR", str(tmp_path / "new-machine"))
    code, out, _ = run(capsys, "import", str(backup))
    assert code == 0 and out.startswith("imported 3 sessions, skipped 0")
    with Store.open() as store:
        assert [(s.date, s.kind, s.distance_km) for s in store.sessions()] == [
            (date(2024, 2, 1), "easy", 5.0), (date(2024, 2, 1), "easy", 5.0),
            (date(2024, 1, 16), "tempo", 10.0),
        ]  # fmt: skip
        assert store.latest_checkin() is not None
        assert store.done_on(date(2024, 2, 1)) == {"calf-raise"}
    code, out, _ = run(capsys, "import", str(backup), str(FIX / "run.tcx"))
    assert code == 0 and out.startswith("imported 0 sessions, skipped 4")
    with Store.open() as store:
        assert len(store.checkins()) == 1 and len(store.sessions()) == 3


def test_importing_a_bad_backup_stores_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "exported_at = 2024-01-01T00:00:00Z\nschema_version = 2\n"
        '[[session]]\ndate = 2024-01-01\nkind = "easy"\ndistance_km = 5.0\n'
        '[[session]]\ndate = 2024-01-02\nkind = "sprint"\n'
    )
    code, out, _ = run(capsys, "import", str(bad))
    assert code == 1
    assert "bad.toml: session 2 (2024-01-02 sprint): kind" in out and "nothing of this file" in out
    with Store.open() as store:
        assert store.sessions() == []
