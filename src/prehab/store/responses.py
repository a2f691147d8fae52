"""Responses: how one day's work answered, stored against that day (the work it answers).

The response check-in asks, the day after prehab work or a hard run, how hard the session was
(RPE) and, per region, pain during and the next morning compared with before. Each answer is a
row keyed by (work day, region), so a later check-in never erases it: answering again for the
same day and region replaces it, another day's answers stand beside it. Progression reads the
RPE per day of work; the day's facts take each region's latest answer (``latest``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from prehab.store import rows
from prehab.store.records import Response

if TYPE_CHECKING:
    from prehab.store.db import Store

ATHLETE_ID = 1
_COLUMNS = "work_day, region, rpe, pain_during, next_morning, answered_at"


def record_in(
    conn: sqlite3.Connection,
    work_day: date,
    rpe: int | None,
    regions: Mapping[str, Mapping[str, Any]],
    at: datetime | None = None,
) -> int:
    """Keep the answers about ``work_day``: the session's ``rpe`` (when given) and, per region,
    ``pain_during`` and ``next_morning``. A field left blank keeps what was answered before for
    that day and region. Returns how many rows were written."""
    written = 0
    when = rows.utc(at).isoformat() if at is not None else rows.now()
    entries: list[tuple[str, int | None, Any, Any]] = []
    if rpe is not None:
        entries.append(("", rpe, None, None))
    for region, answers in regions.items():
        during, morning = answers.get("pain_during"), answers.get("next_morning")
        if during is not None or morning is not None:
            entries.append((region, None, during, morning))
    for region, value, during, morning in entries:
        conn.execute(
            f"INSERT INTO responses (athlete_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (athlete_id, work_day, region) DO UPDATE SET "
            "rpe = COALESCE(excluded.rpe, responses.rpe), "
            "pain_during = COALESCE(excluded.pain_during, responses.pain_during), "
            "next_morning = COALESCE(excluded.next_morning, responses.next_morning), "
            "answered_at = excluded.answered_at, deleted_at = NULL",
            (ATHLETE_ID, work_day.isoformat(), region, value, during, morning, when),
        )
        written += 1
    return written


def responses(store: Store, since: date, until: date) -> list[Response]:
    """Every answer about work from ``since`` to ``until`` (inclusive), oldest work first."""
    found = store.query(
        f"SELECT {_COLUMNS} FROM responses WHERE athlete_id = ? AND deleted_at IS NULL "
        "AND work_day >= ? AND work_day <= ? ORDER BY work_day, region",
        (ATHLETE_ID, since.isoformat(), until.isoformat()),
    )
    out = []
    for r in found:
        day = rows.day(r[0])
        if day is None:
            continue
        rpe = r[2] if isinstance(r[2], int) and not isinstance(r[2], bool) and 1 <= r[2] <= 10 else None
        out.append(Response(day, str(r[1] or ""), rpe, _choice(r[3]), _choice(r[4]), rows.when(r[5])))
    return out


def answered(store: Store, work_day: date) -> bool:
    """Whether anything was answered about ``work_day``."""
    found = store.query(
        "SELECT 1 FROM responses WHERE athlete_id = ? AND deleted_at IS NULL AND work_day = ? LIMIT 1",
        (ATHLETE_ID, work_day.isoformat()),
    )
    return bool(found)


def rpe_by_day(found: list[Response]) -> dict[date, int]:
    """The session RPE answered for each day of work."""
    return {r.work_day: r.rpe for r in found if not r.region and r.rpe is not None}


def latest(found: list[Response]) -> dict[str, Response]:
    """Each region's latest answer (by the day of the work it answers)."""
    out: dict[str, Response] = {}
    for r in sorted(found, key=lambda r: r.work_day):
        if r.region:
            out[r.region] = r
    return out


def _choice(value: Any) -> str | None:
    return value if value in ("better", "same", "worse") else None
