"""A guided session in progress: where the runner was, kept after every set.

One row per day. The session screen writes it after each change (a set done, a skip, a pain
answer) and reads it back when ``g`` is pressed again, so a dropped SSH connection or a closed
terminal resumes at the same exercise and set. A row that cannot be read starts the session
afresh (the work already marked done stays done); ``finished`` rows are kept as the day's
session record (skips and their reasons).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from prehab.store import rows

if TYPE_CHECKING:
    from prehab.store.db import Store

ATHLETE_ID = 1


def load_workout(store: Store, day: date) -> tuple[dict[str, Any], bool] | None:
    """The session kept for ``day`` and whether it was finished, or None."""
    found = store.query(
        "SELECT state, finished FROM workouts WHERE athlete_id = ? AND day = ?", (ATHLETE_ID, day.isoformat())
    )
    if not found:
        return None
    return rows.loads_as(found[0][0], dict), bool(found[0][1])


def save_workout(store: Store, day: date, state: dict[str, Any], *, finished: bool = False) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO workouts (athlete_id, day, state, updated_at, finished) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (athlete_id, day) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at, finished = excluded.finished",
            (ATHLETE_ID, day.isoformat(), rows.dumps(state), datetime.now(UTC).isoformat(), int(finished)),
        )
