"""GPX, TCX and FIT activity files to sessions.

Each activity is identified by its start time (``start:<UTC ISO time>``), not by the file's
name or bytes: the same run exported as GPX from one place and FIT from another, or exported
twice, is then one session. Dates are the local calendar date of the start.
"""

from __future__ import annotations

import gzip
import io
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO, cast

from prehab.facts.dates import start_problem
from prehab.imports.errors import ImportFailed
from prehab.imports.limits import MAX_ACTIVITY_BYTES, Budget, Readable, capped
from prehab.imports.mapping import decide
from prehab.store.records import RUN_KINDS, Session

ACTIVITY_SUFFIXES = (".gpx", ".tcx", ".fit")

TCX_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"

MIN_SECONDS = 60
"""An activity shorter than this is a recording started by mistake, not a session."""


@dataclass
class Found:
    """One activity read from a file or a CSV row: the session, how its kind was decided
    (``mapping.Kind.how``, shown by ``prehab history``) and what to call it in a message."""

    session: Session
    how: str
    label: str
    """ "the ride 'Midsummer 474' of 2023-06-22"."""
    where: str = ""
    """Where it came from when that is more than the file: "activities.csv row 7"."""


def activity_format(name: str) -> str | None:
    """ "gpx", "tcx" or "fit" for a file name (``.gz`` allowed), else None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix in ACTIVITY_SUFFIXES:
        if lower.endswith(suffix):
            return suffix[1:]
    return None


def parse_activity(name: str, data: bytes) -> list[Found]:
    """The sessions in one activity file held in memory; raises ImportFailed with the reason."""
    return parse_activity_stream(name, io.BytesIO(data), len(data))


def parse_activity_stream(name: str, raw: Readable, packed: int, budget: Budget | None = None) -> list[Found]:
    """The sessions in one activity file read from ``raw`` (``packed`` bytes: a file's size, or a
    zip member's), streamed and capped (:mod:`prehab.imports.limits`); raises ImportFailed."""
    fmt = activity_format(name)
    if fmt is None:
        raise ImportFailed("not a GPX, TCX or FIT file (by its name)")
    with open_activity(name, raw, packed, budget) as stream:
        if fmt == "gpx":
            return [parse_gpx(stream)]
        if fmt == "tcx":
            return parse_tcx(stream)
        return parse_fit(stream)


def open_activity(name: str, raw: Readable, packed: int, budget: Budget | None = None) -> BinaryIO:
    """The content of an activity file, un-gzipped when its name ends in ``.gz``, as a stream
    that refuses to go past ``MAX_ACTIVITY_BYTES`` (or, for a .gz, the compression-ratio cap)."""
    if name.lower().endswith(".gz"):
        gz = gzip.GzipFile(fileobj=cast(BinaryIO, raw), mode="rb")  # read straight through: no seek
        return capped(gz, MAX_ACTIVITY_BYTES, ACTIVITY, packed, budget, damaged="the .gz is damaged")
    return capped(raw, MAX_ACTIVITY_BYTES, ACTIVITY, budget=budget)


ACTIVITY = "an activity file"

Source = bytes | Readable
"""What the parsers read: the whole file, or a stream of it."""


def _stream(data: Source) -> Readable:
    """A stream of ``data`` with the leading whitespace skipped (Strava's TCX starts with spaces)."""
    raw = io.BytesIO(data) if isinstance(data, bytes) else data
    while True:
        head = raw.read(512)
        kept = head.lstrip()
        if kept or not head:
            return _Prefixed(kept, raw)


class _Prefixed(io.RawIOBase):
    """``prefix`` followed by the rest of ``raw``."""

    def __init__(self, prefix: bytes, raw: Readable) -> None:
        super().__init__()
        self._prefix = prefix
        self._raw = raw

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            n = len(self._prefix) if size < 0 else size
            out, self._prefix = self._prefix[:n], self._prefix[n:]
            return out
        return self._raw.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)


def start_id(start: datetime) -> str:
    """The id of an activity in any format: when it started, in UTC to the second."""
    return "start:" + start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local_date(start: datetime) -> datetime:
    return start.astimezone() if start.tzinfo else start.replace(tzinfo=UTC).astimezone()


def describe(activity: str, name: str, when: datetime | None = None) -> str:
    """ "the running 'Tempo 2x5k'" (and " of 2024-01-16" given ``when``): what a message calls
    an activity."""
    what = activity.strip().lower() or "activity"
    if name:
        what += f" {name!r}"
    return f"the {what}" + (f" of {when.date().isoformat()}" if when is not None else "")


