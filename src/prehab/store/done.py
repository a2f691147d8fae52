"""Done work: the prehab exercises the runner marked done, one row per day and exercise.

A mark keeps the dose given that day (and, when the runner said so, what was really done),
the exercise's kind, plane and loaded regions, and its number in the day's committed plan, so
the history reads the same whatever the catalogue says later. Taking a mark back is a soft
delete: marking again (or ``restore``) brings it back with its first marked time. Reads go
through ``Store.query``, so a damaged file is read by the same SQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from prehab.record import Record, field
from prehab.store import rows, undo
from prehab.store.records import STRENGTH_SESSION_MINUTES, DoneItem
from prehab.store.rows import ATHLETE_ID, LIVE

if TYPE_CHECKING:
    from prehab.store.db import Store

COLUMNS = "id, day, exercise_id, rule_ids, kind, dose, plane, loads, minutes, marked_at, deleted_at, actual"


class DoneRow(Record, frozen=True):
    """One stored done mark as it is kept (the export's ``[[done]]``); :class:`DoneItem` is
    what the rest of prehab reads."""

    id: int
    day: date
    exercise: str
    rule_ids: tuple[str, ...]
    kind: str = ""
    dose: dict[str, Any] = field(default_factory=dict, hash=False)
    plane: str = ""
    loads: tuple[str, ...] = ()
    minutes: float | None = None
    marked_at: datetime | None = None
    deleted_at: datetime | None = None
    actual: dict[str, Any] = field(default_factory=dict, hash=False)
    """What was really done (``prehab.workout.actual.Actual``'s JSON; {}: the dose given)."""

    def item(self, rpe: int | None = None) -> DoneItem:
        return DoneItem(
            self.day, self.exercise, self.kind, dict(self.dose), rpe, self.plane, self.loads,
            self.minutes, self.rule_ids, self.id, dict(self.actual),
        )  # fmt: skip


# -- marking -----------------------------------------------------------------------------------


def mark_done(
    store: Store,
    day: date,
    exercise_id: str,
    rule_ids: Sequence[str],
    *,
    kind: str = "",
    dose: dict[str, Any] | None = None,
    plane: str = "",
    loads: Sequence[str] = (),
    minutes: float | None = None,
    item: int | None = None,
    actual: dict[str, Any] | None = None,
) -> int:
    """Record that ``exercise_id`` was done on ``day`` at ``dose`` (the dose given that day);
    ``item`` is its number in the day's committed plan (None: work the plan did not give).
    Marking twice keeps one record, and marking an unmarked item again restores it. What a
    caller leaves out (kind, dose, plane, what was actually done...) keeps its stored value.
    ``actual``: the dose really done (``prehab.workout.actual.Actual.to_json``). Returns
    the record's id."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO done (athlete_id, day, exercise_id, rule_ids, kind, dose, plane, loads, "
            "minutes, marked_at, item, actual) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (athlete_id, day, exercise_id) DO UPDATE SET "
            "rule_ids = excluded.rule_ids, "
            "kind = COALESCE(NULLIF(excluded.kind, ''), done.kind), "
            "dose = CASE WHEN excluded.dose = '{}' THEN done.dose ELSE excluded.dose END, "
            "plane = COALESCE(NULLIF(excluded.plane, ''), done.plane), "
            "loads = CASE WHEN excluded.loads = '[]' THEN done.loads ELSE excluded.loads END, "
            "minutes = COALESCE(excluded.minutes, done.minutes), "
            "item = COALESCE(excluded.item, done.item), "
            "actual = CASE WHEN excluded.actual = '{}' THEN done.actual ELSE excluded.actual END, "
            "marked_at = CASE WHEN done.deleted_at IS NULL THEN done.marked_at "
            "ELSE excluded.marked_at END, "
            "deleted_at = NULL",
            (
                ATHLETE_ID,
                day.isoformat(),
                exercise_id,
                json.dumps(list(rule_ids)),
                kind,
                rows.dumps(dose or {}),
                plane,
                json.dumps(list(loads)),
                None if minutes is None else float(minutes),
                rows.now(),
                item,
                rows.dumps(actual or {}),
            ),
        )
        row = conn.execute(
            "SELECT id FROM done WHERE athlete_id = ? AND day = ? AND exercise_id = ?",
            (ATHLETE_ID, day.isoformat(), exercise_id),
        ).fetchone()
    return int(row[0])


def unmark_done(store: Store, day: date, exercise_id: str) -> bool:
    """Take a done mark back (softly: marking it again, or ``restore``, brings it back)."""
    return undo.soft_delete(store, "done", "day = ? AND exercise_id = ?", (day.isoformat(), exercise_id))


# -- reading -----------------------------------------------------------------------------------


def done_on(store: Store, day: date) -> set[str]:
    found = store.query(
        f"SELECT exercise_id FROM done WHERE athlete_id = ? AND day = ? AND {LIVE}",
        (ATHLETE_ID, day.isoformat()),
    )
    return {r[0] for r in found}


def done_rows(store: Store, *, include_deleted: bool = True) -> list[DoneRow]:
    """Every done record with all it keeps, oldest first (the export; deleted ones too)."""
    live = "" if include_deleted else f" AND {LIVE}"
    found = store.query(
        f"SELECT {COLUMNS} FROM done WHERE athlete_id = ?{live} ORDER BY day, exercise_id", (ATHLETE_ID,)
    )
    return store.parsed("done", found, _done)


def done_records(store: Store) -> list[tuple[date, str, list[str]]]:
    """Every done record (day, exercise, rule ids), oldest first."""
    return [(d.day, d.exercise, list(d.rule_ids)) for d in done_rows(store) if d.deleted_at is None]


def done_items(
    store: Store, since: date, until: date | None = None, *, with_rpe: bool = True
) -> list[DoneItem]:
    """What the runner did from ``since`` to ``until`` (inclusive), oldest first, each with
    the dose given that day and the session RPE answered for that day's work (``rpe``, from
    the responses stored against that day; None when not answered, or not looked up
    ``with_rpe=False``)."""
    where = f"athlete_id = ? AND {LIVE} AND day >= ?"
    params: list[Any] = [ATHLETE_ID, since.isoformat()]
    if until is not None:
        where += " AND day <= ?"
        params.append(until.isoformat())
    found = store.parsed(
        "done",
        store.query(f"SELECT {COLUMNS} FROM done WHERE {where} ORDER BY day, exercise_id", params),
        _done,
    )
    if not found or not with_rpe:
        return [d.item() for d in found]
    from prehab.store.responses import responses, rpe_by_day

    rpe = rpe_by_day(responses(store, min(d.day for d in found), max(d.day for d in found)))
    return [d.item(rpe.get(d.day)) for d in found]


# -- per day -----------------------------------------------------------------------------------


def adherence(store: Store, since: date) -> dict[date, int]:
    """Exercises done per day from ``since`` on; days with nothing done are absent."""
    found = store.query(
        f"SELECT day, COUNT(*) FROM done WHERE athlete_id = ? AND day >= ? AND {LIVE} "
        "GROUP BY day ORDER BY day",
        (ATHLETE_ID, since.isoformat()),
    )
    return {when: int(r[1]) for r in found if (when := rows.day(r[0])) is not None}


def done_days(store: Store, until: date) -> dict[date, tuple[bool, bool, bool]]:
    """Per day up to ``until`` with done work: (a strength session: strength and plyometric
    items of ``STRENGTH_SESSION_MINUTES`` or more; any mobility item; any frontal, transverse
    or multi-plane item). One row a day, no JSON read: what the facts need to count done work
    as sessions (``facts.metrics.done_work`` gives the same from the items)."""
    found = store.query(
        "SELECT day, SUM(CASE WHEN kind IN ('strength', 'plyometric') THEN COALESCE(minutes, ?) "
        "ELSE 0 END) >= ?, MAX(kind = 'mobility'), MAX(plane IN ('frontal', 'transverse', 'multi')) "
        f"FROM done WHERE athlete_id = ? AND {LIVE} AND day <= ? GROUP BY day",
        (STRENGTH_SESSION_MINUTES, STRENGTH_SESSION_MINUTES, ATHLETE_ID, until.isoformat()),
    )
    return {when: (bool(r[1]), bool(r[2]), bool(r[3])) for r in found if (when := rows.day(r[0])) is not None}


def marked_days(store: Store, since: date, until: date) -> dict[date, datetime | None]:
    """Days from ``since`` to ``until`` with done work, and when each day's first item was
    marked (None for marks from before prehab kept the time)."""
    found = store.query(
        f"SELECT day, MIN(marked_at) FROM done WHERE athlete_id = ? AND {LIVE} "
        "AND day >= ? AND day <= ? GROUP BY day",
        (ATHLETE_ID, since.isoformat(), until.isoformat()),
    )
    return {when: rows.when(r[1]) for r in found if (when := rows.day(r[0])) is not None}


# -- one row -----------------------------------------------------------------------------------


def _done(row: Sequence[Any]) -> DoneRow:
    dose = json.loads(row[5] or "{}")
    loads = json.loads(row[7] or "[]")
    return DoneRow(
        id=int(row[0]),
        day=date.fromisoformat(row[1]),
        exercise=str(row[2]),
        rule_ids=tuple(str(r) for r in json.loads(row[3] or "[]")),
        kind=str(row[4] or ""),
        dose=dose if isinstance(dose, dict) else {},
        plane=str(row[6] or ""),
        loads=tuple(str(r) for r in loads) if isinstance(loads, list) else (),
        minutes=None if row[8] is None else float(row[8]),
        marked_at=rows.when(row[9]),
        deleted_at=rows.when(row[10]),
        actual=_object(row[11]),
    )


def _object(text: Any) -> dict[str, Any]:
    """A stored JSON object, or {} for anything else (``Actual.from_json`` checks its values)."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
