"""Trends: did it help? Complaints per region beside adherence and weekly distance, as plots,
then the load metrics with their caveats.

The series are ``prehab.facts.trends`` (the same ``prehab history --trends --json`` prints):
per Monday-to-Sunday week, the highest tightness and pain reported for a region, the share of
prescribed items done (advice log and done marks) and running distance. Plots are
textual-plotext (plotext drawn in a Textual widget); labels are kept short and the week
ticks sparse so both plots read at 80x24 without wrapping.

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
from textual_plotext import PlotextPlot

from prehab.facts.metrics import load_metrics
from prehab.facts.trends import Trends, trends
from prehab.facts.units import to_display
from prehab.store import Session
from prehab.tui.screens.base import PrehabScreen
from prehab.workout.trends import LiftPoint, lift_series

WEEKS = 12
BAR = "█"
HALF = "▌"
TICK_EVERY = 3
"""Label every third week: twelve "02 Nov" labels do not fit 80 columns."""

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


def ticks(weeks: list[date]) -> tuple[list[float], list[str]]:
    """Every ``TICK_EVERY``-th week, counted back from this week so the last one is labelled."""
    chosen = [i for i in range(len(weeks)) if (len(weeks) - 1 - i) % TICK_EVERY == 0]
    return [float(i) for i in chosen], [weeks[i].strftime("%d %b") for i in chosen]


def _marker(xs: list[int]) -> str:
    """A line's marker: braille draws a line finely, but one point of it is a single pixel,
    which reads as nothing (a first week of data); a lone point is a full character."""
    return "braille" if len(xs) > 1 else "●"


def _points(values: list[Any]) -> tuple[list[int], list[float]]:
    """The weeks that have a value (None: nothing known that week is left out, not drawn as 0)."""
    xs = [i for i, v in enumerate(values) if v is not None]
    return xs, [float(values[i]) for i in xs]


def _value(point: LiftPoint, loaded: bool) -> float:
    """A session's point: its load (loaded work) or its reps or seconds (0 when not known)."""
    value = point.load if loaded else point.reps
    return float(value) if value is not None else 0.0


def _label(region: str) -> str:
    return region.replace("_", " ")


