"""Import throughput (issue 11, item 14): files/s and MB/s, first import against re-import.

Run by hand (never from pytest):

    .venv/bin/python bench/imports.py              # 30 one-hour activities per format, ~1-2 min
    .venv/bin/python bench/imports.py --quick      # 6 per format, one repeat: a smoke run
    .venv/bin/python bench/imports.py --files 60 --minutes 90 --repeats 5

Writes ``--files`` activities of ``--minutes`` each (1 Hz, with heart rate, cadence and
elevation, like a watch's recording) in each format: FIT (record messages, as a Garmin writes
them), GPX and TCX as loose files; a Strava-like export zip (``activities.csv`` naming a
``.fit.gz`` per row: only the CSV is parsed, the files back up rows that fail); and a zip of
``.fit.gz`` files without a CSV (every member unpacked and parsed). Each set is imported:

* **first**: into a new history (parse every file, store every session);
* **re-import**: again, unchanged: each file is hashed, found in the importer's ledger with its
  sessions still stored, and skipped unread;
* **re-import, no ledger**: again with the ledger switched off, which is what every re-import
  cost before: every file parsed, every session found to be a duplicate.

Then the FIT goal: the first import of the FIT files against a full ``fitdecode`` pass over
the same files (every frame decoded, CRC checked: what an import cost before the fast path),
measured interleaved (import, pass, import, pass, ...) so a busy neighbour slows both alike.
The goal is a ratio of at most 0.25; the fast path's parse alone is shown beside it.

Then a Strava CSV of ``--csv-rows`` rows against one of four times as many, imported interleaved:
the ratio is about 4 for a linear importer (the duplicate check used to read every stored
session for each row: 16).

Times are medians of ``--repeats`` runs (a fresh history for each first import); MB are the
bytes of the files as given (a .gz or a zip member still packed). See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import math
import shutil
import statistics
import struct
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from prehab.imports import import_paths  # noqa: E402
from prehab.imports.ledger import Ledger  # noqa: E402
from prehab.store import Store  # noqa: E402


def _make_fit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fit", ROOT / "tests" / "fixtures" / "make_fit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_fit = _make_fit()
SINT32, UINT8 = 0x85, 0x02
SEMICIRCLES = 2**31 / 180


def track(start: datetime, minutes: int, index: int) -> list[tuple[datetime, float, float, float, float]]:
    """(time, lat, lon, metres so far, elevation) once a second: a 10 km/h loop near London."""
    points = []
    metres = 0.0
    for second in range(minutes * 60 + 1):
        angle = second / 600 + index
        lat = 51.5 + 0.01 * math.sin(angle)
        lon = -0.1 + 0.016 * math.cos(angle)
        points.append((start + timedelta(seconds=second), lat, lon, metres, 20 + 5 * math.sin(angle * 3)))
        metres += 10000 / 3600
    return points


def fit_file(start: datetime, minutes: int, index: int) -> bytes:
    """A FIT activity: file_id, a record message per second, one lap, one session."""
    m = make_fit
    t0 = m._fit_time(start)
    body = m._message(
        0, 0, [(0, m.ENUM, 4), (1, m.UINT16, 1), (3, m.UINT32Z, 1000 + index), (4, m.UINT32, t0)]
    )
    fields = [(253, 4, m.UINT32), (0, 4, SINT32), (1, 4, SINT32), (5, 4, m.UINT32), (2, 2, m.UINT16),
              (6, 2, m.UINT16), (3, 1, UINT8), (4, 1, UINT8)]  # fmt: skip
    body += struct.pack("<BBBHB", 0x40 | 2, 0, 0, 20, len(fields))
    body += b"".join(struct.pack("<BBB", *f) for f in fields)
    points = track(start, minutes, index)
    for when, lat, lon, metres, ele in points:
        body += struct.pack(
            "<BIiiIHHBB", 2, m._fit_time(when), int(lat * SEMICIRCLES), int(lon * SEMICIRCLES),
            int(metres * 100), int((ele + 500) * 5), 2778, 140 + index % 20, 85,
        )  # fmt: skip
    seconds = minutes * 60
    total = int(points[-1][3] * 100)
    summary = [(253, m.UINT32, t0 + seconds), (2, m.UINT32, t0), (7, m.UINT32, seconds * 1000),
               (8, m.UINT32, seconds * 1000), (9, m.UINT32, total)]  # fmt: skip
    body += m._message(3, 19, summary)  # lap
    body += m._message(1, 18, [*summary, (5, m.ENUM, 1), (6, m.ENUM, 0)])  # session: running
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", m.crc16(header))
    data = bytes(header + body)
    return data + struct.pack("<H", int(m.crc16(data)))


def gpx_file(start: datetime, minutes: int, index: int) -> bytes:
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="bench" version="1.1" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f" <metadata><time>{start:%Y-%m-%dT%H:%M:%SZ}</time></metadata>\n"
        f" <trk>\n  <name>Run {index}</name>\n  <type>running</type>\n  <trkseg>\n"
    )
    for when, lat, lon, _, ele in track(start, minutes, index):
        out.write(
            f'   <trkpt lat="{lat:.7f}" lon="{lon:.7f}">\n    <ele>{ele:.1f}</ele>\n'
            f"    <time>{when:%Y-%m-%dT%H:%M:%SZ}</time>\n    <extensions>\n"
            f"     <gpxtpx:TrackPointExtension><gpxtpx:hr>{140 + index % 20}</gpxtpx:hr>"
            "<gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension>\n    </extensions>\n   </trkpt>\n"
        )
    out.write("  </trkseg>\n </trk>\n</gpx>\n")
    return out.getvalue().encode()


def tcx_file(start: datetime, minutes: int, index: int) -> bytes:
    points = track(start, minutes, index)
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n <Activities>\n'
        f'  <Activity Sport="Running">\n   <Id>{start:%Y-%m-%dT%H:%M:%S}.000Z</Id>\n'
        f'   <Lap StartTime="{start:%Y-%m-%dT%H:%M:%S}.000Z">\n'
        f"    <TotalTimeSeconds>{minutes * 60}</TotalTimeSeconds>\n"
        f"    <DistanceMeters>{points[-1][3]:.1f}</DistanceMeters>\n    <Track>\n"
    )
    for when, lat, lon, metres, ele in points:
        out.write(
            f"     <Trackpoint>\n      <Time>{when:%Y-%m-%dT%H:%M:%S}.000Z</Time>\n      <Position>"
            f"<LatitudeDegrees>{lat:.7f}</LatitudeDegrees><LongitudeDegrees>{lon:.7f}</LongitudeDegrees>"
            f"</Position>\n      <AltitudeMeters>{ele:.1f}</AltitudeMeters>\n"
            f"      <DistanceMeters>{metres:.1f}</DistanceMeters>\n"
            f"      <HeartRateBpm><Value>{140 + index % 20}</Value></HeartRateBpm>\n     </Trackpoint>\n"
        )
    out.write("    </Track>\n   </Lap>\n  </Activity>\n </Activities>\n</TrainingCenterDatabase>\n")
    return out.getvalue().encode()


WRITERS: dict[str, Callable[[datetime, int, int], bytes]] = {
    "fit": fit_file,
    "gpx": gpx_file,
    "tcx": tcx_file,
}
OFFSETS = {"fit": 0, "gpx": 1000, "tcx": 2000}
"""Day offsets so the formats' activities never start at the same time (no cross-format duplicates)."""


