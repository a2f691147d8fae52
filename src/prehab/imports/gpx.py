"""GPX files to sessions: start, moving span, 2-D distance, and the speed profile.

A GPX file is one session over all its tracks (a recording paused and resumed can be written as
several), unless the tracks' ``<type>``s differ: then it is a multisport file written a track
per leg, and each track is its own session with its own kind.

Read with ElementTree rather than gpxpy: we need only the times, the length and the speeds,
and building gpxpy's full object model costs ~250 ms per hour of 1 Hz track against ~15 ms
here, which decides whether a few hundred files take seconds or minutes. Streamed
(``iterparse``), each point dropped once counted, so memory does not grow with the track (a
40 MB GPX parsed whole took 410 MB); the speed profile keeps one number per minute.

Most GPX files have no ``<type>`` or one only their writer knows, so the speed profile
(``mapping.Profile``) matters here more than anywhere: a car in town averages a runner's
speed, and only the speed it holds between stops gives it away; an open-water swim moves at
2 km/h, which no run does.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from functools import partial

from prehab.facts.dates import start_problem
from prehab.imports.errors import ImportFailed, LegSkipped
from prehab.imports.kinds import normalise
from prehab.imports.mapping import Profile
from prehab.imports.parsed import Found, Source, keep_legs, leg, session_of, xml_stream
from prehab.record import Record, field

EARTH_RADIUS_M = 6_371_008.8

MOVING_MPS = 0.3
"""Below this speed between two points (about 1 km/h) the recorder is standing still."""

MAX_GAP_S = 300.0
"""A gap between two points longer than this is a pause (auto-pause, lost signal): its
distance counts, its time is not moving time."""

WINDOW_S = 60.0
"""Stretches of at least this long are what ``Profile.held_kmh`` is measured over: a single
GPS jump between two points is not a speed anyone held."""


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class Speeds:
    """Moving time and minute-long stretches of speed, fed one step between points at a time."""

    def __init__(self) -> None:
        self.moving = 0.0
        self.windows: list[tuple[float, float]] = []
        """(km/h, seconds) of each stretch."""
        self._metres = 0.0
        self._seconds = 0.0

    def step(self, metres: float, seconds: float) -> None:
        if seconds <= 0 or seconds > MAX_GAP_S or metres / seconds < MOVING_MPS:
            return
        self.moving += seconds
        self._metres += metres
        self._seconds += seconds
        if self._seconds >= WINDOW_S:
            self.windows.append((self._metres / self._seconds * 3.6, self._seconds))
            self._metres = self._seconds = 0.0

    def profile(self) -> Profile:
        """The profile: the slowest speed among the stretches making the fastest tenth."""
        held = 0.0
        need = self.moving / 10
        for kmh, seconds in sorted(self.windows, reverse=True):
            held = kmh
            need -= seconds
            if need <= 0:
                break
        return Profile(self.moving, held)


def _gpx_time(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class _Track(Record):
    """One ``<trk>``: its name and type, and what its timed points add up to."""

    name: str = ""
    type: str = ""
    start: datetime | None = None
    seconds: float = 0.0
    metres: float = 0.0
    timed: int = 0
    speeds: Speeds = field(default_factory=Speeds)

    def add_segment(self, first: datetime | None, last: datetime | None) -> None:
        if first is not None and last is not None:
            self.start = first if self.start is None or first < self.start else self.start
            self.seconds += max((last - first).total_seconds(), 0.0)

    def merge(self, other: _Track) -> None:
        """Take ``other`` into this track (tracks of one activity: a recording paused and resumed)."""
        if other.start is not None and (self.start is None or other.start < self.start):
            self.start = other.start
        self.seconds += other.seconds
        self.metres += other.metres
        self.timed += other.timed
        self.speeds.moving += other.speeds.moving
        self.speeds.windows += other.speeds.windows


def parse_gpx(data: Source) -> list[Found]:
    """A GPX file's session: all its tracks as one, unless their ``<type>``s differ (a
    multisport file written as a track per leg: then each track is a leg, ``parsed.keep_legs``).
    Raises ImportFailed with the reason."""
    ns = ""
    path: list[ET.Element] = []
    tracks: list[_Track] = []
    first: datetime | None = None
    last: datetime | None = None
    previous: tuple[float, float] | None = None
    previous_time: datetime | None = None
    in_segment = False
    try:
        for event, elem in ET.iterparse(xml_stream(data), events=("start", "end")):
            if event == "start":
                if not path:
                    ns = elem.tag[: elem.tag.index("}") + 1] if elem.tag.startswith("{") else ""
                    if elem.tag != f"{ns}gpx":
                        raise ImportFailed(
                            f"not a GPX file (the root element is <{elem.tag[len(ns) :]}>: KML, TCX or "
                            "other XML named .gpx?); export the activity as GPX, TCX or FIT"
                        )
                elif len(path) == 1 and elem.tag == f"{ns}trk":
                    tracks.append(_Track())
                if elem.tag == f"{ns}trkseg" and tracks:
                    in_segment, first, last, previous, previous_time = True, None, None, None, None
                path.append(elem)
                continue
            path.pop()
            parent = path[-1] if path else None
            if elem.tag == f"{ns}trkpt" and in_segment:
                track = tracks[-1]
                try:
                    here = (float(elem.get("lat", "")), float(elem.get("lon", "")))
                    when = _gpx_time(elem.findtext(f"{ns}time"))
                except ValueError as exc:
                    raise ImportFailed(
                        f"a GPX point has a bad position or time ({exc}): the file is damaged or was "
                        "edited by hand; export it again"
                    ) from exc
                step = haversine_m(previous, here) if previous is not None else 0.0
                track.metres += step
                if when is not None and previous_time is not None:
                    track.speeds.step(step, (when - previous_time).total_seconds())
                previous = here
                if when is not None:
                    first = first or when
                    last = previous_time = when
                    track.timed += 1
            elif elem.tag == f"{ns}trkseg" and in_segment:
                in_segment = False
                tracks[-1].add_segment(first, last)
            elif len(path) == 2 and elem.tag in (f"{ns}name", f"{ns}type") and tracks:
                track = tracks[-1]
                if elem.tag == f"{ns}name" and not track.name:
                    track.name = (elem.text or "").strip()
                elif elem.tag == f"{ns}type" and not track.type:
                    track.type = (elem.text or "").strip()
            if parent is not None and parent.tag != f"{ns}trkpt":  # a point's <time> waits for the point
                parent.remove(elem)  # done with it (its only child now): memory stays flat
    except ET.ParseError as exc:
        raise ImportFailed(_xml_problem("GPX", exc)) from exc
    timed = [t for t in tracks if t.start is not None]
    if len({normalise(t.type) for t in timed}) > 1:
        return keep_legs(leg(partial(_session, t)) for t in timed)
    whole = _Track()
    for track in tracks:
        whole.merge(track)
    if tracks:  # the first track's name and type, as before
        whole.name, whole.type = tracks[0].name, tracks[0].type
    return [_session(whole)]


def _session(track: _Track) -> Found:
    start = track.start
    if start is None:
        raise ImportFailed(
            "the GPX track has no times, so its date is unknown (a planned route rather than a "
            "recording?); export the activity itself from the app or watch that recorded it"
        )
    if track.timed == 1 and start_problem(start) is None:  # a bad date is the first thing to say
        raise LegSkipped(
            f"the GPX track has a single point with a time ({start:%Y-%m-%d %H:%M} UTC): no distance "
            "or duration to import (a recording stopped as it started?)"
        )
    # no <type>: "" lets the speed and the title decide (mapping.decide)
    profile = track.speeds.profile()
    return session_of(
        start, track.type, track.metres, track.seconds or None, "gpx", track.name, profile=profile
    )


def _xml_problem(fmt: str, exc: ET.ParseError) -> str:
    """What a person can do about XML that does not parse: say where, and what it usually is."""
    line, column = getattr(exc, "position", (0, 0))
    where = f" at line {line}, column {column}" if line else ""
    message = str(exc).split(":")[0]
    if "unbound prefix" in message:
        hint = (
            "an element or attribute uses a namespace prefix the file never declares (a writer "
            "that left out its xmlns line); export it again, or add the missing xmlns:... line"
        )
    elif "no element found" in message:
        hint = "the file is empty or cut short; copy or export it again"
    else:
        hint = f"{message}; the file is damaged or not {fmt}: export it again"
    return f"not valid {fmt} XML{where}: {hint}"
