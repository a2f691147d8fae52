"""Sessions: the training log as a table; add, edit, delete (with confirmation), filter.

The add/edit form is the session questionnaire (screens/session.toml), so its questions,
ranges and help are data like every other questionnaire's; the store's own validation
(prehab.store.validate_session) runs last, so the CLI and the app accept the same rows.

Notes and names come from imports as much as from the keyboard: the table shows them as
plain text (VimTable never reads markup) and messages quoting them are not markup either.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static

from prehab.facts.units import format_distance
from prehab.questionnaire import (
    Screen as Questionnaire,
)
from prehab.questionnaire import (
    answers_for_display,
    session_answers,
    session_from_answers,
    validate,
)
from prehab.safe.text import clean_text, plain
from prehab.store import Session, validate_session
from prehab.tui.faults import reports_faults
from prehab.tui.form import QuestionForm
from prehab.tui.screens.base import PrehabScreen
from prehab.tui.screens.modals import ConfirmScreen
from prehab.tui.table import VimTable
from prehab.tui.widgets import StillInput


class SessionForm(ModalScreen[Session | None]):
    """Add or edit one session; dismisses with the valid session, or None on cancel.

    Esc on a form with typed answers asks before throwing them away, and so does quitting.
    An edited session keeps its stored distance and duration unless those fields are changed
    (the form shows them rounded, and rounding is not an edit).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, questionnaire: Questionnaire, units: str, base: Session | None, today_iso: str
    ) -> None:
        super().__init__(classes="modal")
        self.questionnaire = questionnaire
        self.units = units
        self.base = base
        self.today_iso = today_iso

    def compose(self) -> ComposeResult:
        values = (
            answers_for_display(
                self.questionnaire, session_answers(self.questionnaire, self.base), self.units
            )
            if self.base
            else {"date": "today"}
        )
        title = "Edit session" if self.base else "Add a session"
        with Vertical(classes="dialog wide"):
            yield Static(Text(title, style="bold"), classes="dialog-title")
            yield QuestionForm(self.questionnaire, units=self.units, values=values, id="session-form")
            yield Static("", id="session-problems", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="session-save", compact=True)
                yield Button("Cancel (Esc)", id="session-cancel", compact=True)

    def _keep_unchanged(self, form: QuestionForm, session: Session, base: Session) -> None:
        """Fields shown rounded and not touched keep the stored value (14.372 km stays)."""
        raw = form.raw_answers()
        for q in self.questionnaire.questions:
            if q.target is None or raw.get(q.id) != form.baseline.get(q.id):
                continue
            if q.target.field == "distance_km":
                session.distance_km = base.distance_km
            elif q.target.field == "duration_min":
                session.duration_min = base.duration_min

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "session-save":
            self.action_save()
        else:
            self.action_cancel()

    def unsaved(self) -> list[str]:
        form = self.query(QuestionForm)
        if form and form.first(QuestionForm).changed:
            return ["the session being edited" if self.base else "the session being added"]
        return []

    def action_cancel(self) -> None:
        if not self.unsaved():
            self.dismiss(None)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        what = "this session's changes" if self.base else "this session"
        self.app.push_screen(ConfirmScreen(f"Throw away {what}? Nothing is saved.", yes="Discard"), answer)

    @reports_faults
    def action_save(self) -> None:
        from datetime import date

        form = self.query_one(QuestionForm)
        today = date.fromisoformat(self.today_iso)
        checked = validate(self.questionnaire, form.raw_answers(), units=self.units, today=today)
        form.show_errors(checked.errors)
        problems = self.query_one("#session-problems", Static)
        if not checked.ok:
            problems.update("")
            return
        session = session_from_answers(self.questionnaire, checked.answers, today=today, base=self.base)
        if self.base is not None:
            self._keep_unchanged(form, session, self.base)
        found = validate_session(session)
        problems.update(plain("\n".join(f"! {p}" for p in found)))
        if not found:
            self.dismiss(session)


def _minutes(value: float) -> str:
    """Whole minutes in the table (78.12 min is 78): the form and the export keep the rest."""
    return str(int(value + 0.5)) if value >= 1 else f"{value:.1f}"  # half up: 82.5 is 83


