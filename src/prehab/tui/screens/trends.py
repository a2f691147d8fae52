"""Trends: weekly distance as a bar chart, and the load metrics with their caveats.

Why caveats next to numbers: several of these metrics (the acute:chronic workload ratio
above all) are disputed; shown bare they look like verdicts. The rules treat them as
context, and so does this screen.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from prehab.facts.metrics import load_metrics
from prehab.facts.units import to_display
from prehab.store import Session
from prehab.tui.screens.base import PrehabScreen

WEEKS = 12
BAR = "█"
HALF = "▌"

METRICS: tuple[tuple[str, str, str], ...] = (
    ("weekly_km", "Distance, last 7 days", "km"),
    ("previous_week_km", "Distance, 7 days before", "km"),
    ("weekly_change_pct", "Change on last week", "%"),
    ("two_week_change_pct", "Last 2 weeks vs the 2 before", "%"),
    ("last_run_km", "Last run", "km"),
    ("longest_run_30d_km", "Longest run in 30 days before it", "km"),
    ("acwr", "Acute:chronic workload ratio", ""),
    ("monotony", "Monotony (7 days)", ""),
    ("strain", "Strain (7 days)", ""),
    ("runs_7d", "Runs in 7 days", ""),
    ("hard_sessions_7d", "Hard sessions in 7 days", ""),
    ("strength_sessions_7d", "Strength sessions in 7 days", ""),
    ("days_since_strength", "Days since strength work", ""),
    ("days_since_mobility", "Days since mobility work", ""),
    ("days_since_cross_plane", "Days since side-to-side/rotational work", ""),
    ("long_run_share_pct", "Long run share of the week", "%"),
    ("treadmill_share_pct", "Treadmill share", "%"),
)

CAVEATS: dict[str, str] = {
    "weekly_change_pct": "The '10 % rule' is a rough guide, not a law; big jumps (over 30 %) are what "
    "studies link to injury.",
    "acwr": "Disputed (Impellizzeri et al. 2020: mathematical coupling, weak evidence). Context only: "
    "no rule acts on it alone.",
    "monotony": "Foster's monotony: mean daily load / its spread. Above 2 means little variation "
    "between easy and hard days.",
    "strain": "Weekly load x monotony; only meaningful compared with your own past weeks.",
    "long_run_share_pct": "A long run over about a third of the week is a common warning sign.",
}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_distance(sessions: list[Session], today: date, weeks: int = WEEKS) -> list[tuple[date, float]]:
    """Running km per Monday-start week, oldest first, ending with this week."""
    last = week_start(today)
    starts = [last - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    totals = dict.fromkeys(starts, 0.0)
    for s in sessions:
        start = week_start(s.date)
        if start in totals and s.is_run and s.date <= today:
            totals[start] += s.distance_km
    return list(totals.items())


def bar_chart(weeks: list[tuple[date, float]], units: str, width: int = 40) -> Text:
    """Horizontal bars, one per week, drawn with block characters (works in any terminal)."""
    values = [to_display(km, units) for _, km in weeks]
    top = max(values, default=0.0) or 1.0
    out = Text()
    for (start, _), value in zip(weeks, values, strict=True):
        cells = value / top * width
        full = int(cells)
        bar = BAR * full + (HALF if cells - full >= 0.5 else "")
        out.append(f"{start.strftime('%d %b')}  ", style="dim")
        out.append(bar or " ", style="green")
        out.append(f" {value:.1f} {units}\n" if value else " -\n", style="" if value else "dim")
    return out


def _fmt(value: Any, unit: str, units: str) -> str:
    if unit == "km":
        return f"{to_display(float(value), units):.1f} {units}"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")
    return f"{value}{' ' + unit if unit else ''}"


class TrendsScreen(PrehabScreen):
    MODE = "trends"
    HELP = """\
## Trends

* **Weekly distance**: running distance per week (Monday to Sunday), the last 12 weeks.
* **Load metrics**: what the rules see in the `load` fact, computed from your log, each with
  its caveat. The acute:chronic workload ratio in particular is disputed and is shown as
  context only.
* **j/k** scroll.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    def body(self) -> ComposeResult:
        with VerticalScroll(id="trends-scroll"):
            yield Static("", id="trends-chart")
            yield Static("", id="trends-metrics")

    def action_scroll(self, step: int) -> None:
        self.query_one("#trends-scroll", VerticalScroll).scroll_relative(y=step, animate=False)

    def refresh_view(self) -> None:
        state = self.state
        sessions = state.sessions()
        units = state.settings.units
        chart = Text("WEEKLY DISTANCE (week starting)\n", style="bold")
        if any(s.is_run for s in sessions):
            chart.append_text(bar_chart(weekly_distance(sessions, state.today), units))
        else:
            chart.append(
                "No runs logged yet: add sessions (4) or import them (prehab import).\n", style="dim"
            )
        self.query_one("#trends-chart", Static).update(chart)
        metrics = load_metrics(sessions, state.today)
        table = Table(title="LOAD METRICS", title_justify="left", title_style="bold", expand=True, box=None)
        table.add_column("metric", ratio=3)
        table.add_column("value", justify="right", ratio=1, no_wrap=True)
        table.add_column("caveat", ratio=5, style="dim")
        for key, label, unit in METRICS:
            if key in metrics:
                table.add_row(label, _fmt(metrics[key], unit, units), CAVEATS.get(key, ""))
        if not metrics:
            table.add_row("No history yet", "", "Metrics appear once sessions are logged.")
        self.query_one("#trends-metrics", Static).update(table)
