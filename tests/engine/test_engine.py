"""Forward chaining, priorities, suppression and isolation on the real durable-rules engine."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from prehab.advice import evaluate
from prehab.engine.runner import Engine
from prehab.rulebook import Rulebook, load_rulebook

CHAIN_PACK = """
[[rule]]
id = "load-spike"
title = "Weekly distance jumped"
priority = 80
when = [ { fact = "load", weekly_change_pct = { above = 30 } } ]
then.flag = "load-spike"
then.caution = "Your distance rose by more than 30 %."
why = "Big weekly jumps raise injury risk."
source = "Nielsen 2014"
[[rule.example]]
given = [ { fact = "load", weekly_change_pct = 40 } ]
expect.flags = ["load-spike"]

[[rule]]
id = "spike-and-calves"
title = "Spike plus tight calves: lighter calf strength"
priority = 60
when = [
  { fact = "flag", name = "load-spike" },
  { fact = "tightness", region = "calves", level = { at_least = 4 } },
]
then.prescribe = [ { exercise = "calf-raise", dose = { sets = 2, reps = 10 } } ]
then.flag = "calf-care"
why = "Calves absorb the most impact."
source = "seed"
[[rule.example]]
given = [ { fact = "load", weekly_change_pct = 40 }, { fact = "tightness", region = "calves", level = 5 } ]
expect.fires = ["spike-and-calves"]

[[rule]]
id = "calf-care-stretch"
title = "Stretch what you load"
priority = 40
when = [ { fact = "flag", name = "calf-care" } ]
then.prescribe = [ { exercise = "calf-stretch" } ]
why = "Third link of the chain."
source = "test"
[[rule.example]]
given = [ { fact = "load", weekly_change_pct = 40 }, { fact = "tightness", region = "calves", level = 5 } ]
expect.prescribe = ["calf-stretch"]

[[rule]]
id = "calves-strength"
title = "Calf strength"
priority = 30
when = [ { fact = "tightness", region = "calves", level = { at_least = 1 } } ]
unless = [ { fact = "flag", name = "calf-care" } ]
then.prescribe = [ { exercise = "calf-raise", dose = { sets = 4, reps = 15 } } ]
why = "Strong calves."
source = "seed"
[[rule.example]]
given = [ { fact = "tightness", region = "calves", level = 2 } ]
expect.prescribe = ["calf-raise"]

