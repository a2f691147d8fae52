"""Week plan: today's prescriptions spread over the next seven days (prehab.plan.week).

Notes and exercise names are rule-pack text: the table (VimTable) and the panel show them as
plain, cleaned text (``prehab.textsafe``), never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from prehab.plan.days import PlannedDay
from prehab.render import dose_text
from prehab.textsafe import clean_styled
from prehab.tui.screens.base import PrehabScreen
from prehab.tui.widgets import VimTable


class WeekScreen(PrehabScreen):
    MODE = "week"
    HELP = """\
## Week plan

Today's prescriptions placed over the next seven days:

* **strength** on 2-3 days spread apart (3 when a rule asks for it), never on the day before
  a key run (settings `key_run_days`, e.g. `["tuesday", "sunday"]`);
* **mobility** every day except key-run days, where the run's warm-up does that job.

Move with **j/k**; the panel lists the selected day's exercises. The plan follows today's
facts, so a check-in can change it.
"""
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self) -> None:
        super().__init__()
        self.days: list[PlannedDay] = []

    def body(self) -> ComposeResult:
        yield VimTable(id="week-table", cursor_type="row")
        with VerticalScroll(id="week-detail-box", classes="detail"):
            yield Static("", id="week-detail")

    def on_mount(self) -> None:
        table = self.query_one("#week-table", DataTable)
        table.add_columns("Day", "Run", "Strength", "Mobility", "Min", "Note")
        super().on_mount()
        table.focus()

    def refresh_view(self) -> None:
        table = self.query_one("#week-table", DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear()
        self.days = self.state.week()
        for wd in self.days:
            table.add_row(
                wd.day.strftime("%a %d"),
                "key" if wd.key_run else "",
                f"{len(wd.strength)} ex" if wd.strength else "-",
                f"{len(wd.mobility)} ex" if wd.mobility else "-",
                f"{wd.minutes:g}" if wd.minutes else "",
                "; ".join(wd.notes),
            )
        if self.days:
            table.move_cursor(row=min(row, len(self.days) - 1))
        self._detail(table.cursor_row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        panel = self.query_one("#week-detail", Static)
        if not 0 <= index < len(self.days):
            panel.update("")
            return
        wd = self.days[index]
        out = Text(wd.day.strftime("%A %d %B") + "\n", style="bold")
        for note in wd.notes:
            out.append(f"  {note}\n", style="yellow")
        for title, items in (("Strength", wd.strength), ("Mobility", wd.mobility)):
            if not items:
                continue
            out.append(f"{title}\n", style="bold")
            for p in items:
                out.append(f"  {p.name}", style="")
                out.append(f"  {dose_text(p.dose)} · {p.minutes:g} min\n", style="dim")
        if not (wd.strength or wd.mobility):
            out.append("  Rest from extra work.\n", style="dim")
        panel.update(clean_styled(out))
