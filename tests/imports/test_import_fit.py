"""FIT files: every leg of a multisport file, the fast path held to the full decode, and
refusals that say what to do. The files are made here (``import_support.fit_file``)."""

from __future__ import annotations

import contextlib
import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.import_support import FIX, Leg, fit_file, make_fit

from prehab.imports import ImportFailed, import_paths, summary
from prehab.imports import fit as fit_module
from prehab.imports.fit import parse_fit, parse_fit_full
from prehab.imports.fitwalk import crc16, summaries
from prehab.store import Store

pytestmark = pytest.mark.usefixtures("utc")

T0 = datetime(2024, 6, 2, 6, 0, tzinfo=UTC)


def ironman() -> list[Leg]:
    """Swim, a 1 s transition, ride, a 0.76 s transition, run (the file that was lost whole)."""
    return [
        (T0, "swimming", "open_water", 3900, 4200),
        (T0 + timedelta(seconds=4200), "transition", "swim_to_bike_transition", 5, 1),
        (T0 + timedelta(seconds=4201), "cycling", "road", 180_000, 19_800),
        (T0 + timedelta(seconds=24_001), "transition", "bike_to_run_transition", 2, 0.76),
        (T0 + timedelta(seconds=24_002), "running", "generic", 42_600, 14_400),
    ]


