"""Check-in: one tab per questionnaire in screens/*.toml (saves = "checkin").

Saving saves every tab with changed answers at once (the runner fills the weekly check-in,
then the body map, then presses ctrl+s once). Every answer of those tabs is validated first:
an out-of-range answer is a message under its question, its tab is shown and nothing is
stored. Today's answers from the untouched tabs are kept; the check-in is stored,
re-evaluated and Today shown with the first new prescription selected. Answers typed but
not saved survive a redraw (another session's save, a rules reload), and quitting asks first.

Titles come from screens/*.toml and exercise names from the rule pack: tab titles and
messages show them as plain text, never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static, TabbedContent, TabPane

from prehab.facts.response import RESPONSE_SCREEN
from prehab.model import UserError
from prehab.questionnaire import Screen as Questionnaire
from prehab.questionnaire import Validated, answers_for_display, validate
from prehab.safe.text import clean_text
from prehab.tui.faults import reports_faults
from prehab.tui.form import QuestionForm
from prehab.tui.screens.base import PrehabScreen

NOT_DUE = "No Response check-in today: it asks the day after prehab work or a hard run."


class CheckinScreen(PrehabScreen):
    MODE = "checkin"
    HELP = """\
## Check-in

Questionnaires from `screens/*.toml`, one tab each. Leave blank what you don't know or
what feels fine; only answers become facts.

* **Tab** moves between questions; choices open with **Enter** and pick with the arrows.
* **ctrl+s** (or a Save button) saves **every tab you changed** at once. A wrong answer
  gets a message under its question, its tab is shown and **nothing is stored** until all
  are right.
* Saving keeps today's answers from the tabs you did not change, stores the check-in and
  opens Today with what changed. A tab with unsaved answers has a `*` after its title;
  quitting with unsaved answers asks first.
* **ctrl+l** takes back what you typed in the tab since it was last saved (saved answers stay:
  to remove one, empty its field and save). **[** and **]** switch tabs.
* The **Follow-up** tab shows when something you reported (a pain, a warning sign, an injury)
  has not been updated for 2 days: still there (same, worse), better, or resolved. The plan
  keeps holding it until you answer; better twice in a row, or resolved, closes it.
* The **Response** tab shows the day after prehab work or a hard run: how hard it was, and
  pain during and the next morning for the areas it loaded or that bothered you. The answers
  are kept with that day's work, so a later check-in never erases them.
* **Esc** leaves the form (then **1**-**7** switch screens again).

