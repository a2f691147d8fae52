"""facts_from_history reads a window of the history, not all of it, and gives the same facts.

Why: ``prehab recommend`` read every session ever logged on each run (20 ms at ten years,
13 s at a million sessions). It now reads the last 35 days plus a few targeted rows (the last
run, the run day before the window, the last strength / mobility / cross-plane session, and
strength sessions as far back as the 2-a-week streak goes). These tests compare it with
``build_facts`` on the whole history, on histories shaped to need each of those reads.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from prehab.day.facts import facts_for_day
from prehab.facts import history
from prehab.facts.history import build_facts
from prehab.store import Session, Settings, Store

TODAY = date(2026, 11, 26)


def _run(day: date, km: float = 10.0, kind: str = "easy", **extra: object) -> Session:
    return Session(day, kind, km, km * 6, 4, **extra)  # type: ignore[arg-type]


def _strength(day: date, **extra: object) -> Session:
    return Session(day, "strength", 0.0, 40.0, 6, **extra)  # type: ignore[arg-type]


def _same_facts(tmp_path: Path, sessions: list[Session], today: date = TODAY) -> list[dict[str, object]]:
    store = Store.open(tmp_path / "h.sqlite3")
    with store:
        store.add_sessions(sessions, keep_repeats=True)
        settings = Settings()
        whole = build_facts(store.sessions(until=today), settings, today, store.latest_checkin())
        windowed = facts_for_day(None, store, settings, today)
    assert windowed == whole
    return windowed


def test_a_long_strength_streak_is_counted_past_the_first_weeks_read(tmp_path: Path) -> None:
    sessions = []
    for week in range(60):
        monday = TODAY - timedelta(days=7 * week + 1)
        sessions += [
            _strength(monday),
            _strength(monday - timedelta(days=3)),
            _run(monday - timedelta(days=1)),
        ]
    facts = _same_facts(tmp_path, sessions)
    athlete = next(f for f in facts if f["fact"] == "athlete")
    assert athlete["strength_weeks"] >= 59  # type: ignore[operator]


def test_old_last_run_mobility_and_cross_plane_sessions_are_found(tmp_path: Path) -> None:
    sessions = [
        _run(TODAY - timedelta(days=100), 21.0, "long"),
        _run(TODAY - timedelta(days=115), 12.0),
        _run(TODAY - timedelta(days=140), 30.0),  # outside the 30 days before the last run
        Session(TODAY - timedelta(days=400), "mobility", 0.0, 20.0),
        _run(TODAY - timedelta(days=700), 8.0, cross_plane=True),
        _strength(TODAY - timedelta(days=900)),
    ]
    facts = _same_facts(tmp_path, sessions)
    load = next(f for f in facts if f["fact"] == "load")
    assert load["days_since_mobility"] == 400 and load["days_since_cross_plane"] == 700
    assert load["days_since_strength"] == 900 and load["last_run_km"] == 21.0
    assert load["longest_run_30d_km"] == 12.0


def test_a_break_that_began_long_before_the_window_is_measured_in_full(tmp_path: Path) -> None:
    sessions = [_run(TODAY - timedelta(days=d)) for d in range(200, 400, 2)]
    sessions += [_strength(TODAY - timedelta(days=150)), _run(TODAY - timedelta(days=10))]
    facts = _same_facts(tmp_path, sessions)
    load = next(f for f in facts if f["fact"] == "load")
    assert load["return_break_days"] == 189


def test_nothing_logged_and_nothing_but_today(tmp_path: Path) -> None:
    _same_facts(tmp_path, [])
    _same_facts(tmp_path, [_run(TODAY)])


@pytest.mark.parametrize("seed", range(12))
def test_random_histories_give_the_same_facts(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    sessions: list[Session] = []
    day = TODAY - timedelta(days=rng.randint(60, 1500))
    kinds = ["easy", "long", "tempo", "intervals", "strength", "mobility", "cycling", "hills"]
    while day <= TODAY + timedelta(days=3):  # a few future-dated ones too
        if rng.random() < 0.05:
            day += timedelta(days=rng.randint(10, 120))  # breaks of every length
        for _ in range(rng.choice([0, 1, 1, 2])):
            kind = rng.choice(kinds)
            km = 0.0 if kind in ("strength", "mobility") else round(rng.uniform(0, 25), 1)
            minutes = rng.choice([None, 45.0]) if km else 45.0
            plane = rng.random() < 0.1
            sessions.append(Session(day, kind, km, minutes, rng.choice([None, 5]), cross_plane=plane))
        day += timedelta(days=1)
    _same_facts(tmp_path, sessions)


def test_only_a_window_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No read of the whole history: every sessions() call is bounded below."""
    store = Store.open(tmp_path / "h.sqlite3")
    with store:
        store.add_sessions([_run(TODAY - timedelta(days=d)) for d in range(0, 3000, 3)] + [_strength(TODAY)])
        calls: list[date | None] = []
        real = store.sessions

        def spy(
            since: date | None = None, until: date | None = None, kind: str | None = None
        ) -> list[Session]:
            calls.append(since)
            return real(since, until, kind)

        monkeypatch.setattr(store, "sessions", spy)
        read = history.metric_sessions(store, TODAY)
    assert calls and all(since is not None for since in calls)
    assert len(read) < 100
