"""The catalogue's `loads` must be complete: a hold on a region is only as safe as this list.

The lists below are a physiotherapist's reading of how each exercise is done, kept here, apart
from the catalogue, so an entry that forgets the standing leg or the kneeling knee fails.
"""

from __future__ import annotations

import pytest
from tests.clinical import shipped

WEIGHT_BEARING = """
squat bodyweight-squat wall-sit lunge split-squat step-up eccentric-step-down skater-squat
single-leg-deadlift single-leg-deadlift-bodyweight romanian-deadlift kettlebell-swing
bulgarian-split-squat lateral-band-walk lateral-lunge curtsy-lunge lunge-with-rotation
weighted-calf-raise-step heavy-calf-raise-straight-knee bent-knee-calf-raise calf-raise
double-leg-calf-raise tiptoe-walk-weights single-leg-heel-raise-towel back-squat trap-bar-deadlift
quad-stretch-standing calf-stretch-wall ankle-dorsiflexion-mobility worlds-greatest-stretch leg-swings
wood-chop pallof-press single-leg-balance heel-drop heavy-calf-raise-floor
pogo-hops skipping bounding box-jump squat-jump skater-jump
""".split()  # noqa: SIM905 (one id a word, as a physio would list them)
STANDING_SINGLE_LEG = """
lunge split-squat step-up eccentric-step-down skater-squat single-leg-deadlift
single-leg-deadlift-bodyweight bulgarian-split-squat lateral-lunge curtsy-lunge lunge-with-rotation
calf-raise single-leg-heel-raise-towel quad-stretch-standing leg-swings single-leg-balance
""".split()  # noqa: SIM905 (one id a word, as a physio would list them)
KNEELING = """
bird-dog cat-cow fire-hydrant-band hip-flexor-kneeling-stretch knee-push-up nordic-curl
""".split()  # noqa: SIM905 (one id a word, as a physio would list them)
LOADED_SPINE = "squat back-squat trap-bar-deadlift romanian-deadlift kettlebell-swing".split()  # noqa: SIM905


@pytest.mark.parametrize("ex_id", WEIGHT_BEARING)
def test_weight_bearing_work_loads_the_feet_and_shins(ex_id: str) -> None:
    ex = shipped().exercises[ex_id]
    assert {"feet", "shins"} <= set(ex.loads), f"{ex_id} is done on your feet: loads {ex.loads}"


@pytest.mark.parametrize("ex_id", STANDING_SINGLE_LEG)
def test_standing_single_leg_work_loads_the_standing_leg(ex_id: str) -> None:
    ex = shipped().exercises[ex_id]
    assert {"knees", "calves", "achilles", "feet"} <= set(ex.loads), f"{ex_id}: loads {ex.loads}"


@pytest.mark.parametrize("ex_id", KNEELING)
def test_kneeling_work_loads_the_knees(ex_id: str) -> None:
    assert "knees" in shipped().exercises[ex_id].loads


@pytest.mark.parametrize("ex_id", LOADED_SPINE)
def test_loaded_squats_and_hinges_load_the_lower_back(ex_id: str) -> None:
    assert "lower_back" in shipped().exercises[ex_id].loads


def test_heavy_and_impact_exercises_are_tagged() -> None:
    book = shipped()
    for ex in book.exercises.values():
        if ex.dose.get("load") == "heavy":
            assert "heavy" in ex.tags, ex.id
        if ex.kind == "plyometric":
            assert "impact" in ex.tags, ex.id
