"""Reading what can still be read from a damaged history file, row by row.

A damaged page (``database disk image is malformed``) makes every query that touches it
fail, so a plain ``SELECT *`` of a table with one bad page returns nothing. Here a table's
rows are found another way: the row ids are collected from its indexes (whose pages are
elsewhere in the file) and by walking the table from both ends up to the bad pages; the
ids between are probed in ranges, halving a range that fails; then each row is read on its
own. A row whose page is gone is counted as lost, every other row is kept. ``prehab export``
uses this on a damaged history, so the export can be imported into a new, healthy file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from prehab.record import Record, field

MAX_PROBES = 200_000
"""Range queries spent looking for rows between the bad pages (each takes microseconds)."""


class Rescued(Record):
    """The rows of one table that could be read, by id, and how many known ids could not."""

    rows: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    lost: int = 0


def readable_rows(conn: sqlite3.Connection, table: str, columns: str) -> Rescued:
    """Every row of ``table`` (``columns`` must start with ``id``) that can be read."""
    out = Rescued()
    try:
        for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall():
            out.rows[int(row[0])] = tuple(row)
        return out
    except sqlite3.DatabaseError:
        out.rows.clear()
    ids: set[int] = set()
    for index in _indexes(conn, table):
        ids.update(_ids(conn, f"SELECT id FROM {table} INDEXED BY {index}"))
    ascending = list(_ids(conn, f"SELECT id FROM {table} ORDER BY id"))
    descending = list(_ids(conn, f"SELECT id FROM {table} ORDER BY id DESC"))
    ids.update(ascending, descending)
    low = ascending[-1] + 1 if ascending else 1
    high = descending[-1] - 1 if descending else max(ids, default=0)
    found: dict[int, tuple[Any, ...]] = {}
    if low <= high:
        _probe(conn, table, columns, low, high, found, [MAX_PROBES])
    for row_id in sorted(ids | set(found)):
        if row_id in found:
            out.rows[row_id] = found[row_id]
            continue
        try:
            row = conn.execute(f"SELECT {columns} FROM {table} WHERE id = ?", (row_id,)).fetchone()
        except sqlite3.DatabaseError:
            out.lost += 1
            continue
        if row is not None:
            out.rows[row_id] = tuple(row)
    return out


def _indexes(conn: sqlite3.Connection, table: str) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,)
        ).fetchall()
    except sqlite3.DatabaseError:
        return []
    return [str(r[0]) for r in rows if str(r[0]).replace("_", "").isalnum()]


def _ids(conn: sqlite3.Connection, sql: str) -> Iterator[int]:
    """The ids a query yields until it meets a bad page."""
    try:
        cursor = conn.execute(sql)
        while True:
            row = cursor.fetchone()
            if row is None:
                return
            yield int(row[0])
    except sqlite3.DatabaseError:
        return


def _probe(
    conn: sqlite3.Connection,
    table: str,
    columns: str,
    low: int,
    high: int,
    found: dict[int, tuple[Any, ...]],
    budget: list[int],
) -> None:
    """Rows with ids in [low, high]: a failing range is halved until single ids fail."""
    stack = [(low, high)]
    while stack and budget[0] > 0:
        lo, hi = stack.pop()
        budget[0] -= 1
        try:
            rows = conn.execute(
                f"SELECT {columns} FROM {table} WHERE id BETWEEN ? AND ?", (lo, hi)
            ).fetchall()
        except sqlite3.DatabaseError:
            if lo < hi:
                mid = (lo + hi) // 2
                stack.extend(((mid + 1, hi), (lo, mid)))
            continue
        for row in rows:
            found[int(row[0])] = tuple(row)
