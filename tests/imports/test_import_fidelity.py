"""Import fidelity (issue 11, items 8-13): what a file says is what is stored, and every refusal
says which file, row or activity and why. The fixtures are in ``fixtures/issue11/`` (written by
its ``make.py``, each shaped like a real file that went wrong)."""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.cli_support import run
from tests.import_support import FIX, I11, fit_run, load_module, make_fit

from prehab.imports import import_paths, summary
from prehab.imports.files import parse_activity
from prehab.imports.finding import MAX_FOLDER_DEPTH
from prehab.imports.mapping import decide, max_run_kmh
from prehab.imports.strava import parse_activities_csv
from prehab.store import Session, Store, validate_session

make = load_module(I11 / "make.py")


pytestmark = pytest.mark.usefixtures("utc")


def test_the_fixtures_are_what_make_py_writes(tmp_path: Path) -> None:
    """The committed files are the generator's output (so a reader can trust the table in it)."""
    assert (I11 / "garmin_indoor.tcx").read_text(encoding="utf-8") == make.garmin_indoor_tcx()
    assert (I11 / "long_ride.csv").read_text(encoding="utf-8") == make.long_ride_csv()
    for name, text in make.strava_2018().items():
        assert (I11 / "strava_2018" / name).read_text(encoding="utf-8") == text
    when = datetime(2024, 5, 12, 7, 0, tzinfo=UTC)
    assert (I11 / "devfields.fit").read_bytes() == make.devfields_fit(when)


# -- item 8: TCX start ---------------------------------------------------------------------------


def test_tcx_start_is_the_first_lap_not_the_id(store: Store) -> None:
    """Garmin's indoor TCX: <Id> 2024-03-10T06:08:12Z, laps and trackpoints from 2024-03-09T06:05:12Z."""
    report = import_paths(store, [I11 / "garmin_indoor.tcx"])
    assert (report.added, report.failures) == (1, [])
    [s] = store.sessions()
    assert (s.date, s.external_id) == (date(2024, 3, 9), "start:2024-03-09T06:05:12Z")
    assert (s.kind, s.distance_km, s.duration_min) == ("easy", 10.0, 50.0)


def test_tcx_start_falls_back_to_the_first_trackpoint_then_the_id() -> None:
    text = (I11 / "garmin_indoor.tcx").read_text(encoding="utf-8")
    no_lap_start = text.replace(' StartTime="2024-03-09T06:05:12.000Z"', "").replace(
        ' StartTime="2024-03-09T06:30:12.000Z"', ""
    )
    assert "StartTime" not in no_lap_start
    [found] = parse_activity("a.tcx", no_lap_start.encode())
    assert found.session.external_id == "start:2024-03-09T06:05:12Z"  # the first trackpoint
    run_tcx = (FIX / "run.tcx").read_text(encoding="utf-8").replace(' StartTime="2024-01-16T06:30:00Z"', "")
    [found] = parse_activity("b.tcx", run_tcx.encode())
    assert found.session.external_id == "start:2024-01-16T06:55:00Z"  # the first lap that has one
    bare = run_tcx.replace(' StartTime="2024-01-16T06:55:00Z"', "")
    [found] = parse_activity("c.tcx", bare.encode())
    assert found.session.external_id == "start:2024-01-16T06:30:00Z"  # no lap start, no points: <Id>


# -- item 9: de-duplication by start time ----------------------------------------------------------


def test_two_runs_hours_apart_on_one_day_are_two_sessions(store: Store) -> None:
    """06:10 (FIT, 5.00 km) and 08:53 (GPX, 5.03 km): same day, kind and distance, each its own start."""
    report = import_paths(store, [I11 / "morning.fit", I11 / "later.gpx"])
    assert (report.added, report.skipped, report.failures) == (2, 0, [])
    assert sorted(s.external_id or "" for s in store.sessions()) == [
        "start:2024-04-06T06:10:00Z",
        "start:2024-04-06T08:53:00Z",
    ]
    again = import_paths(store, [I11 / "later.gpx", I11 / "morning.fit"])
    assert (again.added, again.skipped) == (0, 2)


