"""What every main screen shares: the screen bar, the footer, help text, redraw on change."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

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
        super().__init__(id=f"screen-{self.MODE}")
        self._version = -1

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
