"""Zip bombs and oversized files: refused in one line naming the zip and the member, exit 2,
nothing half-imported that is not reported, and memory flat while a big file is streamed.

The bombs are built here, streamed into the zip (``ZipFile.open(name, "w")``), small enough to
build in well under a second: 300 MB of blank lines is already past the 200 MB CSV cap.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests.import_support import FIX

from prehab.imports import import_paths, limits, trees
from prehab.imports.limits import MAX_CSV_LINES, MB
from prehab.store import Store

HEADER = b"Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename\n"
ROW = b'1,"Jan 5, 2024, 7:12:03 AM",Morning Run,Run,10.0,\n'


pytestmark = pytest.mark.usefixtures("utc")


def write_member(z: zipfile.ZipFile, name: str, head: bytes, chunk: bytes, chunks: int) -> None:
    """``head`` then ``chunk`` x ``chunks``, streamed into the zip (never whole in memory)."""
    with z.open(name, "w", force_zip64=True) as f:
        f.write(head)
        for _ in range(chunks):
            f.write(chunk)


def bomb_zip(path: Path, csv_mb: int) -> Path:
    """A Strava-like export: a valid GPX plus an activities.csv of ``csv_mb`` MB of blank lines."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.write(FIX / "run.gpx", "activities/run.gpx")
        write_member(z, "activities.csv", HEADER + ROW, b"\n" * MB, csv_mb)
    return path


