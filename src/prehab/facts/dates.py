"""Which session dates are believable: one rule for imports, ``prehab log`` and the metrics.

A device whose clock was never set writes its epoch as the start time: some GPX writers give
``0001-01-01T00:00:00Z``. Stored, such a row broke every later command that did date
arithmetic with it (``date(1, 1, 1) - timedelta(days=30)`` is an OverflowError), so the
imports and ``prehab log`` refuse it, and the metrics skip one that is already stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from prehab.store.records import Session

EARLIEST = date(1980, 1, 1)
"""No GPS watch, running app or training log prehab reads predates 1980; a session dated
before it is a clock that was never set (or a typo in the year), not a run."""

AHEAD = timedelta(days=1)
"""An activity file may start at most this far after now: time zones and a fast device clock
account for hours, not days; a start further ahead is a wrong clock."""


def start_problem(start: datetime, now: datetime | None = None) -> str | None:
    """Why an activity's start time cannot be right ("starts ..., before 1980-01-01: ..."), or None.

    ``start`` may be naive (taken as UTC, as GPX, TCX and FIT times are).
    """
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if start < datetime.combine(EARLIEST, time(), UTC):  # compared, not converted: no overflow
        return f"starts {_shown(start)}, before {EARLIEST.isoformat()}: the device clock was probably not set"
    now = now or datetime.now(UTC)
    if start > now + AHEAD:
        return f"starts {_shown(start)}, more than a day from now: the device clock was probably wrong"
    return None


def _shown(start: datetime) -> str:
    """The start as written in the file (converting 0001-01-01+05:00 to UTC would overflow)."""
    return start.isoformat(sep=" ", timespec="minutes")


def day_problem(day: date) -> str | None:
    """Why a session date typed by the user cannot be right (too early), or None."""
    if day < EARLIEST:
        return f"date: {day.isoformat()} is before {EARLIEST.isoformat()}; check the year"
    return None


def usable(sessions: Iterable[Session], today: date) -> list[Session]:
    """The sessions metrics can use for ``today``: dated from EARLIEST up to today.

    A row dated before EARLIEST can only be in the store from before the imports refused
    such dates (or from a hand edit); it is skipped rather than allowed to stop the app.
    """
    return [s for s in sessions if EARLIEST <= s.date <= today]