def test_a_multisport_file_keeps_every_leg_and_notes_the_transitions(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ironman.fit"
    path.write_bytes(fit_file(ironman(), records=3))
    report = import_paths(store, [path])
    assert (report.added, report.failures) == (3, [])
    got = sorted((s.kind, s.distance_km) for s in store.sessions())
    assert got == [("cross-training", 3.9), ("cycling", 180.0), ("easy", 42.6)]
    assert [name for name, _ in report.notes] == ["ironman.fit", "ironman.fit"]
    first, second = (note for _, note in report.notes)
    assert first.startswith("leg 2 of 5 skipped: the transition of 2024-06-02 lasts 1 s (5 m)")
    assert "(a transition between legs)" in first
    assert (
        second.startswith("leg 4 of 5 skipped")
        and "lasts 0.76 s" in second
        and "the file's other 3 sessions imported" in second
    )
    lines = summary(report)
    assert lines[0].startswith("imported 3 sessions, skipped 0 already stored, 0 failed")
    assert lines[1] == "notes:" and lines[2].startswith("  ironman.fit: leg 2 of 5 skipped")


def test_seven_sessions_with_a_short_leg_keep_the_other_six(store: Store, tmp_path: Path) -> None:
    legs: list[Leg] = []
    for i in range(7):
        seconds = 4.3 if i == 3 else 600 + 100 * i
        legs.append((T0 + timedelta(hours=i), "running", "generic", 2200 + 1000 * i, seconds))
    path = tmp_path / "multi.fit"
    path.write_bytes(fit_file(legs))
    report = import_paths(store, [path])
    assert (report.added, report.failures) == (6, [])
    [(_, note)] = report.notes
    assert (
        note.startswith("leg 4 of 7 skipped")
        and "lasts 4.3 s" in note
        and "too short to be a session" in note
    )


def test_a_file_of_only_a_short_leg_is_still_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "oops.fit"
    path.write_bytes(fit_file([(T0, "running", "generic", 3, 2)]))
    [(name, reason)] = import_paths(store, [path]).failures
    assert name == "oops.fit" and "lasts 2 s (3 m): too short to be a session" in reason


def made_files() -> dict[str, bytes]:
    """Every FIT file the tests have or make, by name."""
    files = {p.name: p.read_bytes() for p in FIX.rglob("*.fit")}
    files["10000002.fit.gz"] = gzip.decompress(
        (FIX / "export" / "activities" / "10000002.fit.gz").read_bytes()
    )
    files["ironman"] = fit_file(ironman(), records=5)
    files["trail"] = fit_file([(T0, "running", "trail", 21_000, 9000)], records=30)
    files["treadmill"] = make_fit.fit_bytes(T0, "fitness_equipment", "treadmill", 8000, 2400)
    files["yoga"] = make_fit.fit_bytes(T0, "training", "yoga", 0, 3600)
    files["laps only"] = fit_file([(T0, "running", "generic", 5000, 1800)], sessions=False)
    files["records only"] = fit_file([(T0, "cycling", "road", 30_000, 3600)], False, False, records=60)
    files["no totals"] = fit_file(ironman(), totals=False)
    files["empty"] = b""
    return files


@pytest.mark.parametrize("name", sorted(made_files()))
def test_the_fast_path_gives_what_the_full_decode_gives(name: str) -> None:
    data = made_files()[name]

    def outcome(parse: object) -> object:
        try:
            found = parse(data)  # type: ignore[operator]
        except ImportFailed as exc:
            return str(exc)
        return [(f.session, f.how, f.label, f.notes) for f in found]

    assert outcome(parse_fit) == outcome(parse_fit_full)


def test_the_fast_path_decodes_no_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with a session summary never reaches fitdecode's decode."""
    data = fit_file(ironman(), records=50)
    assert summaries(data) is not None

    def no_decode(data: bytes) -> list[fit_module.Summary]:
        raise AssertionError("the full decode ran")

    monkeypatch.setattr(fit_module, "decode_summaries", no_decode)
    assert len(parse_fit(data)) == 3


def test_without_a_session_message_the_laps_or_records_give_the_session(store: Store, tmp_path: Path) -> None:
    laps = tmp_path / "laps.fit"
    laps.write_bytes(fit_file([(T0, "running", "generic", 5000, 1800)], sessions=False))
    records = tmp_path / "records.fit"
    later = T0 + timedelta(days=1)
    records.write_bytes(fit_file([(later, "running", "generic", 6000, 1800)], False, False, records=121))
    report = import_paths(store, [laps, records])
    assert (report.added, report.failures) == (2, [])
    got = {s.date.day: s for s in store.sessions()}
    assert (got[2].kind, got[2].distance_km, got[2].duration_min) == ("easy", 5.0, 30.0)
    assert (got[3].distance_km, got[3].duration_min) == (6.0, 2.0)  # 121 records a second apart
    notes = dict(report.notes)
    assert notes["laps.fit"].endswith("no session summary in this FIT file (a recording not saved "
                                      "properly?): built from its laps")  # fmt: skip
    assert notes["records.fit"].endswith("built from its records")


def test_a_session_without_its_totals_takes_them_from_its_laps() -> None:
    found = parse_fit(fit_file(ironman(), totals=False))
    assert [(f.session.distance_km, f.session.duration_min) for f in found] == [
        (3.9, 70.0), (180.0, 330.0), (42.6, 240.0),
    ]  # fmt: skip
    assert found[1].notes == [
        "the cycling of 2024-06-02: its session summary has no distance or duration: they were "
        "taken from its laps"
    ]


def test_refusals_say_what_the_file_is_and_what_to_do(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty.fit").write_bytes(b"")
    (tmp_path / "text.fit").write_text("<gpx>not a fit</gpx>")
    settings_file = fit_file([(T0, "running", "generic", 5000, 1800)], False, False)
    (tmp_path / "settings.fit").write_bytes(settings_file)
    names = ["empty.fit", "text.fit", "settings.fit"]
    reasons = dict(import_paths(store, [tmp_path / n for n in names]).failures)
    assert (
        reasons["empty.fit"].startswith("an empty FIT file (0 bytes)") and "copy it" in reasons["empty.fit"]
    )
    assert reasons["text.fit"].startswith("not a FIT file (20 bytes with no FIT header)")
    assert "export the activity again" in reasons["text.fit"]
    assert reasons["settings.fit"].startswith("this FIT file holds no activity")
    [(_, broken)] = import_paths(store, [FIX / "broken.fit"]).failures
    assert broken.startswith("not a valid FIT file: damaged or cut short") and "copy it" in broken


def test_the_crc_is_the_fit_crc() -> None:
    for data in (b"", b"a", b"ab", bytes(range(256)) * 3, b".FIT" * 1001):
        assert crc16(data) == make_fit.crc16(data)


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=0, max_value=400), flip=st.integers(min_value=0, max_value=400))
def test_a_damaged_fit_is_refused_or_read_never_a_crash(cut: int, flip: int) -> None:
    data = bytearray(fit_file(ironman()))
    if flip < len(data):
        data[flip] ^= 0x5A
    data = data[: len(data) - cut]
    assert summaries(bytes(data)) is None or cut == 0 and flip >= len(data)
    with contextlib.suppress(ImportFailed):  # refused with a reason, or read: never a crash
        parse_fit(bytes(data))