def run_cli(tmp_path: Path, *argv: str) -> tuple[int, list[str], int]:
    """``prehab`` in a fresh interpreter: exit code, stdout lines, peak RSS in MB."""
    # VmHWM, not getrusage: Linux keeps ru_maxrss across fork+exec, so a child of a big pytest
    # process would report the parent's size; VmHWM belongs to the new program's own memory.
    code = (
        "import sys\n"
        "from prehab.cli import main\n"
        f"code = main({list(argv)!r})\n"
        "hwm = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "print('peak-rss-kb', hwm)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "PREHAB_DATA_DIR": str(tmp_path / "data"), "PREHAB_CONFIG_DIR": str(tmp_path / "c")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert lines and lines[-1].startswith("peak-rss-kb"), (done.stdout, done.stderr)
    rss_kb = int(lines.pop().split()[1])
    return done.returncode, lines, rss_kb // 1024


def stored(tmp_path: Path) -> int:
    path = tmp_path / "data" / "prehab.sqlite3"
    assert path.is_file()
    with Store.open(path) as s:
        return len(s.sessions())


# -- a CSV bomb ------------------------------------------------------------------------------


def test_a_csv_member_past_its_cap_is_refused_unread_in_one_line(tmp_path: Path) -> None:
    zpath = bomb_zip(tmp_path / "bomb.zip", 300)
    assert zpath.stat().st_size < 2 * MB  # ~1.4 MB declaring 300 MB
    code, lines, rss_mb = run_cli(tmp_path, "import", str(zpath))
    assert code == 2
    assert lines[0].startswith("imported 0 sessions, skipped 0 already stored, 1 failed")
    [refusal] = lines[1:]
    assert refusal.startswith("  bomb.zip: activities.csv: refused: it unpacks to 300 MB, over the 200 MB")
    assert "nothing of this zip was imported" in refusal
    assert rss_mb < 300  # the old code read it whole: 1 GiB took 11.6 GB
    assert stored(tmp_path) == 0  # not even the valid GPX beside it


def test_blank_lines_under_the_ratio_floor_stop_at_the_line_cap(store: Store, tmp_path: Path) -> None:
    """1 MB of blank lines is below the ratio floor, so it is streamed, and stops at the line
    cap (the old code read every line: a 1 MB zip of them held a billion and took 576 s)."""
    zpath = tmp_path / "blank.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(FIX / "run.gpx", "activities/run.gpx")
        write_member(z, "activities.csv", HEADER + ROW, b"\n" * (MAX_CSV_LINES // 4), 5)
    report = import_paths(store, [zpath])
    assert report.refused == 1 and report.added == 0 and store.sessions() == []
    [(name, reason)] = report.failures
    assert name == "blank.zip"
    assert reason.startswith("activities.csv: refused: more than 1,000,000 lines")


def test_a_line_without_line_breaks_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    path.write_bytes(HEADER + ROW + b"x" * (2 * MB))
    report = import_paths(store, [path])
    assert report.refused == 1 and store.sessions() == []
    assert "refused: line 3 is over 1 MB" in report.failures[0][1]


def test_a_big_csv_is_streamed_with_flat_memory(tmp_path: Path) -> None:
    """~100 MB of whitespace lines (under every cap) goes through in a stream: the old code held
    the bytes, the text and a StringIO copy (595 MB peak for this file)."""
    path = tmp_path / "activities.csv"
    with path.open("wb") as f:
        f.write(HEADER + ROW)
        line = b" " * 150 + b"\n"
        for _ in range(65):
            f.write(line * 10_000)
    try:
        code, lines, rss_mb = run_cli(tmp_path, "import", str(path))
    finally:
        path.unlink()
    assert code == 0, lines
    assert lines[0].startswith("imported 1 session, skipped 0 already stored, 0 failed"), lines
    assert rss_mb < 150, f"peak {rss_mb} MB"


def test_csv_cap_on_disk(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prehab.imports import strava

    monkeypatch.setattr(strava, "MAX_CSV_BYTES", MB)
    path = tmp_path / "activities.csv"
    path.write_bytes(HEADER + ROW * 30_000)  # 1.5 MB of valid rows
    report = import_paths(store, [path])
    assert report.refused == 1 and store.sessions() == []
    assert "refused: it is over the 1 MB limit for activities.csv" in report.failures[0][1]


# -- activity files ----------------------------------------------------------------------------


def test_a_gz_bomb_inside_the_zip_refuses_only_that_file(store: Store, tmp_path: Path) -> None:
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_STORED) as z:
        z.write(FIX / "run.gpx", "activities/run.gpx")
        z.writestr("activities/bomb.gpx.gz", gzip.compress(b"<gpx>" + b" " * (60 * MB), compresslevel=1))
    report = import_paths(store, [zpath])
    assert report.added == 1 and report.refused == 1
    [(name, reason)] = report.failures
    assert name == "export.zip:activities/bomb.gpx.gz"
    assert reason.startswith("refused: it is compressed more than 100:1")


def test_an_activity_file_past_its_cap(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prehab.imports import files

    monkeypatch.setattr(files, "MAX_ACTIVITY_BYTES", 100)
    report = import_paths(store, [FIX / "run.gpx"])
    assert report.refused == 1 and store.sessions() == []
    assert report.failures[0][1].startswith("refused: it is over the 100 bytes limit for an activity file")


def test_a_damaged_or_encrypted_member_is_a_failure_not_a_traceback(store: Store, tmp_path: Path) -> None:
    zpath = tmp_path / "locked.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("activities.csv", HEADER + ROW)
        z.write(FIX / "run.gpx", "activities/run.gpx")
    data = bytearray(zpath.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the CSV's central directory entry: set "encrypted"
    data[entry + 8] |= 0x01
    zpath.write_bytes(bytes(data))
    report = import_paths(store, [zpath])
    assert report.refused == 0 and report.added == 1  # the GPX
    [(name, reason)] = report.failures
    assert name == "locked.zip:activities.csv" and reason.startswith("cannot unpack it from the zip")


# -- the zip as a whole ------------------------------------------------------------------------


def test_member_count_is_read_from_the_end_record_before_zipfile_opens(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zpath = tmp_path / "many.zip"
    with zipfile.ZipFile(zpath, "w") as z:  # over 65,535 members: the zip64 end record
        for i in range(66_000):
            z.writestr(f"m{i}", b"")
    monkeypatch.setattr(limits, "MAX_MEMBERS", 65_000)
    monkeypatch.setattr(trees.zipfile, "ZipFile", None)  # never reached
    report = import_paths(store, [zpath])
    assert report.refused == 1
    assert report.failures == [
        ("many.zip", "refused: it lists 66,000 files (over 65,000); a zip bomb, or the wrong file")
    ]


def test_member_count_after_opening(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zpath = tmp_path / "many.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for i in range(61):
            z.writestr(f"activities/{i}.gpx", b"")
    monkeypatch.setattr(trees, "MAX_MEMBERS", 60)
    report = import_paths(store, [zpath])
    assert report.refused == 1 and "holds 61 files (over 60)" in report.failures[0][1]


def test_the_zip_wide_cap_stops_the_rest_with_one_line(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for day in range(1, 6):
            z.writestr(f"activities/{day}.gpx.gz", gzip.compress(gpx_on(day)))
    one = len(gpx_on(1))
    monkeypatch.setattr(limits, "MAX_ZIP_BYTES", int(one * 2.5))  # the .gz layers declare nothing
    report = import_paths(store, [zpath])
    assert report.added == 2 and report.refused == 1 and len(store.sessions()) == 2
    [(name, reason)] = report.failures
    assert name == "export.zip:activities/3.gpx.gz"
    assert "unpacks to more than" in reason and reason.endswith("2 after it were not")


def test_declared_sizes_over_the_zip_cap_refuse_it_unread(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for day in range(1, 6):
            z.writestr(f"activities/{day}.gpx", gpx_on(day))
    monkeypatch.setattr(trees, "MAX_ZIP_BYTES", len(gpx_on(1)) * 3)
    report = import_paths(store, [zpath])
    assert report.added == 0 and report.refused == 1 and store.sessions() == []
    assert "unzip it and import the folder" in report.failures[0][1]


def gpx_on(day: int) -> bytes:
    """A small valid GPX run on 2024-03-``day``."""
    return (
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><type>run</type><trkseg>'
        f'<trkpt lat="51.0" lon="0.0"><time>2024-03-{day:02}T07:00:00Z</time></trkpt>'
        f'<trkpt lat="51.01" lon="0.0"><time>2024-03-{day:02}T07:06:00Z</time></trkpt>'
        "</trkseg></trk></gpx>"
    ).encode()


# -- finding a row's file ----------------------------------------------------------------------


def test_find_answers_from_an_index_with_the_old_meaning() -> None:
    names = ["x/activities/1.gpx", "activities/1.gpx", "activities/2.fit.gz", "3.tcx", "a/b/3.tcx"]
    tree = trees.Tree(names)
    assert tree.find("activities/1.gpx") == "x/activities/1.gpx"  # first in member order
    assert tree.find("/1.gpx") == "x/activities/1.gpx"
    assert tree.find(" activities/2.fit.gz ") == "activities/2.fit.gz"
    assert tree.find("3.tcx") == "3.tcx"
    assert tree.find("b/3.tcx") == "a/b/3.tcx"
    assert tree.find("ctivities/1.gpx") is None  # whole path parts only
    assert tree.find("missing.gpx") is None