def test_one_run_from_two_devices_is_one_session(store: Store, tmp_path: Path) -> None:
    """A watch's FIT and a phone's GPX of one run start 40 s apart and differ in distance."""
    watch = fit_run(tmp_path, "watch.fit", datetime(2024, 4, 6, 6, 10, tzinfo=UTC), 5000, 1800)
    phone = tmp_path / "phone.gpx"
    phone.write_text(make.gpx(datetime(2024, 4, 6, 6, 10, 40, tzinfo=UTC), 5.2, 29, "Run", "running"))
    report = import_paths(store, [watch, phone])
    assert (report.added, report.skipped) == (1, 1)


def test_a_titled_csv_row_and_its_untitled_fit_are_one_run(store: Store, tmp_path: Path) -> None:
    """Strava's row says "Hill reps" (hills); the FIT, 5 s later, has no title (easy): both runs."""
    csv = tmp_path / "activities.csv"
    csv.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance\n"
        '7,"Apr 6, 2024, 6:10:00 AM",Hill reps,Run,8.0\n'
    )
    fit = fit_run(tmp_path, "a.fit", datetime(2024, 4, 6, 6, 10, 5, tzinfo=UTC), 8100, 2700)
    report = import_paths(store, [csv, fit])
    assert (report.added, report.skipped) == (1, 1)
    assert [s.kind for s in store.sessions()] == ["hills"]


def test_a_recording_stopped_and_restarted_is_two_sessions(store: Store, tmp_path: Path) -> None:
    """Part one 06:10-06:14, part two from 06:16: close starts, but the times do not overlap."""
    first = fit_run(tmp_path, "one.fit", datetime(2024, 4, 6, 6, 10, tzinfo=UTC), 800, 240)
    second = fit_run(tmp_path, "two.fit", datetime(2024, 4, 6, 6, 16, tzinfo=UTC), 800, 300)
    report = import_paths(store, [first, second])
    assert (report.added, report.skipped) == (2, 0)


def test_strava_rows_minutes_apart_stay_two_activities(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "activities.csv"
    csv.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance\n"
        '1,"Apr 6, 2024, 6:10:00 AM",Warm-up,Run,2.0\n'
        '2,"Apr 6, 2024, 6:15:00 AM",Warm-up again,Run,2.0\n'
    )
    assert import_paths(store, [csv]).added == 2


def test_without_a_start_time_the_old_match_still_applies(store: Store, tmp_path: Path) -> None:
    """A run logged by hand (no start time) and the watch's file of it are one session."""
    store.add_session(Session(date(2024, 4, 6), "easy", 5.0, 30))
    fit = fit_run(tmp_path, "a.fit", datetime(2024, 4, 6, 6, 10, tzinfo=UTC), 5020, 1800)
    report = import_paths(store, [fit])
    assert (report.added, report.skipped) == (0, 1)


# -- item 10: pre-2019 Strava exports ----------------------------------------------------------------


def test_a_pre_2019_activities_csv_is_read() -> None:
    rows = parse_activities_csv((I11 / "strava_2018" / "activities.csv").read_bytes())
    assert (rows.legacy, rows.distance_unit, rows.failures) == (True, "m", [])
    got = {s.notes: s for s in rows.sessions}
    assert (got["Morning Run"].distance_km, got["Morning Run"].duration_min) == (8.049, 45.0)
    assert got["Morning Run"].external_id == "start:2018-05-02T06:30:00Z"
    assert got["Hill repeats"].kind == "hills"
    assert (got["Sunday ride"].kind, got["Sunday ride"].distance_km) == ("cycling", 52.3)
    assert got["Treadmill (manual)"].surface == "treadmill"
    assert rows.files == {
        "start:2018-05-02T06:30:00Z": "activities/1501.gpx",
        "start:2018-05-03T17:45:10Z": "activities/1502.gpx",
    }


