"""The round-3 physiotherapy review's runners, each finding kept as a check.

46 runners (tests/fixtures/physio/, facts files as `prehab recommend --facts` reads them) were
reviewed as a physiotherapist would, against KNOWLEDGE.md and the cited sources: pregnant,
postpartum, adolescent, osteoporotic, radicular, masters in taper, beginners over 6 weeks.
14 were unsafe; each unsafe finding (and the minor ones fixed since) is a check below, read
against the independent load map, never the catalogue's own lists. Every runner also gets the
checks every plan must pass (nothing a hold forbids, no impact with a warning sign).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.clinical import Outcome, advise, shipped
from tests.clinical_checks import (
    Check,
    fires,
    in_set,
    lacks,
    never_says,
    no_heavy,
    no_impact,
    no_supine,
    not_fired,
    nothing_at_all,
    nothing_below_a_step,
    refers,
    touching,
)
from tests.load_map import DEEP_KNEE_FLEXION, FALL_RISK, PRONE, SPINAL_FLEXION_OR_TWIST

from prehab.model import Fact
from prehab.rulebook.factsfile import load_facts_file

RUNNERS = Path(__file__).parents[1] / "fixtures" / "physio"


def _has(out: Outcome, exercise: str) -> None:
    assert exercise in out.ids, f"{exercise} is not in the plan: {sorted(out.ids)}"


def no_deep_knee(out: Outcome) -> None:
    assert not in_set(out, DEEP_KNEE_FLEXION), (
        f"deep or loaded knee bending: {in_set(out, DEEP_KNEE_FLEXION)}"
    )


def no_fall_risk(out: Outcome) -> None:
    assert not in_set(out, FALL_RISK), f"a risk of falling: {in_set(out, FALL_RISK)}"


def no_prone(out: Outcome) -> None:
    assert not in_set(out, PRONE), f"lying on the belly: {in_set(out, PRONE)}"


def no_trunk_flexion(out: Outcome) -> None:
    assert not in_set(out, SPINAL_FLEXION_OR_TWIST), in_set(out, SPINAL_FLEXION_OR_TWIST)


def no_loaded_legs_for_a_new_mother(out: Outcome) -> None:
    loaded = sorted(p.exercise for p in out.items if p.dose.get("load") in ("moderate", "heavy"))
    assert not loaded, f"loaded work before light strength has come first: {loaded}"


def pain_free_only(out: Outcome) -> None:
    """A growing bone is not an adult tendon: no 'up to 5/10 is acceptable'."""
    assert "pain-monitoring-acceptable" not in out.ev.fired
    assert "5/10" not in out.texts(), "a growing bone is told up to 5/10 is acceptable"


def no_calf_loading(out: Outcome) -> None:
    calf = [
        p.exercise
        for p in out.items
        if p.kind == "strength" and {"calves", "achilles"} & set(out.ex(p).works) and p.dose.get("load")
    ]
    assert not calf, f"loaded calf work on a growing heel: {calf}"


def no_strides_or_heavy_notes(out: Outcome) -> None:
    for rule in ("power-ready", "beginner-speed-goal", "strength-progress-load"):
        assert rule not in out.ev.fired, f"{rule} beside a caution against it"
    assert "heavier loads" not in out.texts()


FINDINGS: dict[str, list[Check]] = {
    # pregnancy (ACOG 2020; Mottola 2018)
    "01": [no_strides_or_heavy_notes, no_impact, no_heavy],
    "02": [no_strides_or_heavy_notes, no_impact, no_heavy],
    "04": [no_prone, no_fall_risk, no_supine, no_impact],
    "05": [refers("emergency"), nothing_at_all],
    "06": [refers("emergency"), nothing_at_all, never_says("moderate strength and mobility stay")],
    "43": [no_trunk_flexion, no_fall_risk, no_strides_or_heavy_notes, no_supine],
    # postpartum (Goom, Donnelly & Brockwell 2019)
    "09": [no_strides_or_heavy_notes, no_impact, no_loaded_legs_for_a_new_mother, lacks("plank-walk-up")],
    "10": [no_impact, no_heavy, fires("postpartum-impact-wait")],
    # adolescents (Lloyd 2014; growth plates)
    "14": [no_deep_knee, pain_free_only, no_impact],
    "18": [pain_free_only, no_impact, fires("adolescent-heel-pain")],
    "19": [no_deep_knee, pain_free_only, not_fired("patellar-tendon-loading"), fires("adolescent-knee-pain")],
    "20": [pain_free_only, nothing_below_a_step, no_calf_loading, not_fired("achilles-midportion-loading")],
    "40": [refers("doctor-soon"), no_strides_or_heavy_notes, fires("red-s-bone-pain"), no_impact],
    # A 13-year-old's pain at the insertion is the heel's growth plate (Sever's) until shown
    # otherwise: KNOWLEDGE.md's relative rest and calf flexibility, not the adult insertional
    # programme with its "no calf stretching" (round 16 reversed round 3's fires(...insertional)).
    "44": [
        pain_free_only,
        nothing_below_a_step,
        no_heavy,
        fires("adolescent-heel-pain"),
        not_fired("achilles-insertional-loading"),
        lambda out: _has(out, "calf-stretch-wall"),
        never_says("not known where"),
    ],
    # minor findings fixed with them
    "25": [lacks("squat", "single-leg-deadlift", "weighted-calf-raise-step")],
    "30": [fires("back-pain-numbness-screened"), lambda out: _no_legs_or_back(out)],
    "31": [lambda out: _cites(out, "Watson et al., JBMR 2018")],
}


def _cites(out: Outcome, source: str) -> None:
    sources = {c.reason.source for c in out.ev.conclusions}
    assert any(source in s for s in sources), f"no fired rule cites {source!r}"


def _no_legs_or_back(out: Outcome) -> None:
    from tests.clinical import LOWER_LIMB

    loaded = touching(out, LOWER_LIMB | {"lower_back"})
    assert not loaded, f"loads the back or a leg with numbness: {loaded}"


def _facts(name: str) -> list[Fact]:
    facts, problems = load_facts_file(RUNNERS / name, shipped().schema)
    assert not [p for p in problems if p.severity == "error"], problems
    return facts


def _runner(number: str) -> str:
    found = sorted(p.name for p in RUNNERS.glob(f"{number}-*.toml"))
    assert len(found) == 1, f"runner {number}: {found}"
    return found[0]


@pytest.mark.parametrize("number", sorted(FINDINGS))
def test_each_finding_of_the_review_holds(number: str) -> None:
    out = advise(_facts(_runner(number)))
    for check in FINDINGS[number]:
        check(out)


@pytest.mark.parametrize("name", sorted(p.name for p in RUNNERS.glob("*.toml")))
def test_every_reviewed_runner_reads_and_plans(name: str) -> None:
    out = advise(_facts(name))
    assert not out.ev.errors
    if out.ev.referrals and any(c.urgency == "emergency" for c in out.ev.referrals):
        assert not out.items, f"exercise beside an emergency: {sorted(out.ids)}"


def test_the_review_has_its_46_runners() -> None:
    assert len(list(RUNNERS.glob("*.toml"))) == 46
