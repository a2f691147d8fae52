"""The next-day response questions (issue 10, item 2) and the "did it help?" series (item 6)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from prehab.cli import main
from prehab.day.facts import facts_for_day
from prehab.facts.response import response_due, response_screen
from prehab.facts.trends import trends
from prehab.questionnaire import combine_checkin, load_screens, validate
from prehab.rulebook import default_layers, load_rulebook
from prehab.store import Session, Settings, Store
from prehab.store.records import AdviceRecord

T = date(2026, 11, 26)  # a Thursday; its week starts Monday 23


pytestmark = pytest.mark.usefixtures("utc")


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def screens() -> dict:
    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    found = load_screens(book.schema)
    assert not found.problems
    return found.screens


# -- response ----------------------------------------------------------------------------------


def test_the_response_screen_asks_effort_and_each_region_compared_with_before() -> None:
    screen = screens()["response"]
    assert screen.saves == "checkin"
    regions = {
        dict(q.target.keys)["region"] for q in screen.questions if q.target and q.target.fact == "response"
    }
    assert {"calves", "achilles", "knees", "core"} <= regions
    answers = {
        "effort_rpe": "6",
        "during_calves": "same",
        "morning_calves": "worse",
        "morning_core": "better",
    }
    checked = validate(screen, answers, today=T)
    assert checked.ok, checked.errors
    _, facts = combine_checkin(screens(), {}, "response", checked.answers, today=T)
    assert {"fact": "effort", "rpe": 6} in facts
    assert {"fact": "response", "region": "calves", "pain_during": "same", "next_morning": "worse"} in facts
    assert {"fact": "response", "region": "core", "next_morning": "better"} in facts
    assert not validate(screen, {"morning_calves": "much worse"}, today=T).ok


def test_asked_after_prehab_work_for_the_regions_it_loaded_or_that_complained() -> None:
    with Store.open() as store:
        assert response_due(store, T) is None  # nothing done, no hard run
        store.add_checkin(
            {}, [{"fact": "tightness", "region": "hamstrings", "level": 5}], taken_at=at(T - timedelta(2))
        )
        store.mark_done(
            T - timedelta(1), "calf-raise", [], kind="strength", dose={"sets": 3}, loads=["calves"]
        )
        store.mark_done(T - timedelta(1), "side-plank", [], kind="strength", dose={})  # no stored loads
        ask = response_due(store, T, {"side-plank": ("core",)})
        assert ask is not None and ask.prehab and ask.day == T - timedelta(1)
        assert ask.regions == ("calves", "core", "hamstrings")
        cut = response_screen(screens()["response"], ask)
        assert cut is not None
        asked = [q.id for q in cut.questions]
        assert asked[0] == "effort_rpe" and "morning_calves" in asked and "during_hamstrings" in asked
        assert "morning_knees" not in asked and len(asked) == 1 + 2 * 3
        assert "prehab work" in cut.intro
        # answered at the next day's check-in: not asked again the day after
        store.add_checkin({}, [{"fact": "effort", "rpe": 5}], taken_at=at(T))
        assert response_due(store, T + timedelta(1)) is None
        assert response_due(store, T) is not None  # today's own answers stay on the form


def test_asked_after_a_hard_run_only_for_regions_complained_of() -> None:
    with Store.open() as store:
        store.add_session(Session(T - timedelta(1), "intervals", 10, rpe=8))
        assert response_due(store, T) is None  # a hard run, nothing to ask about: its RPE is logged
        store.add_checkin(
            {}, [{"fact": "pain", "region": "achilles", "level": 3}], taken_at=at(T - timedelta(3))
        )
        ask = response_due(store, T)
        assert ask is not None and ask.hard_run and not ask.prehab and ask.regions == ("achilles",)
        cut = response_screen(screens()["response"], ask)
        assert cut is not None and "effort_rpe" not in [q.id for q in cut.questions]
        assert response_screen(screens()["response"], None) is None


def test_effort_and_response_facts_reach_the_engine_with_days_ago() -> None:
    with Store.open() as store:
        store.mark_done(T - timedelta(2), "squat", [], kind="strength", dose={"sets": 3})
        store.add_checkin(
            {"response": {"effort_rpe": 7, "morning_knees": "worse"}},
            [{"fact": "effort", "rpe": 7}, {"fact": "response", "region": "knees", "next_morning": "worse"}],
            taken_at=at(T - timedelta(1)),
        )
        facts = facts_for_day(None, store, Settings(), T)
        assert {"fact": "effort", "rpe": 7, "days_ago": 2} in facts  # about day -2's work
        assert {"fact": "response", "region": "knees", "next_morning": "worse"} in facts
        assert [d.rpe for d in store.done_items(T - timedelta(7))] == [7]
        # the answer belongs to day -2's work: a later day still sees it (4 days on), until the
        # work is over two weeks old
        later = facts_for_day(None, store, Settings(), T + timedelta(2))
        assert {"fact": "effort", "rpe": 7, "days_ago": 4} in later
        too_old = facts_for_day(None, store, Settings(), T + timedelta(13))
        assert not any(f["fact"] == "effort" for f in too_old)


# -- trends ------------------------------------------------------------------------------------


def seed_weeks(store: Store) -> None:
    monday = T - timedelta(days=T.weekday())
    store.add_session(Session(monday, "easy", 8))
    store.add_session(Session(monday + timedelta(1), "long", 12))
    store.add_session(Session(monday - timedelta(6), "easy", 5))  # last week's Tuesday
    store.add_session(Session(monday - timedelta(5), "cycling", 40))  # not running distance
    store.add_checkin(
        {},
        [
            {"fact": "tightness", "region": "calves", "level": 6},
            {"fact": "pain", "region": "achilles", "level": 2},
        ],
        taken_at=at(monday - timedelta(6)),
    )
    store.add_checkin(
        {}, [{"fact": "tightness", "region": "calves", "level": 3}], taken_at=at(monday + timedelta(1))
    )
    item = {
        "exercise": "calf-raise",
        "name": "Calf raise",
        "kind": "strength",
        "dose": {},
        "minutes": 5,
        "rules": [],
    }
    other = {**item, "exercise": "calf-stretch"}
    for day in (monday - timedelta(4), monday + timedelta(2)):
        store.log_advice(AdviceRecord(day, at(day, 7), "fp", [item, other], []))
    store.mark_done(monday - timedelta(4), "calf-raise", [], kind="strength", dose={})
    store.mark_done(monday + timedelta(2), "calf-raise", [], kind="strength", dose={})
    store.mark_done(monday + timedelta(2), "calf-stretch", [], kind="mobility", dose={})


def test_trends_by_week_by_hand() -> None:
    with Store.open() as store:
        seed_weeks(store)
        series = trends(store, T, weeks=3)
    assert series.weeks == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    assert series.distance_km == [0.0, 5.0, 20.0]
    assert (series.prescribed, series.done) == ([0, 2, 2], [0, 1, 2])
    assert series.adherence_pct == [None, 50.0, 100.0]
    assert set(series.regions) == {"calves", "achilles"}
    assert series.regions["calves"].tightness == [None, 6, 3]  # None: no check-in that week
    assert series.regions["achilles"].pain == [None, 2, 0]  # 0: a check-in that did not mention it
    assert series.busiest_region() == "calves"


def test_history_trends_json_is_the_same_series(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        seed_weeks(store)
    code = main(["history", "--trends", "--json", "--until", T.isoformat(), "--since", "2026-11-09"])
    out, _ = capsys.readouterr()
    data = json.loads(out)
    assert code == 0 and data["weeks"] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    assert data["adherence_pct"] == [None, 50.0, 100.0] and data["distance_km"] == [0.0, 5.0, 20.0]
    assert data["regions"]["calves"]["tightness"] == [None, 6, 3] and data["units"] == "km"
    code = main(["history", "--trends", "--until", T.isoformat(), "--since", "2026-11-09"])
    out, _ = capsys.readouterr()
    assert code == 0 and "2026-11-23  20.0  100%" in out and "t3 p0" in out
