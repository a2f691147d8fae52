"""The committed day plan: one row a day (the advice log's row) holding the plan every surface
reads, the inputs it was planned on, and a row per re-plan saying what changed and why.

The plan itself is built by ``prehab.day``; here it is only kept and read back. ``inputs`` is
a digest of everything the plan was planned on (facts, settings, rulebook): the day service
re-plans only when that changes, so marking work done, opening another surface or a second
read never changes the plan.

The same rows read as the advice log (``advice_log``: each day's plan as advised, newest
first), which Trends, ``prehab history --advice`` and the export read. Reads go through
``Store.query``, so a damaged file is read by the same SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from prehab.record import Record, field
from prehab.store import rows
from prehab.store.records import AdviceRecord

if TYPE_CHECKING:
    from prehab.store.db import Store

ATHLETE_ID = 1
ADVICE_COLUMNS = "id, day, computed_at, fingerprint, items, rule_ids, held"


class Committed(Record):
    """A day's committed plan as stored."""

    record: AdviceRecord
    inputs: str
    view: dict[str, Any]
    """The whole day view as JSON (``prehab.day.view.DayView.to_json``); {} for a plan stored by
    a prehab from before committed plans (the advice log's items only)."""


class Replan(Record, frozen=True):
    """One re-plan of a day: when, what triggered it, and each item it added or removed."""

    day: date
    at: datetime
    trigger: str
    changes: list[dict[str, Any]] = field(default_factory=list, hash=False)


def committed(store: Store, day: date) -> Committed | None:
    """``day``'s committed plan, or None."""
    found = store.query(
        "SELECT id, day, computed_at, fingerprint, items, rule_ids, held, inputs, view FROM advice "
        "WHERE athlete_id = ? AND day = ?",
        (ATHLETE_ID, day.isoformat()),
    )
    if not found:
        return None
    r = found[0]
    when = rows.when(r[2])
    if when is None:
        return None
    record = AdviceRecord(
        day=day,
        computed_at=when,
        fingerprint=str(r[3] or ""),
        items=[i for i in rows.loads_as(r[4], list) if isinstance(i, dict)],
        rule_ids=[str(x) for x in rows.loads_as(r[5], list)],
        held=[h for h in rows.loads_as(r[6], list) if isinstance(h, dict)],
        id=int(r[0]),
    )
    return Committed(record, str(r[7] or ""), rows.loads_as(r[8], dict))


def commit_in(
    conn: sqlite3.Connection,
    record: AdviceRecord,
    inputs: str,
    view: dict[str, Any],
    replan: tuple[str, list[dict[str, Any]]] | None = None,
) -> None:
    """Keep ``record`` (and the whole ``view``) as its day's plan, planned on ``inputs``; with
    ``replan`` (trigger, changes) also record that the day was planned again."""
    conn.execute(
        "INSERT INTO advice (athlete_id, day, computed_at, fingerprint, items, rule_ids, held, inputs, view) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (athlete_id, day) DO UPDATE SET "
        "computed_at = excluded.computed_at, fingerprint = excluded.fingerprint, items = excluded.items, "
        "rule_ids = excluded.rule_ids, held = excluded.held, inputs = excluded.inputs, view = excluded.view",
        (
            ATHLETE_ID,
            record.day.isoformat(),
            rows.utc(record.computed_at).isoformat(),
            record.fingerprint,
            rows.dumps(record.items),
            rows.dumps(record.rule_ids),
            rows.dumps(record.held),
            inputs,
            rows.dumps(view),
        ),
    )
    if replan is not None:
        trigger, changes = replan
        conn.execute(
            "INSERT INTO replans (athlete_id, day, at, trigger, changes) VALUES (?, ?, ?, ?, ?)",
            (ATHLETE_ID, record.day.isoformat(), rows.now(), trigger, rows.dumps(changes)),
        )


def inputs_in(conn: sqlite3.Connection, day: date) -> str | None:
    """The inputs digest of ``day``'s committed plan, read inside a transaction (so two
    processes planning at once keep one plan: the second sees the first's)."""
    row = conn.execute(
        "SELECT inputs FROM advice WHERE athlete_id = ? AND day = ?", (ATHLETE_ID, day.isoformat())
    ).fetchone()
    return None if row is None else str(row[0] or "")


def replans(store: Store, day: date) -> list[Replan]:
    """``day``'s re-plans, oldest first."""
    found = store.query(
        "SELECT day, at, trigger, changes FROM replans WHERE athlete_id = ? AND day = ? ORDER BY id",
        (ATHLETE_ID, day.isoformat()),
    )
    out = []
    for r in found:
        d, at = rows.day(r[0]), rows.when(r[1])
        if d is not None and at is not None:
            out.append(
                Replan(d, at, str(r[2] or ""), [c for c in rows.loads_as(r[3], list) if isinstance(c, dict)])
            )
    return out


# -- the advice log ----------------------------------------------------------------------------


def log_advice(store: Store, record: AdviceRecord) -> bool:
    """Keep ``record`` as its day's plan (one per day): written when the day has none yet
    or the plan changed (items, doses, rules, the rulebook); True when written."""
    stored = advice(store, record.day)
    if stored is not None and _advice_key(stored) == _advice_key(record):
        return False
    with store.transaction() as conn:
        commit_in(conn, record, "", {})  # no inputs: the day service plans that day again
    return True


def advice(store: Store, day: date) -> AdviceRecord | None:
    """The plan stored for ``day``, if any."""
    found = advice_log(store, since=day, until=day)
    return found[0] if found else None


def last_advice_before(store: Store, day: date) -> AdviceRecord | None:
    """The latest plan stored for a day before ``day`` (what Today compares with)."""
    found = advice_log(store, until=day - timedelta(days=1), limit=1)
    return found[0] if found else None


def advice_log(
    store: Store, since: date | None = None, until: date | None = None, limit: int | None = None
) -> list[AdviceRecord]:
    """Stored plans from ``since`` to ``until`` (inclusive), newest first."""
    where = ["athlete_id = ?"]
    params: list[Any] = [ATHLETE_ID]
    if since is not None:
        where.append("day >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("day <= ?")
        params.append(until.isoformat())
    tail = "" if limit is None else f" LIMIT {int(limit)}"
    found = store.query(
        f"SELECT {ADVICE_COLUMNS} FROM advice WHERE {' AND '.join(where)} ORDER BY day DESC{tail}", params
    )
    out = []
    for r in found:
        try:
            out.append(_advice(r))
        except (TypeError, ValueError):
            continue  # a row written by hand that cannot be read: the rest still can
    return out


def _advice(row: Sequence[Any]) -> AdviceRecord:
    items, rules, held = json.loads(row[4]), json.loads(row[5]), json.loads(row[6])
    return AdviceRecord(
        day=date.fromisoformat(row[1]),
        computed_at=datetime.fromisoformat(row[2]),
        fingerprint=str(row[3]),
        items=[i for i in items if isinstance(i, dict)] if isinstance(items, list) else [],
        rule_ids=[str(r) for r in rules] if isinstance(rules, list) else [],
        held=[h for h in held if isinstance(h, dict)] if isinstance(held, list) else [],
        id=int(row[0]),
    )


def _advice_key(record: AdviceRecord) -> str:
    """What makes two stored plans the same plan (not when they were computed)."""
    return rows.dumps([record.fingerprint, record.items, sorted(record.rule_ids), record.held])
