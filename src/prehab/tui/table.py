"""The table every list of records uses (Week, Sessions): moves with j/k, shows text as given.

Its own module so that Today, the screen the app starts on, does not import Textual's
``DataTable`` (about 7 ms of the start).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from prehab.safe.text import one_line


class VimTable(DataTable[str | Text]):
    """A table whose ``str`` cells are shown as given, never read as markup.

    A plain ``DataTable`` parses ``str`` cells as Rich markup: a session note ``[/oops]`` would
    raise ``MarkupError`` on every redraw and ``[red]`` would restyle the row. Here each ``str``
    becomes a ``Text`` on one line, without control characters (``prehab.safe.text``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "First", show=False),
        Binding("G", "scroll_bottom", "Last", show=False),
    ]

    def add_row(
        self,
        *cells: str | Text,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        shown = [Text(one_line(c)) if isinstance(c, str) else c for c in cells]
        return super().add_row(*shown, height=height, key=key, label=label)
