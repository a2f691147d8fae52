"""The shipped rule pack: valid, every example passes, and it covers the seed and the evidence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prehab.present.examples import run_examples
from prehab.rulebook import Rulebook, load_rulebook

ROOT = Path(__file__).resolve().parents[2]

SEED_EXERCISES = [
    "windshield-washer",
    "bicycle-crunch",
    "plank",
    "side-plank",
    "plank-walk-up",
    "squat",
    "lunge",
    "step-up",
    "single-leg-deadlift",
    "single-leg-bridge-dumbbell",
    "kettlebell-swing",
    "bulgarian-split-squat",
    "glute-bridge-dumbbell",
    "fire-hydrant-band",
    "seated-butterfly",
    "pigeon-pose",
    "bridge",
    "skater-squat",
    "straight-leg-raise",
    "weighted-calf-raise-step",
    "tiptoe-walk-weights",
    "calf-raise",
    "bridge-calf-pull",
    "push-up",
    "superman",
    "inverted-row",
    "bird-dog",
]


@pytest.fixture(scope="module")
def pack() -> Rulebook:
    result = load_rulebook([ROOT / "rules"])
    assert result.errors == [], "\n".join(str(p) for p in result.errors)
    assert result.rulebook is not None
    return result.rulebook


def test_pack_has_no_warnings() -> None:
    result = load_rulebook([ROOT / "rules"])
    assert [str(p) for p in result.warnings] == []


def test_every_embedded_example_passes(pack: Rulebook) -> None:
    results = run_examples(pack)
    failures = [f"{r.label}: {r.failures}" for r in results if not r.passed]
    assert failures == []
    assert len(results) >= len(pack.rules)


def test_every_rule_has_an_example_a_source_and_a_why(pack: Rulebook) -> None:
    for rule in pack.rules.values():
        assert rule.examples, rule.id
        assert rule.source.strip() and rule.why.strip(), rule.id


def test_every_seed_exercise_is_catalogued_and_prescribed_by_a_rule(pack: Rulebook) -> None:
    prescribed = {p.exercise for r in pack.rules.values() for p in r.then.prescribe}
    for ex_id in SEED_EXERCISES:
        assert ex_id in pack.exercises, ex_id
        assert ex_id in prescribed, f"no rule prescribes {ex_id}"


def test_seed_muscle_groups_and_planes_are_covered(pack: Rulebook) -> None:
    worked = {region for ex in pack.exercises.values() for region in ex.works}
    for group in (
        "core",
        "quadriceps",
        "hamstrings",
        "glutes",
        "hip_flexors",
        "calves",
        "shins",
        "upper_body",
    ):
        assert group in worked, group
    planes = {ex.plane for ex in pack.exercises.values()}
    assert {"frontal", "transverse"} <= planes


def test_seed_hip_flexor_stretches_are_tagged_by_what_they_really_work(pack: Rulebook) -> None:
    assert "hip_flexors" not in pack.exercises["pigeon-pose"].works
    assert "adductors" in pack.exercises["seated-butterfly"].works
    assert "glutes" in pack.exercises["bridge"].works


def test_red_flag_rules_outrank_everything_and_refer(pack: Rulebook) -> None:
    red = [r for r in pack.rules.values() if r.then.refer]
    assert len(red) >= 5
    others = [r.priority for r in pack.rules.values() if not r.then.refer and r.then.prescribe]
    assert min(r.priority for r in red) > max(others)


def test_evidence_sources_are_cited(pack: Rulebook) -> None:
    sources = " ".join(r.source for r in pack.rules.values())
    for author in (
        "Silbernagel",
        "Frandsen",
        "Nielsen",
        "Buist",
        "Gabbett",
        "Impellizzeri",
        "Lauersen",
        "Blagrove",
    ):
        assert re.search(author, sources), author


def test_pack_chains_flags_between_rules(pack: Rulebook) -> None:
    made = {f.name for r in pack.rules.values() for f in r.then.flags}
    used = {
        str(t.value)
        for r in pack.rules.values()
        for c in r.when + r.when_any
        if c.fact == "flag"
        for t in c.tests
        if t.field == "name" and t.op == "equals"
    }
    assert len(made & used) >= 3