def write_sets(root: Path, count: int, minutes: int) -> dict[str, tuple[list[Path], int]]:
    """The sets to import: name -> (paths, bytes)."""
    base = datetime(2015, 1, 1, 6, 0, tzinfo=UTC)
    sets: dict[str, tuple[list[Path], int]] = {}
    for fmt, writer in WRITERS.items():
        folder = root / fmt
        folder.mkdir()
        paths = []
        for i in range(count):
            path = folder / f"{fmt}{i:04d}.{fmt}"
            path.write_bytes(writer(base + timedelta(days=OFFSETS[fmt] + i), minutes, i))
            paths.append(path)
        sets[f"{fmt} files"] = (paths, sum(p.stat().st_size for p in paths))
    export = root / "export.zip"
    rows = ["Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename"]
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(count):
            start = base + timedelta(days=3000 + i)
            name = f"activities/{5000 + i}.fit.gz"
            z.writestr(name, gzip.compress(fit_file(start, minutes, i), mtime=0))
            rows.append(f'{5000 + i},"{start:%b} {start.day}, {start:%Y, %I:%M:%S %p}",Run {i},Run,'
                        f"{minutes * 60},{minutes / 6:.2f},{name}")  # fmt: skip
        z.writestr("activities.csv", "\n".join(rows) + "\n")
    sets["strava export zip"] = ([export], export.stat().st_size)
    bare = root / "watch.zip"
    with zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(count):
            start = base + timedelta(days=4000 + i)
            z.writestr(f"watch/{i:04d}.fit.gz", gzip.compress(fit_file(start, minutes, i), mtime=0))
    sets["zip of .fit.gz"] = ([bare], bare.stat().st_size)
    return sets