def _session(
    start: datetime,
    activity: str,
    distance_m: float,
    seconds: float | None,
    source: str,
    name: str = "",
    sub: str = "",
) -> Found:
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)  # GPX, TCX and FIT times are UTC
    problem = start_problem(start)  # before any conversion: year 1 in local time can overflow
    if problem:
        raise ImportFailed(f"{describe(activity, name)} {problem}; nothing of this file was imported")
    label = describe(activity, name, _local_date(start))
    if seconds is not None and 0 < seconds < MIN_SECONDS:
        raise ImportFailed(
            f"{label} lasts {seconds:g} s ({max(distance_m, 0):.0f} m): too short to be a session (a "
            "recording started by mistake?); nothing of this file was imported"
        )
    metres = max(distance_m, 0.0)
    found = decide(activity, name, sub, metres / 1000, seconds)
    if found.kind in RUN_KINDS and metres == 0 and not seconds:
        raise ImportFailed(f"{label} has no distance and no duration: nothing to import")
    session = Session(
        date=_local_date(start).date(),
        kind=found.kind,
        distance_km=round(metres / 1000, 3),
        duration_min=round(seconds / 60, 1) if seconds else None,
        surface=found.surface,
        notes=name,
        source=source,
        external_id=start_id(start),
    )
    return Found(session, found.how, label)


def parse_gpx(data: Source) -> Found:
    """One GPX file (all its tracks) as one session: start, moving span and 2-D distance.

    Read with ElementTree rather than gpxpy: we need only the first and last times and the
    length, and building gpxpy's full object model costs ~250 ms per hour of 1 Hz track
    against ~15 ms here, which decides whether a few hundred files take seconds or minutes.
    Streamed (``iterparse``), each point dropped once counted, so memory does not grow with
    the track (a 40 MB GPX parsed whole took 410 MB).
    """
    start: datetime | None = None
    seconds = 0.0
    metres = 0.0
    ns = ""
    path: list[ET.Element] = []
    tracks = 0
    meta: dict[str, str] = {}
    first: datetime | None = None
    last: datetime | None = None
    previous: tuple[float, float] | None = None
    in_segment = False
    timed = 0
    try:
        for event, elem in ET.iterparse(_stream(data), events=("start", "end")):
            if event == "start":
                if not path:
                    ns = elem.tag[: elem.tag.index("}") + 1] if elem.tag.startswith("{") else ""
                    if elem.tag != f"{ns}gpx":
                        raise ImportFailed(f"not a GPX file (the root element is <{elem.tag[len(ns) :]}>)")
                elif len(path) == 1 and elem.tag == f"{ns}trk":
                    tracks += 1
                if elem.tag == f"{ns}trkseg":
                    in_segment, first, last, previous = True, None, None, None
                path.append(elem)
                continue
            path.pop()
            parent = path[-1] if path else None
            if elem.tag == f"{ns}trkpt" and in_segment:
                try:
                    here = (float(elem.get("lat", "")), float(elem.get("lon", "")))
                    when = _gpx_time(elem.findtext(f"{ns}time"))
                except ValueError as exc:
                    raise ImportFailed(f"a GPX point has a bad position or time ({exc})") from exc
                if previous is not None:
                    metres += haversine_m(previous, here)
                previous = here
                if when is not None:
                    first = first or when
                    last = when
                    timed += 1
            elif elem.tag == f"{ns}trkseg":
                in_segment = False
                if first is not None and last is not None:
                    start = first if start is None or first < start else start
                    seconds += max((last - first).total_seconds(), 0.0)
            elif len(path) == 2 and tracks == 1 and elem.tag in (f"{ns}name", f"{ns}type"):
                meta.setdefault(elem.tag[len(ns) :], elem.text or "")  # the first track's, as before
            if parent is not None and parent.tag != f"{ns}trkpt":  # a point's <time> waits for the point
                parent.remove(elem)  # done with it (its only child now): memory stays flat
    except ET.ParseError as exc:
        raise ImportFailed(f"not valid GPX ({exc})") from exc
    if start is None:
        raise ImportFailed("the GPX track has no times, so its date is unknown")
    if timed == 1 and start_problem(start) is None:  # a bad date is the first thing to say
        raise ImportFailed(
            f"the GPX track has a single point with a time ({start:%Y-%m-%d %H:%M} UTC): no distance "
            "or duration to import (a recording stopped as it started?)"
        )
    # no <type>: "" lets the speed and the title decide (mapping.decide), where "run" was assumed
    activity = meta.get("type", "").strip()
    return _session(start, activity, metres, seconds or None, "gpx", meta.get("name", "").strip())