class SessionsScreen(PrehabScreen):
    MODE = "sessions"
    HELP = """\
## Sessions

Your training log, newest first. Distances in your units (settings `units`).

* **a** adds a session, **e** or **Enter** edits the selected one, **d** deletes it (after
  you confirm); **u** then restores the last one deleted (so does **z** on Today).
* **/** filters: type words that must all appear in the row (a kind, a date like
  `2026-11`, a surface, a note). **Esc** leaves the filter.
* Imports (`prehab import ...`) land here too.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("u", "undo", "Undo"),
        Binding("slash", "filter", "Filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Session] = {}
        self.open_form: SessionForm | None = None
        """The add/edit form while it is open (its answers count as unsaved)."""
        self.deleted: list[tuple[int, str]] = []
        """(id, label) of the sessions deleted here, the last one last: u restores it."""

    def body(self) -> ComposeResult:
        yield StillInput(
            placeholder="/ filter: kind, date, surface, notes", id="sessions-filter", compact=True
        )
        table = VimTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="sessions-summary")

    def on_mount(self) -> None:
        table = self.query_one("#sessions-table", DataTable)
        table.add_columns("Date", "Kind", "Distance", "Min", "RPE", "Surface", "Notes")
        super().on_mount()
        table.focus()

    def refresh_view(self) -> None:
        table = self.query_one("#sessions-table", DataTable)
        current = (
            table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        )
        table.clear()
        self.rows.clear()
        words = self.query_one("#sessions-filter", Input).value.lower().split()
        units = self.state.settings.units
        total = 0.0
        for s in self.state.sessions():
            cells = (
                s.date.isoformat(),
                s.kind,
                format_distance(s.distance_km, units) if s.distance_km else "",
                _minutes(s.duration_min) if s.duration_min else "",
                str(s.rpe) if s.rpe else "",
                s.surface or "",
                s.notes,
            )
            haystack = " ".join(cells).lower()
            if words and not all(w in haystack for w in words):
                continue
            key = str(s.id)
            self.rows[key] = s
            total += s.distance_km if s.is_run else 0
            table.add_row(*cells, key=key)
        if current in self.rows:
            table.move_cursor(row=table.get_row_index(current))
        shown = f"{len(self.rows)} session(s)"
        self.query_one("#sessions-summary", Static).update(
            Text(
                f"{shown}, {format_distance(total, units)} run" + (" (filtered)" if words else ""),
                style="dim",
            )
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "sessions-filter":
            self.refresh_view()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#sessions-table", DataTable).focus()

    def key_escape(self) -> None:
        self.query_one("#sessions-table", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def selected(self) -> Session | None:
        table = self.query_one("#sessions-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    def action_filter(self) -> None:
        self.query_one("#sessions-filter", Input).focus()

    def _form(self, base: Session | None) -> None:
        questionnaire = self.state.screens.screens.get("session")
        if questionnaire is None:
            self.notify("No session screen (screens/session.toml) is loaded.", severity="error")
            return

        def saved(session: Session | None) -> None:
            self.open_form = None
            if session is None:
                return
            session.notes = clean_text(session.notes)
            self.state.save_session(session)
            self.notify(f"Session {session.date.isoformat()} {session.kind} saved.", markup=False)

        units = self.state.settings.units
        self.open_form = SessionForm(questionnaire, units, base, self.state.today.isoformat())
        self.app.push_screen(self.open_form, saved)

    def unsaved(self) -> list[str]:
        form = self.open_form
        return [f"Sessions ({what})" for what in form.unsaved()] if form is not None else []

    def action_add(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        session = self.selected()
        if session is None:
            self.notify("No session selected.", severity="warning")
            return
        self._form(session)

    def action_delete(self) -> None:
        session = self.selected()
        if session is None or session.id is None:
            self.notify("No session selected.", severity="warning")
            return
        sid = session.id
        label = f"{session.date.isoformat()} {session.kind}"
        if session.distance_km:
            label += f" {format_distance(session.distance_km, self.state.settings.units)}"

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete(sid, label)
            else:
                self.notify("Nothing deleted.", timeout=2)

        self.app.push_screen(ConfirmScreen(f"Delete the session {label}? You can restore it with u."), answer)

    @reports_faults
    def _delete(self, sid: int, label: str) -> None:
        self.state.delete("session", sid)
        self.deleted.append((sid, label))
        self.notify(f"Deleted {label}: u restores it.", markup=False)

    @reports_faults
    def action_undo(self) -> None:
        """Restore the last session deleted here (the store keeps deleted records)."""
        if not self.deleted:
            self.notify("Nothing deleted here to restore; z on Today lists deleted records.", timeout=3)
            return
        sid, label = self.deleted.pop()
        if self.state.restore("session", sid):
            table = self.query_one("#sessions-table", DataTable)
            if str(sid) in self.rows:
                table.move_cursor(row=table.get_row_index(str(sid)))
            self.notify(f"Restored {label}.", markup=False)
        else:  # restored elsewhere already (the deleted records dialog, another session)
            self.notify(f"{label} is not deleted any more.", markup=False, timeout=3)
