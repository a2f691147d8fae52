"""Where sessions come from: a TCX whose laps disagree with its trackpoints, zips inside folders
(every file found and not imported named), and refusals that say what to do."""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.import_support import FIX, I11, fit_run

from prehab.imports import import_paths
from prehab.imports.files import parse_activity
from prehab.imports.finding import MAX_FOLDER_ZIPS
from prehab.store import Store

pytestmark = pytest.mark.usefixtures("utc")
T0 = datetime(2024, 8, 3, 9, 0, tzinfo=UTC)


def movescount_tcx(lap_m: float, lap_s: float, points_m: float, points_s: float) -> bytes:
    """A TCX of one lap whose totals say ``lap_m``/``lap_s`` over trackpoints covering
    ``points_m`` metres in ``points_s`` seconds (every 5 s, a cumulative distance each)."""
    count = int(points_s / 5)
    points = []
    for i in range(count + 1):
        when = T0 + timedelta(seconds=5 * i)
        metres = points_m * i / count
        points.append(f"<Trackpoint><Time>{when:%Y-%m-%dT%H:%M:%S}Z</Time>"
                      f"<DistanceMeters>{metres:.1f}</DistanceMeters></Trackpoint>")  # fmt: skip
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
        f'<Activity Sport="Running"><Id>{T0:%Y-%m-%dT%H:%M:%S}Z</Id>'
        f'<Lap StartTime="{T0:%Y-%m-%dT%H:%M:%S}Z"><TotalTimeSeconds>{lap_s}</TotalTimeSeconds>'
        f"<DistanceMeters>{lap_m}</DistanceMeters><Track>{''.join(points)}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def test_a_tcx_whose_laps_disagree_takes_its_trackpoints(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "movescount.tcx"
    path.write_bytes(movescount_tcx(2000, 624, 2900, 906))
    report = import_paths(store, [path])
    assert (report.added, report.failures) == (1, [])
    [s] = store.sessions()
    assert (s.distance_km, s.duration_min) == (2.9, 15.1)
    [(name, note)] = report.notes
    assert name == "movescount.tcx"
    assert note == (
        "the running of 2024-08-03: its laps add up to 2.00 km / 10.4 min but its own trackpoints "
        "to 2.90 km / 15.1 min: the trackpoints were taken"
    )


def test_a_tcx_whose_laps_agree_keeps_its_laps() -> None:
    [found] = parse_activity("a.tcx", movescount_tcx(2950, 900, 2900, 906))  # 1.7 %: GPS smoothing
    assert (found.session.distance_km, found.session.duration_min, found.notes) == (2.95, 15.0, [])


def test_a_zip_in_a_folder_is_searched(store: Store, tmp_path: Path) -> None:
    downloads = tmp_path / "Downloads"
    (downloads / "old").mkdir(parents=True)
    shutil.copy(FIX / "strava_export.zip", downloads / "old" / "export_123.zip")
    report = import_paths(store, [downloads])
    assert report.added > 0
    assert all(name.startswith("Downloads/old/export_123.zip:") for name, _ in report.failures)
    again = import_paths(store, [downloads])
    assert again.added == 0


