"""Advice for who the runner is, checked as a physiotherapist would: one scenario per runner.

Each runner is facts as prehab would have them (the profile's ``athlete`` fields, open episodes
as ``pain``/``symptom``/``injury`` facts, the history's ``load``); each check reads the plan from
the facts, against the independent load map (tests/load_map.py), never the catalogue's own
``loads``. Sources, in KNOWLEDGE.md's words: ACOG 2020 and Mottola 2018 (pregnancy), Goom,
Donnelly & Brockwell 2019 (postpartum), Lloyd 2014 (youth), Giangregorio 2014 (bone),
NICE NG59 and Finucane 2020 (nerve symptoms), Blagrove 2018 (readiness, tapering).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from tests.clinical import advise
from tests.clinical_checks import (
    DUE,
    ECONOMY,
    READY,
    Check,
    at_most_one_calf_exercise,
    athlete,
    fires,
    has,
    lacks,
    never_says,
    no_back_or_legs_or_side,
    no_heavy,
    no_impact,
    no_loaded_legs,
    no_lower_limb,
    no_spinal_flexion,
    no_strength,
    no_supine,
    not_fired,
    nothing_at_all,
    nothing_below_a_step,
    nothing_loaded,
    refers,
    said_once,
    says,
    two_sets_at_least,
)


@dataclass
class Runner:
    name: str
    facts: list[dict[str, Any]]
    checks: list[Check]


RUNNERS = [
    # -- pregnancy (ACOG 2020; Mottola 2018)
    Runner(
        "pregnant 10 weeks, experienced lifter",
        [athlete(pregnancy_weeks=10, experience="advanced", strength_weeks=30), DUE, ECONOMY],
        [no_impact, no_heavy, fires("pregnancy")],
    ),
    Runner(
        "pregnant 26 weeks, wants speed",
        [
            athlete(pregnancy_weeks=26, experience="intermediate", strength_weeks=12),
            DUE,
            {"fact": "goal", "focus": "speed"},
        ],
        [no_impact, no_heavy, no_supine, says("pelvic floor")],
    ),
    Runner(
        "pregnant 34 weeks with a warning sign",
        [
            athlete(pregnancy_weeks=34),
            {"fact": "symptom", "sign": "pregnancy_bleeding", "present": True},
            DUE,
        ],
        [refers("emergency"), nothing_at_all],
    ),
    Runner(
        "pregnant 20 weeks, beginner",
        [athlete(pregnancy_weeks=20, experience="beginner"), DUE],
        [no_impact, no_heavy, no_supine],
    ),
    # -- postpartum (Goom, Donnelly & Brockwell 2019)
    Runner(
        "6 weeks after birth, keen to run",
        [
            athlete(postpartum_weeks=6, experience="intermediate", strength_weeks=10),
            DUE,
            {"fact": "goal", "focus": "speed"},
        ],
        [no_impact, no_heavy, says("pelvic floor"), says("12 weeks")],
    ),
    Runner(
        "16 weeks after birth",
        [athlete(postpartum_weeks=16, experience="intermediate", strength_weeks=10), DUE],
        [says("leaking"), fires("postpartum-return")],
    ),
    Runner(
        "10 weeks after birth, beginner",
        [athlete(postpartum_weeks=10, experience="beginner"), DUE],
        [no_impact, no_heavy],
    ),
    # -- adolescents (Lloyd 2014; growth-plate pain)
    Runner(
        "13, heel pain",
        [athlete(age=13, experience="beginner"), {"fact": "pain", "region": "feet", "level": 4}, DUE],
        [no_impact, lacks("weighted-calf-raise-step", "eccentric-step-down"), nothing_below_a_step],
    ),
    Runner(
        "14, pain below the kneecap",
        [
            athlete(age=14, experience="beginner"),
            {"fact": "pain", "region": "knees", "level": 3, "pattern": "below_kneecap"},
            DUE,
        ],
        [no_impact, lacks("eccentric-step-down", "squat", "box-jump")],
    ),
    Runner(
        "16, experienced, wants economy",
        [athlete(age=16, experience="advanced", strength_weeks=30), DUE, ECONOMY],
        [no_heavy, says("coach")],
    ),
    Runner(
        "15, heel pain with a growth spurt, no strength base",
        [athlete(age=15, experience="beginner"), {"fact": "pain", "region": "achilles", "level": 3}, DUE],
        [no_impact, lacks("weighted-calf-raise-step", "heavy-calf-raise-straight-knee")],
    ),
    # -- low bone density (Giangregorio 2014)
    Runner(
        "65, osteopenia, taper",
        [
            athlete(age=65, bone_health="osteopenia", experience="intermediate", strength_weeks=10),
            DUE,
            {"fact": "schedule", "days_to_goal_race": 9},
        ],
        [no_spinal_flexion, has("single-leg-balance"), lacks("copenhagen-plank")],
    ),
    Runner(
        "70, osteoporosis",
        [athlete(age=70, bone_health="osteoporosis", experience="beginner"), DUE],
        [no_spinal_flexion, no_impact, has("single-leg-balance")],
    ),
    Runner(
        "55, osteoporosis, experienced",
        [athlete(age=55, bone_health="osteoporosis", experience="advanced", strength_weeks=20), DUE, ECONOMY],
        [no_spinal_flexion, no_impact],
    ),
    Runner(
        "48, past bone stress injury, osteopenia",
        [
            athlete(
                age=48,
                bone_health="osteopenia",
                bone_stress_history=True,
                experience="intermediate",
                strength_weeks=6,
            ),
            DUE,
        ],
        [no_spinal_flexion],
    ),
    # -- nerve symptoms (NICE NG59; Finucane 2020)
    Runner(
        "numbness in a leg on the screening",
        [
            athlete(experience="intermediate", strength_weeks=8),
            {"fact": "symptom", "sign": "numbness_tingling", "present": True},
            DUE,
        ],
        [no_lower_limb, refers("doctor-soon")],
    ),
    Runner(
        "back pain at night with numbness down a leg",
        [
            athlete(experience="intermediate", strength_weeks=8),
            {
                "fact": "pain",
                "region": "lower_back",
                "level": 5,
                "at_night": True,
                "numbness": True,
                "spreads_to_leg": True,
            },
            DUE,
        ],
        [no_back_or_legs_or_side, refers("doctor-soon")],
    ),
    Runner(
        "back pain spreading to the buttock, no numbness",
        [
            athlete(experience="advanced", strength_weeks=20),
            {"fact": "pain", "region": "lower_back", "level": 4, "spreads_to_leg": True},
            DUE,
            ECONOMY,
        ],
        [no_back_or_legs_or_side, no_heavy],
    ),
    Runner(
        "night pain on the screening, no region",
        [
            athlete(experience="advanced", strength_weeks=20),
            {"fact": "symptom", "sign": "night_pain", "present": True},
            DUE,
            ECONOMY,
        ],
        [no_heavy, no_impact, refers("doctor-soon")],
    ),
    # -- masters in taper (Blagrove 2018; over 60 already in the pack)
    Runner(
        "62, taper 10 days out, strength base",
        [
            athlete(age=62, experience="intermediate", strength_weeks=12),
            DUE,
            {"fact": "schedule", "days_to_goal_race": 10},
        ],
        [no_heavy, no_impact, has("single-leg-balance")],
    ),
    Runner(
        "68, race week",
        [
            athlete(age=68, experience="intermediate", strength_weeks=20),
            DUE,
            {"fact": "schedule", "days_to_goal_race": 4},
        ],
        [no_heavy, no_impact],
    ),
    Runner(
        "61, new to strength (heel drops are the bone loading a masters runner needs)",
        [athlete(age=61, experience="beginner"), DUE],
        [no_heavy, has("single-leg-balance")],
    ),
    # -- beginners over six weeks (readiness)
    Runner(
        "beginner, week 1",
        [athlete(experience="beginner", strength_weeks=0), DUE],
        [no_heavy, no_impact, fires("beginner")],
    ),
    Runner(
        "beginner profile, 6 weeks of regular strength since",
        [athlete(experience="beginner", strength_weeks=6), DUE],
        [not_fired("beginner")],
    ),
    Runner(
        "beginner, 3 weeks, deload week of the first block",
        [
            athlete(experience="beginner", strength_weeks=3),
            DUE,
            {"fact": "schedule", "block_week": 4, "block": 1},
        ],
        [not_fired("deload-week")],
    ),
    Runner(
        "intermediate, deload week of the second block",
        [
            athlete(experience="intermediate", strength_weeks=7),
            DUE,
            {"fact": "schedule", "block_week": 4, "block": 2},
        ],
        [fires("deload-week"), two_sets_at_least],
    ),
    # -- the health screen (PAR-Q+)
    Runner(
        "heart condition, not cleared",
        [
            athlete(experience="advanced", strength_weeks=20),
            {"fact": "health", "heart_condition": True},
            DUE,
            ECONOMY,
        ],
        [refers("doctor-soon"), no_heavy, no_impact],
    ),
    Runner(
        "heart condition, cleared by a doctor",
        [
            athlete(experience="advanced", strength_weeks=20),
            {"fact": "health", "heart_condition": True, "cleared": True},
            DUE,
            ECONOMY,
        ],
        [not_fired("health-screen-yes")],
    ),
    Runner(
        "dizziness on the health screen, pregnant",
        [athlete(pregnancy_weeks=18), {"fact": "health", "dizziness": True}, DUE],
        [refers("doctor-soon"), no_heavy, no_impact],
    ),
    Runner(
        "medication, beginner, 58",
        [athlete(age=58, experience="beginner"), {"fact": "health", "medication": True}, DUE],
        [refers("doctor-soon"), no_heavy],
    ),
    Runner(
        "postpartum 8 weeks with numbness on the screening",
        [athlete(postpartum_weeks=8), {"fact": "symptom", "sign": "numbness_tingling", "present": True}, DUE],
        [no_lower_limb, no_impact],
    ),
    # -- round 3 review: advice that contradicted itself
    Runner(
        "race in 2 days, no side-to-side work for a month",
        [
            READY,
            {"fact": "load", "days_since_strength": 5, "days_since_cross_plane": 30},
            {"fact": "schedule", "days_to_goal_race": 2},
        ],
        [no_strength, never_says("add side-to-side"), fires("race-week")],
    ),
    Runner(
        "back after 3 weeks off, used to lifting",
        [
            athlete(experience="intermediate", strength_weeks=12, weeks_off=3),
            {
                "fact": "load",
                "acwr": 2.2,
                "return_break_days": 21,
                "days_since_strength": 25,
                "weekly_km": 10,
            },
        ],
        [nothing_loaded, no_heavy, no_impact, never_says("danger zone"), says("walk-run")],
    ),
    Runner(
        "intervals tomorrow, past hamstring strain, kettlebell at home",
        [
            athlete(experience="intermediate", strength_weeks=10),
            {"fact": "load", "days_since_strength": 4},
            {"fact": "schedule", "key_run_tomorrow": True},
            {"fact": "injury", "condition": "hamstring", "status": "history"},
            {"fact": "goal", "focus": "injury-prevention"},
        ],
        [no_loaded_legs, no_impact],
    ),
    Runner(
        "sore calves in a +50 % week",
        [
            athlete(experience="intermediate", strength_weeks=10),
            {"fact": "load", "weekly_km": 45, "previous_week_km": 30, "days_since_strength": 4},
            {"fact": "soreness", "region": "calves", "level": 5},
        ],
        [at_most_one_calf_exercise, no_impact, not_fired("strength-progress-load")],
    ),
    Runner(
        "sore, tight and painful shins in a +50 % week",
        [
            athlete(experience="intermediate", strength_weeks=10),
            {"fact": "load", "weekly_km": 45, "previous_week_km": 30, "days_since_strength": 4},
            {"fact": "pain", "region": "shins", "level": 4},
            {"fact": "soreness", "region": "shins", "level": 4},
            {"fact": "tightness", "region": "shins", "level": 4},
        ],
        [
            lacks("tibialis-raise", "bridge-calf-pull"),
            no_impact,
            said_once("hold the mileage"),
            said_once("pinpoint"),
            never_says("heavier loads"),
        ],
    ),
    Runner(
        "named runner's knee, knee pain not located",
        [
            athlete(experience="intermediate", strength_weeks=8),
            {"fact": "injury", "condition": "patellofemoral", "status": "current"},
            {"fact": "pain", "region": "knees", "level": 3},
            {"fact": "load", "days_since_strength": 4},
        ],
        [never_says("doesn't guess"), fires("patellofemoral-hip-and-quads")],
    ),
    Runner(
        "named mid-portion Achilles, pain not located today",
        [
            athlete(experience="intermediate", strength_weeks=8),
            {"fact": "injury", "condition": "achilles", "status": "current"},
            {"fact": "pain", "region": "achilles", "level": 3},
            {"fact": "load", "days_since_strength": 4},
        ],
        [has("heavy-calf-raise-straight-knee"), not_fired("achilles-pain-unsure-where"), no_impact],
    ),
    Runner(
        "Achilles pain, does not know where",
        [
            athlete(experience="intermediate", strength_weeks=8),
            {"fact": "pain", "region": "achilles", "level": 3},
            DUE,
        ],
        [nothing_below_a_step, no_impact, lacks("calf-stretch-wall")],
    ),
    Runner(
        "plantar heel pain",
        [
            athlete(experience="intermediate", strength_weeks=8),
            {"fact": "injury", "condition": "plantar_fascia", "status": "current"},
            DUE,
        ],
        [
            has("single-leg-heel-raise-towel"),
            has("toe-extension-stretch"),
            has("calf-stretch-wall"),
            no_impact,
        ],
    ),
    Runner(
        "fresh hamstring strain",
        [
            READY,
            {"fact": "injury", "condition": "hamstring", "status": "current"},
            DUE,
            {"fact": "goal", "focus": "speed"},
        ],
        [
            has("side-step-grapevine"),
            has("plank", "side-plank"),
            lacks("nordic-curl", "supine-hamstring-stretch", "kettlebell-swing"),
            no_impact,
            says("by criteria"),
        ],
    ),
    Runner(
        "recovering bone stress injury",
        [READY, {"fact": "injury", "condition": "bone_stress", "status": "recovering"}, DUE],
        [no_impact, says("walk-run"), says("pain-free")],
    ),
    Runner(
        "race in 2 days after a light taper week",
        [
            READY,
            {"fact": "load", "days_since_strength": 5, "acwr": 0.5},
            {"fact": "schedule", "days_to_goal_race": 2},
        ],
        [never_says("build back"), no_strength],
    ),
    Runner(
        "walk-run 4 -> 10 km after a bone stress injury",
        [
            READY,
            {"fact": "injury", "condition": "bone_stress", "status": "recovering"},
            {"fact": "load", "weekly_km": 10, "previous_week_km": 4, "weekly_change_pct": 150, "acwr": 1.9},
        ],
        [never_says("hold this level for a week"), never_says("danger zone"), says("walk-run"), no_impact],
    ),
    Runner(
        "named mid-portion Achilles, the day after a strength session",
        [
            athlete(experience="intermediate", strength_weeks=10),
            {"fact": "injury", "condition": "achilles", "status": "current"},
            {"fact": "load", "days_since_strength": 1},
        ],
        [has("weighted-calf-raise-step", "heavy-calf-raise-straight-knee", "bent-knee-calf-raise"), no_heavy],
    ),
    Runner(
        "recovering shin splints",
        [
            athlete(experience="intermediate", strength_weeks=8),
            {"fact": "injury", "condition": "shin_splints", "status": "recovering"},
            DUE,
        ],
        [no_impact, says("graded running")],
    ),
]


@pytest.mark.parametrize("runner", RUNNERS, ids=[r.name for r in RUNNERS])
def test_a_physiotherapist_would_sign_the_plan(runner: Runner) -> None:
    out = advise(runner.facts)
    for check in runner.checks:
        check(out)
