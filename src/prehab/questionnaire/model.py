"""What a questionnaire is: screens of questions, each setting one fact field.

The types every other part of the package passes around (``load`` builds them from
screens/*.toml, ``answers`` checks what is typed against them, ``facts`` turns answers into
facts) and the units a question can be asked in. Plain data: nothing here reads a file.
"""

from __future__ import annotations

from typing import Any

from prehab.facts.units import to_display
from prehab.model import Problem, errors_in
from prehab.record import Record, field

KINDS = ("number", "scale", "choice", "yes-no", "date", "text")
SAVES = ("checkin", "session", "profile")
DISTANCE_UNIT = "km"
"""A question whose unit is km is shown and typed in the runner's units (km or mi)."""
DURATION_UNIT = "min"
"""A number question whose unit is min also takes H:MM:SS or MM:SS, like ``prehab log --duration``."""
DISTANCE_DECIMALS = 1
"""A distance is shown to 0.1 in the runner's units: 52 km is 32.3 mi, not 32.31."""


class Target(Record, frozen=True):
    """The fact field one answer sets.

    ``{ fact = "pain", region = { answer = "pain_region" }, field = "level" }``
    """

    fact: str
    field: str
    keys: tuple[tuple[str, Any], ...] = ()
    """Fixed key fields, e.g. (("region", "calves"),)."""
    key_answers: tuple[tuple[str, str], ...] = ()
    """Key fields taken from another question's answer: (("region", "pain_region"),)."""

    @property
    def group(self) -> tuple[str, tuple[tuple[str, Any], ...], tuple[tuple[str, str], ...]]:
        return (self.fact, self.keys, self.key_answers)


class Question(Record, frozen=True):
    """One question of a screen, checked against the fact vocabulary it sets."""

    id: str
    prompt: str
    kind: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    target: Target | None = None
    help: str = ""
    required: bool = False
    section: str = ""
    whole: bool = False
    """True when the answer must be a whole number (the fact field is an int)."""
    line: int | None = None

    def unit_for(self, units: str) -> str:
        return units if self.unit == DISTANCE_UNIT else self.unit

    def range_text(self, units: str = "km") -> str:
        """The allowed range as the runner sees it (distances in their units)."""
        if self.kind in ("number", "scale") and (self.min is not None or self.max is not None):
            lo = _shown(self.min, self, units)
            hi = _shown(self.max, self, units)
            return f"{lo}-{hi}" if lo and hi else (f">= {lo}" if lo else f"<= {hi}")
        return ""


class Screen(Record, frozen=True):
    """One questionnaire: its questions in order and what saving it does (``saves``)."""

    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    order: int = 50
    saves: str = "checkin"
    file: str = ""
    line: int | None = None
    key_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Per fact kind this screen sets, the vocabulary's key fields (one fact per key values)."""

    def keys_of(self, kind: str) -> tuple[str, ...]:
        return dict(self.key_fields).get(kind, ())

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


class ScreensResult(Record):
    """Every screen loaded and every problem found (a broken file keeps the last good one)."""

    screens: dict[str, Screen]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.problems)

    def ordered(self, saves: str | None = None) -> list[Screen]:
        found = [s for s in self.screens.values() if saves is None or s.saves == saves]
        return sorted(found, key=lambda s: (s.order, s.id))


def answer_questions(screens: ScreensResult) -> set[str]:
    """The ids of the questions whose answer is a free ``answer`` fact (``sets = { fact =
    "answer" }``): the only names an ``answer`` fact can carry."""
    return {
        q.id
        for s in screens.screens.values()
        for q in s.questions
        if q.target is not None and q.target.fact == "answer"
    }


class Validated(Record):
    """Answers that passed (typed values, blanks left out) and a message per failed question."""

    answers: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _shown(value: float | None, q: Question, units: str) -> str:
    if value is None:
        return ""
    if q.unit == DISTANCE_UNIT:
        value = round(to_display(value, units), 1)
    return str(int(value)) if float(value).is_integer() else str(value)
