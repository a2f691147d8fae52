"""Questionnaires as data: screens/*.toml in, validated answers and facts out.

Why a domain package: the TUI, the tests and any future front end must agree on what a
valid answer is and which fact it sets, and adding a question must be a data change. So
this package reads the screen files, checks every question against the fact vocabulary
(facts.toml) with ``file:line`` problems like the rules loader, validates answers (an
out-of-range answer is a message, never a stored value) and turns answers into facts.
It imports nothing from Textual. Format: screens/README.md.

- ``model``: screens, questions and what each sets (plain data);
- ``load``: the screen files read and checked against the vocabulary;
- ``answers``: typed text checked against its question (``validate``), and shown again;
- ``facts``: validated answers to facts;
- ``checkins``: a check-in built up over several screens;
- ``sessions``: the session screen's answers as a log entry, and back.

Callers import from here (``from prehab.questionnaire import validate``). The reader of
screen files (``load``, and with it the rule loader's TOML reader) is imported when one of its
names is first asked for: the day's types need none of it.
"""

from typing import TYPE_CHECKING

from prehab.lazy import names_from
from prehab.questionnaire.answers import NO, YES, answers_for_display, parse_answer, parse_minutes, validate
from prehab.questionnaire.checkins import combine_checkin, combine_checkins, jsonable
from prehab.questionnaire.facts import IncompleteFact, merge_facts, to_facts
from prehab.questionnaire.model import (
    DISTANCE_DECIMALS,
    DISTANCE_UNIT,
    DURATION_UNIT,
    KINDS,
    SAVES,
    Question,
    Screen,
    ScreensResult,
    Target,
    Validated,
    answer_questions,
)
from prehab.questionnaire.sessions import session_answers, session_from_answers

if TYPE_CHECKING:
    from prehab.questionnaire.load import (
        QUESTION_KEYS,
        SCREEN_KEYS,
        default_dirs,
        load_screen_file,
        load_screens,
        parse_screen,
    )

__all__ = [
    "DISTANCE_DECIMALS",
    "DISTANCE_UNIT",
    "DURATION_UNIT",
    "KINDS",
    "NO",
    "QUESTION_KEYS",
    "SAVES",
    "SCREEN_KEYS",
    "YES",
    "IncompleteFact",
    "Question",
    "Screen",
    "ScreensResult",
    "Target",
    "Validated",
    "answer_questions",
    "answers_for_display",
    "combine_checkin",
    "combine_checkins",
    "default_dirs",
    "jsonable",
    "load_screen_file",
    "load_screens",
    "merge_facts",
    "parse_answer",
    "parse_minutes",
    "parse_screen",
    "session_answers",
    "session_from_answers",
    "to_facts",
    "validate",
]

__getattr__ = names_from(
    __name__,
    dict.fromkeys(
        ("QUESTION_KEYS", "SCREEN_KEYS", "default_dirs", "load_screen_file", "load_screens", "parse_screen"),
        "prehab.questionnaire.load",
    ),
)
