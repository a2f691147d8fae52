"""Settings: one field per setting in settings.toml; ctrl+s checks them all, saves, re-plans.

Every field is read as the text a person would type at ``prehab settings set KEY VALUE`` and
checked by the same function (``settings.values.check_value`` after ``parse_text``), so the app,
the CLI and the file accept the same values with the same messages. A wrong value is a message
under its field and nothing is written; a file the form cannot stand in for (not valid TOML,
unknown settings) is left alone until it is fixed.

Each field's label, placeholder and widget come from the setting's entry in ``settings.spec``
(a new setting needs nothing here): a choice or true/false is a select, a list of choices (the
key run days) a row of checkboxes, anything else a line of text.

Values, problems and paths are the runner's (or a hand-edited file's) text: every message that
quotes them is shown as plain text, never read as markup, so ``[/oops]`` in a setting is just
shown back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from prehab.record import replace
from prehab.safe.text import clean_text, plain
from prehab.settings import (
    MEANINGS,
    SPECS,
    SettingError,
    Settings,
    blocking_problems,
    check_entry,
    check_value,
    format_value,
    load_settings,
    parse_text,
    setting_keys,
    unknown_names,
)
from prehab.tui.faults import reports_faults
from prehab.tui.screens.base import PrehabScreen
from prehab.tui.widgets import StillInput


class SettingsScreen(PrehabScreen):
    MODE = "settings"
    HELP = """\
## Settings

Your settings, kept in `settings.toml` in your config folder (`prehab settings path`).

* **Units**: km or mi, for distances everywhere.
* **Time budget**: minutes a day for strength and mobility; Today lists what does not fit
  under *If you have more time*.
* **Equipment**: the kit you have, separated by commas (`band,step,dumbbell`); `any` for
  any kit (bodyweight only when **Home only** is true); `none` for bodyweight only.
* **p** opens your **profile** (who you are: age, pregnancy, bone health, a health screen,
  strength experience); it wins over the Experience setting here.
* **Experience**, **Goal race date** (`YYYY-MM-DD` on or after today, or `none`), **Key run
  days** (no strength the day before one) and **Strength weeks so far** feed the rules as facts.

**Tab** moves between fields; choices open with **Enter**, **space** ticks a day.
**ctrl+s** (or Save) checks every field: a wrong value gets a message under it and **nothing
is saved**. Saving writes the file atomically and re-plans Today at once. **ctrl+l** puts
back what is saved. **Esc** leaves the field (then **1**-**7** switch screens).
A change made meanwhile with `prehab settings set` (or by hand) shows up within two seconds;
fields you are editing keep what you typed.