class TrendsScreen(PrehabScreen):
    MODE = "trends"
    HELP = """\
## Trends: did it help?

* **Complaints**: for one region at a time (**r** next, **R** previous), the highest tightness
  and pain you reported each week (0-10). A week without any check-in has no point.
* **Distance and adherence**: running distance per week (bars) and the share of prescribed
  items you marked done (line, 0-100 %, from the advice log and your done marks; weeks
  without a stored plan have no point).
* **Load metrics**: what the rules see in the `load` fact, computed from your log and done
  work, each with its caveat. The acute:chronic workload ratio in particular is disputed and
  is shown as context only.
* **Recorded work**: for one exercise at a time (**e** next), the load you lifted each session
  (or the reps or seconds, for bodyweight and timed work) and its volume (sets x reps x load,
  right-hand axis),
  from the guided session (**g** on Today) and `prehab done --reps --load`.
* **j/k** scroll. `prehab history --trends --json` gives the same series.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "region(1)", "Region"),
        Binding("e", "lift(1)", "Exercise"),
        Binding("R", "region(-1)", "Previous region", show=False),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]
    DEFAULT_CSS = """
    TrendsScreen .trends-plot { height: 10; }
    TrendsScreen .trends-plot.hidden { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.series: Trends | None = None
        self.shown_region: str | None = None
        self.lifts: dict[str, list[LiftPoint]] = {}
        self.shown_lift: str | None = None

    def body(self) -> ComposeResult:
        with VerticalScroll(id="trends-scroll"):
            yield Static("", id="trends-head")
            yield PlotextPlot(id="trends-regions", classes="trends-plot")
            yield PlotextPlot(id="trends-load", classes="trends-plot")
            yield Static("", id="trends-lift-head")
            yield PlotextPlot(id="trends-lift", classes="trends-plot")
            yield Static("", id="trends-chart")
            yield Static("", id="trends-metrics")

    def action_scroll(self, step: int) -> None:
        self.query_one("#trends-scroll", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_region(self, step: int) -> None:
        regions = list(self.series.regions) if self.series else []
        if not regions:
            self.notify("No tightness or pain reported yet: the body map (3) records it.", timeout=3)
            return
        at = regions.index(self.shown_region) if self.shown_region in regions else 0
        self.shown_region = regions[(at + step) % len(regions)]
        self._draw_regions()

    def action_lift(self, step: int) -> None:
        names = list(self.lifts)
        if not names:
            self.notify("No recorded work yet: the guided session (g on Today) records it.", timeout=3)
            return
        at = names.index(self.shown_lift) if self.shown_lift in names else 0
        self.shown_lift = names[(at + step) % len(names)]
        self._draw_lift()

    def _draw_lift(self) -> None:
        head = self.query_one("#trends-lift-head", Static)
        widget = self.query_one("#trends-lift", PlotextPlot)
        points = self.lifts.get(self.shown_lift or "", [])
        if not points:
            head.update(Text("RECORDED WORK  none yet (g on Today: the guided session)", style="dim"))
            widget.set_class(True, "hidden")
            return
        widget.set_class(False, "hidden")
        more = f"  e: next of {len(self.lifts)}" if len(self.lifts) > 1 else ""
        head.update(
            Text.assemble(("RECORDED WORK  ", "bold"), (str(self.shown_lift), "bold cyan"), (more, "dim"))
        )
        unit = self.state.settings.weight_units
        loaded = any(p.load is not None for p in points)
        plt = widget.plt
        plt.clear_figure()
        xs = list(range(len(points)))
        ys = [_value(p, loaded) for p in points]
        plt.plot(xs, ys, marker=_marker(xs), color="cyan", label=unit if loaded else "reps or s")
        plt.plot(xs, [p.volume for p in points], yside="right", marker="dot", color="yellow", label="volume")
        plt.ylim(0, max(ys, default=1.0) * 1.25 or 1.0)
        plt.ylim(0, max((p.volume for p in points), default=1.0) * 1.6 or 1.0, yside=2)  # apart from the load
        plt.title(f"{'load (' + unit + ')' if loaded else 'reps or seconds'} and volume (right)")
        every = max(1, len(points) // 4)
        chosen = [i for i in xs if (len(xs) - 1 - i) % every == 0]
        plt.xticks([float(i) for i in chosen], [points[i].day.strftime("%d %b") for i in chosen])
        widget.refresh()

    def refresh_view(self) -> None:
        state = self.state
        units = state.settings.units
        if state.store is not None:
            self.series = trends(state.store, state.today, WEEKS)
        if self.series is not None and self.shown_region not in self.series.regions:
            self.shown_region = self.series.busiest_region()
        self._draw_regions()
        self._draw_load(units)
        sessions = state.sessions()
        done = state.store.done_items(state.today - timedelta(days=400), state.today, with_rpe=False) if (
            state.store is not None
        ) else []  # fmt: skip
        metrics = load_metrics(sessions, state.today, done)
        self.lifts = lift_series((d for d in done if d.day >= state.today - timedelta(weeks=WEEKS)),
                                 state.settings.weight_units)  # fmt: skip
        if self.shown_lift not in self.lifts:
            self.shown_lift = next(iter(self.lifts), None)
        self._draw_lift()
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

    def _draw_regions(self) -> None:
        head = self.query_one("#trends-head", Static)
        widget = self.query_one("#trends-regions", PlotextPlot)
        series = self.series
        if series is None or self.shown_region is None:
            head.update(
                Text.assemble(
                    ("DID IT HELP?", "bold"),
                    ("  No tightness or pain reported yet (body map: 3).", "dim"),
                )
            )
            widget.set_class(True, "hidden")
            return
        widget.set_class(False, "hidden")
        others = len(series.regions) - 1
        more = f"  r: next of {others + 1} regions" if others else ""
        head.update(
            Text.assemble(("DID IT HELP?  ", "bold"), (_label(self.shown_region), "bold cyan"), (more, "dim"))
        )
        plt = widget.plt
        plt.clear_figure()
        region = series.regions[self.shown_region]
        for values, name, color in ((region.tightness, "tightness", "cyan"), (region.pain, "pain", "red")):
            xs, ys = _points(values)
            if xs:
                plt.plot(xs, ys, marker=_marker(xs), color=color, label=name)
        plt.title(f"{_label(self.shown_region)}: weekly highest, 0-10")
        plt.ylim(0, 10)
        plt.yticks([0, 5, 10])
        plt.xlim(0, len(series.weeks) - 1)
        plt.xticks(*ticks(series.weeks))
        widget.refresh()

    def _draw_load(self, units: str) -> None:
        widget = self.query_one("#trends-load", PlotextPlot)
        chart = self.query_one("#trends-chart", Static)
        series = self.series
        if series is None or not any(series.distance_km) and not any(series.prescribed):
            widget.set_class(True, "hidden")
            chart.update(
                Text("No runs logged yet: add sessions (4) or import them (prehab import).\n", style="dim")
            )
            return
        widget.set_class(False, "hidden")
        chart.update("")
        plt = widget.plt
        plt.clear_figure()
        xs = list(range(len(series.weeks)))
        distance = [to_display(km, units) for km in series.distance_km]
        plt.bar(xs, distance, color="green", label=units, width=0.6)
        ax, ay = _points(series.adherence_pct)
        if ax:
            plt.plot(ax, ay, yside="right", marker=_marker(ax), color="yellow", label="done %")
            plt.ylim(0, 100, yside=2)  # 2: the right-hand axis (plotext's stub types it as a number)
        plt.title(f"distance ({units}, bars) and done (%, line)")
        plt.xticks(*ticks(series.weeks))
        widget.refresh()