@pytest.mark.parametrize("as_zip", [False, True])
def test_a_pre_2019_export_imports_every_row(store: Store, tmp_path: Path, as_zip: bool) -> None:
    path = I11 / "strava_2018"
    if as_zip:
        path = tmp_path / "export_2018.zip"
        with zipfile.ZipFile(path, "w") as z:
            for file in sorted((I11 / "strava_2018").rglob("*")):
                z.write(file, file.relative_to(I11 / "strava_2018").as_posix())
    report = import_paths(store, [path])
    assert (report.added, report.failures) == (5, [])  # 2 with a GPX, 3 without a file
    assert {s.notes for s in store.sessions()} == {
        "Morning Run", "Hill repeats", "Treadmill (manual)", "Sunday ride", "Gym",
    }  # fmt: skip


def test_an_unreadable_csv_in_an_export_says_rows_are_lost(store: Store, tmp_path: Path) -> None:
    export = tmp_path / "export"
    (export / "activities").mkdir(parents=True)
    (export / "activities.csv").write_text("when,what,km\n2020-01-01,run,5\n\n2020-01-02,run,6\n")
    shutil.copy(FIX / "run.gpx", export / "activities" / "1.gpx")
    report = import_paths(store, [export])
    assert report.added == 1  # the GPX still comes in
    [(name, reason)] = report.failures
    assert name == "export:activities.csv"
    assert "none of its 2 rows could be read" in reason
    assert "rows without a file" in reason and "are missing" in reason


# -- item 11: long rides, and refusals that name the row or activity -----------------------------------


def test_a_474_km_ride_of_2117_minutes_imports(store: Store) -> None:
    report = import_paths(store, [I11 / "long_ride.fit", I11 / "long_ride.csv"])
    assert report.failures == []
    assert (report.added, report.skipped) == (2, 1)  # the CSV's ride is the FIT's (same start)
    ride = next(s for s in store.sessions() if s.kind == "cycling")
    assert (ride.distance_km, ride.duration_min, ride.date) == (474.05, 2117.0, date(2023, 6, 22))


def test_run_caps_stay_for_runs_and_other_kinds_have_absolute_caps() -> None:
    day = date(2023, 6, 22)
    assert validate_session(Session(day, "cycling", 474.05, 2117)) == []
    assert validate_session(Session(day, "cross-training", 0, 3000)) == []
    [problem] = validate_session(Session(day, "long", 474.05, 2117))
    assert problem == "duration: must be more than 0 and at most 2,000 minutes for a run"
    assert validate_session(Session(day, "cycling", 6000, 30000)) == [
        "distance: must be between 0 and 5,000 km",
        "duration: must be more than 0 and at most 20,160 minutes",
    ]


def test_every_refusal_names_the_file_and_the_row_or_activity(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "mine.csv"
    csv.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance,Elapsed Time\n"
        '1,"Jun 1, 2023, 6:00:00 AM",Too far,Run,612,3600\n'
        '2,"Jun 2, 2023, 6:00:00 AM",Fine,Run,10,3600\n'
    )
    huge = tmp_path / "huge.fit"
    huge.write_bytes(
        make_fit.fit_bytes(datetime(2023, 7, 1, tzinfo=UTC), "cycling", "generic", 6_000_000, 3600)
    )
    report = import_paths(store, [csv, huge])
    assert report.added == 1
    assert report.failures == [
        (
            "mine.csv row 2",
            "the run 'Too far' of 2023-06-01: distance: must be between 0 and 500 km for a run",
        ),
        ("huge.fit", "the cycling of 2023-07-01: distance: must be between 0 and 5,000 km"),
    ]


def test_a_refused_row_inside_an_export_names_the_export_and_row(store: Store, tmp_path: Path) -> None:
    export = tmp_path / "export_9"
    shutil.copytree(I11 / "strava_2018", export)
    csv = export / "activities.csv"
    csv.write_text(csv.read_text().replace("5000.0", "750000.0"))  # the manual treadmill run: 750 km
    report = import_paths(store, [export])
    assert report.failures == [
        (
            "export_9:activities.csv row 4",
            "the run 'Treadmill (manual)' of 2018-05-05: distance: must be between 0 and 500 km for a run",
        )
    ]