Add your own questions: copy a file from the shipped `screens/` into your config folder's
`screens/` (see `prehab paths`) and edit it; the format is in screens/README.md.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+l", "clear", "Revert"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", show=False),
        Binding("right_square_bracket", "tab(1)", "Next tab", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.wanted_tab: str | None = None
        """A tab to show once the tabs are built (the palette's "Check in: ...")."""
        self._built = False

    def body(self) -> ComposeResult:
        yield TabbedContent(id="checkin-tabs")

    def show_tab(self, screen_id: str) -> None:
        tabs = self.query_one("#checkin-tabs", TabbedContent)
        if tabs.query(f"#tab-{screen_id}"):
            tabs.active = f"tab-{screen_id}"
        else:  # after the tabs are (re)built, or not shown (the Response tab when not due)
            self.wanted_tab = f"tab-{screen_id}"
            self.call_later(self._show_wanted)

    def _show_wanted(self, fallback: str | None = None) -> None:
        """Show the wanted tab (else ``fallback``); say so if it is the Response tab, not due."""
        if not self._built:
            return  # the first build shows it
        tabs = self.query_one("#checkin-tabs", TabbedContent)
        wanted, self.wanted_tab = self.wanted_tab, None
        if wanted and tabs.query(f"#{wanted}"):
            tabs.active = wanted
            return
        if wanted == f"tab-{RESPONSE_SCREEN}":
            self.notify(NOT_DUE, timeout=4)
        if fallback and tabs.query(f"#{fallback}"):
            tabs.active = fallback

    def refresh_view(self) -> None:
        self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        tabs = self.query_one("#checkin-tabs", TabbedContent)
        active = tabs.active
        typed = {f.questionnaire.id: f.edits() for f in self.forms() if f.changed}
        await tabs.clear_panes()
        stored = self.state.todays_answers()
        units = self.state.settings.units
        for screen in self.shown_screens():
            values = answers_for_display(screen, stored.get(screen.id, {}), units)
            form = QuestionForm(screen, units=units, values=values, id=f"form-{screen.id}")
            pane = TabPane(
                Content(clean_text(screen.title)),
                Vertical(
                    form,
                    Horizontal(
                        Button("Save (ctrl+s)", variant="primary", id=f"save-{screen.id}", compact=True),
                        Static("", classes="saved-note", id=f"note-{screen.id}"),
                        classes="buttons",
                    ),
                ),
                id=f"tab-{screen.id}",
            )
            await tabs.add_pane(pane)
            if screen.id in stored:
                self.query_one(f"#note-{screen.id}", Static).update("answered today; saving replaces it")
            if screen.id in typed:  # unsaved answers outlive the redraw; the rest is as stored
                form.fill({**form.baseline, **typed[screen.id]})
                self._mark(form)
        self._built = True
        self._show_wanted(fallback=active)

    def shown_screens(self) -> list[Questionnaire]:
        """The check-in screens as shown today (``DayService.checkin_screens``): the follow-up
        questions when an episode is stale, the Response screen when due (cut to the regions it
        asks about), then the rest."""
        return self.state.checkin_screens()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._mark_around(event.input)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._mark_around(event.select)

    def _mark_around(self, widget: Widget) -> None:
        form = next((a for a in widget.ancestors if isinstance(a, QuestionForm)), None)
        if form is not None:
            self._mark(form)

    def _mark(self, form: QuestionForm) -> None:
        """A ``*`` after the tab's title while its answers are not saved."""
        screen = form.questionnaire
        tabs = self.query_one("#checkin-tabs", TabbedContent)
        try:
            tab = tabs.get_tab(f"tab-{screen.id}")
        except Exception:  # the tab is being rebuilt
            return
        title = clean_text(screen.title) + (" *" if form.changed else "")
        if tab.label_text != title:
            tab.label = Content(title)

    def forms(self) -> list[QuestionForm]:
        return list(self.query(QuestionForm))

    def unsaved(self) -> list[str]:
        changed = [clean_text(f.questionnaire.title) for f in self.forms() if f.changed]
        return [f"Check-in ({', '.join(changed)})"] if changed else []

    def current_form(self) -> QuestionForm | None:
        tabs = self.query_one("#checkin-tabs", TabbedContent)
        if not tabs.active:
            return None
        found = tabs.query(f"#{tabs.active} QuestionForm")
        return found.first(QuestionForm) if found else None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("save-"):
            event.stop()
            self.action_save()

    def key_escape(self) -> None:
        """Leave the form for the tab bar, where 1-7 switch screens again."""
        from textual.widgets import Tabs

        found = self.query(Tabs)
        if found:
            found.first().focus()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#checkin-tabs", TabbedContent)
        ids = [pane.id for pane in tabs.query(TabPane) if pane.id]  # the shown tabs, in order
        if tabs.active in ids:
            tabs.active = ids[(ids.index(tabs.active) + step) % len(ids)]

    def action_clear(self) -> None:
        """What was typed since the last save goes; saved answers stay (emptying a field and saving
        removes one on purpose)."""
        form = self.current_form()
        if form is not None:
            form.fill(dict(form.baseline))
            self._mark(form)

    @reports_faults
    def action_save(self) -> None:
        """Save every changed tab (or the one shown, if none changed) as one check-in."""
        current = self.current_form()
        if current is None:
            return
        forms = [f for f in self.forms() if f.changed] or [current]
        units, today = self.state.settings.units, self.state.today
        checked: dict[str, Validated] = {}
        for form in forms:
            result = validate(form.questionnaire, form.raw_answers(), units=units, today=today)
            form.show_errors(result.errors)
            checked[form.questionnaire.id] = result
        wrong = [f for f in forms if not checked[f.questionnaire.id].ok]
        if wrong:
            count = sum(len(checked[f.questionnaire.id].errors) for f in wrong)
            tabs = ", ".join(clean_text(f.questionnaire.title) for f in wrong)
            self.show_tab(wrong[0].questionnaire.id)
            wrong[0].show_errors(checked[wrong[0].questionnaire.id].errors)  # focus its first
            message = f"{count} answer(s) to fix ({tabs}); nothing was saved."
            self.notify(message, severity="error", markup=False)
            return
        try:
            saved = self.state.save(checked)
        except UserError as exc:
            self.notify(clean_text(f"Nothing was saved: {exc}"), severity="error", markup=False)
            return
        new = saved.new_items
        self._version = self.state.version  # our own save: keep the form as typed
        for form in forms:
            form.mark_saved()
            self._mark(form)
            notes = self.query(f"#note-{form.questionnaire.id}")
            if notes:
                notes.first(Static).update("saved")
        titles = ", ".join(f.questionnaire.title for f in forms)
        message = f"{titles} saved: {len(saved.facts)} fact(s)."
        if saved.episodes:
            message += " " + "; ".join(saved.episodes[:3]) + "."
        if new:
            message += f" New today: {', '.join(p.name for p in new[:3])}" + ("..." if len(new) > 3 else "")
        self.notify(clean_text(message), title="Check-in saved", markup=False)
        self.prehab.show_today(new[0].exercise if new else None)
