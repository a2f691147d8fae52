"""Load metrics derived from the session history: pure functions of (sessions, today).

The output of :func:`load_metrics` is the engine's ``load`` fact, so its keys are exactly the
``fact.load`` fields of rules/facts.toml. A metric that cannot be computed (no history, a
zero denominator, a flat week) is left out rather than given as 0, NaN or infinity: a rule
on a missing field simply does not match, which is the honest answer.

Windows, all inclusive and counted back from ``today`` (day 0):
  this week = days 0..6, previous week = days 7..13,
  last two weeks = days 0..13 vs days 14..27,
  acute (ACWR) = days 0..6, chronic = days 7..34 (the 28 days before the acute week).
Sessions dated after ``today`` are ignored, and so are any dated before 1980 (a device clock
that was never set: see :mod:`prehab.facts.dates`), so one bad stored row cannot stop the
metrics. Distances are running kilometres only (easy, long,
tempo, intervals, race, strides, hills): a ride's kilometres are not a run's.

Done prehab work (items marked done on Today or with ``prehab done``) counts like a logged
session of its kind: a day with done strength or plyometric items is a strength session, a day
with done mobility items a mobility session, and done frontal, transverse or multi-plane items
make it a cross-plane day, for ``days_since_strength``, ``days_since_mobility``,
``days_since_cross_plane``, ``strength_sessions_7d`` and the strength streak. A day that also
has a logged strength session is one session, not two. Done work adds no load (no km, no RPE).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from prehab.facts.dates import EARLIEST, usable
from prehab.record import Record
from prehab.store.records import HARD_KINDS, RUN_KINDS, STRENGTH_SESSION_MINUTES, DoneItem, Session

ACWR_CAVEAT = (
    "The acute:chronic workload ratio (this week's load against the average week of the four "
    "before it) is disputed: studies disagree on whether it predicts injury, and a ratio "
    "from a short or patchy log means little. prehab shows it as context only; no advice "
    "rests on it alone."
)
"""Shown wherever the ACWR is shown."""

LOAD_CHOICE = (
    "Load is session RPE (duration in minutes x effort 1-10, Foster's method) when every "
    "session of the last 35 days has both a duration and an RPE; otherwise it is running "
    "kilometres. One unit per calculation: mixing the two would make the ratio meaningless."
)

HARD_RPE = 7
"""A session at this RPE or above counts as hard whatever its kind."""

ENDURANCE_KINDS = frozenset(RUN_KINDS) | {"cycling", "cross-training"}

BOUNDS: dict[str, tuple[float, float]] = {
    "weekly_km": (0, 2000),
    "previous_week_km": (0, 2000),
    "weekly_change_pct": (-100, 100000),
    "two_week_change_pct": (-100, 100000),
    "longest_run_30d_km": (0, 500),
    "last_run_km": (0, 500),
    "run_spike_pct": (-100, 100000),
    "acwr": (0, 20),
    "monotony": (0, 100),
    "strain": (0, 1000000),
    "long_run_share_pct": (0, 100),
    "treadmill_share_pct": (0, 100),
    "cycling_share_pct": (0, 100),
    "weekly_increase_km": (-2000, 2000),
}
"""The ranges rules/facts.toml declares; values are clamped into them."""

INT_BOUNDS: dict[str, tuple[int, int]] = {
    "days_since_strength": (0, 10000),
    "days_since_mobility": (0, 10000),
    "days_since_cross_plane": (0, 10000),
    "hard_sessions_7d": (0, 50),
    "strength_sessions_7d": (0, 50),
    "runs_7d": (0, 50),
    "return_break_days": (0, 3650),
}
"""The same for the whole-number fields (a session from 1985 is more than 10,000 days ago)."""


def _window(sessions: Iterable[Session], today: date, first: int, last: int) -> list[Session]:
    """Sessions from ``first`` to ``last`` days ago (inclusive)."""
    start, end = today - timedelta(days=last), today - timedelta(days=first)
    return [s for s in sessions if start <= s.date <= end]


def _run_km(sessions: Iterable[Session]) -> float:
    return sum(s.distance_km for s in sessions if s.is_run)


TINY = 1e-6
"""Denominators at or below this (a few millimetres, a fraction of a load unit) count as zero:
dividing by them would only produce a meaningless, possibly infinite, number."""


def _pct_change(now: float, before: float) -> float | None:
    return (now - before) / before * 100 if before > TINY else None


def uses_session_rpe(sessions: Sequence[Session], today: date) -> bool:
    """Whether load is session RPE (True) or running km (False); see ``LOAD_CHOICE``."""
    window = _window(sessions, today, 0, 34)
    return bool(window) and all(s.duration_min is not None and s.rpe is not None for s in window)


def session_load(s: Session, srpe: bool) -> float:
    """One session's load in the unit chosen by :func:`uses_session_rpe`."""
    if srpe:
        return float(s.duration_min or 0) * float(s.rpe or 0)
    return s.distance_km if s.is_run else 0.0