EARTH_RADIUS_M = 6_371_008.8


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _gpx_time(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_tcx(data: Source) -> list[Found]:
    """Each <Activity> of a TCX file as a session (laps summed).

    The start is the first lap's ``StartTime`` (else the first trackpoint's time), not the
    activity's ``<Id>``: Garmin Connect writes some ``<Id>``s as the time the device synced, a
    day after every lap and trackpoint, which put the run on the wrong day. ``<Id>`` is used
    only when there is nothing else.

    Streamed: every <Trackpoint> is dropped as soon as it is read (only its time is kept, for
    the first of each activity), so memory does not grow with the track.
    """
    root: ET.Element | None = None
    path: list[ET.Element] = []
    first_point: dict[ET.Element, str] = {}
    try:
        for event, elem in ET.iterparse(_stream(data), events=("start", "end")):
            if event == "start":
                root = elem if root is None else root
                path.append(elem)
                continue
            path.pop()
            if elem.tag == f"{TCX_NS}Trackpoint" and path:
                activity = next((e for e in reversed(path) if e.tag == f"{TCX_NS}Activity"), None)
                when = elem.findtext(f"{TCX_NS}Time")
                if activity is not None and when and when.strip() and activity not in first_point:
                    first_point[activity] = when
                path[-1].remove(elem)
    except ET.ParseError as exc:
        raise ImportFailed(f"not valid XML ({exc})") from exc
    if root is None:
        raise ImportFailed("not valid XML (the file is empty)")
    activities = root.findall(f".//{TCX_NS}Activity")
    if not activities:
        raise ImportFailed("no <Activity> in this TCX file")
    out = []
    for activity in activities:
        laps = activity.findall(f"{TCX_NS}Lap")
        lap_start = next((lap.get("StartTime") for lap in laps if (lap.get("StartTime") or "").strip()), None)
        start_text = lap_start or first_point.get(activity) or activity.findtext(f"{TCX_NS}Id")
        if not start_text or not start_text.strip():
            raise ImportFailed("a TCX activity has no start time (no lap StartTime, trackpoint time or <Id>)")
        try:
            start = datetime.fromisoformat(start_text.strip().replace("Z", "+00:00"))
            distance = sum(float(lap.findtext(f"{TCX_NS}DistanceMeters") or 0) for lap in laps)
            seconds = sum(float(lap.findtext(f"{TCX_NS}TotalTimeSeconds") or 0) for lap in laps)
        except ValueError as exc:
            raise ImportFailed(f"a TCX value is not a number or time ({exc})") from exc
        notes = activity.findtext(f"{TCX_NS}Notes") or ""
        out.append(_session(start, activity.get("Sport") or "", distance, seconds, "tcx", notes.strip()))
    return out


def parse_fit(data: Source) -> list[Found]:
    """Each ``session`` message of a FIT file as a session (a triathlon gives several).

    fitdecode's complaints about parts prehab does not read (a developer field whose
    definition is missing, an odd field size) are ignored rather than printed as Python
    warnings with site-packages paths; a damaged file (its CRC) is still refused.
    """
    import fitdecode

    out = []
    try:
        # a wrong checksum means damaged data: refuse the file rather than store garbage
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        with fitdecode.FitReader(
            source, check_crc=fitdecode.CrcCheck.RAISE, error_handling=fitdecode.ErrorHandling.IGNORE
        ) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA or frame.name != "session":
                    continue
                start = frame.get_value("start_time", fallback=None)
                if not isinstance(start, datetime):
                    raise ImportFailed("a FIT session has no start time")
                sport = frame.get_value("sport", fallback="") or "generic"  # no sport: not a run
                sub = frame.get_value("sub_sport", fallback="")
                distance = frame.get_value("total_distance", fallback=0) or 0
                seconds = frame.get_value("total_timer_time", fallback=None) or frame.get_value(
                    "total_elapsed_time", fallback=None
                )
                out.append(
                    _session(
                        start,
                        str(sport),
                        float(distance),
                        float(seconds) if seconds else None,
                        "fit",
                        sub=str(sub),
                    )
                )
    except fitdecode.FitError as exc:
        raise ImportFailed(f"not a valid FIT file: damaged or cut short ({exc})") from exc
    if not out:
        raise ImportFailed("no session summary in this FIT file")
    return out