# -- item 12: untyped GPX, title words, and how the kind was decided ----------------------------------


def test_untyped_gpx_is_judged_by_speed_and_title(store: Store) -> None:
    names = ["car.gpx", "motorway.gpx", "bike_commute.gpx", "chilly.gpx", "marathon_pace.gpx", "old_1901.gpx"]
    report = import_paths(store, [I11 / n for n in names])
    got = {s.date: s for s in store.sessions()}
    assert got[date(2024, 5, 4)].kind == "cycling"  # 19 km at 19 km/h: no runner's pace
    assert got[date(2024, 5, 6)].kind == "cycling"  # "Bike commute home" at 16 km/h
    assert got[date(2024, 5, 7)].kind == "easy"  # "it gets chilly": no hill in it
    assert got[date(2024, 5, 8)].kind == "tempo"  # "Marathon pace workout run": not a race
    reasons = dict(report.failures)
    assert set(reasons) == {"motorway.gpx", "old_1901.gpx"}
    assert "averages 80.0 km/h over 80.0 km: a drive, not a session" in reasons["motorway.gpx"]
    assert reasons["old_1901.gpx"].startswith("the activity 'Old clock' starts 1901-07-01")


def test_title_words_match_whole_words() -> None:
    def kind(title: str) -> str:
        return decide("Run", title).kind

    assert kind("Weather practice (it gets chilly)") == "easy"
    assert kind("Marathon pace workout run") == "tempo"
    assert kind("Half marathon") == kind("London Marathon") == kind("Race day") == "race"
    assert kind("Marathon training run") == "easy"
    assert kind("Race pace 3x3k") == "tempo"
    assert kind("Longmont loop") == "easy" and kind("Long run") == "long"
    assert kind("Hill reps") == "hills" and kind("Hilly trail") == "hills"
    assert kind("Parkrun PB!") == "race" and kind("6x800m intervals") == "intervals"
    assert decide("Run", "Treadmill tempo") == decide("Run", "treadmill tempo")
    assert decide("Run", "Treadmill tempo").how == "type Run, title 'treadmill', title 'tempo'"


def test_speed_limits_for_untyped_activities() -> None:
    assert max_run_kmh(5) == 20.0
    assert 18.4 < max_run_kmh(19) < 18.6 and 17.5 < max_run_kmh(42.2) < 17.7
    assert decide("", "", km=10, seconds=3600).kind == "easy"  # 10 km/h
    assert decide("", "", km=19, seconds=3600).how == "no type, 19.0 km/h: too fast for a run"
    assert decide("", "Run to the bike shop", km=3, seconds=1200).kind == "easy"  # a run word wins
    assert decide("", "Spin bike", km=0, seconds=2700).kind == "cycling"  # no distance: the title
    assert decide("", "Strides", km=0.3, seconds=60).kind == "strides"  # too short to judge by speed
    assert decide("Run", "", km=30, seconds=3600).kind == "easy"  # a type is never second-guessed


