"""FIT files to sessions: each ``session`` message one session (a triathlon gives several legs).

Two ways to read the same values:

* **the fast path** (``fitwalk.summaries``): the file header, the definition messages and the
  session messages, walking the message stream without decoding the per-second ``record``
  messages (their sizes come from their definitions, so each is skipped in one step), the
  file's CRC checked over all of it. A FIT file's first import used to spend 98 % of its time
  in ``fitdecode`` decoding records that were then thrown away (about 2 s per MB);
* **the full decode** (``fitdecode``), taken only when the fast path cannot vouch for what it
  read: no session message (a recording that was never saved properly: the session is then
  built from the laps, or from the records; a session without its totals takes them from its
  laps), a damaged or cut-short file (so the refusal is
  fitdecode's), or anything the walk does not expect (an odd field size or base type, a
  start time relative to the device, a sport the profile does not name).

``tests/imports/test_import_fit.py`` holds the two to the same sessions on every FIT file the tests
have or make; ``bench/imports.py`` prints the fast path's time against a full fitdecode pass.

fitdecode's complaints about parts prehab does not read (a developer field whose definition is
missing, an odd field size) are ignored rather than printed as Python warnings with
site-packages paths; a damaged file (its CRC) is still refused.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from prehab.imports.errors import ImportFailed
from prehab.imports.parsed import Found, Source, keep_legs, leg, session_of
from prehab.record import Record

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
SYSTEM_TIME_LIMIT = 0x10000000
"""FIT times below this count seconds from the device's power-on, not a date."""


class Summary(Record, frozen=True):
    """One session's values as fitdecode gives them (names for enums, scaled numbers)."""

    start: datetime | None
    sport: str | None
    sub_sport: str | None
    distance_m: float | None
    timer_s: float | None
    elapsed_s: float | None
    note: str = ""
    """Set when the session was built from laps or records, not a session message."""


def parse_fit(data: Source) -> list[Found]:
    """The sessions of a FIT file: the fast path when it can vouch for them, else the full
    decode; raises ImportFailed with what the file is and what to do."""
    raw = data if isinstance(data, bytes) else data.read()
    _check_start(raw)
    from prehab.imports.fitwalk import summaries

    found = summaries(raw)  # None: the full decode decides
    return sessions(found if found is not None else decode_summaries(raw))


def parse_fit_full(data: bytes) -> list[Found]:
    """The sessions of a FIT file by the full decode alone (what the fast path is held to)."""
    _check_start(data)
    return sessions(decode_summaries(data))


DAMAGED = (
    "not a valid FIT file: damaged or cut short ({}); copy it from the device again, or export "
    "the activity again"
)


def _check_start(data: bytes) -> None:
    """Refuse what is plainly no FIT activity, or damaged, before either path reads it (a
    damaged file can make fitdecode fail in odd ways before it reaches the checksum)."""
    if not data:
        raise ImportFailed(
            "an empty FIT file (0 bytes): the watch or the copy did not finish writing it; copy "
            "it from the device again, or export the activity again"
        )
    if len(data) < 12 or data[0] not in (12, 14) or data[8:12] != b".FIT":
        raise ImportFailed(
            f"not a FIT file ({len(data):,} bytes with no FIT header): another kind of file "
            "named .fit, or one cut short; export the activity again as FIT, GPX or TCX"
        )
    from prehab.imports.fitwalk import damaged

    problem = damaged(data)
    if problem:
        raise ImportFailed(DAMAGED.format(problem))


def sessions(summaries: list[Summary]) -> list[Found]:
    """The sessions of a file's summaries, each leg on its own (``parsed.keep_legs``)."""
    if not summaries:
        raise ImportFailed(
            "this FIT file holds no activity (no session, lap or record messages): a settings, "
            "course, workout or health file rather than a recording; import the activity's own file"
        )
    return keep_legs(leg(partial(_found, s)) for s in summaries)


def _found(s: Summary) -> Found:
    if s.start is None:
        raise ImportFailed(
            "a FIT session has no start time (or one counted from the device's power-on); "
            "export the activity again as GPX or TCX"
        )
    sport = s.sport or "generic"  # no sport: not taken for a run
    seconds = s.timer_s or s.elapsed_s or None
    found = session_of(s.start, sport, float(s.distance_m or 0), seconds, "fit", sub=s.sub_sport or "")
    if s.note:
        found.notes.append(f"{found.label}: {s.note}")
    return found


