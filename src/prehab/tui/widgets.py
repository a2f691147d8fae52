"""Small shared widgets: the screen bar, the footer, a list that also moves with j/k, a still
text field. The table is in ``prehab.tui.table`` (Today, the first screen, has none: start-up time)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets._footer import FooterKey

from prehab.tui.screens import SCREENS

MODES: tuple[tuple[str, str, str], ...] = tuple((e.key, e.mode, e.title) for e in SCREENS)
"""(number key, mode, title) of each main screen, from ``prehab.tui.screens.SCREENS``."""


class NavBar(Static):
    """One line naming every screen and its number key, the current one highlighted.

    Why not Header + a footer full of screen keys: at 80x24 the footer has room only for
    the current screen's own keys, and a title bar would cost a line without saying more.
    """

    def __init__(self, current: str, day: str) -> None:
        super().__init__(self.line(current, day), classes="navbar")

    @staticmethod
    def line(current: str, day: str) -> Text:
        text = Text(" prehab ", style="bold")
        for key, mode, title in MODES:
            style = "reverse bold" if mode == current else ""
            text.append(f" {key} {title} ", style=style)
        text.append(f"  {day}", style="dim")
        return text


class SteadyFooter(Footer):
    """Textual's footer, built again only when the keys it shows change.

    Textual rebuilds its footer (every key a new widget, styled anew) on each bindings signal:
    three times while the app starts, each time with the same keys, and again on every focus
    change. Measured: two thirds of the styling work before the first prescription is shown.
    A compact footer's keys are made with their ``-compact`` class: Textual adds it as each key
    mounts, after the key is styled, which styles it again (start-up time).
    """

    _shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """Everything ``Footer.compose`` reads to draw the keys."""
        app = self.app
        return (
            self.show_command_palette,
            self.combine_groups,
            tuple(
                (binding.key, app.get_key_display(binding), binding.description, binding.action,
                 binding.show, binding.group, enabled, tooltip)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            ),
        )  # fmt: skip

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()


class VimOptionList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]


class StillInput(Input):
    """A text field whose cursor does not blink: a blinking cursor redraws the screen twice a
    second, which over SSH is traffic for nothing and keeps ClientAliveInterval from ever dropping
    a frozen client (every field in prehab is one of these)."""

    cursor_blink = reactive(False, init=False)
