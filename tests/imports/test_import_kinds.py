"""Kinds from every signal a file has: each format's own type names, then title words, then the
speed profile (moving speed, the speed held). The files are made here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.cli_support import run
from tests.import_support import I11, fit_codes, fit_file, load_module

from prehab.imports import import_paths
from prehab.imports.errors import LegSkipped
from prehab.imports.files import parse_activity
from prehab.imports.kinds import CONTAINERS, SUB_SPORTS, TYPES, normalise
from prehab.imports.mapping import Profile, decide
from prehab.store import Store

make = load_module(I11 / "make.py")
pytestmark = pytest.mark.usefixtures("utc")
T0 = datetime(2024, 7, 1, 7, 0, tzinfo=UTC)
KM_PER_DEGREE = 6371.0088 * 3.141592653589793 / 180


def test_every_fit_sport_and_sub_sport_is_in_the_table() -> None:
    sports, subs = fit_codes()
    assert [s for s in sports if normalise(s) not in TYPES] == []
    assert [s for s in subs if normalise(s) not in SUB_SPORTS] == []


@pytest.mark.parametrize(
    ("activity", "sub", "kind", "surface"),
    [
        # Garmin Connect's GPX <type> and activity keys
        ("trail_running", "", "easy", "trail"),
        ("street_running", "", "easy", "road"),
        ("track_running", "", "easy", "track"),
        ("treadmill_running", "", "easy", "treadmill"),
        ("road_biking", "", "cycling", None),
        ("mountain_biking", "", "cycling", None),
        ("lap_swimming", "", "cross-training", None),
        ("strength_training", "", "strength", None),
        # Strava: text types, its numeric GPX codes, and Zwift's uploads
        ("Zwift Session", "", "cycling", None),
        ("Virtual Run", "", "easy", "treadmill"),
        ("Trail Run", "", "easy", "trail"),
        ("E-Mountain Bike Ride", "", "cycling", None),
        ("Weight Training", "", "strength", None),
        ("Swim", "", "cross-training", None),
        ("9", "", "easy", None),
        ("1", "", "cycling", None),
        ("53", "", "easy", "treadmill"),
        ("16", "", "cross-training", None),
        # TCX Sport
        ("Running", "", "easy", None),
        ("Biking", "", "cycling", None),
        ("Other", "", "cross-training", None),
        # FIT sport / sub-sport
        ("running", "trail", "easy", "trail"),
        ("running", "street", "easy", "road"),
        ("running", "road", "easy", None),
        ("cycling", "road", "cycling", None),
        ("fitness_equipment", "treadmill", "easy", "treadmill"),
        ("fitness_equipment", "indoor_cycling", "cycling", None),
        ("training", "strength_training", "strength", None),
        ("training", "yoga", "mobility", None),
        ("generic", "generic", "cross-training", None),
        ("swimming", "open_water", "cross-training", None),
        ("trail", "", "easy", "trail"),  # a sub-sport written as the type
    ],
)
def test_each_type_name(activity: str, sub: str, kind: str, surface: str | None) -> None:
    found = decide(activity, "", sub)
    assert (found.kind, found.surface) == (kind, surface)
    assert "not a type prehab knows" not in found.how


def test_an_unknown_type_is_cross_training_and_says_so() -> None:
    found = decide("Quidditch", "")
    assert (found.kind, found.how) == (
        "cross-training",
        "type Quidditch (not a type prehab knows: cross-training)",
    )
    assert "" in CONTAINERS


@pytest.mark.parametrize(("activity", "sub"), [("driving", ""), ("transition", ""), ("generic", "atv")])
def test_vehicles_and_transitions_are_not_sessions(activity: str, sub: str) -> None:
    with pytest.raises(LegSkipped, match="not a session"):
        decide(activity, "", sub)


def test_type_names_through_each_format(tmp_path: Path) -> None:
    gpx = make.gpx(T0, 8, 45, "Sunday", "trail_running").encode()
    [found] = parse_activity("a.gpx", gpx)
    assert (found.session.kind, found.session.surface, found.how) == ("easy", "trail", "type trail_running")
    [found] = parse_activity("b.gpx", make.gpx(T0, 30, 60, "Sunday", "road_biking").encode())
    assert found.session.kind == "cycling"
    [found] = parse_activity("c.fit", fit_file([(T0, "running", "treadmill", 5000, 1800)]))
    assert (found.session.kind, found.session.surface, found.how) == (
        "easy",
        "treadmill",
        "type running/treadmill",
    )


def track(points: list[tuple[float, float]], name: str | None = None) -> bytes:
    """An untyped GPX due north from (51.5, -0.1): (seconds from the start, metres so far) per point."""
    lines = ['<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk>']
    if name is not None:
        lines.append(f"<name>{name}</name>")
    lines.append("<trkseg>")
    for seconds, metres in points:
        when = T0 + timedelta(seconds=seconds)
        lines.append(f'<trkpt lat="{51.5 + metres / 1000 / KM_PER_DEGREE:.7f}" lon="-0.1">'
                     f"<time>{when:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>")  # fmt: skip
    lines.append("</trkseg></trk></gpx>")
    return "\n".join(lines).encode()


def steady(km: float, kmh: float, step: float = 10.0) -> list[tuple[float, float]]:
    seconds = km / kmh * 3600
    count = int(seconds / step)
    return [(i * step, km * 1000 * i / count) for i in range(count + 1)]


def stop_and_go() -> list[tuple[float, float]]:
    """A car in town traffic: a minute at 45 km/h, then three crawling at 6 km/h, over and over:
    15.8 km/h on average, a runner's speed, but 45 km/h held for a quarter of the time."""
    points, t, m = [(0.0, 0.0)], 0.0, 0.0
    while m < 2700:
        for seconds, metres in [(10, 125)] * 6 + [(10, 1000 / 60)] * 18:
            t, m = t + seconds, m + metres
            points.append((t, m))
    return points