def fit_time(raw: Any) -> datetime | None:
    """A FIT date_time as fitdecode gives it: a datetime, or None (invalid, or relative)."""
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    if isinstance(raw, int) and SYSTEM_TIME_LIMIT <= raw < 0xFFFFFFFF:
        return FIT_EPOCH + timedelta(seconds=raw)
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _name(value: Any) -> str | None:
    return None if value is None else str(value)


def decode_summaries(data: bytes) -> list[Summary]:
    """Every session of the file by fitdecode's full decode; without a session message, one
    built from its laps (summed) or else its records (first to last)."""
    import fitdecode

    found: list[Summary] = []
    laps: list[dict[str, Any]] = []
    first: datetime | None = None
    last: datetime | None = None
    metres = 0.0
    sport: str | None = None
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.IGNORE,
        ) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                name = frame.name
                if name == "record":
                    when = fit_time(frame.get_value("timestamp", fallback=None))
                    if when is not None:
                        first, last = first or when, when
                    metres = max(metres, _number(frame.get_value("distance", fallback=None)) or 0.0)
                elif name in ("session", "lap"):
                    values = {f: frame.get_value(f, fallback=None) for f in FIELDS}
                    if name == "lap":
                        laps.append(values)
                    else:
                        found.append(_summary(values))
                elif name == "sport" and sport is None:
                    sport = _name(frame.get_value("sport", fallback=None))
    except (fitdecode.FitError, TypeError, ValueError, OverflowError, KeyError, IndexError) as exc:
        raise ImportFailed(DAMAGED.format(exc)) from exc
    if found:
        return [_completed(s, laps, found) for s in found]
    if laps:
        return [_from_laps(laps, sport)]
    if first is not None and last is not None:
        span = (last - first).total_seconds()
        note = "no session summary in this FIT file (a recording not saved properly?): built from its records"
        return [Summary(first, sport, None, metres, span or None, None, note)]
    return []


FIELDS = ("start_time", "sport", "sub_sport", "total_distance", "total_timer_time", "total_elapsed_time")
"""The fields of a session (and lap) message prehab reads."""


def _summary(values: dict[str, Any]) -> Summary:
    return Summary(
        fit_time(values["start_time"]),
        _name(values["sport"]),
        _name(values["sub_sport"]),
        _number(values["total_distance"]),
        _number(values["total_timer_time"]),
        _number(values["total_elapsed_time"]),
    )


def _completed(session: Summary, laps: list[dict[str, Any]], found: list[Summary]) -> Summary:
    """A session whose summary lacks its distance or duration, completed from its own laps
    (those from its start to the next session's); any other session as it is."""
    if session.distance_m is not None and (session.timer_s is not None or session.elapsed_s is not None):
        return session
    if session.start is None:
        return session
    later = [s.start for s in found if s.start is not None and s.start > session.start]
    until = min(later) if later else None
    own = [
        lap for lap in laps
        if (when := fit_time(lap["start_time"])) is not None
        and when >= session.start and (until is None or when < until)
    ]  # fmt: skip
    if not own:
        return session
    summed = _from_laps(own, session.sport)
    return Summary(
        session.start,
        session.sport,
        session.sub_sport,
        session.distance_m if session.distance_m is not None else summed.distance_m,
        session.timer_s if session.timer_s is not None else summed.timer_s,
        session.elapsed_s if session.elapsed_s is not None else summed.elapsed_s,
        "its session summary has no distance or duration: they were taken from its laps",
    )


def _from_laps(laps: list[dict[str, Any]], sport: str | None) -> Summary:
    """One session from a file's laps, summed (a file whose session message is missing)."""
    first = _summary(laps[0])
    return Summary(
        first.start,
        sport or first.sport,
        first.sub_sport,
        sum(_number(lap["total_distance"]) or 0.0 for lap in laps),
        sum(_number(lap["total_timer_time"]) or 0.0 for lap in laps) or None,
        sum(_number(lap["total_elapsed_time"]) or 0.0 for lap in laps) or None,
        "no session summary in this FIT file (a recording not saved properly?): built from its laps",
    )
