"""The whole store as TOML or CSV: the runner's data, readable without prehab.

TOML holds everything (sessions, check-ins, done work, the advice log, the profile, episodes
with their story, responses, and deleted records with their ``deleted_at`` so a restore keeps
them restorable); CSV holds the sessions that are not
deleted, one per row, for spreadsheets. Distances are kilometres in both (the unit is in the
column/key name).

From a damaged history (``Store.damaged``, or a read that meets a bad page) the export holds
every row that can still be read (the reads run on a copy of what can be read, ``Store.query``);
``Store.lost_rows`` then says how many could not be, so the command can say so.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import tomli_w

from prehab.record import Record, field
from prehab.safe.text import as_text, clean_text
from prehab.store.db import Store, StoreDamaged
from prehab.store.done import DoneRow, done_rows
from prehab.store.records import AdviceRecord, Checkin, Episode, EpisodeUpdate, Profile, Response, Session
from prehab.store.schema import LATEST_VERSION

CSV_COLUMNS = (
    "id", "date", "kind", "distance_km", "duration_min", "rpe", "surface", "cross_plane",
    "notes", "source", "external_id",
)  # fmt: skip


def encodable(value: Any) -> Any:
    """``value`` with every lone surrogate in its text (a value that is not text, stored before
    prehab refused them) shown as U+FFFD, recursively: an export must always be writable."""
    if isinstance(value, str):
        return as_text(value)
    if isinstance(value, dict):
        return {encodable(k): encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encodable(v) for v in value]
    return value


def _without_none(value: Any) -> Any:
    """TOML has no null: drop None from tables and lists, recursively."""
    if isinstance(value, dict):
        return {str(k): _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value if v is not None]
    return value


class Contents(Record):
    """Everything stored, oldest first, deleted records included."""

    sessions: list[Session]
    checkins: list[Checkin]
    done: list[DoneRow]
    advice: list[AdviceRecord]
    version: int
    profile: Profile | None = None
    episodes: list[Episode] = field(default_factory=list)
    stories: dict[int, list[EpisodeUpdate]] = field(default_factory=dict)
    responses: list[Response] = field(default_factory=list)
    unreadable: list[dict[str, Any]] = field(default_factory=list)


def contents(store: Store) -> Contents:
    """Sessions, check-ins, done work and stored plans (oldest first, deleted ones too) and the
    schema version. From a damaged file the reads fall back to every row that can be read
    (``store.lost_rows`` counts the rest)."""
    sessions = store.sessions(include_deleted=True)
    checkins = store.checkins(limit=1_000_000, include_deleted=True)
    done = done_rows(store, include_deleted=True)
    advice = store.advice_log()
    try:
        version = store.schema_version()
    except StoreDamaged:
        version = LATEST_VERSION
    from prehab.store.episodes import episodes, updates
    from prehab.store.profile import load_profile
    from prehab.store.responses import responses

    found = Contents(
        list(reversed(sessions)), list(reversed(checkins)), done, list(reversed(advice)), version
    )
    found.profile = load_profile(store)
    found.episodes = list(reversed(episodes(store, include_deleted=True)))
    found.stories = {e.id: updates(store, e.id) for e in found.episodes}
    found.responses = responses(store, date.min, date.max)
    found.unreadable = unreadable_rows(store)
    return found


def unreadable_rows(store: Store) -> list[dict[str, Any]]:
    """Every row the reads above met that does not parse, with all its columns as written (text),
    so the export loses nothing: the runner can mend them and import the file."""
    out: list[dict[str, Any]] = []
    for (table, row_id), bad in sorted(store.unreadable.items()):
        found = store.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        names = [r[1] for r in store.query(f"PRAGMA table_info({table})")]
        values = (
            {n: ("" if v is None else str(v)) for n, v in zip(names, found[0], strict=False)} if found else {}
        )
        text = {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in values.items()}
        out.append({"table": table, "id": row_id, "column": bad.column, "raw": bad.raw, "row": text})
    return out


def _session_row(s: Session) -> dict[str, Any]:
    row = s.record()
    row["deleted_at"] = s.deleted_at
    return row


def _done_row(d: DoneRow) -> dict[str, Any]:
    row: dict[str, Any] = {"day": d.day, "exercise": d.exercise, "rule_ids": list(d.rule_ids)}
    extra: dict[str, Any] = {
        "kind": d.kind, "dose": d.dose, "plane": d.plane, "loads": list(d.loads), "minutes": d.minutes,
        "marked_at": d.marked_at, "deleted_at": d.deleted_at, "actual": d.actual,
    }  # fmt: skip
    row.update({k: v for k, v in extra.items() if v not in (None, "", {}, [])})
    return row


def export_toml(store: Store) -> str:
    found = contents(store)
    data: dict[str, Any] = {
        "exported_at": datetime.now(UTC).replace(microsecond=0),
        "schema_version": found.version,
        "session": [_session_row(s) for s in found.sessions],
        "checkin": [
            {
                "id": c.id,
                "taken_at": c.taken_at,
                "answers": c.answers,
                "facts": c.facts,
                "deleted_at": c.deleted_at,
            }
            for c in found.checkins
        ],
        "done": [_done_row(d) for d in found.done],
        "advice": [
            {
                "day": a.day,
                "computed_at": a.computed_at,
                "fingerprint": a.fingerprint,
                "items": a.items,
                "rule_ids": a.rule_ids,
                "held": a.held,
            }
            for a in found.advice
        ],  # fmt: skip
        "episode": [
            {
                "id": e.id,
                "kind": e.kind,
                "subject": e.subject,
                "fact": e.fact,
                "opened_on": e.opened_on,
                "updated_on": e.updated_on,
                "trend": e.trend,
                "closed_on": e.closed_on,
                "close_reason": e.close_reason,
                "deleted_at": e.deleted_at,
                "story": [{"day": u.day, "at": u.at, "what": u.what} for u in found.stories.get(e.id, [])],
            }
            for e in found.episodes
        ],  # fmt: skip
        "response": [
            {
                "work_day": r.work_day,
                "region": r.region,
                "rpe": r.rpe,
                "pain_during": r.pain_during,
                "next_morning": r.next_morning,
                "answered_at": r.answered_at,
            }
            for r in found.responses
        ],  # fmt: skip
    }
    if found.unreadable:
        data["unreadable"] = found.unreadable
    if found.profile is not None:
        data["profile"] = {
            "answers": found.profile.answers, "facts": found.profile.facts,
            "skipped": found.profile.skipped, "updated_at": found.profile.updated_at,
        }  # fmt: skip
    return tomli_w.dumps(_without_none(encodable(data)))


def export_csv(store: Store) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in contents(store).sessions:
        if s.deleted_at is not None:
            continue
        writer.writerow(
            [
                s.id, s.date.isoformat(), clean_text(s.kind), s.distance_km,
                "" if s.duration_min is None else s.duration_min,
                "" if s.rpe is None else s.rpe, clean_text(s.surface or ""), int(s.cross_plane),
                clean_text(s.notes), clean_text(s.source), clean_text(s.external_id or ""),
            ]
        )  # fmt: skip
    return out.getvalue()
