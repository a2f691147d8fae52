"""The session screen (``saves = "session"``): its answers as a log entry, and back.

The Sessions form is a questionnaire like any other, so its questions, ranges and help are data;
these two functions map its ``session`` fact to a :class:`prehab.store.records.Session` (adding
or editing one) and a stored session to the answers that pre-fill the edit form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from prehab.questionnaire.facts import to_facts
from prehab.questionnaire.model import Screen

if TYPE_CHECKING:
    from prehab.store.records import Session

_SESSION_FIELDS = {
    "type": "kind",
    "distance_km": "distance_km",
    "duration_min": "duration_min",
    "rpe": "rpe",
    "surface": "surface",
    "cross_plane": "cross_plane",
}


def session_from_answers(
    screen: Screen, answers: Mapping[str, Any], *, today: date, base: Session | None = None
) -> Session:
    """The log entry a session screen's validated answers describe (``base`` keeps id/source)."""
    from prehab.store.records import Session

    fact = next((f for f in to_facts(screen, answers, today=today) if f["fact"] == "session"), {})
    session = Session(date=today - timedelta(days=int(fact.get("days_ago", 0))), kind=str(fact.get("type")))
    for fname, attr in _SESSION_FIELDS.items():
        if fname in fact and fname != "type":
            setattr(session, attr, fact[fname])
    if isinstance(session.rpe, float):
        session.rpe = int(session.rpe)
    notes = [answers[q.id] for q in screen.questions if q.target is None and q.id in answers]
    session.notes = " ".join(str(n) for n in notes)
    if base is not None:
        session.id, session.source, session.external_id = base.id, base.source, base.external_id
    return session


def session_answers(screen: Screen, session: Session) -> dict[str, Any]:
    """A stored session as a session screen's answers (to pre-fill the edit form)."""
    values: dict[str, Any] = {
        "type": session.kind,
        "distance_km": session.distance_km or None,
        "duration_min": session.duration_min,
        "rpe": session.rpe,
        "surface": session.surface,
        "cross_plane": session.cross_plane or None,
    }
    out: dict[str, Any] = {}
    for q in screen.questions:
        if q.target is None:
            if q.kind == "text" and session.notes:
                out[q.id] = session.notes
            continue
        if q.target.fact != "session":
            continue
        if q.target.field == "days_ago":
            out[q.id] = session.date
        elif values.get(q.target.field) is not None:
            out[q.id] = values[q.target.field]
    return out
