"""How values go into and come out of the history's columns: JSON text, ISO times and days.

Every repository uses these, so a stored row reads the same way whichever module reads it,
and a value that does not parse (a row written by hand, a damaged file) comes back as "not
known" (None or an empty container) instead of stopping the read.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, TypeVar

_T = TypeVar("_T", dict, list)  # type: ignore[type-arg]


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