def daily_loads(sessions: Sequence[Session], today: date, days: int, srpe: bool) -> list[float]:
    """Load per day for the ``days`` days ending today, oldest first (rest days are 0)."""
    loads = [0.0] * days
    for s in _window(sessions, today, 0, days - 1):
        loads[days - 1 - (today - s.date).days] += session_load(s, srpe)
    return loads


class DoneWork(Record, frozen=True):
    """The days of done prehab work (up to today), by what each day counts as."""

    strength: frozenset[date] = frozenset()
    mobility: frozenset[date] = frozenset()
    cross_plane: frozenset[date] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.strength or self.mobility or self.cross_plane)


def done_work(
    done: Iterable[DoneItem] | DoneWork, today: date, planes: Mapping[str, str] | None = None
) -> DoneWork:
    """Which days ``done`` makes strength, mobility and cross-plane days. The plane is the one
    stored with the mark, else ``planes`` (exercise id -> catalogue plane)."""
    if isinstance(done, DoneWork):
        return DoneWork(*(frozenset(d for d in days if EARLIEST <= d <= today) for days in (
            done.strength, done.mobility, done.cross_plane)))  # fmt: skip
    mobility, cross = set(), set()
    minutes: dict[date, float] = {}
    lookup = dict(planes or {})
    for item in done:
        if not EARLIEST <= item.day <= today:
            continue
        if item.is_strength:
            add = STRENGTH_SESSION_MINUTES if item.minutes is None else item.minutes
            minutes[item.day] = minutes.get(item.day, 0.0) + add
        elif item.kind == "mobility":
            mobility.add(item.day)
        if item.cross_plane(lookup):
            cross.add(item.day)
    strength = {day for day, total in minutes.items() if total >= STRENGTH_SESSION_MINUTES}
    return DoneWork(frozenset(strength), frozenset(mobility), frozenset(cross))


def work_from_days(days: Mapping[date, tuple[bool, bool, bool]]) -> DoneWork:
    """A :class:`DoneWork` from ``store.done.done_days`` (per day: strength, mobility, cross-plane)."""
    return DoneWork(*(frozenset(d for d, flags in days.items() if flags[i]) for i in range(3)))


def strength_days(sessions: Iterable[Session], work: DoneWork) -> list[date]:
    """One date per strength session: each logged one, plus each day of done strength work
    that has no logged strength session (that day's session was logged, not done twice)."""
    logged = [s.date for s in sessions if s.kind == "strength"]
    return logged + sorted(work.strength - set(logged))