def test_a_folder_holding_only_a_zip_names_what_it_did_not_import(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "only"
    folder.mkdir()
    with zipfile.ZipFile(folder / "photos.zip", "w") as z:
        z.writestr("a.jpg", b"\xff\xd8")
    (folder / "broken.zip").write_bytes(b"PK not really")
    fit_run(folder, "run.fit", T0, 5000, 1800)
    report = import_paths(store, [folder])
    assert report.added == 1
    reasons = dict(report.failures)
    assert reasons["only/photos.zip"].startswith("no activities.csv, GPX, TCX or FIT files inside")
    assert reasons["only/broken.zip"].startswith("not a readable zip file")
    assert "download or copy it again" in reasons["only/broken.zip"]
    assert "no activities.csv, GPX, TCX or FIT files in this folder" not in str(report.failures)
    with zipfile.ZipFile(folder / "photos.zip", "w") as z:
        z.write(FIX / "run.gpx", "run.gpx")
        z.writestr("inner.zip", b"PK")
    reasons = dict(import_paths(store, [folder]).failures)
    assert reasons["only/photos.zip:inner.zip"].startswith("a zip inside a zip is not opened")


def test_zips_in_one_folder_are_capped(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prehab.imports import finding

    monkeypatch.setattr(finding, "MAX_FOLDER_ZIPS", 1)
    for name in ("a.zip", "b.zip"):
        with zipfile.ZipFile(tmp_path / name, "w") as z:
            z.write(FIX / "run.gpx", f"{name}.gpx")
    report = import_paths(store, [tmp_path])
    assert report.added == 1
    [(name, reason)] = report.failures
    assert name.endswith("/b.zip") and "over 1 zips in one folder; import it by name" in reason
    assert MAX_FOLDER_ZIPS >= 10


def test_invalid_xml_says_what_it_is_and_what_to_do(store: Store, tmp_path: Path) -> None:
    (tmp_path / "prefix.gpx").write_text(
        '<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><gpxtpx:hr/></trk></gpx>'
    )
    (tmp_path / "cut.tcx").write_text("<TrainingCenterDatabase><Activities>")
    (tmp_path / "route.gpx").write_text(
        (I11 / "car.gpx").read_text().replace("<time>", "<x>").replace("</time>", "</x>")
    )
    reasons = dict(
        import_paths(store, [tmp_path / n for n in ("prefix.gpx", "cut.tcx", "route.gpx")]).failures
    )
    assert reasons["prefix.gpx"].startswith("not valid GPX XML at line 1, column ")
    assert "namespace prefix the file never declares" in reasons["prefix.gpx"]
    assert "unbound prefix" not in reasons["prefix.gpx"]
    assert reasons["cut.tcx"].startswith("not valid TCX XML at line 1") and "cut short" in reasons["cut.tcx"]
    assert "a planned route rather than a recording?" in reasons["route.gpx"]


def gpx_tracks(tracks: list[tuple[str, float, float, float]]) -> bytes:
    """A GPX of one ``<trk>`` per (type, start offset s, km, minutes), due north, a point a minute."""
    out = ['<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">']
    for kind, offset, km, minutes in tracks:
        out.append(f"<trk><type>{kind}</type><trkseg>")
        steps = max(int(minutes), 1)
        for i in range(steps + 1):
            when = T0 + timedelta(seconds=offset + minutes * 60 * i / steps)
            lat = 51.5 + km * i / steps / (6371.0088 * 3.141592653589793 / 180)
            out.append(f'<trkpt lat="{lat:.7f}" lon="-0.1"><time>{when:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>')
        out.append("</trkseg></trk>")
    out.append("</gpx>")
    return "\n".join(out).encode()


def test_a_gpx_of_a_track_per_leg_gives_a_session_per_leg(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "duathlon.gpx"
    path.write_bytes(gpx_tracks([("running", 0, 5, 25), ("transition", 1500, 0.01, 0.5),
                                 ("road_biking", 1560, 20, 40), ("running", 4000, 2.5, 13)]))  # fmt: skip
    report = import_paths(store, [path])
    assert (report.added, report.failures) == (3, [])
    assert sorted((s.kind, s.distance_km) for s in store.sessions()) == [
        ("cycling", 20.0), ("easy", 2.5), ("easy", 5.0),
    ]  # fmt: skip
    [(_, note)] = report.notes
    assert (
        note.startswith("leg 2 of 4 skipped: the transition of 2024-08-03 lasts 30 s")
        and "(a transition between legs)" in note
    )


def test_tracks_of_one_type_stay_one_session() -> None:
    """A recording paused and resumed, written as two tracks: one run."""
    [found] = parse_activity("p.gpx", gpx_tracks([("running", 0, 5, 25), ("running", 1800, 5, 25)]))
    assert (found.session.distance_km, found.session.duration_min) == (10.0, 50.0)


def test_a_tcx_of_several_activities_keeps_each_and_skips_a_short_one(store: Store, tmp_path: Path) -> None:
    one = movescount_tcx(5000, 1500, 5000, 1500).decode()
    two = one.replace(f"{T0:%Y-%m-%dT%H}", f"{T0 + timedelta(hours=2):%Y-%m-%dT%H}")
    short = (
        movescount_tcx(10, 4, 10, 5)
        .decode()
        .replace(f"{T0:%Y-%m-%dT%H}", f"{T0 + timedelta(hours=4):%Y-%m-%dT%H}")
    )
    body = "".join(text[text.index("<Activity ") : text.index("</Activities>")] for text in (one, short, two))
    path = tmp_path / "day.tcx"
    path.write_text(one[: one.index("<Activity ")] + body + "</Activities></TrainingCenterDatabase>")
    report = import_paths(store, [path])
    assert (report.added, report.failures) == (2, [])
    [(_, note)] = report.notes
    assert note.startswith("leg 2 of 3 skipped: the running of 2024-08-03 lasts 4 s (10 m)")
