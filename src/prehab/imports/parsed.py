"""What every activity parser shares: the ``Found`` it gives, the session it builds, and legs.

Each activity is identified by its start time (``start:<UTC ISO time>``), not by the file's
name or bytes: the same run exported as GPX from one place and FIT from another, or exported
twice, is then one session. Dates are the local calendar date of the start.

A file can hold several sessions (a triathlon's legs in one FIT, several ``<Activity>`` in one
TCX). Each leg is judged on its own: one too short to be a session (a 0.76 s transition) is
skipped with a note and never costs the others (:func:`keep_legs`). A whole file was once
refused over one such transition, losing an Ironman's 180 km ride and 42 km run.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from prehab.facts.dates import start_problem
from prehab.imports.errors import ImportFailed, LegSkipped
from prehab.imports.kinds import normalise
from prehab.imports.limits import Readable
from prehab.imports.mapping import Profile, decide
from prehab.record import Record, field
from prehab.store.records import RUN_KINDS, Session

MIN_SECONDS = 60
"""An activity shorter than this is a recording started by mistake (or a multisport
transition), not a session."""


class Found(Record):
    """One activity read from a file or a CSV row: the session, how its kind was decided
    (``mapping.Kind.how``, shown by ``prehab history``) and what to call it in a message."""

    session: Session
    how: str
    label: str
    """ "the ride 'Midsummer 474' of 2023-06-22"."""
    where: str = ""
    """Where it came from when that is more than the file: "activities.csv row 7"."""
    notes: list[str] = field(default_factory=list)
    """What the import did that a person should know but that lost nothing of this session:
    a leg of the same file skipped, lap totals replaced by the trackpoints. Listed by the
    report under the file's name (``report.summary``)."""


def start_id(start: datetime) -> str:
    """The id of an activity in any format: when it started, in UTC to the second."""
    return "start:" + start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(start: datetime) -> datetime:
    return start.astimezone() if start.tzinfo else start.replace(tzinfo=UTC).astimezone()


def describe(activity: str, name: str, when: datetime | None = None) -> str:
    """ "the running 'Tempo 2x5k'" (and " of 2024-01-16" given ``when``): what a message calls
    an activity."""
    what = activity.strip().lower() or "activity"
    if name:
        what += f" {name!r}"
    return f"the {what}" + (f" of {when.date().isoformat()}" if when is not None else "")


def session_of(
    start: datetime,
    activity: str,
    distance_m: float,
    seconds: float | None,
    source: str,
    name: str = "",
    sub: str = "",
    profile: Profile | None = None,
) -> Found:
    """The session of one activity (or leg), its kind decided from every signal it has
    (``mapping.decide``); raises LegSkipped when it is too short or empty to be a session."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)  # GPX, TCX and FIT times are UTC
    problem = start_problem(start)  # before any conversion: year 1 in local time can overflow
    if problem:
        raise ImportFailed(f"{describe(activity, name)} {problem}; nothing of this file was imported")
    label = describe(activity, name, local_date(start))
    if seconds is not None and 0 < seconds < MIN_SECONDS:
        transition = "transition" in normalise(activity + sub)
        why = "a transition between legs" if transition else "a recording started by mistake?"
        raise LegSkipped(
            f"{label} lasts {seconds:g} s ({max(distance_m, 0):.0f} m): too short to be a session "
            f"({why}); nothing of this file was imported"
        )
    metres = max(distance_m, 0.0)
    found = decide(activity, name, sub, metres / 1000, seconds, profile)
    if found.kind in RUN_KINDS and metres == 0 and not seconds:
        raise LegSkipped(f"{label} has no distance and no duration: nothing to import")
    session = Session(
        date=local_date(start).date(),
        kind=found.kind,
        distance_km=round(metres / 1000, 3),
        duration_min=round(seconds / 60, 1) if seconds else None,
        surface=found.surface,
        notes=name,
        source=source,
        external_id=start_id(start),
    )
    return Found(session, found.how, label)


LEG_TAIL = "; nothing of this file was imported"


def keep_legs(legs: Iterable[Found | LegSkipped]) -> list[Found]:
    """The sessions of a file of several legs, each skipped leg noted on the first kept one
    by its place in the file ("leg 2 of 5 skipped: ...").

    Only when no leg is a session is the file refused, with the first leg's reason.
    """
    kept: list[Found] = []
    skipped: list[tuple[int, LegSkipped]] = []
    total = 0
    for total, one in enumerate(legs, start=1):
        if isinstance(one, LegSkipped):
            skipped.append((total, one))
        else:
            kept.append(one)
    if not kept:
        if skipped:
            raise skipped[0][1]
        return kept
    for place, reason in skipped:
        text = str(reason).split(LEG_TAIL)[0].removesuffix(": nothing to import")
        kept[0].notes.append(
            f"leg {place} of {total} skipped: {text}; the file's other {len(kept)} "
            f"session{'s' * (len(kept) != 1)} imported"
        )
    return kept


def leg(make: Callable[[], Found]) -> Found | LegSkipped:
    """``make()``, or the reason it is not a session (for :func:`keep_legs`)."""
    try:
        return make()
    except LegSkipped as exc:
        return exc


Source = bytes | Readable
"""What the parsers read: the whole file, or a stream of it."""


def xml_stream(data: Source) -> Readable:
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
