"""The guided session's player, driven with a fake clock: sets, countdowns, skips, pain, resume.

No screen and no sleeping: time is a number the test moves, and each step asserts what the
runner would see and what would be saved.
"""

from __future__ import annotations

from typing import Any

from prehab.workout.actual import Actual, SetDone, recorded
from prehab.workout.player import Exercise, Player, Rest


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def session(clock: Clock, *extra: Exercise) -> Player:
    squat = Exercise(
        1, "squat", "Goblet squat", "strength", {"sets": 3, "reps": 10, "load_kg": 16.0}, load_step_kg=2
    )
    plank = Exercise(2, "plank", "Plank", "strength", {"sets": 2, "hold_s": 30})
    return Player([squat, plank, *extra], Rest(90, 15), clock)


def test_sets_rest_and_holds_run_on_the_clock_and_never_wait() -> None:
    clock = Clock()
    player = session(clock)
    squat = player.current
    assert squat is not None and squat.set_text("kg") == "Set 1 of 3: 10 reps @ 16 kg"
    player.space()  # set 1 done
    assert player.phase == "rest" and player.remaining() == 90
    clock.advance(30)
    assert player.tick() == [] and player.remaining() == 60
    player.adjust_load(+1)  # heavier for the sets to come, during the rest
    clock.advance(61)
    assert player.tick() == ["rest-ended"] and player.phase == "ready"
    assert squat.set_text("kg") == "Set 2 of 3: 10 reps @ 18 kg"
    player.adjust_reps(-2)
    player.space()
    player.space()  # skip the rest
    player.space()  # set 3
    assert squat.actual().sets == (SetDone(10, 16.0), SetDone(8, 18.0), SetDone(8, 18.0))
    assert [e.exercise for e in player.take_finished()] == ["squat"]
    plank = player.current
    assert plank is not None and plank.timed and player.position() == "Exercise 2 of 2"
    player.space()  # start the hold
    assert player.phase == "holding"
    clock.advance(30)
    assert player.tick() == ["hold-ended"] and plank.done == [SetDone(None, None, 30)]
    clock.advance(90)
    player.tick()
    player.space()
    clock.advance(12)
    player.space()  # ended early at 12 s
    assert plank.done[-1] == SetDone(None, None, 12)
    assert player.phase == "rpe" and player.current is None
    player.finish(6)
    assert player.phase == "finished" and player.rpe == 6


def test_pain_above_the_limit_stops_the_exercise_and_says_what_to_do() -> None:
    clock = Clock()
    player = session(clock)
    player.space()
    player.pain(4)
    assert player.current is not None and player.current.exercise == "squat"
    assert "within the limit" in player.message
    player.pain(7)
    assert "stops for today" in player.message and "check-in" in player.message
    [squat] = player.take_finished()
    assert squat.actual() == Actual((SetDone(10, 16.0),), 7, "", True)
    assert player.current is not None and player.current.exercise == "plank"


def test_a_skip_keeps_its_reason_and_moves_on() -> None:
    player = session(Clock())
    player.skip("bored")  # not a reason the player offers: nothing happens
    assert player.current is not None and player.current.exercise == "squat"
    player.skip("no kit")
    [squat] = player.take_finished()
    assert squat.skipped == "no kit" and "skipped (no kit)" in player.message


def test_a_session_resumes_at_the_same_set_after_a_dropped_connection() -> None:
    clock = Clock()
    player = session(clock)
    player.space()
    player.adjust_load(1)
    clock.advance(5)  # mid-rest when the connection drops
    kept: dict[str, Any] = player.state()
    again = session(Clock())
    assert again.restore(kept)
    squat = again.current
    assert squat is not None and squat.done == [SetDone(10, 16.0)] and squat.load_kg == 18.0
    assert again.phase == "ready", "a countdown restarts rather than resuming half-way"
    other = Player([Exercise(1, "plank", "Plank", "strength", {"sets": 2, "hold_s": 30})], Rest(), Clock())
    assert not other.restore(kept), "another plan's session is not forced onto this one"
    assert not again.restore({"version": 1, "index": "x", "exercises": []})


def test_a_damaged_resume_row_is_refused_not_trusted() -> None:
    player = session(Clock())
    state = player.state()
    state["exercises"][0]["done"] = [{"reps": "lots"}, {"reps": 10, "load_kg": 1e9}]
    state["exercises"][0]["load_kg"] = -5
    assert player.restore(state)
    squat = player.current
    assert squat is not None and squat.done == [SetDone(10, None)] and squat.load_kg is None


def test_the_cli_records_the_same_actual_dose() -> None:
    dose = {"sets": 3, "reps": 10, "load": "moderate"}
    assert recorded(dose, load="16").summary("kg") == "3 x 10 @ 16 kg"
    assert recorded(dose, reps="10,10,8", load="35lb").summary("lb") == "10, 10, 8 @ 35 lb"
    assert recorded({"sets": 2, "hold_s": 30}, hold="45").summary("kg") == "2 x 45 s"
    assert recorded(dose, pain="7").stopped
