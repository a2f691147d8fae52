"""Strava's bulk export: ``activities.csv`` read by header name.

Strava repeats column names: the first "Distance" is in the athlete's unit (km or miles,
not stated anywhere) and a later "Distance" is in metres; "Elapsed Time" also appears twice.
So columns are looked up by name *and* position, the metre column is preferred, and the
unit of the first one is detected from rows that have both. Dates are UTC in a US style
("Jan 5, 2024, 7:12:03 AM"); sessions get the local calendar date. A row's id is its start
time, like the activity files', so the CSV row and the GPX/FIT of one run are one session.

Exports from before 2019 have another header: ``id,date,name,type,description,elapsed_time,
distance,commute,gear,filename`` (lower case, one distance column, in metres). It is told apart by
its header and read the same way (``LEGACY``).
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from prehab.facts.dates import start_problem
from prehab.imports.errors import ImportFailed, ImportRefused
from prehab.imports.limits import (
    BOMB,
    MAX_CSV_BYTES,
    MAX_CSV_LINES,
    MAX_LINE_CHARS,
    Readable,
    capped,
    size,
)
from prehab.imports.mapping import decide
from prehab.imports.parsed import Found, describe, start_id
from prehab.record import Record, field
from prehab.store.records import Session

DATE_FORMATS = (
    "%b %d, %Y, %I:%M:%S %p",
    "%b %d, %Y %I:%M:%S %p",
    "%d %b %Y, %H:%M:%S",
    "%d %b %Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
)

KM_PER_MILE = 1.609344
REQUIRED = ("Activity ID", "Activity Date", "Activity Type")

LEGACY = {
    "id": "Activity ID",
    "date": "Activity Date",
    "name": "Activity Name",
    "type": "Activity Type",
    "elapsed_time": "Elapsed Time",
    "moving_time": "Moving Time",
    "distance": "Distance",
    "filename": "Filename",
}
"""The pre-2019 export's columns (lower case) under today's names; its distance is in metres."""


class StravaRows(Record):
    """What one activities.csv gave: sessions, rows that failed, and each row's file name."""

    found: list[Found] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    """Activity file named by each row (relative to the export), by external id."""
    failed_files: dict[str, str] = field(default_factory=dict)
    """Failure name -> file of that row: the caller may still import the activity from it."""
    distance_unit: str = "km"
    """ "km" or "mi" (the first Distance column of a current export), "m" (a pre-2019 one)."""
    legacy: bool = False
    """The pre-2019 header (``LEGACY``)."""

    @property
    def sessions(self) -> list[Session]:
        return [f.session for f in self.found]


class Header:
    """Column positions by name, keeping every position of a repeated name."""

    def __init__(self, names: Sequence[str]) -> None:
        self.positions: dict[str, list[int]] = {}
        for index, name in enumerate(names):
            self.positions.setdefault(name.strip().lstrip("\ufeff"), []).append(index)

    def get(self, row: Sequence[str], name: str, which: int = 0) -> str:
        """The ``which``-th column called ``name`` (-1 for the last); "" if absent."""
        found = self.positions.get(name, [])
        if not found or (which >= len(found) or which < -len(found)):
            return ""
        index = found[which]
        return row[index].strip() if index < len(row) else ""

    def count(self, name: str) -> int:
        return len(self.positions.get(name, []))


def parse_number(text: str) -> float | None:
    """A number as Strava writes it: "10.02", "1,234.5", or "10,02" in some locales."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", "." if text.count(",") == 1 and len(text.split(",")[1]) != 3 else "")
    try:
        return float(text)
    except ValueError:
        return None


def parse_date(text: str) -> datetime:
    """A Strava activity date (UTC) as an aware datetime."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise ImportFailed(f"cannot read the date {text!r}; expected like 'Jan 5, 2024, 7:12:03 AM'")


def detect_distance_unit(header: Header, rows: Sequence[Sequence[str]]) -> str:
    """ "km" or "mi" for the first Distance column, from rows that also have metres."""
    if header.count("Distance") < 2:
        return "km"
    ratios = []
    for row in rows:
        first = parse_number(header.get(row, "Distance", 0))
        metres = parse_number(header.get(row, "Distance", -1))
        if first and metres and metres > 100:
            ratios.append(first / (metres / 1000))
    if not ratios:
        return "km"
    return "mi" if abs(statistics.median(ratios) - 1 / KM_PER_MILE) < 0.05 else "km"


USED = (
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Distance",
    "Moving Time",
    "Elapsed Time",
    "Perceived Exertion",
    "Filename",
)
"""The columns prehab reads; a row keeps only these (Strava writes ~90), so a big CSV stays small."""


