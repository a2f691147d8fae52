"""Load metrics against numbers worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prehab.day.facts import facts_for_day
from prehab.facts.history import build_facts, load_context
from prehab.facts.metrics import (
    ACWR_CAVEAT,
    BOUNDS,
    load_metrics,
    strength_streak_weeks,
    uses_session_rpe,
)
from prehab.facts.units import KM_PER_MILE, format_distance, from_display, to_display
from prehab.store import KINDS, SURFACES, Session, Settings, Store, save_settings

T = date(2024, 3, 31)  # a Sunday

LOAD_FIELDS = {
    "weekly_km", "previous_week_km", "weekly_change_pct", "two_week_change_pct",
    "longest_run_30d_km", "last_run_km", "run_spike_pct", "acwr", "monotony", "strain",
    "days_since_strength", "days_since_mobility", "days_since_cross_plane", "hard_sessions_7d",
    "strength_sessions_7d", "long_run_share_pct", "treadmill_share_pct", "cycling_share_pct",
    "runs_7d", "weekly_increase_km", "return_break_days",
}  # fmt: skip


def ago(days: int) -> date:
    return T - timedelta(days=days)


def typical_history() -> list[Session]:
    return [
        Session(ago(0), "tempo", 10, rpe=8),
        Session(ago(1), "cycling", 40, duration_min=90),
        Session(ago(2), "long", 20),
        Session(ago(4), "easy", 5, surface="treadmill"),
        Session(ago(5), "strength", cross_plane=True),
        Session(ago(8), "easy", 10),
        Session(ago(9), "mobility"),
        Session(ago(10), "long", 15),
        Session(ago(15), "easy", 10),
        Session(ago(20), "easy", 10),
        Session(ago(30), "easy", 8),
        Session(T + timedelta(days=1), "long", 99),  # the future is ignored
    ]


def test_typical_week_hand_computed() -> None:
    m = load_metrics(typical_history(), T)
    assert set(m) <= LOAD_FIELDS
    # this week (days 0-6): runs 10 + 20 + 5 = 35 km; the ride's 40 km is not running
    assert m["weekly_km"] == 35.0
    # previous week (days 7-13): 10 + 15 = 25 km; change (35 - 25) / 25 = +40 %
    assert m["previous_week_km"] == 25.0
    assert m["weekly_change_pct"] == 40.0
    # days 0-13: 60 km; days 14-27: 10 + 10 = 20 km (day 30 is outside) -> +200 %
    assert m["two_week_change_pct"] == 200.0
    # last run today 10 km; longest in the 30 days before: the 20 km long run -> -50 %
    assert m["last_run_km"] == 10.0
    assert m["longest_run_30d_km"] == 20.0
    assert m["run_spike_pct"] == -50.0
    # load = running km (not every session has duration + RPE)
    # acute 35; chronic days 7-34: 10 + 15 + 10 + 10 + 8 = 53 -> 13.25 a week; 35 / 13.25 = 2.64
    assert m["acwr"] == 2.6
    # daily loads oldest first [0, 0, 5, 0, 20, 0, 10]: mean 5, sd sqrt(350 / 7) = 7.071
    # monotony 5 / 7.071 = 0.707; strain 35 * 0.707 = 24.75 -> 24.7
    assert m["monotony"] == 0.7
    assert m["strain"] == 24.7
    assert m["days_since_strength"] == 5
    assert m["days_since_mobility"] == 9
    assert m["days_since_cross_plane"] == 5
    assert m["hard_sessions_7d"] == 1  # the tempo
    assert m["strength_sessions_7d"] == 1
    assert m["runs_7d"] == 3
    # longest run of the week 20 / 35 = 57.14 %; treadmill 5 / 35 = 14.29 %
    assert m["long_run_share_pct"] == 57.1
    assert m["treadmill_share_pct"] == 14.3
    # endurance sessions: tempo, ride, long, easy; not all timed -> by count 1 / 4
    assert m["cycling_share_pct"] == 25.0


def test_session_rpe_load_when_every_session_is_timed_and_rated() -> None:
    sessions = [
        Session(ago(0), "easy", 10, duration_min=60, rpe=5),  # 300
        Session(ago(3), "strength", duration_min=30, rpe=8),  # 240
        Session(ago(10), "easy", 8, duration_min=50, rpe=4),  # 200
        Session(ago(20), "long", 18, duration_min=100, rpe=6),  # 600
    ]
    assert uses_session_rpe(sessions, T)
    m = load_metrics(sessions, T)
    # acute 540; chronic 800 / 4 = 200 a week -> 2.7
    assert m["acwr"] == 2.7
    # daily [0, 0, 0, 240, 0, 0, 300]: mean 77.14, sd 123.02 -> monotony 0.627, strain 338.6
    assert m["monotony"] == 0.6
    assert m["strain"] == 338.6
    # the strength session at RPE 8 is hard; the easy run at 5 is not
    assert m["hard_sessions_7d"] == 1


def test_no_history_gives_no_fields() -> None:
    assert load_metrics([], T) == {}
    assert load_metrics([Session(T + timedelta(days=3), "easy", 5)], T) == {}


def test_undefined_metrics_are_left_out_never_nan() -> None:
    # one strength session: no running km, no previous week, no runs at all
    m = load_metrics([Session(ago(1), "strength", rpe=5)], T)
    assert m["weekly_km"] == 0.0 and m["previous_week_km"] == 0.0
    for missing in (
        "weekly_change_pct", "two_week_change_pct", "last_run_km", "longest_run_30d_km",
        "run_spike_pct", "acwr", "long_run_share_pct", "treadmill_share_pct",
        "cycling_share_pct", "days_since_mobility", "days_since_cross_plane",
    ):  # fmt: skip
        assert missing not in m, missing
    assert m["days_since_strength"] == 1
    for value in m.values():
        assert not (isinstance(value, float) and not math.isfinite(value))


def test_flat_week_has_no_monotony() -> None:
    # the same 5 km every day: sd 0, monotony would be infinite -> left out
    m = load_metrics([Session(ago(i), "easy", 5) for i in range(7)], T)
    assert m["weekly_km"] == 35.0
    assert "monotony" not in m and "strain" not in m


def test_spike_after_a_break_has_no_reference() -> None:
    # the only other run is 40 days before the last one: nothing to compare with
    m = load_metrics([Session(ago(0), "long", 21), Session(ago(40), "easy", 10)], T)
    assert m["last_run_km"] == 21.0
    assert "longest_run_30d_km" not in m and "run_spike_pct" not in m


def test_last_run_may_be_before_today_and_spike_is_positive() -> None:
    # last run 3 days ago, 13 km; longest of the 30 days before it 10 km -> +30 %
    sessions = [
        Session(ago(3), "easy", 13),
        Session(ago(10), "long", 10),
        Session(ago(33), "easy", 8),
    ]
    m = load_metrics(sessions, T)
    assert (m["last_run_km"], m["longest_run_30d_km"], m["run_spike_pct"]) == (13.0, 10.0, 30.0)


def test_cycling_share_by_minutes_when_all_timed() -> None:
    sessions = [
        Session(ago(0), "easy", 10, duration_min=60),
        Session(ago(1), "cycling", 30, duration_min=120),
    ]
    # 120 / 180 = 66.67 %
    assert load_metrics(sessions, T)["cycling_share_pct"] == 66.7


def test_percentages_are_clamped_to_the_declared_range() -> None:
    # 0.1 km last week, 200 km this week: +199900 %, clamped to 100000
    m = load_metrics([Session(ago(0), "long", 200), Session(ago(8), "easy", 0.1)], T)
    assert m["weekly_change_pct"] == 100000.0


def test_strength_streak() -> None:
    two_a_week = [ago(1), ago(3), ago(8), ago(12), ago(15)]
    sessions = [Session(d, "strength") for d in two_a_week]
    assert strength_streak_weeks(sessions, T) == 2  # days 0-6 and 7-13 have two each
    # this week has only one so far: count from last week (two), the week before has one
    assert strength_streak_weeks(sessions[1:], T) == 1
    assert strength_streak_weeks([], T) == 0


def test_units_round_trip() -> None:
    assert to_display(KM_PER_MILE * 10, "mi") == pytest.approx(10)
    assert from_display(26.2, "mi") == pytest.approx(42.1648, abs=1e-4)
    assert to_display(5, "km") == 5 and from_display(5, "km") == 5
    assert format_distance(16.09344, "mi") == "10.0 mi"


def test_caveat_says_context_only() -> None:
    assert "disputed" in ACWR_CAVEAT and "context" in ACWR_CAVEAT


# -- facts_from_history ------------------------------------------------------------------------

FACTS_TOML = Path(__file__).resolve().parents[2] / "rules" / "facts.toml"


def declared_fields() -> dict[str, set[str]]:
    data = tomllib.loads(FACTS_TOML.read_text(encoding="utf-8"))
    return {kind: set(spec["fields"]) for kind, spec in data["fact"].items()}


def test_load_metric_names_are_exactly_the_declared_load_fields() -> None:
    assert declared_fields()["load"] == LOAD_FIELDS
    m = load_metrics(typical_history(), T)
    assert set(m) == LOAD_FIELDS
    float_fields = {k for k, kind in _field_types("load").items() if kind == "float"}
    for key, value in m.items():
        assert isinstance(value, float if key in float_fields else int), key


def _field_types(kind: str) -> dict[str, str]:
    data = tomllib.loads(FACTS_TOML.read_text(encoding="utf-8"))
    return {name: spec["type"] for name, spec in data["fact"][kind]["fields"].items()}


@pytest.fixture
def history_store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "h.sqlite3") as store:
        store.add_sessions(
            [
                Session(T, "easy", 10, duration_min=50, rpe=4, surface="treadmill"),
                Session(T, "easy", 5, surface="road"),
                Session(ago(1), "strength", cross_plane=True, duration_min=30),
                Session(ago(3), "strength", duration_min=30),
                Session(ago(8), "long", 20),
            ]
        )
        yield store


SETTINGS = Settings(
    experience="advanced",
    home_only=True,
    goal_race_date=date(2024, 4, 21),
    key_run_days=["sunday", "tuesday"],
)


def local_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0).astimezone()


def test_facts_from_history_without_checkin(history_store: Store) -> None:
    facts = facts_for_day(None, history_store, SETTINGS, T)
    load, athlete, schedule, *sessions = facts
    assert load["fact"] == "load" and load["weekly_km"] == 15.0
    # acute 15 km; chronic (days 7-34) only the 20 km long run -> 5 a week -> 3.0
    assert load["acwr"] == 3.0
    # two strength sessions in days 0-6 -> a one-week streak beats the setting's 0
    assert athlete == {
        "fact": "athlete", "experience": "advanced", "home_only": True, "strength_weeks": 1,
    }  # fmt: skip
    # 2024-03-31 is a Sunday: key run today, not tomorrow (Monday); 21 days to the race
    assert schedule == {
        "fact": "schedule", "days_to_goal_race": 21, "key_run_today": True,
        "key_run_tomorrow": False,
    }  # fmt: skip
    assert sessions == [
        # two easy runs today are one fact: 10 + 5 km, the timed one's 50 min, the longer
        # one's surface
        {
            "fact": "session", "days_ago": 0, "type": "easy", "distance_km": 15.0,
            "duration_min": 50.0, "rpe": 4, "surface": "treadmill", "cross_plane": False,
        },
        {"fact": "session", "days_ago": 1, "type": "strength", "duration_min": 30.0,
         "cross_plane": True},
        {"fact": "session", "days_ago": 3, "type": "strength", "duration_min": 30.0,
         "cross_plane": False},
    ]  # fmt: skip
    declared = declared_fields()
    for fact in facts:
        assert set(fact) - {"fact"} <= declared[fact["fact"]], fact


def test_recent_checkin_is_merged(history_store: Store) -> None:
    history_store.add_checkin(
        {"q": "a"},
        [
            {"fact": "tightness", "region": "calves", "level": 6},
            {"fact": "session", "days_ago": 0, "type": "tempo", "distance_km": 8},
            {"fact": "session", "days_ago": 0, "type": "strength"},  # the log has it
            {"fact": "load", "weekly_km": 99, "acwr": 1.0, "two_week_change_pct": 12.0},
            {"fact": "athlete", "experience": "beginner", "age": 40},
        ],
        taken_at=local_noon(ago(1)),
    )
    facts = facts_for_day(None, history_store, SETTINGS, T)
    load = facts[0]
    # the log wins for what it can compute; the answer fills the gap
    assert (load["weekly_km"], load["acwr"], load["two_week_change_pct"]) == (15.0, 3.0, 12.0)
    assert facts[1]["experience"] == "beginner" and facts[1]["age"] == 40
    sessions = {(f["days_ago"], f["type"]): f for f in facts if f["fact"] == "session"}
    # yesterday's "today" is 1 day ago now
    assert sessions[(1, "tempo")]["distance_km"] == 8
    assert sessions[(1, "strength")]["cross_plane"] is True  # the logged one, not the answer
    assert {"fact": "tightness", "region": "calves", "level": 6} in facts


def test_old_checkin_is_ignored(history_store: Store) -> None:
    history_store.add_checkin(
        {}, [{"fact": "tightness", "region": "calves", "level": 6}], taken_at=local_noon(ago(3))
    )
    facts = facts_for_day(None, history_store, SETTINGS, T)
    assert not any(f["fact"] == "tightness" for f in facts)


def test_no_history_no_settings(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.sqlite3") as store:
        facts = facts_for_day(None, store, Settings(), T)
    assert facts == [
        {"fact": "load"},
        {"fact": "athlete", "experience": "beginner", "home_only": False, "strength_weeks": 0},
        {"fact": "schedule"},
    ]


def test_history_facts_uses_the_default_store_and_settings(tmp_path: Path) -> None:
    save_settings(Settings(experience="beginner", goal_race_date=T))
    with Store.open() as store:
        store.add_session(Session(T, "easy", 7))
    from prehab.day.service import DayService

    with DayService(today=T) as service:
        facts, problems = service.open().facts(), service.settings_problems
    assert problems == []
    assert facts[0]["weekly_km"] == 7.0
    assert facts[1]["experience"] == "beginner"
    assert facts[2] == {"fact": "schedule", "days_to_goal_race": 0}
    store, settings, problems = load_context()
    store.close()
    assert settings.experience == "beginner"


# -- properties ------------------------------------------------------------------------------


sessions_strategy = st.lists(
    st.builds(
        Session,
        date=st.integers(-60, 3).map(lambda d: T + timedelta(days=d)),
        kind=st.sampled_from(KINDS),
        distance_km=st.floats(0, 500, allow_nan=False),
        duration_min=st.none() | st.floats(0.1, 2000, allow_nan=False),
        rpe=st.none() | st.integers(1, 10),
        surface=st.none() | st.sampled_from(SURFACES),
        cross_plane=st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(sessions_strategy)
def test_any_history_gives_declared_finite_in_range_values(sessions: list[Session]) -> None:
    m = load_metrics(sessions, T)
    assert set(m) <= LOAD_FIELDS
    for key, value in m.items():
        assert math.isfinite(value), key
        low, high = BOUNDS.get(key, (0, 10000))
        assert low <= value <= high, (key, value)
    if m:
        assert m["runs_7d"] <= len(sessions)
    facts = build_facts(sessions, Settings(), T, None)
    declared = declared_fields()
    for fact in facts:
        assert set(fact) - {"fact"} <= declared[fact["fact"]]


def test_vanishing_denominators_are_undefined_not_infinite() -> None:
    # found by hypothesis: a 5e-324 km run in the chronic window made acute / (chronic / 4)
    # divide by zero
    m = load_metrics([Session(ago(7), "easy", 5e-324), Session(ago(0), "easy", 5)], T)
    assert "acwr" not in m and "weekly_change_pct" not in m and "run_spike_pct" not in m
    assert m["weekly_km"] == 5.0


def test_weekly_increase_is_this_weeks_km_minus_last_weeks() -> None:
    m = load_metrics([Session(ago(1), "easy", 8), Session(ago(9), "easy", 6)], T)
    assert m["weekly_increase_km"] == 2.0
    assert m["weekly_change_pct"] == pytest.approx(33.3, abs=0.1)


def test_return_break_counts_a_recent_gap_of_two_weeks_or_more() -> None:
    # runs 40 and 20 days ago, then 5 days ago: the 14-day gap ended 5 days ago, the 19-day one
    # before it ended 20 days ago: both within 28 days, the longer wins.
    runs = [Session(ago(40), "easy", 5), Session(ago(20), "easy", 5), Session(ago(5), "easy", 5)]
    assert load_metrics(runs, T)["return_break_days"] == 19
    # a gap that ended more than 28 days ago no longer counts
    old = [Session(ago(80), "easy", 5), Session(ago(40), "easy", 5), Session(ago(38), "easy", 5)]
    assert load_metrics(old, T)["return_break_days"] == 0
    # 13 rest days is not a break
    steady = [Session(ago(20), "easy", 5), Session(ago(6), "easy", 5)]
    assert load_metrics(steady, T)["return_break_days"] == 0
