"""Did it help? Weekly series of complaints, adherence and distance (Trends, ``history --trends``).

Per Monday-to-Sunday week, oldest first, ending with this week:

- ``distance_km``: running kilometres (as on Trends since the start);
- ``adherence_pct``: the share of prescribed items done, over the days the advice log has a
  plan for (days without a stored plan are not counted either way); None for a week with none;
- per region, ``tightness``, ``soreness`` and ``pain``: the highest level reported that week
  (the latest check-in of each day counts for that day). A week with check-ins in which the
  region was not mentioned is 0 (a blank answer means "fine"); a week without any check-in is
  None (nothing known). Only regions mentioned at least once are listed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from prehab.record import Record, field
from prehab.store.checkins import checkins_since
from prehab.store.db import Store
from prehab.store.records import Checkin
from prehab.store.rows import local_day

WEEKS = 12
COMPLAINTS = ("tightness", "soreness", "pain")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class RegionSeries(Record):
    """One body region's weekly series (tightness, soreness, pain), for the Trends screen."""

    tightness: list[int | None] = field(default_factory=list)
    soreness: list[int | None] = field(default_factory=list)
    pain: list[int | None] = field(default_factory=list)

    def of(self, kind: str) -> list[int | None]:
        values: list[int | None] = getattr(self, kind)
        return values

    @property
    def peak(self) -> int:
        return max((v or 0 for kind in COMPLAINTS for v in self.of(kind)), default=0)


class Trends(Record):
    """The weekly series of the window: distance, exercises prescribed and done, each region's."""

    weeks: list[date]
    distance_km: list[float]
    prescribed: list[int]
    done: list[int]
    regions: dict[str, RegionSeries]

    @property
    def adherence_pct(self) -> list[float | None]:
        return [round(d / p * 100, 1) if p else None for p, d in zip(self.prescribed, self.done, strict=True)]

    def busiest_region(self) -> str | None:
        """The region with the highest recent complaint (latest weeks weigh most)."""
        best: tuple[Any, ...] | None = None
        for region, series in self.regions.items():
            recent = [max(series.of(k)[i] or 0 for k in COMPLAINTS) for i in range(len(self.weeks))]
            score = (max(recent[-4:], default=0), series.peak, region)
            if best is None or score > best:
                best = score
        return str(best[2]) if best else None

    def as_json(self) -> dict[str, Any]:
        return {
            "weeks": [w.isoformat() for w in self.weeks],
            "distance_km": [round(km, 2) for km in self.distance_km],
            "prescribed": self.prescribed,
            "done": self.done,
            "adherence_pct": self.adherence_pct,
            "regions": {
                region: {kind: series.of(kind) for kind in COMPLAINTS}
                for region, series in self.regions.items()
            },
        }


def trends(store: Store, today: date, weeks: int = WEEKS) -> Trends:
    """The weekly series for the ``weeks`` weeks ending with ``today``'s week."""
    last = week_start(today)
    starts = [last - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    index = {start: i for i, start in enumerate(starts)}
    first = starts[0]

    distance = [0.0] * weeks
    for s in store.sessions(since=first, until=today):
        if s.is_run:
            distance[index[week_start(s.date)]] += s.distance_km

    prescribed, done = [0] * weeks, [0] * weeks
    did: dict[date, set[str]] = {}
    for item in store.done_items(first, today, with_rpe=False):
        did.setdefault(item.day, set()).add(item.exercise)
    for plan in store.advice_log(since=first, until=today):
        planned = set(plan.exercises)
        i = index[week_start(plan.day)]
        prescribed[i] += len(planned)
        done[i] += len(planned & did.get(plan.day, set()))

    since = datetime.combine(first - timedelta(days=1), datetime.min.time(), UTC)
    regions = _complaints(checkins_since(store, since), starts, index, today)
    return Trends(starts, distance, prescribed, done, regions)


def _complaints(
    checkins: list[Checkin], starts: list[date], index: dict[date, int], today: date
) -> dict[str, RegionSeries]:
    latest: dict[date, Checkin] = {}
    for checkin in checkins:  # oldest first: the day's last one wins
        day = local_day(checkin.taken_at)
        if starts[0] <= day <= today:
            latest[day] = checkin
    weeks = len(starts)
    asked = [False] * weeks
    levels: dict[str, dict[str, list[int]]] = {}
    for day, checkin in latest.items():
        i = index[week_start(day)]
        asked[i] = True
        for fact in checkin.facts:
            if not isinstance(fact, dict) or fact.get("fact") not in COMPLAINTS:
                continue
            region, level = fact.get("region"), fact.get("level")
            if not isinstance(region, str) or not isinstance(level, int | float) or isinstance(level, bool):
                continue
            by_kind = levels.setdefault(region, {k: [0] * weeks for k in COMPLAINTS})
            row = by_kind[str(fact["fact"])]
            row[i] = max(row[i], int(level))
    out: dict[str, RegionSeries] = {}
    for region in sorted(levels):
        if not any(v for row in levels[region].values() for v in row):
            continue
        series = RegionSeries()
        for kind in COMPLAINTS:
            series.of(kind).extend(v if asked[i] else None for i, v in enumerate(levels[region][kind]))
        out[region] = series
    return out