def strength_streak_weeks(
    sessions: Sequence[Session], today: date, done: Iterable[DoneItem] | DoneWork = ()
) -> int:
    """Weeks in a row (7-day blocks back from today) with two or more strength sessions
    (logged, or days of done strength work).

    The current block counts only once it has two; if it has fewer the streak is counted
    from the block before, since this week is not over yet.
    """
    work = done_work(done, today)
    per_block = Counter((today - day).days // 7 for day in strength_days(usable(sessions, today), work))
    block = 0 if per_block[0] >= 2 else 1
    streak = 0
    while per_block[block] >= 2:  # one pass to count, then one lookup a week: linear in history
        streak += 1
        block += 1
    return streak


def load_metrics(
    sessions: Sequence[Session],
    today: date,
    done: Iterable[DoneItem] | DoneWork = (),
    planes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ``load`` fact fields for ``today`` (without the ``fact`` key); see module doc.
    ``done`` is the runner's done prehab work; ``planes`` gives the catalogue plane of done
    items stored without one."""
    history = usable(sessions, today)
    work = done_work(done, today, planes)
    if not history:
        return _tidy(_work_metrics([], today, work)) if work else {}
    out: dict[str, Any] = {}
    week = _window(history, today, 0, 6)
    weekly = _run_km(week)
    previous = _run_km(_window(history, today, 7, 13))
    out["weekly_km"] = weekly
    out["previous_week_km"] = previous
    out["weekly_change_pct"] = _pct_change(weekly, previous)
    out["weekly_increase_km"] = float(weekly - previous)
    out["two_week_change_pct"] = _pct_change(
        _run_km(_window(history, today, 0, 13)), _run_km(_window(history, today, 14, 27))
    )

    runs = [s for s in history if s.is_run and s.distance_km > 0]
    out["return_break_days"] = return_break_days(runs, today)
    if runs:
        last_day = max(s.date for s in runs)
        last = max(s.distance_km for s in runs if s.date == last_day)
        before = [s.distance_km for s in runs if last_day - timedelta(days=30) <= s.date < last_day]
        out["last_run_km"] = last
        if before and max(before) > TINY:
            longest = max(before)
            out["longest_run_30d_km"] = longest
            out["run_spike_pct"] = _pct_change(last, longest)

    srpe = uses_session_rpe(history, today)
    acute = sum(daily_loads(history, today, 7, srpe))
    chronic_total = sum(session_load(s, srpe) for s in _window(history, today, 7, 34))
    if chronic_total > TINY:
        out["acwr"] = acute * 4 / chronic_total
    daily = daily_loads(history, today, 7, srpe)
    mean = math.fsum(daily) / len(daily)
    spread = math.sqrt(math.fsum((load - mean) ** 2 for load in daily) / len(daily))
    if spread > TINY:  # (not statistics.pstdev: importing statistics costs more than a day's facts)
        monotony = mean / spread
        out["monotony"] = monotony
        out["strain"] = acute * monotony

    out.update(_work_metrics(history, today, work))
    out["hard_sessions_7d"] = sum(
        1 for s in week if s.kind in HARD_KINDS or (s.rpe is not None and s.rpe >= HARD_RPE)
    )
    out["runs_7d"] = sum(1 for s in week if s.is_run)
    if weekly > TINY:
        out["long_run_share_pct"] = max(s.distance_km for s in week if s.is_run) / weekly * 100
        out["treadmill_share_pct"] = (
            sum(s.distance_km for s in week if s.is_run and s.surface == "treadmill") / weekly * 100
        )
    out["cycling_share_pct"] = _cycling_share(week)
    return _tidy(out)


def _work_metrics(history: Sequence[Session], today: date, work: DoneWork) -> dict[str, Any]:
    """The strength, mobility and cross-plane metrics, from logged sessions and done work."""

    def since(logged: Iterable[date], done: Iterable[date]) -> int | None:
        days = [*logged, *done]
        return (today - max(days)).days if days else None

    week_start = today - timedelta(days=6)
    return {
        "days_since_strength": since((s.date for s in history if s.kind == "strength"), work.strength),
        "days_since_mobility": since((s.date for s in history if s.kind == "mobility"), work.mobility),
        "days_since_cross_plane": since((s.date for s in history if s.cross_plane), work.cross_plane),
        "strength_sessions_7d": sum(1 for day in strength_days(history, work) if day >= week_start),
    }


RETURN_BREAK_MIN_DAYS = 14
RETURN_WINDOW_DAYS = 28


def return_break_days(runs: Sequence[Session], today: date) -> int:
    """The longest break of 14+ days without a run that ended (with a run) in the last 28 days.

    After such a break a runner is rebuilding (walk-run) and week-on-week percentages from a
    near-zero base are noise, so the rules use this to replace spike alarms.
    """
    days = sorted({s.date for s in runs if s.date <= today})
    longest = 0
    for before, after in zip(days, days[1:], strict=False):
        gap = (after - before).days - 1
        if gap >= RETURN_BREAK_MIN_DAYS and (today - after).days <= RETURN_WINDOW_DAYS:
            longest = max(longest, gap)
    return longest


def _cycling_share(week: Sequence[Session]) -> float | None:
    """Rides as a share of the week's endurance sessions: by minutes when every one has a
    duration, else by count (a count is crude but never mixes km of riding with km of running).
    """
    endurance = [s for s in week if s.kind in ENDURANCE_KINDS]
    if not endurance:
        return None
    if all(s.duration_min for s in endurance):
        total = sum(float(s.duration_min or 0) for s in endurance)
        rides = sum(float(s.duration_min or 0) for s in endurance if s.kind == "cycling")
        return rides / total * 100
    return sum(1 for s in endurance if s.kind == "cycling") / len(endurance) * 100


def _tidy(values: dict[str, Any]) -> dict[str, Any]:
    """Drop undefined values, clamp into the declared ranges, round floats to 0.1."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key not in BOUNDS:  # the int fields: counts and days
            low_int, high_int = INT_BOUNDS.get(key, (0, 10**9))
            out[key] = min(max(int(value), low_int), high_int)
            continue
        low, high = BOUNDS[key]
        out[key] = round(min(max(float(value), low), high), 1)
    return out
