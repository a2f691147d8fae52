"""The day's history: done marks (planned or extra work), what was really done, sessions, deletes.

Why apart from the day service: these commands only write a row and tell the subscribers; the
plan itself never changes for a tick (today's done marks are not inputs of the plan, see
``prehab.day.commit``). :class:`HistoryCommands` is a part of
:class:`prehab.day.service.DayService` (its only user).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from prehab.day.view import DayView, Decorations, Item
from prehab.rulebook import Rulebook
from prehab.store import Session, Store
from prehab.store.records import RecordKind
from prehab.workout.actual import Actual


class HistoryCommands:
    """The day service's commands on done work and sessions."""

    store: Store | None

    if TYPE_CHECKING:  # the day service's own

        @property
        def book(self) -> Rulebook | None: ...

        @property
        def today(self) -> date: ...

        def changed(self, what: set[str]) -> None: ...

        def read(self, day: date | None = None) -> tuple[DayView, Decorations]: ...

    def mark(self, item: Item, day: date | None = None, actual: Actual | None = None) -> None:
        """``item`` of the day's plan done, with its dose, kind, plane and regions, and what
        was really done (``actual``: the guided session, ``prehab done --reps --load``)."""
        from prehab.store.advicelog import mark_prescription

        assert self.store is not None and self.book is not None
        mark_prescription(
            self.store,
            day or self.today,
            item.prescription(),
            self.book.exercises.get(item.exercise),
            item.number,
            actual.to_json() if actual is not None else None,
        )
        self.changed({"done"})

    def actual_done(self, day: date | None = None) -> dict[str, Actual]:
        """What was really done of each exercise marked on ``day`` (only those recorded)."""
        assert self.store is not None
        when = day or self.today
        found = {
            d.exercise: Actual.from_json(d.actual) for d in self.store.done_items(when, when, with_rpe=False)
        }
        return {k: v for k, v in found.items() if not v.empty}

    def unmark(self, exercise: str, day: date | None = None) -> bool:
        assert self.store is not None
        changed = self.store.unmark_done(day or self.today, exercise)
        self.changed({"done"})
        return changed

    def toggle(self, item: Item) -> bool:
        """Mark or unmark ``item`` today; the new state."""
        if item.exercise in self.read()[1].done:
            self.unmark(item.exercise)
            return False
        self.mark(item)
        return True

    def mark_extra(self, exercise: str, day: date | None = None, actual: Actual | None = None) -> Item:
        """Work the plan did not give, done on purpose (the catalogue's dose, or ``actual``)."""
        from prehab.store.advicelog import mark_prescription

        assert self.store is not None and self.book is not None
        ex = self.book.exercises[exercise]
        item = Item(0, ex.id, ex.name, ex.kind, dict(ex.dose), ex.minutes)
        recorded = actual.to_json() if actual is not None else None
        mark_prescription(self.store, day or self.today, item.prescription(), ex, None, recorded)
        self.changed({"done"})
        return item

    def sessions(self) -> list[Session]:
        return self.store.sessions() if self.store else []

    def save_session(self, session: Session) -> None:
        assert self.store is not None
        if session.id is None:
            self.store.add_session(session)
        else:
            self.store.update_session(session)
        self.changed({"history"})

    def delete(self, kind: RecordKind, record: int) -> bool:
        assert self.store is not None
        done = self.store.delete(kind, record)
        self.changed({"history"})
        return done

    def restore(self, kind: RecordKind, record: int) -> bool:
        assert self.store is not None
        done = self.store.restore(kind, record)
        self.changed({"history"})
        return done
