"""The shipped catalogue against the independent load map in tests/load_map.py.

Two readers of the catalogue decide what a region means: holds (prehab/plan/holds.py) match a
region against `loads` and `works` together, while the advice log and the check-in's "how did
it respond" questions (store/advicelog.py, day/service.py) read `loads or works`, which drops
`works` as soon as `loads` names anything. A region is only safe when both readers see it, so
the check below uses the narrower one: `loads`, or `works` when `loads` is empty.
"""

from __future__ import annotations

import pytest
from tests.clinical import shipped
from tests.load_map import (
    DEEP_KNEE_FLEXION,
    FALL_RISK,
    LATERAL_TRUNK,
    LOADS,
    PRONE,
    SPINAL_FLEXION_OR_TWIST,
    SUPINE,
)

IDS = sorted(LOADS)
TAG_SETS = {
    "lateral_trunk": LATERAL_TRUNK,
    "spinal_flexion": SPINAL_FLEXION_OR_TWIST,
    "supine": SUPINE,
    "prone": PRONE,
    "deep_knee": DEEP_KNEE_FLEXION,
    "fall_risk": FALL_RISK,
}


def test_the_map_covers_the_catalogue_exactly() -> None:
    catalogue = set(shipped().exercises)
    assert not catalogue - set(LOADS), (
        f"exercises missing from tests/load_map.py: {sorted(catalogue - set(LOADS))}"
    )
    assert not set(LOADS) - catalogue, f"map entries not in the catalogue: {sorted(set(LOADS) - catalogue)}"


def test_the_map_uses_the_region_vocabulary() -> None:
    regions = set(shipped().schema.regions)
    for ex_id, loaded in LOADS.items():
        assert loaded, f"{ex_id}: the map gives no region"
        assert loaded <= regions, f"{ex_id}: unknown regions {sorted(loaded - regions)}"


def test_the_trait_sets_name_mapped_exercises() -> None:
    for tag, ids in TAG_SETS.items():
        assert ids <= set(LOADS), f"{tag}: not in the map {sorted(ids - set(LOADS))}"


@pytest.mark.parametrize("ex_id", IDS)
def test_the_map_loads_what_each_exercise_works(ex_id: str) -> None:
    ex = shipped().exercises.get(ex_id)
    assert ex is not None, f"{ex_id} is in tests/load_map.py but not in the catalogue"
    missing = sorted(set(ex.works) - LOADS[ex_id])
    assert not missing, f"{ex_id} works {', '.join(missing)}: tests/load_map.py must load them too"


@pytest.mark.parametrize("ex_id", sorted(LATERAL_TRUNK | SPINAL_FLEXION_OR_TWIST))
def test_side_bending_and_twisting_load_the_lower_back(ex_id: str) -> None:
    assert "lower_back" in LOADS[ex_id], f"{ex_id} bends or twists the trunk: the map must load lower_back"


@pytest.mark.parametrize("ex_id", IDS)
def test_the_catalogue_loads_every_region_the_map_names(ex_id: str) -> None:
    ex = shipped().exercises.get(ex_id)
    assert ex is not None, f"{ex_id} is in tests/load_map.py but not in the catalogue"
    seen = set(ex.loads or ex.works)
    missing = sorted(LOADS[ex_id] - seen)
    assert not missing, (
        f"{ex_id}: the catalogue's loads {sorted(ex.loads)} (works {sorted(ex.works)}) miss "
        f"{', '.join(missing)}; add them to loads in rules/exercises.toml"
    )


@pytest.mark.parametrize("ex_id", IDS)
def test_the_catalogue_tags_the_traits(ex_id: str) -> None:
    ex = shipped().exercises.get(ex_id)
    assert ex is not None, f"{ex_id} is in tests/load_map.py but not in the catalogue"
    expected = {tag for tag, ids in TAG_SETS.items() if ex_id in ids}
    got = set(ex.tags) & set(TAG_SETS)
    assert got == expected, f"{ex_id}: tags {sorted(got)}, the map says {sorted(expected)}"