The same from a shell: `prehab settings` and `prehab settings set time_budget_min 25`.
Saving rewrites the file, so comments in it are not kept.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+l", "revert", "Revert"),
        Binding("p", "app.profile", "Profile"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown: Settings | None = None
        """The settings the form was last filled from (a redraw keeps what is being typed)."""
        self.baseline: dict[str, str] = {}
        """Each field's text as filled: a field that differs holds an unsaved edit."""

    def body(self) -> ComposeResult:
        yield Static("", id="settings-problems", classes="error")
        with VerticalScroll(id="settings-form", classes="question-form"):
            for key in setting_keys():
                with Horizontal(classes="question"):
                    yield Label(SPECS[key].label, classes="prompt")
                    yield self._field(key)
                yield Static(MEANINGS[key], classes="help", id=f"help-{key}")
                yield Static("", classes="error", id=f"err-set-{key}")
        with Horizontal(classes="buttons"):
            yield Button("Save (ctrl+s)", variant="primary", id="settings-save", compact=True)
            yield Static("", classes="saved-note", id="settings-note")

    def _field(self, key: str) -> Widget:
        spec = SPECS[key]
        if spec.select:
            options = [(option, option) for option in spec.options()]
            select: Select[str] = Select(options, allow_blank=False, id=f"set-{key}", compact=True)
            return select
        if spec.kind == "list":  # a list of choices: one checkbox each (the key run days)
            return Horizontal(
                *(Checkbox(day[:2].title(), id=f"day-{day}", compact=True) for day in spec.choices),
                id=f"set-{key}",
                classes="weekdays",
            )
        return StillInput(placeholder=spec.placeholder, id=f"set-{key}", compact=True)

    # -- showing ---------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        if self.prehab.ready:
            self.state.reload_settings()  # changed by hand or by `prehab settings set` meanwhile
        super().on_screen_resume()
        if self.prehab.ready:
            self._show_problems()  # new problems need no redraw of the form, but must be seen

    def refresh_view(self) -> None:
        settings = self.state.settings
        if settings != self.shown:
            self.fill(settings, keep_edits=self.shown is not None)
        self._show_problems()
        self._equipment_help()

    def fill(self, settings: Settings, *, keep_edits: bool = False) -> None:
        """Put ``settings`` in the form and clear every message. With ``keep_edits`` (the file
        changed under the form), fields being edited keep their text; the others follow."""
        edited = set(self.edited()) if keep_edits else set()
        self.shown = replace(settings)
        for key in setting_keys():
            if key not in edited:
                self.set_text(key, format_value(key, getattr(settings, key)))
                self.baseline[key] = self.text_of(key)
        if not edited:
            self.show_errors({})
        self.query_one("#settings-note", Static).update(plain(self._file_note()))

    def edited(self) -> list[str]:
        """The settings whose field differs from what was last filled in (unsaved edits)."""
        return [k for k in setting_keys() if k in self.baseline and self.text_of(k) != self.baseline[k]]

    def unsaved(self) -> list[str]:
        names = [_short(k) for k in self.edited()]
        return [f"Settings ({', '.join(names)})"] if names else []

    def set_text(self, key: str, text: str) -> None:
        widget = self.query_one(f"#set-{key}")
        if isinstance(widget, Select):
            widget.value = text
        elif isinstance(widget, Input):
            # "none" is an empty field, but for the kit it means bodyweight only
            widget.value = "" if text == "none" and SPECS[key].kind != "kit" else clean_text(text)
        else:
            days = set(parse_text(key, text))
            for day in SPECS[key].choices:
                self.query_one(f"#day-{day}", Checkbox).value = day in days

    def text_of(self, key: str) -> str:
        """A field as the text one would give ``prehab settings set``."""
        widget = self.query_one(f"#set-{key}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, Input):
            return widget.value
        days = [d for d in SPECS[key].choices if self.query_one(f"#day-{d}", Checkbox).value]
        return ",".join(days) or "none"

    def _file_note(self) -> str:
        from prehab.paths import settings_file

        path = settings_file()
        if not path.is_file():
            return "not saved yet: these are the defaults"
        home = str(Path.home())
        shown = str(path)
        return "~" + shown[len(home) :] if shown.startswith(home + "/") else shown

    def _show_problems(self) -> None:
        problems = self.state.settings_problems
        box = self.query_one("#settings-problems", Static)
        box.update(plain("\n".join(f"! {p}" for p in problems[:3])))
        box.set_class(bool(problems), "shown")

    def _equipment_help(self) -> None:
        book = self.state.book
        kit = sorted({e for ex in book.exercises.values() for e in ex.equipment}) if book else []
        text = MEANINGS["equipment"] + (f"\nin your exercises: {', '.join(kit)}" if kit else "")
        self.query_one("#help-equipment", Static).update(plain(text))

    # -- checking and saving ---------------------------------------------------------------

    def check(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Every field through the shared validator: (good values, messages by key)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        edited = self.edited()
        for key in setting_keys():
            try:
                value = parse_text(key, self.text_of(key))
                # a new value must be one a person can set now (no goal race in the past);
                # a saved one that has since passed is kept until changed
                if key in edited:
                    values[key] = check_entry(key, value, self.state.today)
                else:
                    values[key] = check_value(key, value)
            except SettingError as exc:
                errors[key] = str(exc)
        return values, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for key in setting_keys():
            message = errors.get(key, "")
            box = self.query_one(f"#err-set-{key}", Static)
            box.update(plain(f"! {message}" if message else ""))
            box.set_class(bool(message), "shown")
        first = next((k for k in setting_keys() if k in errors), None)
        if first is not None:
            widget = self.query_one(f"#set-{first}")
            target = widget.query(Checkbox).first() if not widget.focusable else widget
            target.focus()
            self.query_one("#settings-form", VerticalScroll).scroll_to_widget(widget)

    def on_input_changed(self, event: Input.Changed) -> None:
        """A field showing a message is re-checked as it is typed, so the message goes once fixed."""
        key = (event.input.id or "").removeprefix("set-")
        box = self.query(f"#err-set-{key}")
        if key in setting_keys() and box and box.first().has_class("shown"):
            try:
                check_entry(key, parse_text(key, event.value), self.state.today)
            except SettingError as exc:
                box.first(Static).update(plain(f"! {exc}"))
            else:
                box.first(Static).update("")
                box.first().remove_class("shown")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "settings-save":
            event.stop()
            self.action_save()

    def key_escape(self) -> None:
        """Leave the field, so 1-7 switch screens again."""
        self.set_focus(None)

    def action_revert(self) -> None:
        if not self.prehab.ready:
            return
        self.state.reload_settings()
        self.fill(self.state.settings)
        self._show_problems()
        self.notify("Back to the saved settings.", timeout=2)

    @reports_faults
    def action_save(self) -> None:
        if not self.prehab.ready:
            self.notify("Still loading; try again in a moment.", severity="warning", timeout=2)
            return
        values, errors = self.check()
        self.show_errors(errors)
        if errors:
            self.notify(f"{len(errors)} setting(s) to fix; nothing was saved.", severity="error")
            return
        _, problems = load_settings()
        blocking = blocking_problems(problems, setting_keys())
        if blocking:
            self.state.settings_problems = problems
            self._show_problems()
            self.notify(
                clean_text(f"{blocking[0]}\nNothing was saved: fix the file first, saving would lose it."),
                title="Settings file",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        before = self.state.settings
        planned = [(i.exercise, str(i.dose)) for i in self.state.view().items]
        settings = Settings(**values)
        try:
            self.state.save_settings(settings)
        except OSError as exc:
            self.notify(
                clean_text(f"cannot write the settings: {exc.strerror or exc}")
                + " (check the folder's permissions)",
                severity="error",
                markup=False,
            )
            return
        self.shown = replace(settings)
        self.baseline = {key: self.text_of(key) for key in setting_keys()}
        self._version = self.state.version  # our own save: the form already shows it
        self.query_one("#settings-note", Static).update(plain(self._file_note()))
        self._show_problems()
        message = self._saved_message(before, settings, planned)
        self.notify(clean_text(message), title="Settings saved", markup=False)

    def _saved_message(self, before: Settings, after: Settings, planned: list[tuple[str, str]]) -> str:
        changed = [k for k in setting_keys() if getattr(before, k) != getattr(after, k)]
        what = "; ".join(f"{_short(k)}: {format_value(k, getattr(after, k))}" for k in changed)
        plan = self.state.view()
        again = [(i.exercise, str(i.dose)) for i in plan.items] != planned
        lines = [
            (what or "nothing changed") + ".",
            f"Today {'re-planned' if again else 'unchanged'}: {len(plan.items)} exercise(s), "
            f"about {plan.minutes:g} min.",
        ]
        book = self.state.book
        if "equipment" in changed and book is not None:
            kit = {e for ex in book.exercises.values() for e in ex.equipment}
            lines += [f"{hint}; kept anyway." for hint in unknown_names(after.equipment, kit)]
        return "\n".join(lines)


def _short(key: str) -> str:
    """A setting's label without its unit, as a message names it: "time budget"."""
    return SPECS[key].label.split(" (")[0].lower()
