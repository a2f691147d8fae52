"""Check-ins from before episodes and responses, turned into them (once, when a history is
upgraded to schema 4, and when an older export is imported).

A check-in used to hold everything: pains and signs (now episodes) and the answers about the
last session (now responses, stored against the day of the work they answer). Replaying the
check-ins in order through the same repositories gives the episodes and responses a runner
would have had. An episode last reported more than ``IMPORT_OPEN_DAYS`` before the upgrade is
closed with a reason that says so (it is listed, not lost): a pain from last year would
otherwise hold today's plan until asked about.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from typing import Any

from prehab.store import rows
from prehab.store.episodes import report_in
from prehab.store.responses import record_in

IMPORT_OPEN_DAYS = 28
"""Episodes reported within this many days of the upgrade stay open (and are asked about)."""
WORK_LOOKBACK_DAYS = 14
IMPORT_CLOSE_REASON = "imported: last reported before prehab kept episodes"


def checkins_to_records(
    conn: sqlite3.Connection, ids: Collection[int] | None = None, today: date | None = None
) -> None:
    """Episodes and responses from the live check-ins (``ids``: only these), oldest first,
    inside the caller's transaction."""
    today = today or date.today()
    found = conn.execute(
        "SELECT id, taken_at, facts FROM checkins WHERE athlete_id = 1 AND deleted_at IS NULL "
        "ORDER BY taken_at, id"
    ).fetchall()
    for checkin_id, taken_text, facts_text in found:
        if ids is not None and checkin_id not in ids:
            continue
        taken = rows.when(taken_text)
        if taken is None:
            continue
        facts = [f for f in rows.loads_as(facts_text, list) if isinstance(f, dict)]
        record_checkin_in(conn, int(checkin_id), facts, taken)
    cutoff = (today - timedelta(days=IMPORT_OPEN_DAYS)).isoformat()
    conn.execute(
        "UPDATE episodes SET closed_on = updated_on, close_reason = ? "
        "WHERE closed_on IS NULL AND updated_on < ?",
        (IMPORT_CLOSE_REASON, cutoff),
    )


def record_checkin_in(
    conn: sqlite3.Connection, checkin_id: int, facts: list[dict[str, Any]], taken: datetime
) -> None:
    """What a check-in written whole (an old one, an import, a test) reports: the episodes its
    pain, sign and injury facts open or update, and its answers about the last session stored
    against the day of that work."""
    day = rows.local_day(taken)
    report_in(conn, facts, day, checkin_id)
    _responses(conn, facts, day, taken)


def _responses(conn: sqlite3.Connection, facts: list[dict[str, Any]], day: date, taken: datetime) -> None:
    effort = next((f for f in facts if f.get("fact") == "effort"), None)
    regions = {
        str(f["region"]): f for f in facts if f.get("fact") == "response" and isinstance(f.get("region"), str)
    }
    if effort is None and not regions:
        return
    ago = effort.get("days_ago") if effort else None
    if isinstance(ago, int) and not isinstance(ago, bool) and 0 <= ago <= 3650:
        work_day = day - timedelta(days=ago)
    else:
        work_day = _work_day_before(conn, day, taken) or day - timedelta(days=1)
    earlier = conn.execute(
        "SELECT MIN(answered_at) FROM responses WHERE athlete_id = 1 AND work_day = ? AND deleted_at IS NULL",
        (work_day.isoformat(),),
    ).fetchone()[0]
    first = rows.when(earlier)
    if first is not None and rows.local_day(first) < day:
        return  # answered on an earlier day already: a later day's answer is about later work
    rpe = effort.get("rpe") if effort else None
    good_rpe = rpe if isinstance(rpe, int) and not isinstance(rpe, bool) and 1 <= rpe <= 10 else None
    record_in(conn, work_day, good_rpe, regions, taken)


def _work_day_before(conn: sqlite3.Connection, day: date, taken: datetime) -> date | None:
    """The latest day of done work a check-in's answers were about (marked before it was taken)."""
    since = (day - timedelta(days=WORK_LOOKBACK_DAYS)).isoformat()
    found = conn.execute(
        "SELECT day, MIN(marked_at) FROM done WHERE athlete_id = 1 AND deleted_at IS NULL "
        "AND day >= ? AND day <= ? GROUP BY day ORDER BY day DESC",
        (since, day.isoformat()),
    ).fetchall()
    moment = taken.astimezone(UTC)
    for text, first in found:
        work = rows.day(text)
        marked = rows.when(first)
        if work is None:
            continue
        if work < day or marked is None or rows.utc(marked) <= moment:
            return work
    return None