def test_a_car_by_its_title_and_by_its_speed_profile(store: Store, tmp_path: Path) -> None:
    (tmp_path / "titled.gpx").write_bytes(track(steady(2.7, 19), "Around the lake with car"))
    (tmp_path / "untitled.gpx").write_bytes(track(stop_and_go()))
    report = import_paths(store, [tmp_path / "titled.gpx", tmp_path / "untitled.gpx"])
    reasons = dict(report.failures)
    assert "title says 'car': a journey by vehicle, not a session" in reasons["titled.gpx"]
    assert "give the file a <type>" in reasons["titled.gpx"]
    [s] = store.sessions()
    assert s.kind == "cycling"  # not a run: 45 km/h held, whatever the average says
    [found] = parse_activity("u.gpx", track(stop_and_go()))
    assert found.how == "no type, 45.0 km/h held for minutes: no runner's speed"


def test_a_swim_walk_or_long_slow_file_is_not_a_run(store: Store, tmp_path: Path) -> None:
    [swim] = parse_activity("s.gpx", track(steady(1.9, 2.0)))
    assert (swim.session.kind, swim.how) == ("cross-training", "no type, 2.0 km/h: too slow for a run")
    [walk] = parse_activity("w.gpx", track(steady(5, 9), "Evening walk"))
    assert (walk.session.kind, walk.how) == ("cross-training", "no type, title 'walk'")
    [slow] = parse_activity("l.gpx", track(steady(30, 8.5, 30)))
    assert slow.session.kind == "cross-training"
    assert slow.how == "no type, 8.5 km/h over 30.0 km: too long and slow to be sure it was a run"
    [titled] = parse_activity("r.gpx", track(steady(30, 8.5, 30), "Long run"))
    assert titled.session.kind == "long"
    [jog] = parse_activity("j.gpx", track(steady(8, 9.5)))
    assert (jog.session.kind, jog.how) == ("easy", "no type: run at 9.5 km/h")


def test_moving_speed_leaves_the_stops_out() -> None:
    """A run of 10 km at 10 km/h with a 20-minute cafe stop: 7.5 km/h overall, 10 moving."""
    first = steady(5, 10)
    rest = [(t + 1800 + 1200, m + 5000) for t, m in steady(5, 10)]
    [found] = parse_activity("c.gpx", track(first + rest))
    assert found.how == "no type: run at 10.0 km/h"
    assert decide("", "", km=10, seconds=4800, profile=Profile(3600, 10)).kind == "easy"
    assert decide("", "", km=10, seconds=4800).how == "no type: run at 7.5 km/h"


def test_history_shows_how_the_kind_was_decided(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "swim.gpx").write_bytes(track(steady(1.9, 2.0)))
    run(capsys, "import", str(tmp_path / "swim.gpx"))
    code, out, _ = run(capsys, "history", "--json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["kind"], row["kind_from"]) == ("cross-training", "no type, 2.0 km/h: too slow for a run")
