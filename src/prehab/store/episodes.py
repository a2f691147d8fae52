"""Episodes: a pain, warning sign, screening sign or named condition, open until closed.

A check-in's pain, symptom and injury facts are *reports*: the first report of a knee's pain
opens an episode, later reports update it (the latest answer to each field wins, so a sign
answered once stays until the runner answers "no"), a report that it is gone (pain 0 with no
sign, a screening sign answered "no") closes it. A follow-up answer (same, worse, better,
resolved) updates or closes it; two "better" answers in a row close it as better. Nothing
closes an episode by age: the day service asks about a stale one instead.

Every change is a row of ``episode_updates`` (the episode's story, ``prehab history
--episodes``). Writes happen inside the caller's transaction (``report_in``), so a check-in and
the episodes it opened are stored together or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from prehab.model import Fact
from prehab.record import Record
from prehab.store import rows
from prehab.store.records import Episode, EpisodeUpdate, episode_key, reported_state

if TYPE_CHECKING:
    from prehab.store.db import Store

ATHLETE_ID = 1
ANSWERS = ("same", "worse", "better", "resolved")
"""A follow-up's answers: still there (no change), worse, better (twice in a row closes it),
gone (closes it)."""
CLOSE_REASONS = ("resolved", "better", "deleted-checkin")
_COLUMNS = "id, kind, subject, fact, opened_on, updated_on, trend, closed_on, close_reason, deleted_at"


class Change(Record, frozen=True):
    """What one report or answer did to one episode."""

    episode: Episode
    what: str
    """opened, reported, resolved, same, worse, better, closed"""


def episodes(store: Store, *, include_closed: bool = True, include_deleted: bool = False) -> list[Episode]:
    """Every episode, newest first (open ones only without ``include_closed``)."""
    where = ["athlete_id = ?"]
    if not include_deleted:
        where.append("deleted_at IS NULL")
    if not include_closed:
        where.append("closed_on IS NULL")
    found = store.query(
        f"SELECT {_COLUMNS} FROM episodes WHERE {' AND '.join(where)} ORDER BY opened_on DESC, id DESC",
        (ATHLETE_ID,),
    )
    return [e for e in (_episode(r) for r in found) if e is not None]


def open_on(store: Store, day: date) -> list[Episode]:
    """The episodes open on ``day`` (reported by then, not closed before it), oldest first."""
    found = store.query(
        f"SELECT {_COLUMNS} FROM episodes WHERE athlete_id = ? AND deleted_at IS NULL "
        "AND opened_on <= ? AND (closed_on IS NULL OR closed_on > ?) ORDER BY opened_on, id",
        (ATHLETE_ID, day.isoformat(), day.isoformat()),
    )
    return [e for e in (_episode(r) for r in found) if e is not None]


def episode(store: Store, episode_id: int) -> Episode | None:
    found = store.query(
        f"SELECT {_COLUMNS} FROM episodes WHERE athlete_id = ? AND id = ?", (ATHLETE_ID, episode_id)
    )
    return _episode(found[0]) if found else None


def updates(store: Store, episode_id: int) -> list[EpisodeUpdate]:
    """An episode's story, oldest first."""
    found = store.query(
        "SELECT episode_id, day, at, what, fact, checkin_id FROM episode_updates WHERE episode_id = ? "
        "ORDER BY id",
        (episode_id,),
    )
    out = []
    for r in found:
        day, at = rows.day(r[1]), rows.when(r[2])
        if day is not None and at is not None:
            out.append(EpisodeUpdate(int(r[0]), day, at, str(r[3]), rows.loads_as(r[4], dict), r[5]))
    return out


def report_in(
    conn: sqlite3.Connection, facts: Iterable[Fact], day: date, checkin_id: int | None = None
) -> list[Change]:
    """Open, update or close the episodes ``facts`` report (inside the caller's transaction)."""
    out: list[Change] = []
    for fact in facts:
        key = episode_key(fact)
        state = reported_state(fact) if key else ""
        if key is None or not state:
            continue
        current = _open_episode(conn, *key)
        if current is None:
            if state == "resolved":
                continue  # "no numbness" with nothing open: nothing to record
            out.append(Change(_open(conn, key, fact, day, checkin_id), "opened"))
            continue
        merged = {**current.fact, **{k: v for k, v in fact.items() if v is not None}}
        if state == "resolved":
            _close(conn, current, day, "resolved", merged, checkin_id)
            out.append(Change(_reread(conn, current.id) or current, "resolved"))
            continue
        conn.execute(
            "UPDATE episodes SET fact = ?, updated_on = max(updated_on, ?), opened_on = min(opened_on, ?) "
            "WHERE id = ?",
            (rows.dumps(merged), day.isoformat(), day.isoformat(), current.id),
        )
        _note(conn, current.id, day, "reported", merged, checkin_id)
        out.append(Change(_reread(conn, current.id) or current, "reported"))
    return out


