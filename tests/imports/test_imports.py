"""Imports: Strava CSV (duplicated headers, units, dates), the export zip, GPX, TCX, FIT,
broken files, idempotent re-imports."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.import_support import FIX, make_fit

from prehab.imports import ImportFailed, import_paths, summary
from prehab.imports.files import parse_activity
from prehab.imports.mapping import classify
from prehab.imports.strava import parse_activities_csv, parse_date, parse_number
from prehab.store import Session, Store

pytestmark = pytest.mark.usefixtures("utc")


def by_date(store: Store) -> dict[date, Session]:
    return {s.date: s for s in store.sessions()}


# -- Strava CSV ------------------------------------------------------------------------------


def test_strava_csv_by_header_name() -> None:
    rows = parse_activities_csv((FIX / "export" / "activities.csv").read_bytes())
    assert rows.distance_unit == "km"  # 10.02 vs 10020 m
    got = {s.date: s for s in rows.sessions}
    assert len(got) == 6
    run = got[date(2024, 1, 5)]
    # the later "Distance" (metres) and "Moving Time" (seconds): 10020 m, 2950 s = 49.17 min
    assert (run.kind, run.distance_km, run.duration_min, run.rpe) == ("easy", 10.02, 49.2, 6)
    assert run.external_id == "start:2024-01-05T07:12:03Z" and run.source == "strava"
    assert run.notes == "Morning Run"
    assert got[date(2024, 1, 6)].kind == "long"  # "Long run Saturday"
    assert (got[date(2024, 1, 7)].kind, got[date(2024, 1, 7)].distance_km) == ("cycling", 30.0)
    assert (got[date(2024, 1, 8)].kind, got[date(2024, 1, 8)].rpe) == ("strength", 7)
    tempo = got[date(2024, 1, 9)]  # Virtual Run named "Treadmill tempo"
    assert (tempo.kind, tempo.surface, tempo.rpe) == ("tempo", "treadmill", 8)
    assert got[date(2024, 1, 10)].kind == "mobility"  # Yoga
    [(where, reason)] = rows.failures
    assert where == "activities.csv row 8"
    assert "sometime in January" in reason and "Jan 5, 2024" in reason
    assert rows.failed_files == {"activities.csv row 8": "activities/10000007.tcx"}


def _csv(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "activities.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_miles_detected_from_the_metre_column(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Elapsed Time,Distance",
        '1,"Feb 1, 2024, 7:00:00 AM",A,Run,3000,6.21,3000,10000.0',
        '2,"Feb 2, 2024, 7:00:00 AM",B,Run,1800,3.10,1800,',  # no metres: use miles
    )
    rows = parse_activities_csv(path.read_bytes())
    assert rows.distance_unit == "mi"  # 6.21 / 10.0 = 0.621 = 1 / 1.609
    a, b = rows.sessions
    assert a.distance_km == 10.0
    assert b.distance_km == pytest.approx(3.1 * 1.609344, abs=0.001)  # 4.989 km
    assert b.duration_min == 30.0  # the first Elapsed Time (seconds) when no Moving Time


def test_single_distance_column_is_taken_as_km(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Activity ID,Activity Date,Activity Type,Distance",
        "9,2024-03-01 06:00:00,Trail Run,12.5",
    )
    [s] = parse_activities_csv(path.read_bytes()).sessions
    assert (s.distance_km, s.kind, s.surface, s.date) == (12.5, "easy", "trail", date(2024, 3, 1))


def test_numbers_and_dates_as_strava_writes_them() -> None:
    assert parse_number("10.02") == 10.02
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("10,02") == 10.02
    assert parse_number("1,234") == 1234
    assert parse_number("") is None and parse_number("n/a") is None
    assert parse_date("Jan 5, 2024, 7:12:03 AM") == datetime(2024, 1, 5, 7, 12, 3, tzinfo=UTC)
    assert parse_date("Dec 31, 2023, 11:59:59 PM") == datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_date("5 Jan 2024, 19:12:03") == datetime(2024, 1, 5, 19, 12, 3, tzinfo=UTC)


def test_activity_type_mapping() -> None:
    assert classify("Run") == ("easy", None)
    assert classify("Trail Run") == ("easy", "trail")
    assert classify("Virtual Run") == ("easy", "treadmill")
    assert classify("Ride") == ("cycling", None)
    assert classify("Virtual Ride") == ("cycling", None)
    assert classify("Weight Training") == ("strength", None)
    assert classify("Yoga") == ("mobility", None)
    assert classify("Swim") == ("cross-training", None)
    assert classify("Run", "Parkrun PB!") == ("race", None)
    assert classify("Run", "6x800m intervals") == ("intervals", None)
    assert classify("running", sub="treadmill") == ("easy", "treadmill")
    assert classify("training", sub="strength_training") == ("strength", None)
    assert classify("fitness_equipment", sub="treadmill") == ("easy", "treadmill")


def test_not_a_strava_csv(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "name,value", "a,1")
    report = import_paths(store, [path])
    [(name, reason)] = report.failures
    assert name == "activities.csv" and "Activity ID" in reason


# -- the export zip and folder ----------------------------------------------------------------


def test_strava_zip(store: Store) -> None:
    calls: list[tuple[int, int, str]] = []
    report = import_paths(store, [FIX / "strava_export.zip"], lambda *a: calls.append(a))
    # 6 good CSV rows + row 8 rescued from its TCX + the ride only present as a GPX file
    assert (report.added, report.skipped) == (8, 0)
    assert report.failures == [
        (
            "strava_export.zip:activities/broken.gpx",
            report.failures[0][1],
        )
    ]
    assert report.failures[0][1].startswith("not valid GPX")
    got = by_date(store)
    hills = got[date(2024, 1, 12)]
    assert (hills.kind, hills.distance_km, hills.duration_min, hills.source) == (
        "hills", 5.0, 25.0, "tcx",
    )  # fmt: skip
    ride = got[date(2024, 1, 14)]
    # 0.18 degrees of latitude on a 6371 km sphere = 20.0 km, 40 min
    assert ride.kind == "cycling" and ride.distance_km == pytest.approx(20.0, abs=0.1)
    assert ride.duration_min == 40.0
    # progress: before each of the 3 items, then done
    assert [(d, t) for d, t, _ in calls] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert calls[0][2] == "strava_export.zip:activities.csv"


def test_reimport_is_idempotent_across_zip_folder_and_files(store: Store) -> None:
    first = import_paths(store, [FIX / "strava_export.zip"])
    again = import_paths(
        store,
        [FIX / "strava_export.zip", FIX / "export", FIX / "export" / "activities" / "10000001.gpx"],
    )
    assert again.added == 0
    # zip 8 + folder 8 + the GPX of the CSV's first run (same start time)
    assert again.skipped == 17
    assert len(store.sessions()) == first.added == 8


def test_same_run_from_gpx_and_fit_is_one_session(store: Store, tmp_path: Path) -> None:
    start = datetime(2024, 1, 5, 7, 12, 3, tzinfo=UTC)  # the CSV's first run
    fit = tmp_path / "a.fit"
    fit.write_bytes(make_fit.fit_bytes(start, "running", "generic", 10020, 2950))
    report = import_paths(store, [FIX / "export" / "activities" / "10000001.gpx", fit])
    assert (report.added, report.skipped) == (1, 1)


# -- single files ----------------------------------------------------------------------------


def test_gpx_file(store: Store) -> None:
    report = import_paths(store, [FIX / "run.gpx"])
    assert (report.added, report.failures) == (1, [])
    [s] = store.sessions()
    # 0.018 degrees of latitude = 0.018 * pi / 180 * 6371 km = 2.0 km; 07:00 -> 07:12
    assert s.distance_km == pytest.approx(2.0, abs=0.01)
    assert (s.date, s.kind, s.surface, s.duration_min) == (date(2024, 1, 15), "easy", "trail", 12.0)
    assert (s.source, s.external_id) == ("gpx", "start:2024-01-15T07:00:00Z")


def test_tcx_file_sums_laps(store: Store) -> None:
    import_paths(store, [FIX / "run.tcx"])
    [s] = store.sessions()
    # laps 5000 + 5000 m, 1500 + 1500.5 s = 50.0 min; "Tempo 2x5k" is a tempo
    assert (s.distance_km, s.duration_min, s.kind, s.date) == (10.0, 50.0, "tempo", date(2024, 1, 16))


def test_fit_files(store: Store, tmp_path: Path) -> None:
    start = datetime(2024, 2, 1, 17, 0, tzinfo=UTC)
    ride = tmp_path / "ride.fit"
    ride.write_bytes(make_fit.fit_bytes(start, "cycling", "generic", 40000, 5400))
    gym = tmp_path / "gym.fit.gz"
    gym.write_bytes(
        gzip.compress(make_fit.fit_bytes(start.replace(day=2), "training", "strength_training", 0, 2700))
    )
    report = import_paths(store, [FIX / "treadmill.fit", ride, gym])
    assert (report.added, report.failures) == (3, [])
    got = by_date(store)
    tm = got[date(2024, 1, 13)]
    assert (tm.kind, tm.surface, tm.distance_km, tm.duration_min) == ("easy", "treadmill", 8.0, 40.0)
    assert (got[date(2024, 2, 1)].kind, got[date(2024, 2, 1)].distance_km) == ("cycling", 40.0)
    assert (got[date(2024, 2, 2)].kind, got[date(2024, 2, 2)].duration_min) == ("strength", 45.0)


def test_fit_with_a_bad_crc_is_refused() -> None:
    data = bytearray(make_fit.fit_bytes(datetime(2024, 1, 1, tzinfo=UTC)))
    data[-1] ^= 0xFF
    with pytest.raises(Exception, match="FIT"):
        parse_activity("x.fit", bytes(data))


def test_broken_files_are_reported_and_the_rest_imports(store: Store, tmp_path: Path) -> None:
    store.add_session(Session(date(2023, 12, 1), "long", 25, notes="before"))
    empty = tmp_path / "empty.tcx"
    empty.write_bytes(b"")
    bad_gz = tmp_path / "bad.gpx.gz"
    bad_gz.write_bytes(b"not gzip at all")
    notimes = tmp_path / "notimes.gpx"
    notimes.write_text(
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        '<trkpt lat="0" lon="0"/><trkpt lat="0.01" lon="0"/></trkseg></trk></gpx>'
    )
    paths = [
        FIX / "broken.fit", FIX / "run.gpx", empty, bad_gz, notimes, tmp_path / "missing.fit",
        FIX / "run.tcx", FIX / "make_fit.py",
    ]  # fmt: skip
    report = import_paths(store, paths)
    assert report.added == 2  # run.gpx and run.tcx
    reasons = dict(report.failures)
    assert set(reasons) == {
        "broken.fit", "empty.tcx", "bad.gpx.gz", "notimes.gpx", "missing.fit", "make_fit.py",
    }  # fmt: skip
    assert "FIT" in reasons["broken.fit"]
    assert "damaged" in reasons["bad.gpx.gz"]
    assert "no times" in reasons["notimes.gpx"]
    assert "no such file" in reasons["missing.fit"]
    assert len(store.sessions()) == 3 and store.sessions()[-1].notes == "before"
    lines = summary(report)
    assert lines[0].startswith("imported 2 sessions, skipped 0 already stored, 6 failed")
    assert any(line.startswith("  broken.fit: ") for line in lines)


def test_a_large_strava_csv_imports_quickly(store: Store, tmp_path: Path) -> None:
    header = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
        "Elapsed Time,Moving Time,Distance"
    )
    rows = []
    for i in range(3000):
        day, hour = divmod(i, 3)
        when = datetime(2015, 1, 1, 6 + hour, 0, tzinfo=UTC).toordinal() + day
        d = date.fromordinal(when)
        rows.append(f'{i},"{d:%b} {d.day}, {d.year}, {6 + hour}:00:00 AM",R,Run,3000,10,3000,2900,10000')
    path = _csv(tmp_path, header, *rows)
    started = time.perf_counter()
    report = import_paths(store, [path])
    elapsed = time.perf_counter() - started
    assert (report.added, report.skipped, report.failures) == (3000, 0, [])
    assert elapsed < 30, f"3000 rows took {elapsed:.1f} s"
    again = import_paths(store, [path])
    assert (again.added, again.skipped) == (0, 3000)


# -- robustness ------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.gpx", "a.tcx", "a.fit", "a.gpx.gz"]))
def test_garbage_activity_files_fail_with_a_reason(data: bytes, name: str) -> None:
    try:
        parse_activity(name, data)
    except ImportFailed as exc:
        assert str(exc)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_garbage_csv_rows_fail_with_a_reason(text: str) -> None:
    header = "Activity ID,Activity Date,Activity Type,Distance,Elapsed Time\n"
    try:
        rows = parse_activities_csv((header + text).encode())
    except ImportFailed:
        return
    for _, reason in rows.failures:
        assert reason