def parse_activities_csv(data: bytes | Readable, name: str = "activities.csv") -> StravaRows:
    """Every row of an activities.csv; a bad row is a failure, the others still import.

    ``data`` is the file's bytes or a binary stream of them (a zip member is streamed, never
    read whole). Past ``MAX_CSV_BYTES``, ``MAX_CSV_LINES`` lines (blank ones count) or a line of
    ``MAX_LINE_CHARS``, the whole file is refused (ImportRefused) before any row is stored.
    """
    raw = io.BytesIO(data) if isinstance(data, bytes) else data
    stream = capped(raw, MAX_CSV_BYTES, "activities.csv", damaged="cannot unpack it from the zip")
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(_lines(text))
    try:
        names = next(reader)
    except StopIteration as exc:
        raise ImportFailed("the file is empty (0 bytes): download the Strava export again") from exc
    except csv.Error as exc:
        raise ImportFailed(
            f"not a CSV file ({exc}): give Strava's activities.csv from its bulk export, or the export's zip"
        ) from exc
    legacy = False
    full = Header(names)
    if any(not full.count(col) for col in REQUIRED):
        lowered = [n.strip().lstrip("\ufeff").lower() for n in names]
        if {"id", "date", "type"} <= set(lowered):
            legacy = True
            names = [LEGACY.get(low, n) for low, n in zip(lowered, names, strict=True)]
            full = Header(names)
    missing = [col for col in REQUIRED if not full.count(col)]
    if missing:
        rows_left = _count_rows(reader)
        raise ImportFailed(
            f"no {', '.join(repr(m) for m in missing)} column, so none of its {rows_left:,} "
            f"row{'s' * (rows_left != 1)} could be read (is this Strava's activities.csv?)"
        )
    keep = sorted(i for col in USED for i in full.positions.get(col, []))
    header = Header([names[i] for i in keep])
    rows: list[list[str]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append([row[i] if i < len(row) else "" for i in keep])
    except csv.Error as exc:
        raise ImportFailed(f"the CSV is damaged ({exc})") from exc
    unit = "m" if legacy else detect_distance_unit(header, rows)
    out = StravaRows(distance_unit=unit, legacy=legacy)
    for number, row in enumerate(rows, start=2):
        where = f"{name} row {number}"
        try:
            found = _row_session(header, row, out.distance_unit, where)
        except ImportFailed as exc:
            out.failures.append((where, str(exc)))
            filename = header.get(row, "Filename")
            if filename:
                out.failed_files[where] = filename
            continue
        out.found.append(found)
        external_id = found.session.external_id
        filename = header.get(row, "Filename")
        if external_id and filename:
            out.files[external_id] = filename
    return out


def _count_rows(reader: Iterator[list[str]]) -> int:
    """The non-blank rows left in ``reader`` (still under the line caps); as many as could be
    read if the CSV is damaged further on."""
    count = 0
    try:
        for row in reader:
            count += any(cell.strip() for cell in row)
    except csv.Error:
        pass
    return count


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The lines of ``text``, refusing past MAX_CSV_LINES lines or a line of MAX_LINE_CHARS.

    Blank lines are counted like any other: reading them costs the same, and a 1 MB zip can
    hold a billion of them.
    """
    for count in range(1, MAX_CSV_LINES + 2):
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        if count > MAX_CSV_LINES:
            raise ImportRefused(f"refused: more than {MAX_CSV_LINES:,} lines (blank ones count); {BOMB}")
        if len(line) > MAX_LINE_CHARS:
            raise ImportRefused(f"refused: line {count:,} is over {size(MAX_LINE_CHARS)}; {BOMB}")
        yield line


def _row_session(header: Header, row: Sequence[str], unit: str, where: str = "") -> Found:
    activity_id = header.get(row, "Activity ID")
    if not activity_id:
        raise ImportFailed("no Activity ID")
    start = parse_date(header.get(row, "Activity Date"))
    title = header.get(row, "Activity Name")
    activity = header.get(row, "Activity Type")
    problem = start_problem(start)  # before astimezone(): year 1 in local time can overflow
    if problem:
        raise ImportFailed(f"the activity {title or activity_id!r} {problem}")

    if unit == "m":  # a pre-2019 export: one distance column, in metres
        km = (parse_number(header.get(row, "Distance", 0)) or 0.0) / 1000
    elif (
        header.count("Distance") > 1 and (metre := parse_number(header.get(row, "Distance", -1))) is not None
    ):
        km = metre / 1000
    else:
        first = parse_number(header.get(row, "Distance", 0)) or 0.0
        km = first * KM_PER_MILE if unit == "mi" else first

    seconds = parse_number(header.get(row, "Moving Time")) or parse_number(header.get(row, "Elapsed Time", 0))
    effort = parse_number(header.get(row, "Perceived Exertion"))
    rpe = int(round(effort)) if effort is not None and 1 <= effort <= 10 else None
    kind = decide(activity, title, km=max(km, 0.0), seconds=seconds)
    session = Session(
        date=start.astimezone().date(),
        kind=kind.kind,
        distance_km=round(max(km, 0.0), 3),
        duration_min=round(seconds / 60, 1) if seconds and seconds > 0 else None,
        rpe=rpe,
        surface=kind.surface,
        notes=title,
        source="strava",
        external_id=start_id(start),
    )
    return Found(session, kind.how, describe(activity, title, start.astimezone()), where)
