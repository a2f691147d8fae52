"""TCX files to sessions: each ``<Activity>`` one session (laps summed, or its trackpoints).

The start is the first lap's ``StartTime`` (else the first trackpoint's time), not the
activity's ``<Id>``: Garmin Connect writes some ``<Id>``s as the time the device synced, a day
after every lap and trackpoint, which put the run on the wrong day. ``<Id>`` is used only when
there is nothing else.

Lap totals are what the device summed, so they are taken first; but some writers (Movescount)
leave laps out or cut them short: one file's laps said 2.0 km / 10.4 min where its own
trackpoints said 2.9 km / 15.1 min. When the two disagree by more than ``AGREE`` the
trackpoints are taken and the import says so in a note.

Streamed: every <Trackpoint> is dropped as soon as it is read (its time, distance and position
are folded into running totals), so memory does not grow with the track.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from functools import partial

from prehab.imports.errors import ImportFailed
from prehab.imports.gpx import MAX_GAP_S, Speeds, _xml_problem, haversine_m
from prehab.imports.parsed import Found, Source, keep_legs, leg, session_of, xml_stream
from prehab.record import Record, field

TCX_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"

AGREE = 0.03
"""Lap totals and trackpoints within 3 % of each other agree (GPS smoothing, rounding); past
it, and past ``AGREE_FLOOR_M`` metres, the laps have lost something."""

AGREE_FLOOR_M = 50.0

_TIME, _DISTANCE, _POSITION = f"{TCX_NS}Time", f"{TCX_NS}DistanceMeters", f"{TCX_NS}Position"
_LAT, _LON = f"{TCX_NS}LatitudeDegrees", f"{TCX_NS}LongitudeDegrees"


class Track(Record):
    """What an activity's trackpoints add up to, folded in as they stream past."""

    first: str | None = None
    """The first trackpoint's time as written (a start when the laps have none)."""
    last_time: datetime | None = None
    seconds: float = 0.0
    """Span of the points, gaps longer than ``MAX_GAP_S`` (a pause) left out."""
    recorded_m: float = 0.0
    """The largest cumulative ``DistanceMeters`` of a point (the device's own count)."""
    walked_m: float = 0.0
    """The length of the points' positions (when the points have no distance)."""
    last_position: tuple[float, float] | None = None
    speeds: Speeds = field(default_factory=Speeds)

    def add(self, point: ET.Element) -> None:
        """Fold one trackpoint in: its children read in one pass (``findtext`` with a path costs
        more than the rest of the parse), positions measured only when it has no distance."""
        text = recorded_text = None
        position: ET.Element | None = None
        for child in point:
            if child.tag == _TIME:
                text = child.text
            elif child.tag == _DISTANCE:
                recorded_text = child.text
            elif child.tag == _POSITION:
                position = child
        when = _time(text) if text and text.strip() else None
        if when is not None and self.first is None:
            self.first = text
        step = 0.0
        try:
            if recorded_text and recorded_text.strip():
                recorded = float(recorded_text)
                step = max(recorded - self.recorded_m, 0.0)
                self.recorded_m = max(self.recorded_m, recorded)
            elif position is not None:
                here = (float(position.findtext(_LAT) or ""), float(position.findtext(_LON) or ""))
                if self.last_position is not None:
                    step = haversine_m(self.last_position, here)
                    self.walked_m += step
                self.last_position = here
        except ValueError:
            return  # a point with a bad number adds nothing; the lap totals still count
        if when is not None:
            if self.last_time is not None:
                gap = (when - self.last_time).total_seconds()
                if 0 < gap <= MAX_GAP_S:
                    self.seconds += gap
                self.speeds.step(step, gap)
            self.last_time = when

    @property
    def metres(self) -> float:
        return self.recorded_m or self.walked_m


def _time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_tcx(data: Source) -> list[Found]:
    """Each <Activity> of a TCX file as a session; raises ImportFailed with the reason."""
    root: ET.Element | None = None
    path: list[ET.Element] = []
    tracks: dict[ET.Element, Track] = {}
    try:
        for event, elem in ET.iterparse(xml_stream(data), events=("start", "end")):
            if event == "start":
                root = elem if root is None else root
                path.append(elem)
                continue
            path.pop()
            if elem.tag == f"{TCX_NS}Trackpoint" and path:
                activity = next((e for e in reversed(path) if e.tag == f"{TCX_NS}Activity"), None)
                if activity is not None:
                    tracks.setdefault(activity, Track()).add(elem)
                path[-1].remove(elem)
    except ET.ParseError as exc:
        raise ImportFailed(_xml_problem("TCX", exc)) from exc
    if root is None:
        raise ImportFailed("not valid TCX XML: the file is empty; copy or export it again")
    activities = root.findall(f".//{TCX_NS}Activity")
    if not activities:
        raise ImportFailed(
            "no <Activity> in this TCX file (a course or workout plan, not a recording?); "
            "export the activity itself"
        )
    return keep_legs(leg(partial(_activity, a, tracks.get(a) or Track())) for a in activities)


def _activity(activity: ET.Element, track: Track) -> Found:
    laps = activity.findall(f"{TCX_NS}Lap")
    lap_start = next((lap.get("StartTime") for lap in laps if (lap.get("StartTime") or "").strip()), None)
    start_text = lap_start or track.first or activity.findtext(f"{TCX_NS}Id")
    if not start_text or not start_text.strip():
        raise ImportFailed(
            "a TCX activity has no start time (no lap StartTime, trackpoint time or <Id>); "
            "export it again from the app or watch that recorded it"
        )
    try:
        start = datetime.fromisoformat(start_text.strip().replace("Z", "+00:00"))
        distance = sum(float(lap.findtext(f"{TCX_NS}DistanceMeters") or 0) for lap in laps)
        seconds = sum(float(lap.findtext(f"{TCX_NS}TotalTimeSeconds") or 0) for lap in laps)
    except ValueError as exc:
        raise ImportFailed(f"a TCX lap total is not a number or time ({exc}); export it again") from exc
    note = ""
    if _disagree(distance, track.metres):  # not on time alone: a pause makes the points' span longer
        note = (
            f"its laps add up to {distance / 1000:.2f} km / {seconds / 60:.1f} min but its own "
            f"trackpoints to {track.metres / 1000:.2f} km / {track.seconds / 60:.1f} min: the "
            "trackpoints were taken"
        )
        distance, seconds = track.metres, track.seconds or seconds
    notes = activity.findtext(f"{TCX_NS}Notes") or ""
    found = session_of(
        start, activity.get("Sport") or "", distance, seconds, "tcx", notes.strip(),
        profile=track.speeds.profile(),
    )  # fmt: skip
    if note:
        found.notes.append(f"{found.label}: {note}")
    return found


def _disagree(laps: float, points: float) -> bool:
    """Whether the laps' distance and the trackpoints' differ by more than ``AGREE`` (and
    ``AGREE_FLOOR_M``)."""
    if points <= 0:
        return False
    return abs(laps - points) > max(AGREE * max(laps, points), AGREE_FLOOR_M)
