"""The prehab terminal app: seven screens as Textual modes over one shared AppState.

Keys are plain letters, digits and F1 so they survive tmux, SSH and browsers (no
ctrl+shift combinations); everything is also in the command palette (ctrl+p). While a form
field has the focus, digits belong to the form, not the screen keys; ``q`` asks first when
answers are unsaved.

Every ``WATCH_SECONDS`` the day service looks for changes made elsewhere (its watcher): rule
and screen files (reloaded), settings.toml (``prehab settings set``, a hand edit), the history
(a second app session over SSH, ``prehab log``, ``ha run``: SQLite's ``PRAGMA data_version``) and
the date (midnight); the service tells the app, which redraws the screen shown.

Messages here quote files and paths, so they are never read as markup (``markup=False``) and
lose their control characters (``prehab.safe.text``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from prehab.model import errors_in
from prehab.safe.text import clean_text, plain
from prehab.tui.faults import reports_faults
from prehab.tui.stylesheet import SharedParses, shares_parses

if TYPE_CHECKING:
    from textual.command import Provider

    from prehab.day.service import RulesRead
    from prehab.tui.state import AppState

from prehab.tui.screens import SCREENS
from prehab.tui.screens.today import TodayScreen

WATCH_SECONDS = 2.0


def _commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens."""
    from prehab.tui.commands import PrehabCommands

    return PrehabCommands


def lazy_screen(module: str, name: str) -> Callable[[], Screen[None]]:
    """A mode whose screen module is imported when first shown (start-up time: Today only)."""

    def make() -> Screen[None]:
        screen_class = getattr(import_module(f"prehab.tui.screens.{module}"), name)
        screen: Screen[None] = screen_class()
        return screen

    return make