def test_history_shows_how_each_kind_was_decided(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [I11 / "car.gpx", I11 / "chilly.gpx", I11 / "marathon_pace.gpx", FIX / "strava_export.zip"]
    run(capsys, "import", *map(str, paths))
    run(capsys, "log", "--date", "2024-05-01", "--kind", "easy", "--distance", "5")
    code, out, _ = run(capsys, "history")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[-2:] == ["kind", "from"]
    row = {line.split()[1]: line for line in lines[1:]}
    assert row["2024-05-04"].endswith("no type, 19.0 km/h: too fast for a run")
    assert row["2024-05-07"].endswith("no type: run at 10.0 km/h")
    assert row["2024-05-08"].endswith("type running, title 'marathon pace'")
    assert row["2024-01-12"].endswith("type Running, title 'hill'")  # a TCX rescued for a CSV row
    assert row["2024-05-01"].endswith("logged")
    code, out, _ = run(capsys, "history", "--json")
    data = {r["date"]: r for r in json.loads(out)}
    assert data["2024-05-04"]["kind_from"] == "no type, 19.0 km/h: too fast for a run"
    assert "kind_from" not in data["2024-05-01"]


# -- item 13: clear messages, exports in folders, decoder warnings ------------------------------------


def test_too_short_and_single_point_tracks_say_so(store: Store) -> None:
    report = import_paths(store, [I11 / "one_second.gpx", I11 / "single_point.gpx"])
    reasons = dict(report.failures)
    assert reasons["one_second.gpx"] == (
        "the running 'Oops' of 2024-05-09 lasts 1 s (3 m): too short to be a session (a recording "
        "started by mistake?); nothing of this file was imported"
    )
    assert reasons["single_point.gpx"] == (
        "the GPX track has a single point with a time (2024-05-10 14:00 UTC): no distance or "
        "duration to import (a recording stopped as it started?)"
    )
    assert not any("must be more than 0" in r or "needs a distance" in r for r in reasons.values())


def test_a_folder_of_export_folders_reads_every_export(store: Store, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    shutil.copytree(I11 / "strava_2018", exports / "export_2018")
    shutil.copytree(FIX / "export", exports / "export_2024")
    shutil.copy(I11 / "later.gpx", exports / "loose.gpx")
    report = import_paths(store, [exports])
    assert report.added == 5 + 8 + 1
    assert report.failures == [("exports/export_2024:activities/broken.gpx", report.failures[0][1])]


def test_an_unzipped_export_one_level_down_keeps_its_csv(store: Store, tmp_path: Path) -> None:
    download = tmp_path / "Downloads"
    shutil.copytree(I11 / "strava_2018", download / "export_12345")
    report = import_paths(store, [download])
    assert (report.added, report.failures) == (5, [])  # rows without a file included


def test_folder_search_is_bounded_and_says_what_it_left(store: Store, tmp_path: Path) -> None:
    deep = tmp_path / "top"
    folder = deep
    for level in range(MAX_FOLDER_DEPTH + 1):
        folder = folder / f"d{level}"
    folder.mkdir(parents=True)
    shutil.copy(I11 / "later.gpx", folder / "deep.gpx")
    shutil.copy(FIX / "run.gpx", deep / "d0" / "shallow.gpx")
    report = import_paths(store, [deep])
    assert report.added == 1
    [(name, reason)] = report.failures
    assert name == "top/d0/d1/d2/d3/d4/d5" and "not searched" in reason and "import them by name" in reason
    empty = tmp_path / "empty"
    (empty / "a").mkdir(parents=True)
    [(name, reason)] = import_paths(store, [empty]).failures
    assert reason.startswith("no activities.csv, zip, GPX, TCX or FIT files in this folder or its subfolders")


def test_fit_decoder_warnings_never_reach_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would now be an exception
        [found] = parse_activity("devfields.fit", (I11 / "devfields.fit").read_bytes())
    assert (found.session.kind, found.session.distance_km, found.session.duration_min) == ("easy", 6.0, 30.0)
    code, out, err = run(capsys, "import", str(I11 / "devfields.fit"))
    assert (code, err) == (0, "")
    assert out.startswith("imported 1 session")


def test_the_summary_names_each_failure(store: Store) -> None:
    report = import_paths(store, [I11 / "one_second.gpx", I11 / "morning.fit"])
    lines = summary(report)
    assert lines[0].startswith("imported 1 session, skipped 0 already stored, 1 failed")
    assert lines[1].startswith("  one_second.gpx: the running 'Oops' of 2024-05-09 lasts 1 s")


def test_a_link_to_a_folder_is_named_not_followed(store: Store, tmp_path: Path) -> None:
    top = tmp_path / "top"
    top.mkdir()
    shutil.copy(FIX / "run.gpx", top / "run.gpx")
    (top / "linked").symlink_to(I11 / "strava_2018", target_is_directory=True)
    (top / "loop").symlink_to(top, target_is_directory=True)
    report = import_paths(store, [top])
    assert report.added == 1
    assert [name for name, _ in report.failures] == ["top/linked", "top/loop"]
    assert all("not followed" in reason and "import it by name" in reason for _, reason in report.failures)
