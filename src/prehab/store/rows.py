"""How values go into and come out of the history's columns: JSON text, ISO times and days.

Every repository uses these, so a stored row reads the same way whichever module reads it,
and a value that does not parse (a row written by hand, a damaged file) comes back as "not
known" (None or an empty container) instead of stopping the read. A row that cannot be read
at all is left out of the reads and described (``Unreadable``), so the export keeps it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from prehab.record import Record

_T = TypeVar("_T", dict, list)  # type: ignore[type-arg]

ATHLETE_ID = 1
"""The one runner every row belongs to (the schema has room for more)."""
LIVE = "deleted_at IS NULL"
"""Every read leaves deleted rows out (they stay until restored; the export keeps them)."""


def dumps(value: Any) -> str:
    """JSON for a column: keys sorted (so equal values are equal text), dates as ISO text."""
    return json.dumps(value, default=_json_default, sort_keys=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in the history")


def loads_as(text: Any, kind: type[_T]) -> _T:
    """A JSON column read as ``kind`` (dict or list); an empty one when it is not that."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        value = None
    return value if isinstance(value, kind) else kind()


def when(text: Any) -> datetime | None:
    """A stored time (ISO text), or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def day(text: Any) -> date | None:
    """A stored day (YYYY-MM-DD), or None."""
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def now() -> str:
    return datetime.now(UTC).isoformat()


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive time is taken as local time)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The runner's calendar day of a stored time (stored in UTC, lived in local time)."""
    try:
        return moment.astimezone().date() if moment.tzinfo else moment.date()
    except OverflowError:  # a time at the very start or end of the calendar
        return moment.date()


def stamp(text: Any) -> datetime:
    """A stored time, or the earliest time there is when it cannot be read (sorts first)."""
    return when(text) or datetime.min.replace(tzinfo=UTC)


# -- a row that does not parse -------------------------------------------------------------


class Unreadable(Record, frozen=True):
    """A stored row with a value that does not parse: where it is and what it holds."""

    table: str
    id: int
    column: str
    raw: str

    def __str__(self) -> str:
        return f"{self.table} #{self.id}: {self.column} {self.raw!r} cannot be read"


_CHECKS: dict[str, tuple[tuple[int, str, Callable[[Any], object]], ...]] = {
    "sessions": ((1, "date", date.fromisoformat), (3, "distance_km", float), (4, "duration_min", float),
                 (5, "rpe", int)),
    "checkins": ((1, "taken_at", datetime.fromisoformat), (2, "answers", lambda v: _of(json.loads(v), dict)),
                 (3, "facts", lambda v: _of(json.loads(v), list))),
    "done": ((1, "day", date.fromisoformat), (3, "rule_ids", json.loads), (5, "dose", json.loads),
             (7, "loads", json.loads), (8, "minutes", float)),
}  # fmt: skip


def _of(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"not a JSON {kind.__name__}")
    return value


def unreadable_row(table: str, row: Sequence[Any]) -> Unreadable:
    """Which value of ``row`` does not parse, and what it holds."""
    for index, column, parse in _CHECKS.get(table, ()):
        value = row[index]
        if value is None and column in ("duration_min", "rpe", "minutes"):
            continue
        try:
            parse(value if not isinstance(value, bytes) else value.decode("utf-8", "replace"))
        except (TypeError, ValueError, OverflowError, RecursionError):
            return Unreadable(table, int(row[0]), column, str(value)[:80])
    return Unreadable(table, int(row[0]), "row", str(tuple(row))[:80])
