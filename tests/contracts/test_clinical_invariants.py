"""Clinical invariants over generated athletes (hypothesis).

Each property is a rule a physiotherapist would hold any plan to, stated from the facts (see
tests/clinical.py), not from what the rule pack happens to say. CI runs a few hundred athletes
per property; set PREHAB_INVARIANT_EXAMPLES=10000 to run the full sweep by hand:

    PREHAB_INVARIANT_EXAMPLES=10000 .venv/bin/python -m pytest tests/contracts/test_clinical_invariants.py
"""

from __future__ import annotations

import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.clinical import (
    EMERGENCY_SIGNS,
    KEEP_RUNNING,
    KEY_RUN_EASY,
    LOWER_LIMB,
    Outcome,
    advise,
    no_heavy_or_plyometric_reasons,
    of_kind,
    one,
    referral_regions,
    returning,
    shipped,
    stops,
    strength_ready,
    symptoms,
)
from tests.load_map import DAILY_ROUTINES

from prehab.model import URGENCY_ORDER, Fact
from prehab.plan.holds import DELOAD_FLOOR_SETS, hold_matches
from prehab.plan.restrictions import restrictions

EXAMPLES = int(os.environ.get("PREHAB_INVARIANT_EXAMPLES", "250"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip

SCHEMA = shipped().schema
REGIONS = list(SCHEMA.regions)


def _choices(kind: str, name: str) -> list[str]:
    spec = SCHEMA.kind(kind)
    assert spec is not None
    return list(spec.fields[name].values)


def _fact(kind: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Fact]:
    """A fact of ``kind`` with any subset of ``fields`` present."""
    return st.fixed_dictionaries({"fact": st.just(kind)}, optional=fields)


ATHLETE = _fact(
    "athlete",
    experience=st.sampled_from(_choices("athlete", "experience")),
    age=st.integers(10, 90),
    strength_weeks=st.integers(0, 60),
    home_only=st.booleans(),
    weeks_off=st.integers(0, 20),
    sex=st.sampled_from(_choices("athlete", "sex")),
    pregnancy_weeks=st.integers(1, 42),
    postpartum_weeks=st.integers(0, 60),
    bone_health=st.sampled_from(_choices("athlete", "bone_health")),
    bone_stress_history=st.booleans(),
)
"""The runner, the profile's fields among them (pregnancy, a recent birth, bone health, age)."""
HEALTH = _fact(
    "health",
    heart_condition=st.booleans(),
    chest_pain=st.booleans(),
    dizziness=st.booleans(),
    medication=st.booleans(),
    cleared=st.booleans(),
)
SCHEDULE = _fact(
    "schedule",
    days_to_goal_race=st.integers(0, 60),
    key_run_today=st.booleans(),
    key_run_tomorrow=st.booleans(),
    rest_day=st.booleans(),
)
KM = st.floats(0, 200).map(lambda x: round(x, 1))
LOAD = _fact(
    "load",
    weekly_km=KM,
    previous_week_km=KM,
    run_spike_pct=st.floats(-80, 200).map(lambda x: round(x, 1)),
    days_since_strength=st.integers(0, 60),
    strength_sessions_7d=st.integers(0, 5),
    days_since_mobility=st.integers(0, 30),
    days_since_cross_plane=st.integers(0, 40),
    hard_sessions_7d=st.integers(0, 7),
    runs_7d=st.integers(0, 10),
    cycling_share_pct=st.floats(0, 100).map(lambda x: round(x, 1)),
    treadmill_share_pct=st.floats(0, 100).map(lambda x: round(x, 1)),
    return_break_days=st.integers(0, 60),
    acwr=st.floats(0, 3).map(lambda x: round(x, 2)),
)


def _per_region(kind: str, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Fact]]:
    one_fact = st.fixed_dictionaries(
        {"fact": st.just(kind), "region": st.sampled_from(REGIONS), "level": st.integers(0, 10)},
        optional=extra,
    )
    return st.lists(one_fact, max_size=4, unique_by=lambda f: f["region"])


PAIN = _per_region(
    "pain",
    worse_next_morning=st.booleans(),
    bone_tenderness=st.booleans(),
    at_rest=st.booleans(),
    at_night=st.booleans(),
    numbness=st.booleans(),
    swelling=st.booleans(),
    changes_stride=st.booleans(),
    spreads_to_leg=st.booleans(),
    pattern=st.sampled_from(_choices("pain", "pattern")),
)
INJURY = st.lists(
    st.fixed_dictionaries(
        {
            "fact": st.just("injury"),
            "condition": st.sampled_from(_choices("injury", "condition")),
            "status": st.sampled_from(_choices("injury", "status")),
        }
    ),
    max_size=2,
    unique_by=lambda f: f["condition"],
)
# Screening signs are rare in real life: most athletes get none, some get one or two.
SYMPTOM = st.lists(
    st.fixed_dictionaries(
        {
            "fact": st.just("symptom"),
            "sign": st.sampled_from(_choices("symptom", "sign")),
            "present": st.booleans(),
        }
    ),
    max_size=2,
    unique_by=lambda f: f["sign"],
)
GOAL = st.lists(
    st.fixed_dictionaries({"fact": st.just("goal"), "focus": st.sampled_from(_choices("goal", "focus"))}),
    max_size=2,
    unique_by=lambda f: f["focus"],
)


@st.composite
def athletes(draw: st.DrawFn) -> tuple[list[Fact], float | None, frozenset[str] | None]:
    facts: list[Fact] = [draw(ATHLETE), draw(LOAD)]
    if draw(st.booleans()):
        facts.append(draw(SCHEDULE))
    facts += draw(_per_region("tightness"))
    facts += draw(_per_region("soreness"))
    facts += draw(PAIN)
    facts += draw(INJURY)
    if draw(st.integers(0, 3)) == 0:
        facts += draw(SYMPTOM)
    facts += draw(GOAL)
    if draw(st.integers(0, 4)) == 0:
        facts.append(draw(HEALTH))
    budget = draw(st.sampled_from([None, 10.0, 20.0, 30.0, 45.0]))
    equipment = draw(
        st.sampled_from([None, frozenset(), frozenset({"band", "step"}), frozenset({"dumbbell"})])
    )
    return facts, budget, equipment


def _run(case: tuple[list[Fact], float | None, frozenset[str] | None]) -> Outcome:
    facts, budget, equipment = case
    return advise(facts, budget=budget, equipment=equipment)


@SETTINGS
@given(athletes())
def test_nothing_loads_or_stretches_a_region_with_a_referral_level_sign(case: Any) -> None:
    out = _run(case)
    regions = referral_regions(out.facts)
    assert out.touching(regions) == [], f"loads a region with a warning sign: {sorted(regions)}"
    if regions & LOWER_LIMB:
        assert out.impact() == [] and out.heavy() == [], "impact or heavy work with a leg warning sign"
    if regions & LOWER_LIMB and "stop-training" not in out.ev.flags:
        # (a sign that stops all exercise, e.g. in pregnancy, says so itself: "stop exercising")
        assert re.search(r"Don't run|No running", out.texts(), re.IGNORECASE), (
            "a leg warning sign must say: no running on it"
        )
        assert out.ev.instead, "a leg warning sign must say what to do instead"
    if "stop-training" in out.ev.flags:
        # a sign that stops training (in pregnancy, the heart, a clot, dizziness) says so itself; it
        # may leave gentle mobility (dizziness) or nothing at all (the emergencies: next test)
        assert out.impact() == [] and out.heavy() == [], "impact or heavy work with a stop-training sign"
        assert re.search(
            r"stop exercising|no (hard )?training|no running|nothing in prehab's plan", out.texts(), re.I
        )
    if regions:
        assert out.ev.referrals, "a referral-level sign without a referral"


@SETTINGS
@given(athletes())
def test_emergency_signs_empty_the_plan_and_come_first(case: Any) -> None:
    out = _run(case)
    signs = symptoms(out.facts)
    refs = out.ev.referrals
    ranks = [URGENCY_ORDER.index(c.urgency) for c in refs]
    assert ranks == sorted(ranks), "referrals must be most urgent first"
    if signs & set(EMERGENCY_SIGNS):
        assert out.items == [], "an emergency sign leaves nothing to train today"
        assert refs and refs[0].urgency == "emergency"
    if signs & {"dizziness", "unusual_breathlessness"}:
        assert [p.exercise for p in out.items if p.kind != "mobility"] == []


@SETTINGS
@given(athletes())
def test_no_plan_item_is_forbidden_by_a_hold_of_its_own_plan(case: Any) -> None:
    out = _run(case)
    for concl in out.ev.holds:
        assert concl.hold is not None
        if concl.hold.mode in ("reduce", "deload"):
            continue
        bad = [p.exercise for p in out.items if hold_matches(concl.hold, out.ex(p), p.dose)]
        assert bad == [], f"{concl.reason.rule_id} says '{concl.text}' but the plan has {bad}"


@SETTINGS
@given(athletes())
def test_no_heavy_or_plyometric_work_when_the_day_or_the_runner_is_not_ready(case: Any) -> None:
    out = _run(case)
    reasons = no_heavy_or_plyometric_reasons(out.facts)
    if reasons:
        assert out.heavy() == [] and out.plyometric() == [], f"heavy/plyometric despite: {reasons}"
    schedule = one(out.facts, "schedule")
    text = out.texts()
    # A stop: no key run; a line that allows only easy running: an easy one (nothing to spare).
    if schedule.get("key_run_tomorrow") is True and not stops(text) and not KEY_RUN_EASY.search(text):
        assert out.strength_for({"calves", "achilles"}) == [], "calf strength the day before a key run"
    if schedule.get("days_to_goal_race", 999) <= 3:
        others = [p.exercise for p in out.items if p.kind != "mobility" and p.exercise not in DAILY_ROUTINES]
        assert others == [], "race week: mobility and daily routines only"
    if schedule.get("days_to_goal_race", 999) <= 14:
        assert out.tagged("eccentric") == [], "no soreness-heavy eccentric work in the taper"
        assert not any("heavier loads" in c.text for c in out.ev.notes), "no 'progress the load' in a taper"


@SETTINGS
@given(athletes())
def test_at_most_one_weekly_change_caution_and_none_for_a_returning_runner(case: Any) -> None:
    out = _run(case)
    weekly_rules = {
        r.id
        for r in out.book.active_rules
        if any(
            t.field in ("weekly_change_pct", "two_week_change_pct", "weekly_increase_km")
            for c in r.when + r.when_any
            for t in c.tests
        )
    }
    weekly = {c.reason.rule_id for c in out.ev.cautions if c.reason.rule_id in weekly_rules}
    assert len(weekly) <= 1, f"conflicting weekly-change cautions: {weekly}"
    if returning(out.facts):
        assert weekly == set() and "run-spike" not in out.ev.fired


@SETTINGS
@given(athletes())
def test_every_complaint_keeps_an_item_when_the_budget_allows_one(case: Any) -> None:
    out = _run(case)
    _, budget, _ = case
    if budget is None:
        return
    answered = {c for p in out.plan.items for c in p.complaints}
    room = budget - out.plan.minutes
    for p in out.plan.extra:
        missing = p.complaints - answered
        assert not (missing and p.minutes <= room), (
            f"{p.exercise} answers {missing} and fits, but was left out"
        )


@SETTINGS
@given(athletes())
def test_insertional_achilles_never_drops_the_heel_below_a_step(case: Any) -> None:
    out = _run(case)
    insertional = any(
        f.get("condition") == "achilles_insertional" and f.get("status") in ("current", "recovering")
        for f in of_kind(out.facts, "injury")
    ) or any(
        f.get("region") == "achilles"
        and f.get("pattern") == "achilles_insertion"
        and 1 <= f.get("level", 0) <= 5
        for f in of_kind(out.facts, "pain")
    )
    if insertional:
        assert out.tagged("below_step") == []


MIDPORTION = "achilles_midportion"
SIGN_URGENCY = {
    "saddle_numbness": "emergency",
    "bladder_bowel_change": "emergency",
    "chest_pain": "emergency",
    "fainting": "emergency",
    "unusual_breathlessness": "emergency",
    "swollen_warm_calf": "doctor-today",
    "dizziness": "doctor-today",
    "groin_pain_on_load": "doctor-soon",
    "night_pain": "doctor-soon",
    "numbness_tingling": "doctor-soon",
    "unexplained_weight_loss": "doctor-soon",
}
PAIN_URGENCY = {"bone_tenderness": "doctor-soon", "at_night": "doctor-soon", "numbness": "doctor-soon",
                "at_rest": "doctor-soon", "swelling": "physio", "changes_stride": "physio"}  # fmt: skip
STRIDES = re.compile(r"strides (of|after)")
"""A suggestion to run strides (a why that names them as fast-twitch work is not one)."""


@SETTINGS
@given(athletes())
def test_shin_and_foot_pain_is_a_bone_site_whatever_the_pattern_says(case: Any) -> None:
    """Shin or foot pain (1-6: 6 is not pain-free either) of any pattern but first-steps heel
    pain: no impact through it, and no strides suggested."""
    out = _run(case)
    for p in of_kind(out.facts, "pain"):
        if (
            p["region"] in ("shins", "feet")
            and 1 <= p.get("level", 0) <= 6
            and p.get("pattern") != "first_steps_heel"
        ):
            assert out.impact_on(p["region"]) == [], f"impact through painful {p['region']}"
            assert not STRIDES.search(out.texts()), f"strides suggested with {p['region']} pain"
        if p["region"] == "achilles" and 1 <= p.get("level", 0) <= 5 and p.get("pattern") != MIDPORTION:
            assert out.tagged("below_step") == [], (
                "heel drops below a step with Achilles pain not known to be mid-portion"
            )


@SETTINGS
@given(athletes())
def test_each_sign_gets_at_least_its_urgency(case: Any) -> None:
    out = _run(case)
    got = {c.urgency for c in out.ev.referrals}
    best = min((URGENCY_ORDER.index(u) for u in got), default=len(URGENCY_ORDER))
    needed = [SIGN_URGENCY[s] for s in symptoms(out.facts) if s in SIGN_URGENCY]
    needed += [
        u for p in of_kind(out.facts, "pain") for sign, u in PAIN_URGENCY.items() if p.get(sign) is True
    ]
    for urgency in needed:
        assert best <= URGENCY_ORDER.index(urgency), f"needs {urgency}, most urgent given: {sorted(got)}"


@SETTINGS
@given(athletes())
def test_no_text_recommends_what_the_plan_forbids(case: Any) -> None:
    out = _run(case)
    stop = symptoms(out.facts) & {
        *EMERGENCY_SIGNS,
        "unusual_breathlessness",
        "swollen_warm_calf",
        "dizziness",
    }
    instead = " ".join(c.text for c in out.ev.instead).lower()
    if stop:
        for word in ("strength", "cross-training", "cycling"):
            assert word not in instead, f"'{word}' suggested while a screening sign stops training"
        assert not any("2-3 sessions" in c.text for c in out.ev.notes), (
            "strength advice under an urgent referral"
        )
    if any(
        f.get("condition") == "hamstring" and f.get("status") == "current"
        for f in of_kind(out.facts, "injury")
    ):
        assert not STRIDES.search(out.texts()), "strides suggested with a current hamstring strain"
    for p in of_kind(out.facts, "pain"):
        if p["region"] in LOWER_LIMB and (p.get("level", 0) >= 6 or p.get("worse_next_morning") is True):
            assert not STRIDES.search(out.texts()), f"strides suggested with {p['region']} pain"
    heavy_held = any(c.hold and "heavy" in c.hold.loads for c in out.ev.holds)
    if heavy_held:
        assert not any("heavier loads" in c.text for c in out.ev.notes), (
            "'progress the load' while heavy is held"
        )
    if out.tagged("eccentric") == [] and any(c.hold and "eccentric" in c.hold.tags for c in out.ev.holds):
        assert not any("Nordic curls: the evidence" in c.text for c in out.ev.notes)


@SETTINGS
@given(athletes())
def test_no_advanced_or_eccentric_work_without_a_strength_base(case: Any) -> None:
    out = _run(case)
    if not strength_ready(out.facts) or returning(out.facts):
        assert out.tagged("advanced") == [] and out.tagged("eccentric") == []


@SETTINGS
@given(athletes())
def test_suspected_femoral_neck_fracture_means_no_weight_bearing_exercise(case: Any) -> None:
    out = _run(case)
    groin = "groin_pain_on_load" in symptoms(out.facts) or any(
        p.get("pattern") == "groin_deep_hip" for p in of_kind(out.facts, "pain")
    )
    if groin:
        assert out.tagged("standing") == [] and out.impact() == []


# -- who the runner is (the profile), against the independent load map ---------------------------


@SETTINGS
@given(athletes())
def test_who_the_runner_is_holds_what_it_forbids(case: Any) -> None:
    """Pregnancy (ACOG 2020): no impact, jumping or heavy work, nothing lying on the back after
    the first trimester; under 12 weeks after a birth (Goom 2019): no impact or heavy work; low
    bone density (Giangregorio 2014): no loaded spinal flexion or twisting, and no impact with
    osteoporosis; under 18 (Lloyd 2014): no heavy lifting; a health-screen yes not cleared:
    no heavy or impact work."""
    from tests.load_map import SPINAL_FLEXION_OR_TWIST, SUPINE

    out = _run(case)
    facts = case[0]
    runner = one(facts, "athlete")
    health = one(facts, "health")
    stopped = "stop-training" in out.ev.flags
    ids = out.ids
    if stopped:
        return
    if isinstance(runner.get("pregnancy_weeks"), int):
        assert not out.impact() and not out.heavy(), (out.impact(), out.heavy())
        if runner["pregnancy_weeks"] >= 13:
            assert not ids & SUPINE, f"lying on the back in pregnancy: {sorted(ids & SUPINE)}"
    if isinstance(runner.get("postpartum_weeks"), int) and runner["postpartum_weeks"] < 12:
        assert not out.impact() and not out.heavy(), (out.impact(), out.heavy())
    if runner.get("bone_health") in ("osteopenia", "osteoporosis"):
        assert not ids & SPINAL_FLEXION_OR_TWIST, sorted(ids & SPINAL_FLEXION_OR_TWIST)
    if runner.get("bone_health") == "osteoporosis":
        assert not out.impact(), out.impact()
    if isinstance(runner.get("age"), int) and runner["age"] <= 17:
        assert not out.heavy(), out.heavy()
    screened = any(
        health.get(k) is True for k in ("heart_condition", "chest_pain", "dizziness", "medication")
    )
    if screened and health.get("cleared") is not True:
        assert not out.heavy() and not out.impact(), (out.heavy(), out.impact())


@SETTINGS
@given(athletes())
def test_nerve_symptoms_hold_the_legs_and_the_back(case: Any) -> None:
    """Numbness or tingling in a leg (the screening, no side known): nothing loads either leg.
    Back pain spreading down a leg or with numbness: nothing loads the back or the legs, and no
    side-bending work (NICE NG59; Finucane 2020)."""
    from tests.load_map import LATERAL_TRUNK

    out = _run(case)
    facts = case[0]
    if "numbness_tingling" in symptoms(facts):
        assert out.touching(LOWER_LIMB) == [], out.touching(LOWER_LIMB)
    back = [p for p in of_kind(facts, "pain") if p["region"] == "lower_back"]
    if any(p.get("spreads_to_leg") is True or p.get("numbness") is True for p in back):
        assert out.touching(LOWER_LIMB | {"lower_back"}) == [], out.touching(LOWER_LIMB | {"lower_back"})
        assert not out.ids & LATERAL_TRUNK, sorted(out.ids & LATERAL_TRUNK)


@SETTINGS
@given(athletes())
def test_not_today_names_the_listed_dose_and_never_an_item_it_swapped_out(case: Any) -> None:
    out = _run(case)
    listed = {p.exercise: p.dose for p in out.items}
    for r in restrictions(out.ev, out.plan):
        for original, easier in r.easier:
            given = easier.exercise
            if given in listed:
                assert easier.dose == listed[given], f"{r.rule_id}: {given} at another dose"
            if original != given:
                assert original not in listed, f"{r.rule_id} swaps {original} for {given}: both listed"
    for p in out.items:
        if p.regressed_from:  # reduced, never to one set (Silbernagel 2007: reduce, not stop)
            floor = min(DELOAD_FLOOR_SETS, int(out.ex(p).dose.get("sets", 1) or 1))
            assert int(p.dose.get("sets", 1) or 1) >= floor, f"{p.exercise} eased to {p.dose}"


def _bone_site_pains(facts: list[Fact], levels: range) -> list[Fact]:
    """Shin or foot pain at ``levels`` that may be bone (first-steps heel pain is the fascia)."""
    return [
        p
        for p in of_kind(facts, "pain")
        if p["region"] in ("shins", "feet")
        and p.get("level", 0) in levels
        and p.get("pattern") != "first_steps_heel"
    ]


@SETTINGS
@given(athletes())
def test_a_bone_site_at_6_is_told_not_to_run_whatever_else_is_wrong(case: Any) -> None:
    """6/10 at a possible bone site is past pain-free: some line says not to run on it, however
    many other warning signs (a shoulder, the back, a screening sign) the runner has."""
    out = _run(case)
    if _bone_site_pains(out.facts, range(6, 7)):
        assert stops(out.texts()), "shin or foot pain of 6/10 and no word against running"


@SETTINGS
@given(athletes())
def test_what_stands_down_for_a_stop_has_a_stop_to_read(case: Any) -> None:
    """Lines that keep the runner running stand down beside a stop (``running-stopped``); the
    runner must then read the stop itself, or the plan just goes quiet about running (a warning
    sign in the back stopped them with nothing on the screen saying so)."""
    out = _run(case)
    if "running-stopped" in out.ev.flags:
        assert stops(out.texts()), "running stood down, yet no line says not to run"


@SETTINGS
@given(athletes())
def test_no_line_keeps_the_runner_running_beside_one_that_stops_it(case: Any) -> None:
    out = _run(case)
    stopped = [c.text for c in out.ev.conclusions if c.text and stops(c.text)]
    if stopped:
        said = "\n".join(c.text for c in out.ev.conclusions if c.text)
        found = KEEP_RUNNING.search(said)
        assert not found, f"{found.group(0)!r} beside {stopped[0]!r}"


@SETTINGS
@given(athletes())
def test_red_s_with_bone_site_pain_goes_to_a_doctor_as_a_possible_stress_fracture(case: Any) -> None:
    out = _run(case)
    red_s = {"missed_periods", "low_energy_intake"} & symptoms(out.facts)
    if red_s and [
        p for p in of_kind(out.facts, "pain") if p["region"] in ("shins", "feet") and p.get("level", 0) >= 1
    ]:
        soon = URGENCY_ORDER.index("doctor-soon")
        routed = [
            r
            for r in out.ev.referrals
            if URGENCY_ORDER.index(r.urgency) <= soon and "stress fracture" in r.text
        ]
        assert routed, f"RED-S signs and shin or foot pain: {[r.text for r in out.ev.referrals]}"
        for p in of_kind(out.facts, "pain"):
            if p["region"] in ("shins", "feet") and p.get("level", 0) >= 1:
                assert f"pain-monitor:{p['region']}" not in out.ev.flags, (
                    f"the tendon rule's 'up to 5/10' for a {p['region']} that may be a stress fracture"
                )
                assert out.impact_on(p["region"]) == [], "impact through a possible stress fracture"


@SETTINGS
@given(athletes())
def test_bone_site_pain_of_6_with_a_bone_risk_goes_to_a_doctor_within_days(case: Any) -> None:
    out = _run(case)
    athlete = next(iter(of_kind(out.facts, "athlete")), {})
    risk = (
        athlete.get("bone_stress_history") is True
        or athlete.get("bone_health") in ("osteopenia", "osteoporosis")
        or any(
            i["condition"] == "bone_stress" and i["status"] in ("current", "recovering")
            for i in of_kind(out.facts, "injury")
        )
    )
    if risk and _bone_site_pains(out.facts, range(6, 7)):
        best = min((URGENCY_ORDER.index(r.urgency) for r in out.ev.referrals), default=len(URGENCY_ORDER))
        assert best <= URGENCY_ORDER.index("doctor-soon"), "bone-site pain of 6/10 with a bone risk"


EXERCISE_WORDS = re.compile(
    r"cycling|swimming|pool running|keep fit|walk-run|rest of today's plan", re.IGNORECASE
)


@SETTINGS
@given(athletes())
def test_a_sign_that_stops_all_training_gets_no_line_suggesting_exercise(case: Any) -> None:
    """Chest pain, a possible clot, saddle numbness...: no "keep fit with cycling", no walk-run."""
    out = _run(case)
    if "stop-training" in out.ev.flags:
        said = [c for c in out.ev.conclusions if c.type in ("caution", "note", "instead") and c.text]
        for c in said:
            found = EXERCISE_WORDS.search(c.text)
            assert not found, f"{found.group(0)!r} beside a sign that stops training [{c.reason.rule_id}]"


@SETTINGS
@given(athletes(), st.data())
def test_more_pain_never_means_a_less_urgent_referral(case: Any, data: st.DataObject) -> None:
    """Raising one pain's level, all else equal, never lowers the most urgent referral."""
    facts, budget, equipment = case
    pains = [i for i, f in enumerate(facts) if f.get("fact") == "pain" and f.get("level", 0) < 10]
    if not pains:
        return
    index = data.draw(st.sampled_from(pains))
    higher = data.draw(st.integers(facts[index].get("level", 0) + 1, 10))
    raised = [dict(f, level=higher) if i == index else f for i, f in enumerate(facts)]

    def most_urgent(given: list[Fact]) -> int:
        out = advise(given, budget=budget, equipment=equipment)
        return min((URGENCY_ORDER.index(r.urgency) for r in out.ev.referrals), default=len(URGENCY_ORDER))

    before, after = most_urgent(facts), most_urgent(raised)
    assert after <= before, (
        f"{facts[index]} raised to {higher}/10: most urgent referral went from "
        f"{(URGENCY_ORDER + ['none'])[before]} to {(URGENCY_ORDER + ['none'])[after]}"
    )
