"""Week plan: the next seven days from the one planner (``DayService.week``); day 0 is Today.

Day 0 *is* the day's committed plan, done marks and all, so Week never says "rest" on a day
Today fills. **s** skips (or brings back) strength on a later day, and the days after are
re-planned; today's plan is changed on Today.

Notes and exercise names are rule-pack text: the table (VimTable) and the panel show them as
plain, cleaned text (``prehab.safe.text``), never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from prehab.day.view import Item
from prehab.day.week import PlannedDay
from prehab.present.render import dose_text
from prehab.safe.text import clean_styled
from prehab.tui.screens.base import PrehabScreen
from prehab.tui.table import VimTable


class WeekScreen(PrehabScreen):
    MODE = "week"
    HELP = """\
## Week plan

The next seven days, each planned by the same rules as Today on that day's facts, with the
strength work of the days before counted. The first day **is** Today: its items, what you
marked done (**[x]**) and the rest of a session in progress.

* **strength** 2-3 days a week, spread apart, away from the day before a key run (settings
  `key_run_days`, e.g. `["tuesday", "sunday"]`); what you did this week counts;
* **mobility** most days; on a key-run day the run's warm-up does that job.
* **s** skips strength on a later day (again to bring it back): the session moves and the
  days after are planned again. Today's plan is kept as committed: change it on Today.

Move with **j/k**; the panel lists the selected day's exercises. The plan follows your
facts, so a check-in can change it.
"""
    BINDINGS: ClassVar[list[BindingType]] = [Binding("s", "skip_strength", "Skip strength")]

    def __init__(self) -> None:
        super().__init__()
        self.days: list[PlannedDay] = []
        self.skips: set[int] = set()
        """Day indexes (from today) whose strength the runner skipped."""
        self.done: frozenset[str] = frozenset()

    def body(self) -> ComposeResult:
        yield VimTable(id="week-table", cursor_type="row")
        with VerticalScroll(id="week-detail-box", classes="detail"):
            yield Static("", id="week-detail")

    def on_mount(self) -> None:
        table = self.query_one("#week-table", DataTable)
        table.add_columns("Day", "Run", "Strength", "Mobility", "Min", "Done", "Note")
        super().on_mount()
        table.focus()

    def items(self, index: int) -> tuple[list[Item], list[Item]]:
        """(strength, mobility) of a day."""
        planned = self.days[index]
        return list(planned.strength), list(planned.mobility)

    def refresh_view(self) -> None:
        table = self.query_one("#week-table", DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear()
        self.days = self.state.week(skip_strength=sorted(self.skips))
        self.done = self.state.read()[1].done
        for index, wd in enumerate(self.days):
            strength, mobility = self.items(index)
            minutes = round(sum(p.minutes for p in strength + mobility), 1)
            did = sum(1 for p in strength + mobility if p.exercise in self.done) if index == 0 else 0
            table.add_row(
                wd.day.strftime("%a %d"),
                "key" if wd.key_run else "",
                f"{len(strength)} ex" if strength else ("skip" if wd.skipped_strength else "-"),
                f"{len(mobility)} ex" if mobility else "-",
                f"{minutes:g}" if minutes else "",
                f"{did}/{len(strength + mobility)}" if index == 0 and strength + mobility else "",
                "; ".join(wd.notes),
            )
        if self.days:
            table.move_cursor(row=min(row, len(self.days) - 1))
        self._detail(table.cursor_row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def action_skip_strength(self) -> None:
        table = self.query_one("#week-table", DataTable)
        index = table.cursor_row
        if not 0 <= index < len(self.days):
            return
        day = self.days[index].day.strftime("%a %d")
        if index == 0:
            self.notify("Today's plan is kept as it is; mark items done or not on Today (1).", timeout=4)
            return
        if index in self.skips:
            self.skips.discard(index)
            message = f"{day}: strength back in the plan; the days after are planned again"
        elif self.days[index].strength:
            self.skips.add(index)
            message = f"{day}: strength skipped; the session moves and the days after are planned again"
        else:
            self.notify(f"{day} has no strength work to skip.", severity="warning", timeout=3)
            return
        self.refresh_view()
        self.notify(message, timeout=4)

    def _detail(self, index: int) -> None:
        panel = self.query_one("#week-detail", Static)
        if not 0 <= index < len(self.days):
            panel.update("")
            return
        wd = self.days[index]
        strength, mobility = self.items(index)
        out = Text(wd.day.strftime("%A %d %B") + ("  (Today)" if index == 0 else "") + "\n", style="bold")
        for note in wd.notes:
            out.append(f"  {note}\n", style="yellow")
        for title, items in (("Strength", strength), ("Mobility", mobility)):
            if not items:
                continue
            out.append(f"{title}\n", style="bold")
            for p in items:
                done = index == 0 and p.exercise in self.done
                number = f"{p.number:>2} " if index == 0 else "  "
                out.append(f"{number}{'[x] ' if done else ''}{p.name}", style="green" if done else "")
                out.append(f"  {dose_text(p.dose)} · {p.minutes:g} min\n", style="dim")
                if p.progress_note:
                    out.append(f"    {p.progress_note}\n", style="cyan")
        if not (strength or mobility):
            out.append("  Rest from extra work.\n", style="dim")
        panel.update(clean_styled(out))