def timed(store: Store, paths: list[Path]) -> tuple[float, Any]:
    started = time.perf_counter()
    report = import_paths(store, paths)
    return time.perf_counter() - started, report


def measure(root: Path, paths: list[Path], repeats: int) -> dict[str, float]:
    """Median seconds of a first import, a re-import, and a re-import without the ledger."""
    first, again, blind = [], [], []
    for r in range(repeats):
        with Store.open(root / f"h{r}.sqlite3") as store:
            seconds, report = timed(store, paths)
            assert report.failures == [] and report.added > 0, report.failures[:3]
            first.append(seconds)
            seconds, report = timed(store, paths)
            assert report.added == 0 and report.unchanged > 0, (report.added, report.unchanged)
            again.append(seconds)
            done = Ledger.done
            Ledger.done = lambda self, found: None  # type: ignore[method-assign,assignment,unused-ignore]
            try:
                seconds, report = timed(store, paths)
            finally:
                Ledger.done = done  # type: ignore[method-assign,unused-ignore]
            assert report.added == 0 and report.unchanged == 0
            blind.append(seconds)
    return {
        "first": statistics.median(first),
        "again": statistics.median(again),
        "blind": statistics.median(blind),
    }


def strava_csv(path: Path, rows: int) -> Path:
    """A Strava ``activities.csv`` of ``rows`` runs, one a day from 1990 (only the CSV is read)."""
    base = datetime(1990, 1, 1, 6, 0, tzinfo=UTC)
    lines = ["Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename"]
    for i in range(rows):
        start = base + timedelta(days=i // 3, hours=i % 3)
        lines.append(f'{10_000_000 + i},"{start:%b} {start.day}, {start:%Y, %I:%M:%S %p}",Run {i},Run,'
                     f"{1800 + i % 900},{5 + i % 11}.{i % 97:02d},")  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def csv_scaling(root: Path, small: int, large: int, repeats: int) -> None:
    """The first import of a Strava CSV of ``small`` rows against one of ``large``, interleaved
    (small, large, small, ...): a linear importer takes about large/small times as long; the
    duplicate check that read every stored session for each row took (large/small)^2."""
    files = {n: strava_csv(root / f"activities-{n}.csv", n) for n in (small, large)}
    took: dict[int, list[float]] = {small: [], large: []}
    for r in range(repeats):
        for n in (small, large):
            with Store.open(root / f"csv-{n}-{r}.sqlite3") as store:
                seconds, report = timed(store, [files[n]])
                assert report.added == n, (report.added, report.failures[:3])
                took[n].append(seconds)
    a, b = statistics.median(took[small]), statistics.median(took[large])
    print(f"\nStrava CSV first import: {small:,} rows {a:.2f} s, {large:,} rows {b:.2f} s")
    print(f"ratio {b / a:.2f} for {large / small:g}x the rows (linear: about {large / small:g}; "
          f"quadratic: about {(large / small) ** 2:g})")  # fmt: skip


FIT_GOAL = 0.25
"""First import of a FIT file at most this share of a full fitdecode pass over it."""


def fitdecode_pass(paths: list[Path]) -> None:
    """Decode every frame of every file, as the importer did before the fast path."""
    import fitdecode

    for path in paths:
        with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for _ in reader:
                pass


def fit_ratio(root: Path, paths: list[Path], repeats: int) -> None:
    """The first import of ``paths`` (and the fast parse alone) against a full fitdecode pass,
    interleaved; prints the medians and the ratio against ``FIT_GOAL``."""
    from prehab.imports.fit import parse_fit

    took: dict[str, list[float]] = {"import": [], "parse": [], "fitdecode": []}
    for r in range(repeats):
        with Store.open(root / f"fit-ratio-{r}.sqlite3") as store:
            seconds, report = timed(store, paths)
            assert report.added == len(paths), report.failures[:3]
        took["import"].append(seconds)
        started = time.perf_counter()
        fitdecode_pass(paths)
        took["fitdecode"].append(time.perf_counter() - started)
        started = time.perf_counter()
        for path in paths:
            parse_fit(path.read_bytes())
        took["parse"].append(time.perf_counter() - started)
    got = {name: statistics.median(values) for name, values in took.items()}
    ratio = got["import"] / got["fitdecode"]
    mb = sum(p.stat().st_size for p in paths) / (1 << 20)
    print(f"\nFIT first import against a full fitdecode pass ({len(paths)} files, {mb:.1f} MB, interleaved):")
    print(f"  fitdecode pass {got['fitdecode']:.2f} s ({mb / got['fitdecode']:.2f} MB/s); first import "
          f"{got['import']:.2f} s; fast parse alone {got['parse']:.3f} s")  # fmt: skip
    verdict = "MET" if ratio <= FIT_GOAL else "MISSED"
    print(f"  FIT ratio {ratio:.3f} (goal <= {FIT_GOAL}: {verdict}); parse alone "
          f"{got['parse'] / got['fitdecode']:.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=30, help="activities per format (default 30)")
    parser.add_argument("--minutes", type=int, default=60, help="length of each activity (default 60)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measure; the median is shown")
    parser.add_argument("--quick", action="store_true", help="6 files per format, one repeat")
    parser.add_argument("--csv-rows", type=int, default=10_000, help="the Strava CSV ratio's small size")
    args = parser.parse_args()
    if args.quick:
        args.files, args.repeats = 6, 1
    root = Path(tempfile.mkdtemp(prefix="prehab-bench-imports-"))
    try:
        started = time.perf_counter()
        sets = write_sets(root, args.files, args.minutes)
        took = time.perf_counter() - started
        print(f"wrote {args.files} x {args.minutes}-minute activities per set in {took:.1f} s")
        print(f"(median of {args.repeats}; MB = 2^20 bytes as given, a .gz or zip member still packed)\n")
        head = f"{'set':<22}{'files':>6}{'MB':>8}  {'first s':>8}{'files/s':>9}{'MB/s':>8}  "
        head += f"{'again s':>8}{'files/s':>9}{'MB/s':>8}  {'no-ledger s':>11}{'x faster':>9}"
        print(head)
        print("-" * len(head))
        for name, (paths, size) in sets.items():
            files = args.files if name.endswith("zip") or name.startswith("zip") else len(paths)
            work = root / f"h-{name.split()[0]}"
            work.mkdir()
            got = measure(work, paths, args.repeats)
            mb = size / (1 << 20)
            print(
                f"{name:<22}{files:>6}{mb:>8.1f}  {got['first']:>8.2f}{files / got['first']:>9.1f}"
                f"{mb / got['first']:>8.2f}  {got['again']:>8.3f}{files / got['again']:>9.0f}"
                f"{mb / got['again']:>8.0f}  {got['blind']:>11.2f}{got['blind'] / got['again']:>9.0f}"
            )
        fit_ratio(root, sets["fit files"][0], args.repeats)
        small = args.csv_rows // (10 if args.quick else 1)
        csv_scaling(root, small, 4 * small, args.repeats)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
