"""GPX, TCX and FIT activity files to sessions.

Each activity is identified by its start time (``start:<UTC ISO time>``), not by the file's
name or bytes: the same run exported as GPX from one place and FIT from another, or exported
twice, is then one session. Dates are the local calendar date of the start.
"""

from __future__ import annotations

import gzip
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from prehab.imports.errors import ImportFailed
from prehab.imports.mapping import classify
from prehab.store.records import Session

ACTIVITY_SUFFIXES = (".gpx", ".tcx", ".fit")

TCX_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def activity_format(name: str) -> str | None:
    """ "gpx", "tcx" or "fit" for a file name (``.gz`` allowed), else None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix in ACTIVITY_SUFFIXES:
        if lower.endswith(suffix):
            return suffix[1:]
    return None


def parse_activity(name: str, data: bytes) -> list[Session]:
    """The sessions in one activity file; raises ImportFailed with the reason."""
    fmt = activity_format(name)
    if fmt is None:
        raise ImportFailed("not a GPX, TCX or FIT file (by its name)")
    if name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ImportFailed(f"the .gz is damaged ({exc})") from exc
    if fmt == "gpx":
        return [parse_gpx(data)]
    if fmt == "tcx":
        return parse_tcx(data)
    return parse_fit(data)


def start_id(start: datetime) -> str:
    """The id of an activity in any format: when it started, in UTC to the second."""
    return "start:" + start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local_date(start: datetime) -> datetime:
    return start.astimezone() if start.tzinfo else start.replace(tzinfo=UTC).astimezone()


def _session(
    start: datetime,
    activity: str,
    distance_m: float,
    seconds: float | None,
    source: str,
    name: str = "",
    sub: str = "",
) -> Session:
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)  # GPX, TCX and FIT times are UTC
    kind, surface = classify(activity, name, sub)
    return Session(
        date=_local_date(start).date(),
        kind=kind,
        distance_km=round(max(distance_m, 0.0) / 1000, 3),
        duration_min=round(seconds / 60, 1) if seconds else None,
        surface=surface,
        notes=name,
        source=source,
        external_id=start_id(start),
    )


def parse_gpx(data: bytes) -> Session:
    """One GPX file (all its tracks) as one session."""
    import gpxpy
    import gpxpy.gpx

    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace").lstrip())
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise ImportFailed(f"not valid GPX ({exc})") from exc
    bounds = gpx.get_time_bounds()
    if bounds.start_time is None:
        raise ImportFailed("the GPX track has no times, so its date is unknown")
    track = gpx.tracks[0] if gpx.tracks else None
    activity = (track.type if track and track.type else "") or "run"
    name = (track.name if track and track.name else "") or (gpx.name or "")
    return _session(
        bounds.start_time,
        activity,
        gpx.length_2d(),
        gpx.get_duration() or None,
        "gpx",
        name,
    )


def parse_tcx(data: bytes) -> list[Session]:
    """Each <Activity> of a TCX file as a session (laps summed)."""
    try:
        root = ET.fromstring(data.lstrip())  # Strava's TCX starts with spaces
    except ET.ParseError as exc:
        raise ImportFailed(f"not valid XML ({exc})") from exc
    activities = root.findall(f".//{TCX_NS}Activity")
    if not activities:
        raise ImportFailed("no <Activity> in this TCX file")
    out = []
    for activity in activities:
        laps = activity.findall(f"{TCX_NS}Lap")
        start_text = activity.findtext(f"{TCX_NS}Id") or (laps[0].get("StartTime") if laps else None)
        if not start_text:
            raise ImportFailed("a TCX activity has no start time")
        try:
            start = datetime.fromisoformat(start_text.strip().replace("Z", "+00:00"))
            distance = sum(float(lap.findtext(f"{TCX_NS}DistanceMeters") or 0) for lap in laps)
            seconds = sum(float(lap.findtext(f"{TCX_NS}TotalTimeSeconds") or 0) for lap in laps)
        except ValueError as exc:
            raise ImportFailed(f"a TCX value is not a number or time ({exc})") from exc
        notes = activity.findtext(f"{TCX_NS}Notes") or ""
        out.append(_session(start, activity.get("Sport") or "", distance, seconds, "tcx", notes.strip()))
    return out


def parse_fit(data: bytes) -> list[Session]:
    """Each ``session`` message of a FIT file as a session (a triathlon gives several)."""
    import fitdecode

    out = []
    try:
        # a wrong checksum means damaged data: refuse the file rather than store garbage
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA or frame.name != "session":
                    continue
                start = frame.get_value("start_time", fallback=None)
                if not isinstance(start, datetime):
                    raise ImportFailed("a FIT session has no start time")
                sport = frame.get_value("sport", fallback="")
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