[[rule]]
id = "red-flag-swelling"
title = "Swelling: stop loading it"
priority = 950
when = [ { fact = "pain", swelling = true, as = "p" } ]
then.refer = "Swelling needs a professional look."
then.suppress = { region = { from = "p.region" } }
then.flag = { name = "red-flag", region = { from = "p.region" } }
why = "Swelling is a red flag."
source = "bone-stress guidance"
[[rule.example]]
given = [ { fact = "pain", region = "calves", swelling = true } ]
expect.refer = true
"""


@pytest.fixture
def book(make_pack: Callable[..., Path]) -> Rulebook:
    result = load_rulebook([make_pack(CHAIN_PACK)])
    assert result.errors == [], [str(p) for p in result.errors]
    assert result.rulebook is not None
    return result.rulebook


def test_flags_chain_through_three_rules_with_the_chain_recorded(book: Rulebook) -> None:
    ev = evaluate(
        book,
        [{"fact": "load", "weekly_change_pct": 45.0}, {"fact": "tightness", "region": "calves", "level": 6}],
    )
    assert ev.errors == []
    assert (
        ev.fired.index("load-spike")
        < ev.fired.index("spike-and-calves")
        < ev.fired.index("calf-care-stretch")
    )
    assert set(ev.flags) == {"load-spike", "calf-care"}
    stretch = next(p for p in ev.prescriptions if p.exercise == "calf-stretch")
    (reason,) = stretch.reasons
    assert reason.chain == ("load-spike", "spike-and-calves")
    assert reason.matched[0].values == {"fact": "flag", "name": "calf-care"}


def test_unless_sees_flags_derived_later_whatever_the_fact_order(book: Rulebook) -> None:
    facts = [
        {"fact": "load", "weekly_change_pct": 45.0},
        {"fact": "tightness", "region": "calves", "level": 6},
    ]
    for order in itertools.permutations(facts):
        ev = evaluate(book, list(order))
        assert "calves-strength" not in ev.fired  # blocked by calf-care, derived two steps later
        calf = next(p for p in ev.prescriptions if p.exercise == "calf-raise")
        assert calf.dose["sets"] == 2  # the lighter dose from the spike rule


def test_matched_facts_carry_names_and_values(book: Rulebook) -> None:
    ev = evaluate(book, [{"fact": "tightness", "region": "calves", "level": 3}])
    (calf,) = [p for p in ev.prescriptions if p.exercise == "calf-raise"]
    (reason,) = calf.reasons
    assert reason.rule_id == "calves-strength"
    assert reason.matched[0].name == "tightness"
    assert reason.matched[0].values == {"fact": "tightness", "region": "calves", "level": 3}
    assert reason.source == "seed" and reason.why == "Strong calves."
    assert calf.dose == {"sets": 4, "reps": 15}


def test_red_flag_suppresses_loading_in_its_region_only(book: Rulebook) -> None:
    ev = evaluate(
        book,
        [
            {"fact": "pain", "region": "calves", "swelling": True},
            {"fact": "tightness", "region": "calves", "level": 6},
            {"fact": "load", "weekly_change_pct": 45.0},
        ],
    )
    prescribed = {p.exercise for p in ev.prescriptions}
    assert "calf-raise" not in prescribed  # strength loading the calves: held back
    assert "calf-stretch" in prescribed  # mobility is not loading
    assert [p.exercise for p, r in ev.suppressed] == ["calf-raise"]
    assert ev.suppressed[0][1].rule_id == "red-flag-swelling"
    assert [c.text for c in ev.referrals] == ["Swelling needs a professional look."]
    assert "red-flag:calves" in ev.flags

    other = evaluate(
        book,
        [
            {"fact": "pain", "region": "shins", "swelling": True},
            {"fact": "tightness", "region": "calves", "level": 3},
        ],
    )
    assert "calf-raise" in {p.exercise for p in other.prescriptions}


def test_higher_priority_fires_first(book: Rulebook) -> None:
    ev = evaluate(
        book,
        [
            {"fact": "pain", "region": "calves", "swelling": True},
            {"fact": "tightness", "region": "calves", "level": 3},
        ],
    )
    assert ev.fired.index("red-flag-swelling") < ev.fired.index("calves-strength")


def test_each_athlete_is_evaluated_in_isolation(book: Rulebook) -> None:
    spiking = [
        {"fact": "load", "weekly_change_pct": 45.0},
        {"fact": "tightness", "region": "calves", "level": 6},
    ]
    calm = [{"fact": "tightness", "region": "calves", "level": 6}]
    first = evaluate(book, spiking)
    second = evaluate(book, calm)
    third = evaluate(book, spiking)
    assert "load-spike" in first.flags and second.flags == []
    assert "calves-strength" in second.fired and "calves-strength" not in first.fired
    assert first.fired == third.fired


def test_many_evaluations_do_not_leak_sessions(book: Rulebook) -> None:
    engine = Engine(book)
    for i in range(1500):  # durable allows ~1024 live sessions: each must be deleted
        result = engine.run([{"fact": "tightness", "region": "calves", "level": 1 + i % 10}])
        assert result.errors == []


def test_no_rule_matching_a_fact_is_fine(book: Rulebook) -> None:
    ev = evaluate(book, [{"fact": "athlete", "experience": "beginner"}])
    assert ev.errors == [] and ev.fired == [] and ev.prescriptions == []


def test_action_errors_are_reported_not_swallowed(book: Rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(book)

    def boom(*args: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(engine, "_fire", boom)
    result = engine.run([{"fact": "tightness", "region": "calves", "level": 5}])
    assert result.errors == ["rule calves-strength: RuntimeError: kaput"]


def test_reloaded_pack_gets_its_own_engine(book: Rulebook, make_pack: Callable[..., Path]) -> None:
    evaluate(book, [{"fact": "tightness", "region": "calves", "level": 5}])
    edited = load_rulebook(
        [make_pack(CHAIN_PACK.replace("level = { at_least = 1 }", "level = { at_least = 9 }"), name="edited")]
    ).rulebook
    assert edited is not None
    ev = evaluate(edited, [{"fact": "tightness", "region": "calves", "level": 5}])
    assert "calves-strength" not in ev.fired


QUIRKS_PACK = """
[[rule]]
id = "home-not-beginner"
title = "Home, not a beginner"
when = [ { fact = "athlete", home_only = true } ]
unless = [ { fact = "athlete", experience = "beginner" } ]
then.prescribe = [ { exercise = "side-plank" } ]
why = "w"
source = "s"
[[rule.example]]
given = [ { fact = "athlete", home_only = true, experience = "advanced" } ]
expect.prescribe = ["side-plank"]

[[rule]]
id = "after-hard-run"
title = "Any hard session"
when_any = [
  { fact = "tightness", region = "glutes" },
  { fact = "session", type = { one_of = ["tempo", "intervals"] } },
]
then.prescribe = [ { exercise = "pigeon-pose" } ]
why = "w"
source = "s"
[[rule.example]]
given = [ { fact = "session", days_ago = 0, type = "intervals" } ]
expect.prescribe = ["pigeon-pose"]
"""


def test_unless_can_test_the_fact_a_when_matched(make_pack: Callable[..., Path]) -> None:
    book = load_rulebook([make_pack(QUIRKS_PACK)]).rulebook
    assert book is not None
    beginner = evaluate(book, [{"fact": "athlete", "home_only": True, "experience": "beginner"}])
    assert "home-not-beginner" not in beginner.fired
    advanced = evaluate(book, [{"fact": "athlete", "home_only": True, "experience": "advanced"}])
    assert "home-not-beginner" in advanced.fired


def test_one_of_works_in_any_alternative_of_when_any(make_pack: Callable[..., Path]) -> None:
    book = load_rulebook([make_pack(QUIRKS_PACK)]).rulebook
    assert book is not None
    for kind in ("tempo", "intervals"):
        ev = evaluate(book, [{"fact": "session", "days_ago": 1, "type": kind}])
        assert ev.fired == ["after-hard-run"], kind
    assert evaluate(book, [{"fact": "session", "days_ago": 1, "type": "easy"}]).fired == []