def answer_in(conn: sqlite3.Connection, episode_id: int, answer: str, day: date) -> Change:
    """A follow-up answer (``ANSWERS``) to an open episode; ValueError if it cannot be given."""
    if answer not in ANSWERS:
        raise ValueError(f"{answer!r} is not an answer; give one of {', '.join(ANSWERS)}")
    current = _reread(conn, episode_id)
    if current is None or not current.is_open:
        raise ValueError(f"episode {episode_id} is not open; `prehab history --episodes` lists them")
    if answer == "resolved" or (answer == "better" and current.trend == "better"):
        reason = "resolved" if answer == "resolved" else "better"
        _close(conn, current, day, reason, current.fact, None)
        return Change(_reread(conn, episode_id) or current, "closed" if reason == "better" else "resolved")
    conn.execute(
        "UPDATE episodes SET updated_on = ?, trend = ? WHERE id = ?", (day.isoformat(), answer, episode_id)
    )
    _note(conn, episode_id, day, answer, current.fact, None)
    return Change(_reread(conn, episode_id) or current, answer)


def close_in(conn: sqlite3.Connection, episode_id: int, day: date, reason: str = "resolved") -> Change:
    """Close an open episode now (the runner's choice); ValueError if it is not open."""
    current = _reread(conn, episode_id)
    if current is None or not current.is_open:
        raise ValueError(f"episode {episode_id} is not open; `prehab history --episodes` lists them")
    _close(conn, current, day, reason, current.fact, None)
    return Change(_reread(conn, episode_id) or current, "closed")


def delete_opened_by(conn: sqlite3.Connection, checkin_id: int, when: str) -> int:
    """A deleted check-in takes the episodes it opened with it (softly: restoring it brings
    them back, ``restore_opened_by``); how many went."""
    cur = conn.execute(
        "UPDATE episodes SET deleted_at = ? WHERE deleted_at IS NULL AND id IN "
        "(SELECT episode_id FROM episode_updates WHERE what = 'opened' AND checkin_id = ?)",
        (when, checkin_id),
    )
    return cur.rowcount


def restore_opened_by(conn: sqlite3.Connection, checkin_id: int) -> int:
    cur = conn.execute(
        "UPDATE episodes SET deleted_at = NULL WHERE deleted_at IS NOT NULL AND id IN "
        "(SELECT episode_id FROM episode_updates WHERE what = 'opened' AND checkin_id = ?)",
        (checkin_id,),
    )
    return cur.rowcount


# -- rows --------------------------------------------------------------------------------------


def _open_episode(conn: sqlite3.Connection, kind: str, subject: str) -> Episode | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM episodes WHERE athlete_id = ? AND kind = ? AND subject = ? "
        "AND closed_on IS NULL AND deleted_at IS NULL ORDER BY id DESC LIMIT 1",
        (ATHLETE_ID, kind, subject),
    ).fetchone()
    return _episode(row) if row else None


def _reread(conn: sqlite3.Connection, episode_id: int) -> Episode | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM episodes WHERE id = ?", (episode_id,)).fetchone()
    return _episode(row) if row else None


def _open(
    conn: sqlite3.Connection, key: tuple[str, str], fact: Fact, day: date, checkin_id: int | None
) -> Episode:
    cur = conn.execute(
        "INSERT INTO episodes (athlete_id, kind, subject, fact, opened_on, updated_on) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (ATHLETE_ID, key[0], key[1], rows.dumps(fact), day.isoformat(), day.isoformat()),
    )
    episode_id = int(cur.lastrowid or 0)
    _note(conn, episode_id, day, "opened", fact, checkin_id)
    found = _reread(conn, episode_id)
    assert found is not None
    return found


def _close(
    conn: sqlite3.Connection, current: Episode, day: date, reason: str, fact: Fact, checkin_id: int | None
) -> None:
    conn.execute(
        "UPDATE episodes SET fact = ?, updated_on = ?, closed_on = ?, close_reason = ? WHERE id = ?",
        (rows.dumps(fact), day.isoformat(), day.isoformat(), reason, current.id),
    )
    _note(conn, current.id, day, f"closed: {reason}", fact, checkin_id)


def _note(
    conn: sqlite3.Connection, episode_id: int, day: date, what: str, fact: Fact, checkin_id: int | None
) -> None:
    conn.execute(
        "INSERT INTO episode_updates (episode_id, day, at, what, fact, checkin_id) VALUES (?, ?, ?, ?, ?, ?)",
        (episode_id, day.isoformat(), rows.now(), what, rows.dumps(fact), checkin_id),
    )


def _episode(row: Sequence[Any]) -> Episode | None:
    """A stored episode; None for a row whose days cannot be read (shown as damaged elsewhere)."""
    opened, updated = rows.day(row[4]), rows.day(row[5])
    if opened is None or updated is None:
        return None
    fact = rows.loads_as(row[3], dict)
    kind, subject = str(row[1]), str(row[2])
    if not fact:
        fact = {"fact": kind}
    return Episode(
        id=int(row[0]),
        kind=kind,
        subject=subject,
        fact=fact,
        opened_on=opened,
        updated_on=updated,
        trend=str(row[6] or ""),
        closed_on=rows.day(row[7]),
        close_reason=str(row[8] or ""),
        deleted_at=rows.when(row[9]),
    )


def stale_days(episode: Episode, day: date) -> int:
    """Days since the episode was last reported or answered about."""
    return (day - episode.updated_on).days
