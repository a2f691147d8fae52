"""From the stored sessions, settings and latest check-in to the facts the engine takes.

``build_facts`` gives the ``load``, ``athlete`` and ``schedule`` facts, one ``session`` fact per
recent session, and the facts of a recent check-in, merged so that no kind meant to appear once
appears twice; ``prehab.day.facts`` adds the rest of what prehab remembers (profile, episodes,
responses, ladders) for the day service.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from prehab.facts.dates import EARLIEST, usable
from prehab.facts.metrics import DoneWork, load_metrics, strength_streak_weeks
from prehab.model import Fact, Problem
from prehab.settings import WEEKDAYS, Settings, load_settings
from prehab.store.db import Store
from prehab.store.records import RUN_KINDS, Checkin, DoneItem, Session
from prehab.store.sessions import daily_counts, latest_date

RECENT_SESSION_DAYS = 7
"""Sessions from today and the 6 days before become ``session`` facts."""

CHECKIN_MAX_AGE_DAYS = 2
"""A check-in from today or the two days before still describes the runner; older ones don't."""

SINGLE_KINDS = ("athlete", "schedule", "load")
"""Fact kinds that appear once per evaluation."""


def load_context() -> tuple[Store, Settings, list[Problem]]:
    """Open the default store and read the default settings (the caller closes the store).
    A damaged history is a warning among the problems: the advice uses what can be read."""
    settings, problems = load_settings()
    store = Store.open()
    if store.damaged:
        why = f"the history is damaged ({store.damaged}); the advice uses what can still be read"
        fix = "prehab export -o rescue.toml, move the file aside, then prehab import rescue.toml"
        problems = [*problems, Problem(str(store.path), None, "", why, fix, "warning")]
    return store, settings, problems


LOAD_DAYS = 35
"""Days back the load metrics read: the ACWR's chronic window is days 7..34 (see metrics)."""
LONGEST_RUN_DAYS = 30
"""longest_run_30d_km looks at the 30 days before the last run, however old that run is."""
STREAK_WEEKS = 8
"""Weeks of strength sessions read first for the strength streak; more only if it is longer."""
STRENGTH_WEEKS_MAX = 520
"""athlete.strength_weeks is 0..520 in facts.toml: a longer streak is 520, and no more is read."""
LATEST_KINDS = ("strength", "mobility")
"""Kinds whose last session a ``days_since_*`` metric needs even when it is older than the
window (one indexed query each). A new ``days_since_<kind>`` metric adds its kind here."""


def metric_sessions(store: Store, today: date) -> list[Session]:
    """The sessions the facts for ``today`` need, not the whole history (which took 13 s at a
    million sessions); :func:`build_facts` gives the same facts on these as on everything:

    - the last ``LOAD_DAYS`` days (weekly changes, acute and chronic load, recent sessions),
      reaching back to 30 days before the last run when that run is older (the run spike);
    - the last run day before those (a break that ended in the last 28 days: return_break_days);
    - the last strength, mobility and cross-plane sessions (``days_since_*``), each found by
      one query that stops at the first match.

    The strength streak (``strength_weeks``) is counted by :func:`strength_streak` from per-day
    counts. Cost: a few indexed queries (``store.sessions.latest_date`` for a kind never logged scans the
    rows older than a year once).
    """
    start = today - timedelta(days=LOAD_DAYS - 1)
    found = store.sessions(since=start, until=today)
    runs = [s.date for s in found if s.is_run and s.distance_km > 0]
    last_run = max(runs) if runs else latest_date(store, EARLIEST, today, kinds=RUN_KINDS, with_distance=True)
    if last_run is not None and last_run - timedelta(days=LONGEST_RUN_DAYS) < start:
        older = max(last_run - timedelta(days=LONGEST_RUN_DAYS), EARLIEST)
        found += store.sessions(since=older, until=start - timedelta(days=1))
        start = older
    before = start - timedelta(days=1)
    days: set[date | None] = set()
    if last_run is not None and before >= EARLIEST:
        days.add(latest_date(store, EARLIEST, before, kinds=RUN_KINDS, with_distance=True))
    for kind in LATEST_KINDS:
        if before >= EARLIEST and not any(s.kind == kind for s in found):
            days.add(latest_date(store, EARLIEST, before, kinds=(kind,)))
    if before >= EARLIEST and not any(s.cross_plane for s in found):
        days.add(latest_date(store, EARLIEST, before, cross_plane=True))
    for day in sorted(d for d in days if d is not None):
        found += store.sessions(since=day, until=day)
    unique = {(s.id if s.id is not None else id(s)): s for s in found}
    return sorted(unique.values(), key=lambda s: (s.date, s.id or 0), reverse=True)


