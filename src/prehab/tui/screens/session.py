"""The guided session (``g`` on Today): the day's work, one exercise and one set at a time.

A thin screen over :class:`prehab.workout.player.Player`: it draws the player, sends it keys,
ticks it a few times a second (a countdown never blocks a key), rings the bell when a
countdown ends (the ``bell`` setting), saves every finished exercise as done work with what
was really done, and keeps where the runner is after every change
(``prehab.store.workouts``), so ``g`` after a dropped SSH connection resumes at the same set.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from prehab.day.service import DayService
from prehab.day.view import Item
from prehab.safe.text import clean_text, plain
from prehab.store.workouts import load_workout, save_workout
from prehab.tui.faults import reports_faults
from prehab.tui.widgets import SteadyFooter
from prehab.workout.actual import PAIN_LIMIT, SKIP_REASONS
from prehab.workout.player import Exercise, Player, Rest, exercises_for

TICK_S = 0.2

HELP = f"""## Guided session

Today's work, one exercise and one set at a time, from the committed plan (what Today, Week,
`prehab done` and Home Assistant show). Each finished exercise is saved as done work with what
you really did, so the load can climb next time.

* **Space**: set done (at the reps and load shown); for a hold, start it (Space again ends it
  early); during a rest, skip the rest.
* **+** / **-**: one rep more or fewer for the sets to come (5 s for a hold).
* **]** / **[**: one load step heavier or lighter (the kit's step: dumbbells 2 kg, barbell
  2.5 kg, kettlebell 4 kg, or 5/5/10 lb; the settings change them).
* **s**: skip this exercise, and why (pain, no time, no kit, too hard).
* **p**: pain during this exercise, 0-10. Above {PAIN_LIMIT} the exercise stops for today and
  prehab says what to do; up to {PAIN_LIMIT} is fine if it settles by tomorrow morning.
* **w**: why this exercise is in today's plan.
* **Esc**: pause. Everything done so far is kept; **g** on Today resumes at the same set.

Rests come from the settings (rest between strength sets, between mobility sets), and the
terminal bell rings when a countdown ends (the bell setting). At the end you give the session's
effort (RPE 1-10) and see a summary.
"""


class NumberScreen(ModalScreen[int | None]):
    """A whole number from ``least`` to ``most`` (pain, RPE): typed, Enter to give it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, least: int, most: int) -> None:
        super().__init__(classes="modal")
        self.question, self.least, self.most = question, least, most

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question, style="bold"), classes="dialog-title")
            yield Input(placeholder=f"{self.least}-{self.most}", id="number-input", compact=True)
            yield Static("", classes="error", id="number-error")
            yield Static(Text("Enter to give it, Esc to cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        word = event.value.strip()
        if word.isascii() and word.isdigit() and len(word) <= 2 and self.least <= int(word) <= self.most:
            self.dismiss(int(word))
            return
        self.query_one("#number-error", Static).update(
            f"give a whole number from {self.least} to {self.most}"
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class SkipScreen(ModalScreen[str | None]):
    """Why an exercise is skipped: one of ``SKIP_REASONS``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Skip this exercise: why?", style="bold"), classes="dialog-title")
            yield OptionList(*(Option(reason, id=reason) for reason in SKIP_REASONS), id="skip-reasons")
            yield Static(Text("Enter to skip it, Esc to carry on", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SessionScreen(Screen[None]):
    """The guided session (see the module docstring)."""

    HELP: ClassVar[str] = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "set_done", "Done"),
        Binding("plus,equals_sign", "reps(1)", "Rep+"),
        Binding("minus", "reps(-1)", "Rep-"),
        Binding("right_square_bracket", "load(1)", "Load+"),
        Binding("left_square_bracket", "load(-1)", "Load-"),
        Binding("s", "skip", "Skip"),
        Binding("p", "pain", "Pain"),
        Binding("w", "why", "Why", show=False),  # the screen says "w: why this exercise"
        Binding("escape", "pause", "Pause"),
        Binding("enter", "rpe", "Effort", show=False),
    ]

    def __init__(self, service: DayService, clock: Callable[[], float], day: date | None = None) -> None:
        super().__init__(id="screen-session")
        self.service = service
        self.day = day or service.today
        self.unit = service.settings.weight_units
        self.items: dict[str, Item] = {}
        self.player = self._start(clock)
        self.show_why = False
        self.rpe_asked = False

    # -- building ------------------------------------------------------------------------

    def _start(self, clock: Callable[[], float]) -> Player:
        settings = self.service.settings
        view, extras = self.service.read(self.day)
        assert self.service.book is not None
        self.items = {i.exercise: i for i in view.items}
        steps = {
            "dumbbell": settings.load_step_dumbbell,
            "barbell": settings.load_step_barbell,
            "kettlebell": settings.load_step_kettlebell,
        }
        rest = Rest(settings.rest_strength_s, settings.rest_mobility_s)
        catalogue = dict(self.service.book.exercises)
        assert self.service.store is not None
        kept = load_workout(self.service.store, self.day)
        if kept is not None and not kept[1]:
            order = [e.get("exercise") for e in kept[0].get("exercises", []) if isinstance(e, dict)]
            if order and all(o in self.items for o in order):
                again = exercises_for([self.items[str(o)] for o in order], set(), catalogue, self.unit, steps)
                player = Player(again, rest, clock, self.unit)
                if player.restore(kept[0]):
                    player.message = "Resumed where you left off."
                    return player
        fresh = exercises_for(view.items, extras.done, catalogue, self.unit, steps)
        return Player(fresh, rest, clock, self.unit)

    def compose(self) -> ComposeResult:
        yield Static("", id="session-title")
        with VerticalScroll(id="session-body"):
            yield Static("", id="session-exercise")
            yield Static("", id="session-set")
            yield Static("", id="session-clock")
            yield Static("", id="session-cues")
            yield Static("", id="session-why")
            yield Static("", id="session-message")
        yield SteadyFooter(compact=True)

    def on_mount(self) -> None:
        self.set_interval(TICK_S, self.tick_now)
        self.redraw()
        self._keep()
        if self.player.phase == "rpe":  # resumed at the end, or nothing left to do
            self._ask_rpe_once()

    # -- the clock -----------------------------------------------------------------------

    @reports_faults
    def tick_now(self) -> None:
        """Let the player move on if a countdown ended (the interval calls this; tests too)."""
        events = self.player.tick()
        self._after_change(bell=bool(events))
        if self.player.ends_at is not None or events:
            self.redraw()

    # -- keys ----------------------------------------------------------------------------

    def action_set_done(self) -> None:
        self._do(self.player.space)

    def action_reps(self, delta: int) -> None:
        self._do(lambda: self.player.adjust_reps(delta))

    def action_load(self, delta: int) -> None:
        self._do(lambda: self.player.adjust_load(delta))

    def action_skip(self) -> None:
        if self.player.current is None:
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self._do(lambda: self.player.skip(reason))

        self.app.push_screen(SkipScreen(), chosen)

    def action_pain(self) -> None:
        ex = self.player.current
        if ex is None:
            return

        def given(level: int | None) -> None:
            if level is not None:
                self._do(lambda: self.player.pain(level))

        self.app.push_screen(NumberScreen(f"Pain during {ex.name}, 0 (none) to 10", 0, 10), given)

    def action_why(self) -> None:
        self.show_why = not self.show_why
        self.redraw()

    def action_pause(self) -> None:
        self._keep()
        if self.player.phase != "finished":
            self.app.notify("Paused: g on Today resumes at the same set.", timeout=4)
        self.dismiss()

    def action_rpe(self) -> None:
        if self.player.phase == "rpe":
            self.ask_rpe()

    def _ask_rpe_once(self) -> None:
        """The session's effort is asked by itself once; Enter asks again."""
        if not self.rpe_asked:
            self.rpe_asked = True
            self.call_after_refresh(self.ask_rpe)

    def ask_rpe(self) -> None:
        def given(rpe: int | None) -> None:
            if rpe is not None:
                self._do(lambda: self.player.finish(rpe))
                self.service.record_effort(self.day, rpe)

        self.app.push_screen(
            NumberScreen("How hard was the session? RPE 1 (very easy) to 10 (maximal)", 1, 10), given
        )

    @reports_faults
    def _do(self, action: Callable[[], None]) -> None:
        action()
        self._after_change()
        self.redraw()

    def _after_change(self, bell: bool = False) -> None:
        finished = self.player.take_finished()
        for ex in finished:
            self._save(ex)
        if finished or bell:
            self._keep()
        if bell and self.service.settings.bell:
            self.app.bell()
        if self.player.phase == "rpe" and self.is_current:
            self._ask_rpe_once()

    def _save(self, ex: Exercise) -> None:
        item = self.items.get(ex.exercise)
        actual = ex.actual()
        if item is None or actual.skipped or not actual.sets:
            return
        self.service.mark(item, self.day, actual)

    def _keep(self) -> None:
        assert self.service.store is not None
        save_workout(
            self.service.store, self.day, self.player.state(), finished=self.player.phase == "finished"
        )

    # -- drawing -------------------------------------------------------------------------

    def redraw(self) -> None:
        player = self.player
        ex = player.current
        self.query_one("#session-title", Static).update(
            Text(f" Guided session · {player.position()} ", style="bold reverse")
        )
        if ex is None:
            self._draw_end()
            return
        self.query_one("#session-exercise", Static).update(plain(f"{ex.number}. {ex.name}", style="bold"))
        self.query_one("#session-set", Static).update(Text(ex.set_text(self.unit), style="bold cyan"))
        left = player.remaining()
        clock = ""
        if player.phase == "rest":
            clock = f"Rest {_mmss(left)}  (space skips it)"
        elif player.phase == "holding":
            clock = f"Hold {_mmss(left)}  (space ends it early)"
        elif ex.timed:
            clock = "Space starts the hold"
        else:
            clock = "Space when the set is done"
        if ex.weighted and ex.load_kg is None and player.phase == "ready":
            clock += "  (] sets the load you use, one step a press)"
        self.query_one("#session-clock", Static).update(Text(clock, style="bold" if left else "dim"))
        cues = "\n".join(f"- {c}" for c in ex.cues)
        self.query_one("#session-cues", Static).update(plain(cues))
        why = f"Why: {ex.why}" if self.show_why and ex.why else ("w: why this exercise" if ex.why else "")
        self.query_one("#session-why", Static).update(plain(why, style="italic" if self.show_why else "dim"))
        self.query_one("#session-message", Static).update(plain(player.message, style="yellow"))

    def _draw_end(self) -> None:
        player = self.player
        lines = []
        for ex in player.exercises:
            lines.append(f"{ex.number}. {ex.name}: {ex.actual().summary(self.unit)}")
        if player.phase == "finished":
            head = f"Session done, RPE {player.rpe}. Saved as done work (Today shows it)."
        else:
            head = "Every exercise is through: how hard was the session?"
        self.query_one("#session-exercise", Static).update(plain(head, style="bold"))
        self.query_one("#session-set", Static).update(plain("\n".join(lines)))
        back = (
            "Esc: back to Today" if player.phase == "finished" else "Enter: give it (RPE 1-10)   Esc: later"
        )
        self.query_one("#session-clock", Static).update(Text(back, style="dim"))
        for name in ("cues", "why"):
            self.query_one(f"#session-{name}", Static).update("")
        self.query_one("#session-message", Static).update(plain(clean_text(player.message), style="yellow"))


def _mmss(seconds: float) -> str:
    whole = int(seconds + 0.999)
    return f"{whole // 60}:{whole % 60:02d}"
