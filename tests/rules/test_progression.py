"""Progression over catalogue ladders, and the one planner for the day and the week.

The four-week scenario drives the real rule pack day by day: the runner does what Today says,
reports effort (and once, a worse morning), and the calf ladder must climb, step down after the
worse morning, lighten in the deload week, and Week's first day must always be Today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests.clinical import shipped

from prehab.day.week import plan_days
from prehab.model import Fact
from prehab.plan.day import PlanOptions
from prehab.plan.progression import block_week, progress_facts
from prehab.plan.today import advise
from prehab.rulebook.ladders import ladder_problems, ladders
from prehab.rulebook.model import Exercise

CALF = ["double-leg-calf-raise", "calf-raise", "weighted-calf-raise-step", "heavy-calf-raise-straight-knee"]
START = date(2026, 11, 2)  # a Monday


@dataclass(frozen=True)
class Done:
    day: date
    exercise: str
    kind: str
    rpe: int | None


def test_the_calf_ladder_is_the_issue_s_example() -> None:
    assert ladders(shipped().exercises)["double-leg-calf-raise"] == CALF


def test_ladders_refuse_loops_and_forks() -> None:
    def ex(ex_id: str, progression: str) -> Exercise:
        return Exercise(ex_id, ex_id, "strength", ("calves",), ("calves",), "sagittal", (), {}, 3.0,
                        progression=progression)  # fmt: skip

    loop = {"a": ex("a", "b"), "b": ex("b", "a")}
    assert any("loop" in p.message for p in ladder_problems(loop))
    fork = {"a": ex("a", "c"), "b": ex("b", "c"), "c": ex("c", "")}
    assert any("already the progression" in p.message for p in ladder_problems(fork))


def test_progress_facts_count_sessions_at_the_current_step() -> None:
    book = shipped()
    done = [
        Done(START, "calf-raise", "strength", 7),
        Done(START + timedelta(days=3), "weighted-calf-raise-step", "strength", 6),
        Done(START + timedelta(days=6), "weighted-calf-raise-step", "strength", 5),
    ]
    (fact,) = progress_facts(done, [], book.exercises, START + timedelta(days=7))
    assert fact["ladder"] == "double-leg-calf-raise"
    assert (fact["exercise"], fact["step"], fact["sessions_at_step"], fact["last_rpe"]) == (
        "weighted-calf-raise-step",
        2,
        2,
        5,
    )
    assert fact["top"] is False and fact["worse_next_morning"] is False
    worse = [{"fact": "response", "region": "achilles", "next_morning": "worse"}]
    (fact,) = progress_facts(done, worse, book.exercises, START + timedelta(days=7))
    assert fact["worse_next_morning"] is True
    assert progress_facts(done, [], book.exercises, START + timedelta(days=60)) == [], "old steps fade"


def test_block_week_counts_from_the_start_of_regular_strength_work() -> None:
    done = [Done(START + timedelta(days=d), "squat", "strength", 6) for d in range(0, 28, 3)]
    assert block_week(done, START + timedelta(days=2)) == 1
    assert block_week(done, START + timedelta(days=22)) == 4
    assert block_week(done, START + timedelta(days=60)) is None, "no recent strength work: no block"


def _facts(day: date, done: list[Done], responses: list[Fact]) -> list[Fact]:
    book = shipped()
    strength_days = sorted({d.day for d in done if d.kind in ("strength", "plyometric")})
    load: dict[str, Any] = {"fact": "load", "weekly_km": 40.0, "previous_week_km": 40.0, "runs_7d": 4}
    if strength_days:
        load["days_since_strength"] = (day - strength_days[-1]).days
        load["strength_sessions_7d"] = sum(1 for d in strength_days if 0 <= (day - d).days < 7)
    schedule: Fact = {"fact": "schedule"}
    week = block_week(done, day)
    if week is not None:
        schedule["block_week"] = week
    athlete = {"fact": "athlete", "experience": "intermediate", "strength_weeks": 6 + (day - START).days // 7}
    return [athlete, load, schedule, *responses, *progress_facts(done, responses, book.exercises, day)]


def test_four_weeks_progress_step_down_deload_and_week_equals_today() -> None:
    book = shipped()
    options = PlanOptions(None, None)
    done: list[Done] = [Done(START - timedelta(days=3), "calf-raise", "strength", 6)]
    calf_steps: list[tuple[int, str, int]] = []
    deload_days: set[int] = set()
    worse_reported = False
    for offset in range(28):
        day = START + timedelta(days=offset)
        responses: list[Fact] = []
        if offset >= 16 and not worse_reported:  # the calves were worse the morning after day 15
            responses = [{"fact": "response", "region": "calves", "next_morning": "worse"}]
        facts = _facts(day, done, responses)
        if block_week(done, day) == 4:
            deload_days.add(offset)
        today = advise(book, facts, options)
        week = plan_days(book, facts, options, day)
        assert sorted((p.exercise, str(p.dose)) for p in week[0].items) == sorted(
            (p.exercise, str(p.dose)) for p in today.plan.items
        ), f"Week's first day differs from Today on day {offset}"
        strength = [p for p in today.plan.items if p.kind in ("strength", "plyometric")]
        for p in strength:
            if p.exercise in CALF:
                calf_steps.append((offset, p.exercise, int(p.dose.get("sets", 0))))
                assert p.progress_note, "the step shown carries its reason"
                worse_reported = worse_reported or bool(responses)
            done.append(Done(day, p.exercise, p.kind, 6))
    steps = [CALF.index(e) for _, e, _ in calf_steps]
    assert len(calf_steps) >= 6, calf_steps
    assert max(steps) > steps[0], f"the calf ladder never climbed: {calf_steps}"
    down = [
        (a, b)
        for a, b in zip(calf_steps, calf_steps[1:], strict=False)
        if CALF.index(b[1]) < CALF.index(a[1])
    ]
    assert any(b[0] >= 16 for _, b in down), f"no step down after the worse morning: {calf_steps}"
    deload = [sets for offset, _, sets in calf_steps if offset in deload_days]
    build = [sets for offset, _, sets in calf_steps if offset not in deload_days]
    assert deload and build and max(deload) < max(build), f"no lighter sets in the deload week: {calf_steps}"
