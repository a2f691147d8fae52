"""The profile form: who the runner is (screens/profile.toml), asked once and edited any time.

On the first start it is the onboarding: **Save** keeps the answers, **Skip** keeps the cautious
defaults (beginner strength work, no age) and it is not asked again. Later it opens from
Settings (**p**) or the palette, filled with the stored answers. Answers are checked as every
form's are: a wrong one is a message under its question and nothing is stored.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from prehab.day.profile import PROFILE_SCREEN
from prehab.day.service import DayService
from prehab.questionnaire import answers_for_display
from prehab.safe.text import plain
from prehab.tui.faults import reports_faults
from prehab.tui.form import QuestionForm

FIRST_START = (
    "Welcome to prehab: asked once. Skip (Esc) keeps the cautious defaults; p on Settings opens this again."
)


class ProfileScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "skip", "Skip"),
    ]

    def __init__(self, service: DayService, *, first_start: bool = False) -> None:
        super().__init__(classes="modal")
        self.service = service
        self.first_start = first_start

    def compose(self) -> ComposeResult:
        screen = self.service.screens.screens[PROFILE_SCREEN]
        stored = self.service.profile()
        values = answers_for_display(screen, stored.answers if stored else {}, self.service.settings.units)
        with Vertical(classes="dialog wide", id="profile-dialog"):
            yield Static(plain(screen.title, style="bold"), classes="dialog-title")
            if self.first_start:
                yield Static(Text(FIRST_START, style="cyan"))
            yield QuestionForm(screen, units=self.service.settings.units, values=values, id="profile-form")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="profile-save", compact=True)
                label = "Skip (Esc)" if self.first_start else "Cancel (Esc)"
                yield Button(label, id="profile-skip", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "profile-save":
            self.action_save()
        else:
            self.action_skip()

    @reports_faults
    def action_save(self) -> None:
        form = self.query_one("#profile-form", QuestionForm)
        checked = self.service.validate(form.questionnaire, form.raw_answers())
        form.show_errors(checked.errors)
        if not checked.ok:
            self.notify(f"{len(checked.errors)} answer(s) to fix; nothing was saved.", severity="error")
            return
        self.service.save({PROFILE_SCREEN: checked})
        self.notify("Profile saved: the advice now follows it.", title="Profile")
        self.dismiss(True)

    @reports_faults
    def action_skip(self) -> None:
        if self.first_start and self.service.profile() is None:
            self.service.skip_profile()
            self.notify("Skipped: cautious defaults apply. p on Settings opens the profile.", timeout=6)
        self.dismiss(False)