class PrehabApp(App[None]):
    TITLE = "prehab"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses may live anywhere
    MODES = {e.mode: TodayScreen if e.mode == "today" else lazy_screen(e.module, e.cls) for e in SCREENS}
    DEFAULT_MODE = "today"
    COMMANDS = App.COMMANDS | {lambda: _commands()}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(e.key, f"mode('{e.mode}')", e.title, show=False) for e in SCREENS),
        Binding("f1,question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        state: AppState | None = None,
        *,
        today: date | None = None,
        rule_layers: list[Path] | None = None,
        watch: bool = True,
        onboarding: bool = True,
    ) -> None:
        super().__init__()
        if shares_parses():  # each CSS source parsed once per theme (start-up time)
            self.stylesheet = SharedParses(variables=self.get_css_variables())
        self._state = state
        self.today_fixed = today or (state.today_fixed if state else None)
        self.rule_layers = rule_layers
        self.watch_files = watch
        self.onboarding = onboarding
        """Ask for the profile on the first start (tests of other screens turn it off)."""
        self.pending_focus: str | None = None
        """An exercise Today should select next time it draws (the first new one)."""
        self.main_screens: dict[str, Screen[None]] = {}
        """The main screens shown so far, by mode (they live on; see ``unsaved``)."""
        self.clock: Callable[[], float] = time.monotonic
        """The guided session's clock (tests give a fake one: no timing luck)."""
        self._errors_told = 0
        """How many rule and screen errors the start-up toast told of."""

    @property
    def ready(self) -> bool:
        """True once the rules, screens and history are loaded."""
        return self._state is not None and self._state.store is not None

    @property
    def state(self) -> AppState:
        if self._state is None:
            raise RuntimeError("the app state is still loading")
        return self._state

    @property
    def today(self) -> date:
        return self.today_fixed or date.today()

    def on_mount(self) -> None:
        """Draw first, load after: the screen frame appears while the settings, the history
        and today's plan load in a thread (start-up time). A state handed in already open
        (tests) is used at once."""
        if self.ready:
            self._loaded(self.state)
        else:
            self.run_worker(self._load, thread=True, exclusive=True, name="load")

    def _load(self) -> None:
        """Open the day service as a one-shot command does (``open(lazy=True)``): when nothing
        the day depends on changed since it was last read, today comes from the day memo and
        the rules and screens are read after the first prescription is on screen
        (``_read_rules``); else they are read here. Either way the day read is kept as the memo
        for the next start."""
        from prehab.tui.state import AppState

        state = self._state or AppState(rule_layers=self.rule_layers, today_fixed=self.today_fixed)
        try:
            state.open(lazy=True)
        except Exception as exc:  # a store the user must fix: say so, then stop
            self.call_from_thread(self._failed, exc)
            return
        self.call_from_thread(self._loaded, state)

    def _read_rules(self) -> None:
        """Read the rules and screens in a thread and hand them to the app (``_take_rules``).
        Something that needed them sooner read them itself: there is nothing to read then, and
        a read begun before that one is dropped (``take_rules``)."""
        state = self._state
        if state is None:
            return
        read = None
        if not state.rules_read:
            with contextlib.suppress(Exception):  # read again, and shown, when something asks
                read = state.read_rules()
        try:
            self.call_from_thread(self._take_rules, state, read)
        except RuntimeError:
            if self.is_running:
                raise  # only "the app is not running" (it quit meanwhile) is nothing

    @reports_faults
    def _take_rules(self, state: AppState, read: RulesRead | None) -> None:
        """Put the rules read in force (the screen shown redraws: Today adds each exercise's
        cues), tell of errors the memo did not have, and ask for a missing profile."""
        if not self.is_running:
            return
        if read is not None:
            errors = len(errors_in(read.problems))
            if state.take_rules(read) and errors != self._errors_told:
                self._tell_errors(state)  # a rule or screen file changed since the memo's read
        self._offer_profile(state)

    def _failed(self, exc: Exception) -> None:
        self.exit(return_code=2, message=plain(f"prehab could not start: {exc}"))

    def _loaded(self, state: AppState) -> None:
        from prehab.collector import release

        self.call_after_refresh(release)  # up: the first prescription is drawn (prehab.collector)
        self._state = state
        for problem in state.settings_problems:
            self.notify(
                clean_text(str(problem)), title="Settings", severity="warning", timeout=8, markup=False
            )
        self._tell_errors(state)  # from the memo too: it keeps the rules' problems
        state.subscribe(lambda what: self._resync())
        state.watch()
        if self.watch_files:
            self.set_interval(WATCH_SECONDS, self._check_files)
        self._resync()
        for problem in state.store_problems():  # after the first read: rows that do not parse
            self.notify(
                clean_text(str(problem)), title="History", severity="warning", timeout=10, markup=False
            )
        if state.rules_read:
            self._offer_profile(state)
        else:  # today came from the day memo: the rules once it is drawn, then the profile
            self.call_after_refresh(self.run_worker, self._read_rules, thread=True, name="rules")

    def _tell_errors(self, state: AppState) -> None:
        errors = errors_in(state.problems)
        self._errors_told = len(errors)
        if errors:
            self.notify(
                f"{len(errors)} problem(s) in your rules or screens; see Rules (6).",
                severity="error",
                timeout=8,
            )

    def _offer_profile(self, state: AppState) -> None:
        """Ask for the profile on the first start, once the screens are read (the form is one):
        from ``_loaded`` when they were read with the day, else from ``_take_rules``."""
        if not self.onboarding:
            return
        if state.profile() is None and state.screens.screens.get("profile") is not None:
            self.call_later(self.action_profile, True)

    def on_unmount(self) -> None:
        if self._state is not None:
            self._state.close()

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits are the screen keys except while a form field has the focus (a choice, a
        yes/no, a tick box or a button takes no digits itself): there they do nothing, so a
        half-filled form is never left by a stray digit. Esc leaves the field first."""
        return not (action == "mode" and in_form(self.focused))

    def unsaved(self) -> list[str]:
        """What would be lost by quitting: each main screen's unsaved answers (its open
        forms included), in screen order."""
        found: list[str] = []
        for screen in self.main_screens.values():
            report = getattr(screen, "unsaved", None)
            if callable(report):
                found += report()
        return found

    async def action_quit(self) -> None:
        """Quit, after asking when answers are unsaved (q, ctrl+q and the palette's Quit)."""
        from prehab.tui.screens.modals import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return  # a question is open: answer it first
        lost = self.unsaved()
        if not lost:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        question = "Unsaved answers in " + "; ".join(lost) + ". Quit and lose them?"
        self.push_screen(ConfirmScreen(question, yes="Quit"), answer)

    async def action_mode(self, mode: str) -> None:
        if self.current_mode != mode:
            await self.switch_mode(mode)

    async def action_mode_then(self, mode: str, action: str) -> None:
        await self.action_mode(mode)
        await self.screen.run_action(action)

    def action_help(self) -> None:
        screen = self.screen
        text = getattr(screen, "HELP", "") or "## prehab"
        keys = []
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                keys.append((binding.key.replace(",", " / "), binding.description))
        from prehab.tui.screens.modals import HelpScreen

        self.push_screen(HelpScreen(text, keys))

    def action_add_session(self) -> None:
        async def go() -> None:
            await self.action_mode("sessions")
            await self.screen.run_action("add")

        self.call_later(go)

    def open_checkin(self, screen_id: str) -> None:
        async def go() -> None:
            await self.action_mode("checkin")
            show_tab = getattr(self.screen, "show_tab", None)
            if callable(show_tab):
                show_tab(screen_id)

        self.call_later(go)

    def show_today(self, focus_exercise: str | None = None) -> None:
        """Switch to Today, selecting ``focus_exercise`` (a new prescription) if given."""
        self.pending_focus = focus_exercise
        self.call_later(self.action_mode, "today")

    def reload_rules(self, quiet: bool = False) -> bool:
        if not self.ready:
            return False
        result = self.state.reload()
        if not quiet or not result.ok:
            self.notify(
                clean_text(result.message),
                severity="information" if result.ok else "error",
                timeout=6,
                markup=False,
            )
        self._resync()
        return result.ok

    def _resync(self) -> None:
        sync = getattr(self.screen, "_sync", None)
        if callable(sync):
            sync()

    @reports_faults
    def _check_files(self) -> None:
        """Pick up what changed elsewhere: rule and screen files, settings.toml, the history,
        the date (the service's watcher)."""
        if not self.ready:
            return
        state = self.state
        found = state.poll(apply=False)
        if "rules" in found:
            self.reload_rules()
        if "settings" in found and state.reload_settings():
            for problem in state.settings_problems:
                self.notify(
                    clean_text(str(problem)), title="Settings", severity="warning", timeout=8, markup=False
                )
        if found & {"history", "day"}:
            state.changed(found)

    def action_session(self) -> None:
        """The guided session over today's committed plan (resumes one in progress)."""
        from prehab.tui.screens.session import SessionScreen

        if self.ready and self.state.book is not None and self.state.store is not None:
            self.push_screen(SessionScreen(self.state, self.clock))

    def action_profile(self, first_start: bool = False) -> None:
        """The profile form (who you are): asked once on the first start, edited any time."""
        from prehab.tui.screens.profile import ProfileScreen

        if self.ready:
            self.push_screen(ProfileScreen(self.state, first_start=first_start))


def in_form(widget: object) -> bool:
    """Whether ``widget`` (the focused one) is a field or button of a form."""
    from textual.dom import DOMNode

    if not isinstance(widget, DOMNode):
        return False
    nodes = widget.ancestors_with_self
    return any(node.has_class("question-form") or node.has_class("buttons") for node in nodes)


def run(*, mouse: bool = True, today: date | None = None) -> int:
    app = PrehabApp(today=today)
    app.run(mouse=mouse)
    if app.return_code:
        return app.return_code
    return 0


if TYPE_CHECKING:
    from prehab.tui.host import Host

    def _hosts_screens(app: PrehabApp) -> Host:
        """mypy checks here that the app gives screens everything ``Host`` promises."""
        return app