def strength_streak(store: Store, today: date, work: DoneWork | None = None) -> int:
    """``metrics.strength_streak_weeks`` from per-day counts of strength sessions, read a few
    weeks at a time until the streak breaks (or reaches ``STRENGTH_WEEKS_MAX``). A day of done
    strength work (``work``) without a logged strength session counts as one session."""
    done_days = work.strength if work is not None else frozenset()
    per_block: Counter[int] = Counter()
    read_from = today + timedelta(days=1)
    weeks = STREAK_WEEKS
    while True:
        since = max(today - timedelta(days=7 * weeks - 1), EARLIEST)  # blocks 0 .. weeks-1, whole
        if since < read_from:
            logged = daily_counts(store, since, read_from - timedelta(days=1), "strength")
            for day, count in logged.items():
                per_block[(today - day).days // 7] += count
            for day in done_days:
                if since <= day < read_from and day not in logged:
                    per_block[(today - day).days // 7] += 1
            read_from = since
        block = 0 if per_block[0] >= 2 else 1
        streak = 0
        while per_block[block] >= 2:
            streak += 1
            block += 1
        # the block that broke the streak was read whole, or nothing older can count
        if block < weeks or since <= EARLIEST or streak >= STRENGTH_WEEKS_MAX:
            return min(streak, STRENGTH_WEEKS_MAX)
        weeks = min(weeks * 4, STRENGTH_WEEKS_MAX + 2)


def build_facts(
    sessions: Sequence[Session],
    settings: Settings,
    today: date,
    checkin: Checkin | None,
    *,
    strength_streak: int | None = None,
    done: Sequence[DoneItem] | DoneWork = (),
) -> list[Fact]:
    """The history's and a recent check-in's facts for ``today`` (``prehab.day.facts`` adds
    the profile, the open episodes, the responses and the ladders); ``strength_streak``: the
    streak counted already, when ``sessions`` is only a window; ``done``: done prehab work.

    Sessions the metrics cannot use (dated before 1980 or after ``today``) are dropped first,
    so a bad stored row never stops the advice.
    """
    sessions = usable(sessions, today)
    single: dict[str, Fact] = {
        "load": {"fact": "load", **load_metrics(sessions, today, done)},
        "athlete": athlete_fact(
            settings,
            sessions,
            today,
            strength_streak if strength_streak is not None else strength_streak_weeks(sessions, today, done),
        ),
        "schedule": schedule_fact(settings, today),
    }
    recent = session_facts(sessions, today)
    others: list[Fact] = []
    if checkin is not None and checkin_age_days(checkin, today) <= CHECKIN_MAX_AGE_DAYS:
        _merge_checkin(checkin, today, single, recent, others)
    return [single["load"], single["athlete"], single["schedule"], *recent.values(), *others]


def athlete_fact(
    settings: Settings, sessions: Sequence[Session], today: date, streak: int | None = None
) -> Fact:
    """The runner from the settings; strength_weeks is the larger of the setting and the log
    (``streak``, else counted on ``sessions``), at most ``STRENGTH_WEEKS_MAX`` as facts.toml says."""
    logged = strength_streak_weeks(sessions, today) if streak is None else streak
    return {
        "fact": "athlete",
        "experience": settings.experience,
        "home_only": settings.home_only,
        "strength_weeks": min(max(settings.strength_weeks, logged), STRENGTH_WEEKS_MAX),
    }


def schedule_fact(settings: Settings, today: date) -> Fact:
    """Where today sits: days to the goal race, and key runs (only if key days are set)."""
    fact: Fact = {"fact": "schedule"}
    if settings.goal_race_date is not None and settings.goal_race_date >= today:
        fact["days_to_goal_race"] = min((settings.goal_race_date - today).days, 3650)
    if settings.key_run_days:
        fact["key_run_today"] = WEEKDAYS[today.weekday()] in settings.key_run_days
        tomorrow = today + timedelta(days=1)
        fact["key_run_tomorrow"] = WEEKDAYS[tomorrow.weekday()] in settings.key_run_days
    return fact


def session_facts(sessions: Sequence[Session], today: date) -> dict[tuple[int, str], Fact]:
    """One ``session`` fact per (days_ago, type) of the last week, keyed so, newest first.

    Two sessions of one type on one day are one fact (facts.toml keys sessions by days_ago
    and type): distances and durations add up, the harder effort and the longer one's surface
    are kept, cross-plane work counts if either had it.
    """
    out: dict[tuple[int, str], Fact] = {}
    longest: dict[tuple[int, str], float] = {}
    for s in sorted(sessions, key=lambda s: (s.date, s.id or 0)):
        days_ago = (today - s.date).days
        if not 0 <= days_ago < RECENT_SESSION_DAYS:
            continue
        key = (days_ago, s.kind)
        fact = out.setdefault(key, {"fact": "session", "days_ago": days_ago, "type": s.kind})
        if s.distance_km > 0:
            fact["distance_km"] = round(fact.get("distance_km", 0.0) + s.distance_km, 2)
        if s.duration_min is not None:
            fact["duration_min"] = round(fact.get("duration_min", 0.0) + s.duration_min, 1)
        if s.rpe is not None:
            fact["rpe"] = max(fact.get("rpe", 0), s.rpe)
        if s.surface is not None and s.distance_km >= longest.get(key, -1.0):
            fact["surface"] = s.surface
            longest[key] = s.distance_km
        fact["cross_plane"] = bool(fact.get("cross_plane")) or s.cross_plane
    return dict(sorted(out.items()))  # most recent first


def checkin_age_days(checkin: Checkin, today: date) -> int:
    """Whole days between the check-in (in local time) and ``today``."""
    return (today - _local_date(checkin.taken_at)).days


def _local_date(when: datetime) -> date:
    try:
        return when.astimezone().date() if when.tzinfo else when.date()
    except OverflowError:  # a check-in stamped at the very start or end of the calendar
        return when.date()


def _merge_checkin(
    checkin: Checkin,
    today: date,
    single: dict[str, Fact],
    recent: dict[tuple[int, str], Fact],
    others: list[Fact],
) -> None:
    """Fold a check-in's facts in.

    ``athlete`` and ``schedule`` answers win over settings (the runner just said so); for
    ``load`` the logged history wins and the answers only fill what the log cannot tell
    (:func:`merge_load`).
    Check-in sessions are shifted by the check-in's age and dropped where the log already
    has that day and type. An ``effort`` answer (a facts file's) is shifted by the age; the rest
    is kept as answered.
    """
    age = checkin_age_days(checkin, today)
    for raw in checkin.facts:
        if not isinstance(raw, dict) or not isinstance(raw.get("fact"), str):
            continue
        fact: dict[str, Any] = dict(raw)
        kind = fact["fact"]
        if kind in ("athlete", "schedule"):
            single[kind].update(fact)
        elif kind == "load":
            single["load"] = merge_load(fact, single["load"])
        elif kind == "session":
            days_ago = fact.get("days_ago")
            if not isinstance(days_ago, int) or isinstance(days_ago, bool):
                continue
            fact["days_ago"] = days_ago + age
            key = (fact["days_ago"], str(fact.get("type")))
            if key not in recent and fact["days_ago"] <= 3650:
                recent[key] = fact
        elif kind == "effort":
            days_ago = fact.get("days_ago")
            if isinstance(days_ago, int) and not isinstance(days_ago, bool):
                fact["days_ago"] = days_ago + age
            if isinstance(fact.get("days_ago"), int) and fact["days_ago"] > 3650:
                continue
            others.append(fact)
        else:
            others.append(fact)


TYPED_WEEKS = {"weekly_km": "this", "previous_week_km": "previous"}
"""Check-in answers that give one week's running distance (the last 7 days, the 7 before)."""

FROM_THIS_WEEK = ("monotony", "strain", "long_run_share_pct", "treadmill_share_pct")
"""Metrics the log computes from the last 7 days' runs: unknown once a typed distance stands
in for a week the log has no running distance in."""

FROM_BOTH_WEEKS = ("weekly_change_pct", "weekly_increase_km", "two_week_change_pct", "acwr")
"""Metrics the log computes from both weeks: unknown once either week is typed
(``prehab.facts.complete`` derives the weekly change again from the two distances)."""


def merge_load(typed: Fact, logged: Fact) -> Fact:
    """The ``load`` fact from the log's metrics and a check-in's answers.

    The log wins wherever it knows: a week with logged running distance keeps the logged
    distance whatever was typed. A week the log has no running distance for (no runs logged,
    or none at all) takes the typed distance, and what the log derived from its empty week
    (the week-on-week change, the ACWR, ...) goes, so the typed 52 km after 38 km give the same
    facts as a facts file with ``weekly_km = 52, previous_week_km = 38``. Typed hard sessions
    count for a week without logged runs (the larger of the two counts).
    """
    out: Fact = {**typed, **logged}
    replaced: set[str] = set()
    for name, week in TYPED_WEEKS.items():
        value = typed.get(name)
        if _number(value) and not _positive(logged.get(name)):
            out[name] = value
            replaced.add(week)
    if not replaced:
        return out
    gone = FROM_BOTH_WEEKS + (FROM_THIS_WEEK if "this" in replaced else ())
    for name in gone:
        out.pop(name, None)
    if "this" in replaced:
        hard = typed.get("hard_sessions_7d")
        if _number(hard):
            out["hard_sessions_7d"] = max(int(hard or 0), int(logged.get("hard_sessions_7d") or 0))
        if _positive(typed.get("weekly_km")) and not logged.get("runs_7d"):
            out.pop("runs_7d", None)  # the log's 0 runs is wrong: the runner ran the typed km
    return {"fact": "load", **{k: v for k, v in out.items() if k != "fact"}}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive(value: object) -> bool:
    return _number(value) and float(value) > 0  # type: ignore[arg-type]


def new_runner(store: Store, facts: Sequence[Fact]) -> bool:
    """True for a runner prehab knows nothing about yet: no logged or imported session gave a
    load metric and no check-in was ever saved, so the advice rests on the settings alone
    (``prehab recommend`` then says how to start instead of "nothing to add")."""
    load = next((f for f in facts if f.get("fact") == "load"), {})
    return not any(k != "fact" for k in load) and store.latest_checkin() is None
