"""prehab.questionnaire: screen files checked against the vocabulary, answers to facts."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prehab.model import Problem
from prehab.paths import default_screens_dir
from prehab.questionnaire import (
    Screen,
    combine_checkin,
    load_screens,
    parse_answer,
    session_answers,
    session_from_answers,
    to_facts,
    validate,
)
from prehab.rulebook import default_layers, load_rulebook
from prehab.rulebook.schema import FactSchema
from prehab.store import Session, validate_session

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def schema() -> FactSchema:
    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    return book.schema


@pytest.fixture(scope="module")
def shipped(schema: FactSchema) -> dict[str, Screen]:
    result = load_screens(schema, [default_screens_dir()])
    assert result.problems == []
    return result.screens


def load_text(tmp_path: Path, schema: FactSchema, text: str) -> tuple[dict[str, Screen], list[Problem]]:
    folder = tmp_path / "screens"
    folder.mkdir(exist_ok=True)
    (folder / "mine.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_screens(schema, [folder])
    return result.screens, result.problems


def test_shipped_screens_load_clean(shipped: dict[str, Screen]) -> None:
    assert {"weekly-checkin", "body-map", "session"} <= set(shipped)
    assert shipped["session"].saves == "session"
    body = shipped["body-map"]
    warning_signs = {"worse_next_morning", "bone_tenderness", "at_rest", "swelling", "changes_stride"}
    pain_fields = {q.target.field for q in body.questions if q.target and q.target.fact == "pain"}
    assert warning_signs <= pain_fields


def test_body_map_answers_become_one_fact_per_region(shipped: dict[str, Screen]) -> None:
    body = shipped["body-map"]
    raw = {
        "tight_calves": "6",
        "pain_region": "shins",
        "pain_level": "4",
        "pain_swelling": "yes",
        "tight_feet": "",
    }
    checked = validate(body, raw, today=TODAY)
    assert checked.ok, checked.errors
    facts = to_facts(body, checked.answers, today=TODAY)
    assert {"fact": "tightness", "region": "calves", "level": 6} in facts
    assert {"fact": "pain", "region": "shins", "level": 4, "swelling": True} in facts
    assert len(facts) == 2


@pytest.mark.parametrize(
    ("raw", "question", "message"),
    [
        ({"tight_calves": "11"}, "tight_calves", "out of range: give 0-10"),
        ({"tight_calves": "-1"}, "tight_calves", "out of range"),
        ({"tight_calves": "4.5"}, "tight_calves", "whole number"),
        ({"tight_calves": "tight"}, "tight_calves", "not a number"),
        ({"pain_level": "3"}, "pain_level", "answer 'Where does it hurt, if anywhere?' first"),
        ({"pain_region": "elbow"}, "pain_region", "not one of the choices"),
        ({"pain_region": "calves", "pain_swelling": "maybe"}, "pain_swelling", "yes or no"),
    ],
)
def test_invalid_answers_give_messages_and_no_answers(
    shipped: dict[str, Screen], raw: dict[str, Any], question: str, message: str
) -> None:
    checked = validate(shipped["body-map"], {"tight_shins": "3", **raw}, today=TODAY)
    assert not checked.ok
    assert message in checked.errors[question]
    assert checked.answers == {}  # nothing half-accepted


def test_distances_in_miles_are_stored_in_km(shipped: dict[str, Screen]) -> None:
    weekly = shipped["weekly-checkin"]
    checked = validate(weekly, {"weekly_km": "10"}, units="mi", today=TODAY)
    assert checked.answers["weekly_km"] == pytest.approx(16.093, abs=0.001)
    too_far = validate(weekly, {"weekly_km": "300"}, units="mi", today=TODAY)
    assert "0-248.5 mi" in too_far.errors["weekly_km"]


def test_injury_status_merges_with_its_condition(shipped: dict[str, Screen]) -> None:
    weekly = shipped["weekly-checkin"]
    checked = validate(weekly, {"injury": "achilles", "injury_status": "recovering"}, today=TODAY)
    assert to_facts(weekly, checked.answers, today=TODAY) == [
        {"fact": "injury", "condition": "achilles", "status": "recovering"}
    ]


def test_dates_become_days_ago_and_future_dates_are_refused(shipped: dict[str, Screen]) -> None:
    session = shipped["session"]
    checked = validate(session, {"date": "2026-11-23", "type": "easy", "distance": "8"}, today=TODAY)
    assert to_facts(session, checked.answers, today=TODAY) == [
        {"fact": "session", "days_ago": 3, "type": "easy", "distance_km": 8.0}
    ]
    assert "future" in validate(session, {"date": "2026-12-01", "type": "easy"}, today=TODAY).errors["date"]
    assert "not a date" in validate(session, {"date": "monday", "type": "easy"}, today=TODAY).errors["date"]
    assert validate(session, {"date": "yesterday", "type": "easy"}, today=TODAY).answers["date"] == date(
        2026, 11, 25
    )


def test_session_round_trip(shipped: dict[str, Screen]) -> None:
    screen = shipped["session"]
    raw = {
        "date": "today",
        "type": "long",
        "distance": "21.1",
        "duration": "115",
        "rpe": "6",
        "notes": "hilly",
    }
    checked = validate(screen, raw, today=TODAY)
    assert checked.ok, checked.errors
    session = session_from_answers(screen, checked.answers, today=TODAY)
    assert validate_session(session) == []
    assert (session.date, session.kind, session.distance_km, session.duration_min, session.rpe) == (
        TODAY,
        "long",
        21.1,
        115.0,
        6,
    )
    assert session.notes == "hilly"
    again = session_answers(screen, Session(TODAY, "long", 21.1, 115.0, 6, notes="hilly"))
    assert again["date"] == TODAY and again["distance"] == 21.1 and again["notes"] == "hilly"


def test_required_answers(shipped: dict[str, Screen]) -> None:
    checked = validate(shipped["session"], {"distance": "5"}, today=TODAY)
    assert checked.errors == {"date": "needs an answer", "type": "needs an answer"}


def test_combine_checkin_keeps_other_screens(shipped: dict[str, Screen]) -> None:
    answers, facts = combine_checkin(
        shipped,
        {"weekly-checkin": {"goal_focus": "speed"}, "unknown-screen": {"x": 1}},
        "body-map",
        {"tight_calves": 5},
        today=TODAY,
    )
    assert answers == {"weekly-checkin": {"goal_focus": "speed"}, "body-map": {"tight_calves": 5}}
    assert {"fact": "goal", "focus": "speed"} in facts
    assert {"fact": "tightness", "region": "calves", "level": 5} in facts


def test_a_new_question_needs_no_python(tmp_path: Path, schema: FactSchema) -> None:
    screens, problems = load_text(
        tmp_path,
        schema,
        """
        [screen]
        id = "sleep"
        title = "Sleep"

        [[question]]
        id = "slept_badly"
        prompt = "Did you sleep badly most nights?"
        kind = "yes-no"
        sets = { fact = "answer" }
        """,
    )
    assert problems == []
    screen = screens["sleep"]
    checked = validate(screen, {"slept_badly": "yes"})
    assert to_facts(screen, checked.answers) == [{"fact": "answer", "question": "slept_badly", "value": True}]


TIGHT = 'fact = "tightness", region = "calves"'


@pytest.mark.parametrize(
    ("body", "path", "line", "words"),
    [
        (
            'sets = { fact = "tightnes", region = "calves", field = "level" }',
            "question[0].sets.fact",
            9,
            "tightness",
        ),
        (
            'sets = { fact = "tightness", region = "calfs", field = "level" }',
            "question[0].sets.region",
            9,
            "calves",
        ),
        (
            f'sets = {{ {TIGHT}, field = "lvl" }}',
            "question[0].sets.field",
            9,
            "level",
        ),
        ('sets = { fact = "tightness", field = "level" }', "question[0].sets", 9, "region"),
        (
            'sets = { fact = "tightness", region = { answer = "nope" }, field = "level" }',
            "question[0].sets.region",
            9,
            "nope",
        ),
        ('kind = "slider"', "question[0].kind", 8, "scale"),
        (
            'range = [0, 20]\nsets = { fact = "tightness", region = "calves", field = "level" }',
            "question[0].range",
            9,
            "10",
        ),
        ('colour = "red"', "question[0].colour", 9, "unknown key 'colour'"),
    ],
)
def test_problems_name_file_line_and_fix(
    tmp_path: Path, schema: FactSchema, body: str, path: str, line: int, words: str
) -> None:
    kind = "" if body.startswith("kind") else 'kind = "scale"\n'
    text = f'[screen]\nid = "mine"\ntitle = "Mine"\n\n[[question]]\nid = "q"\nprompt = "Q"\n{kind}{body}\n'
    screens, problems = load_text(tmp_path, schema, text)
    assert "mine" not in screens
    assert problems, "expected a problem"
    problem = problems[0]
    assert problem.file.endswith("mine.toml")
    assert problem.path == path
    assert problem.line == line
    assert words in str(problem)


def test_kind_must_fit_the_field(tmp_path: Path, schema: FactSchema) -> None:
    _, problems = load_text(
        tmp_path,
        schema,
        """
        [screen]
        id = "mine"
        title = "Mine"

        [[question]]
        id = "q"
        prompt = "Q"
        kind = "yes-no"
        sets = { fact = "tightness", region = "calves", field = "level" }
        """,
    )
    assert any("cannot set 'level'" in p.message and "number" in p.fix for p in problems)


def test_syntax_error_is_located(tmp_path: Path, schema: FactSchema) -> None:
    _, problems = load_text(tmp_path, schema, '[screen]\nid = "mine\n')
    assert problems[0].line == 2 and "TOML" in problems[0].message


def test_user_screen_replaces_shipped_by_id(tmp_path: Path, schema: FactSchema) -> None:
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "body.toml").write_text(
        '[screen]\nid = "body-map"\ntitle = "My body map"\n\n[[question]]\nid = "calves"\nprompt = "Calves"\n'
        'kind = "scale"\nsets = { fact = "tightness", region = "calves", field = "level" }\n',
        encoding="utf-8",
    )
    result = load_screens(schema, [default_screens_dir(), folder])
    assert result.screens["body-map"].title == "My body map"
    assert "weekly-checkin" in result.screens


@given(st.integers(min_value=-50, max_value=50))
def test_scale_answers_accepted_exactly_in_range(value: int) -> None:
    from prehab.questionnaire import Question, Target

    q = Question("q", "Q", "scale", min=0, max=10, whole=True, target=Target("tightness", "level"))
    parsed, error = parse_answer(q, str(value))
    if 0 <= value <= 10:
        assert (parsed, error) == (value, None)
    else:
        assert parsed is None and error is not None and "out of range" in error
