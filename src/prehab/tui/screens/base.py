"""What every main screen shares: the screen bar, the footer, help text, redraw on change."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual._context import NoActiveAppError
from textual.app import ComposeResult
from textual.screen import Screen

from prehab.tui.faults import reports_faults
from prehab.tui.widgets import NavBar, SteadyFooter

if TYPE_CHECKING:
    from prehab.tui.host import Host
    from prehab.tui.state import AppState


class PrehabScreen(Screen[None]):
    """A main screen. Subclasses draw in ``body()`` and redraw in ``refresh_view()``.

    Screens are kept alive by the app's modes, so a screen that was away while the advice
    changed (a check-in, a reload) redraws when it comes back: ``version`` tracks that.
    """

    MODE: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    """Markdown shown by F1 on this screen: what it is for and how to use it."""
    COMPACT_FOOTER: ClassVar[bool] = False
    """A footer with less space between keys, for a screen whose keys would not fit 80 columns."""

    def __init__(self) -> None:
        super().__init__(id=f"screen-{self.MODE}", classes=" ".join(self._starting_breakpoints()))
        self._version = -1

    def _starting_breakpoints(self) -> list[str]:
        """The breakpoint classes (``-narrow``, ``-wide``) for the terminal's size now: Textual
        sets them on the screen's first resize, after every widget is styled, and a class that
        changes styles the whole screen again (start-up time). Made outside an app: none."""
        try:
            app = self.app
        except NoActiveAppError:
            return []
        width, height = app.size
        horizontal = self.HORIZONTAL_BREAKPOINTS
        vertical = self.VERTICAL_BREAKPOINTS
        return breakpoint_classes(
            width,
            height,
            app.HORIZONTAL_BREAKPOINTS if horizontal is None else horizontal,
            app.VERTICAL_BREAKPOINTS if vertical is None else vertical,
        )

    @property
    def prehab(self) -> Host:
        return cast("Host", self.app)

    @property
    def state(self) -> AppState:
        return self.prehab.state

    def compose(self) -> ComposeResult:
        day = self.prehab.today.strftime("%a %d %b %Y")
        yield NavBar(self.MODE, day)
        yield from self.body()
        yield SteadyFooter(compact=self.COMPACT_FOOTER)

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.prehab.main_screens[self.MODE] = self
        self._sync()

    def on_screen_resume(self) -> None:
        self._sync()

    @reports_faults
    def _sync(self) -> None:
        if not self.prehab.ready:
            return  # the app calls _sync again once loading is done
        if self._version != self.state.version:
            self._version = self.state.version
            self.refresh_view()

    def refresh_view(self) -> None:
        """Redraw from ``self.state``."""

    def unsaved(self) -> list[str]:
        """What this screen holds that is not stored yet ("Check-in: Body map"); quitting asks."""
        return []


def breakpoint_classes(
    width: int,
    height: int,
    horizontal: list[tuple[int, str]] | None,
    vertical: list[tuple[int, str]] | None,
) -> list[str]:
    """The classes Textual's ``Screen`` gives a screen of ``width`` x ``height``: for each
    direction, the class of the largest breakpoint the size reaches."""
    found: list[str] = []
    for size, points in ((width, horizontal), (height, vertical)):
        for point, name in sorted(points or [], reverse=True):
            if size >= point:
                found.append(name)
                break
    return found
