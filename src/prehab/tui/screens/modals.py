"""Modal screens: a long text, a yes/no confirmation for destructive actions, help.

Titles, bodies and questions quote rules, notes and file names, so they are shown as plain
text (``prehab.safe.text.plain``), never read as markup; a ``Text`` body keeps its styles.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from prehab.safe.text import clean_styled, plain


class TextScreen(ModalScreen[None]):
    """A scrollable text (the full WHY of an item, a rule's explanation)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def __init__(self, title: str, body: Text | str) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.body = plain(body) if isinstance(body, str) else clean_styled(body)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(plain(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll(id="text-scroll"):
                yield Static(self.body)
            yield Static(Text("Esc to close", style="dim"))

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#text-scroll", VerticalScroll)
        box.scroll_relative(y=1 if direction == "down" else -1, animate=False)


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no before anything is destroyed; No is focused, so Enter alone is safe."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("left,h", "app.focus_previous", show=False),
        Binding("right,l", "app.focus_next", show=False),
    ]

    def __init__(self, question: str, yes: str = "Delete") -> None:
        super().__init__(classes="modal")
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question), classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="confirm-yes", compact=True)
                yield Button("Cancel (n)", variant="primary", id="confirm-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


GENERAL_HELP = """\
## Keys everywhere

| key | does |
|---|---|
| **1**-**7** | Today, Week, Check-in, Sessions, Trends, Rules, Settings (in a form: **Esc** first) |
| **ctrl+p** | command palette: every action, searchable |
| **F1** or **?** | this help, for the screen you are on |
| **j/k**, arrows | move in lists and tables; scroll this help |
| **Tab** / **shift+Tab** | next / previous field |
| **Esc** | close a dialog, leave a field |
| **q** | quit (asks first if answers are unsaved) |

prehab gives general training ideas, not medical advice.
"""


class HelpScreen(ModalScreen[None]):
    """F1: what the current screen is for and its keys, then the keys that work everywhere."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "dismiss", "Close"),
        Binding("j,down", "scroll(1)", show=False),
        Binding("k,up", "scroll(-1)", show=False),
        Binding("space,pagedown", "scroll(10)", show=False),
        Binding("b,pageup", "scroll(-10)", show=False),
        Binding("g,home", "scroll(-100000)", show=False),
        Binding("G,end", "scroll(100000)", show=False),
    ]

    def __init__(self, screen_help: str, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="modal")
        self.screen_help = screen_help
        self.keys = keys

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # heavy import; only when help is asked for

        rows = "\n".join(f"| **{k}** | {d} |" for k, d in self.keys)
        table = f"\n\n| key | does |\n|---|---|\n{rows}\n" if rows else ""
        with Vertical(classes="dialog wide"):
            with VerticalScroll(id="help-scroll"):
                yield Markdown(self.screen_help + table + "\n" + GENERAL_HELP)
            yield Static(Text("j/k or arrows scroll, Esc to close", style="dim"))

    def action_scroll(self, lines: int) -> None:
        box = self.query_one("#help-scroll", VerticalScroll)
        box.scroll_relative(y=lines, animate=False)
