"""Answers in and out: typed text checked against its question, and stored answers shown again.

An out-of-range answer is a message, never a stored value; distances are typed and shown in the
runner's units but kept in km; a duration takes minutes or H:MM:SS. ``validate`` checks a whole
screen at once, so nothing is partly accepted and nothing half-stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from prehab.facts.units import from_display, to_display
from prehab.questionnaire.facts import IncompleteFact, to_facts
from prehab.questionnaire.model import (
    DISTANCE_DECIMALS,
    DISTANCE_UNIT,
    DURATION_UNIT,
    Question,
    Screen,
    Validated,
)
from prehab.rulebook.suggest import did_you_mean

YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0")


def parse_answer(
    q: Question, raw: Any, *, units: str = "km", today: date | None = None
) -> tuple[Any, str | None]:
    """(typed value or None for blank, error message or None). Distances come back in km."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ("needs an answer" if q.required else None)
    if q.kind == "text":
        from prehab.safe.text import clean_text, is_text

        text = str(raw)
        if not is_text(text):
            return None, "this is not text (it holds a character that cannot be stored); type it again"
        return clean_text(text).strip(), None
    if q.kind == "yes-no":
        if isinstance(raw, bool):
            return raw, None
        word = str(raw).strip().lower()
        if word in YES:
            return True, None
        if word in NO:
            return False, None
        return None, "answer yes or no"
    if q.kind == "choice":
        value = str(raw).strip()
        if value in q.choices:
            return value, None
        return None, f"'{value}' is not one of the choices; {did_you_mean(value, q.choices)}"
    if q.kind == "date":
        return _parse_date(q, raw, today or date.today())
    return _parse_number(q, raw, units)


def parse_minutes(text: str) -> float:
    """Minutes from "45", "45.5", "45:30" (MM:SS) or "1:05:00" (H:MM:SS); ValueError if not.

    The one duration parser: ``prehab log --duration`` and every ``unit = "min"`` question
    (the Sessions form) take the same text.
    """
    word = text.strip()
    parts = word.split(":")
    problem = ValueError(f"{text!r} is not a duration; give minutes (45) or H:MM:SS (1:05:00)")
    if not word or len(parts) > 3:
        raise problem
    try:
        numbers = [float(p.replace(",", ".")) if i == 0 else float(p) for i, p in enumerate(parts)]
    except (ValueError, OverflowError):
        raise problem from None
    if not all(math.isfinite(n) and n >= 0 for n in numbers) or any(n >= 60 for n in numbers[1:]):
        raise problem
    if len(numbers) == 3:
        return numbers[0] * 60 + numbers[1] + numbers[2] / 60
    if len(numbers) == 2:
        return numbers[0] + numbers[1] / 60
    return numbers[0]


def _parse_number(q: Question, raw: Any, units: str) -> tuple[Any, str | None]:
    unit = q.unit_for(units)
    if q.unit == DURATION_UNIT and not q.whole and isinstance(raw, str) and ":" in raw:
        try:
            raw = round(parse_minutes(raw), 2)
        except ValueError as exc:
            return None, str(exc)
    try:
        number = float(str(raw).strip().replace(",", ".")) if not isinstance(raw, int | float) else float(raw)
    except (ValueError, OverflowError):
        more = "; give minutes or H:MM:SS" if q.unit == DURATION_UNIT and not q.whole else ""
        return None, f"'{raw}' is not a number" + (more or (f"; give {unit}" if unit else ""))
    if not math.isfinite(number):
        return None, "give a finite number"
    if q.whole and not number.is_integer():
        return None, "give a whole number"
    value = from_display(number, units) if q.unit == DISTANCE_UNIT else number
    low = q.min is not None and value < q.min - 1e-9
    high = q.max is not None and value > q.max + 1e-9
    if low or high:
        rng = q.range_text(units)
        return None, f"{_fmt(number)} is out of range: give {rng}" + (f" {unit}" if unit else "")
    if q.whole:
        return int(round(value)), None
    return round(value, 3), None


def _parse_date(q: Question, raw: Any, today: date) -> tuple[Any, str | None]:
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    else:
        word = str(raw).strip().lower()
        if word == "today":
            day = today
        elif word == "yesterday":
            day = today - timedelta(days=1)
        else:
            try:
                day = date.fromisoformat(word)
            except ValueError:
                return None, f"'{raw}' is not a date; write YYYY-MM-DD, 'today' or 'yesterday'"
    if day > today:
        return None, f"{day.isoformat()} is in the future"
    if q.max is not None and (today - day).days > q.max:
        return None, f"{day.isoformat()} is too long ago (at most {int(q.max)} days)"
    return day, None


def _fmt(number: float) -> str:
    return str(int(number)) if number.is_integer() else f"{number:g}"


def validate(
    screen: Screen, raw: Mapping[str, Any], *, units: str = "km", today: date | None = None
) -> Validated:
    """Check every answer of ``screen``; nothing is partly accepted, so nothing half-stored."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in screen.questions:
        value, error = parse_answer(q, raw.get(q.id), units=units, today=today)
        if error:
            errors[q.id] = error
        elif value is not None:
            answers[q.id] = value
    for q in screen.questions:
        if q.id not in answers or q.target is None:
            continue
        for _key, ref in q.target.key_answers:
            if ref not in answers and ref not in errors:
                other = screen.question(ref)
                errors[q.id] = f"answer '{other.prompt if other else ref}' first"
    if not errors:
        try:
            to_facts(screen, answers, today=today)
        except IncompleteFact as exc:
            errors[exc.question] = str(exc)
    return Validated(answers if not errors else {}, errors)


def answers_for_display(screen: Screen, answers: Mapping[str, Any], units: str = "km") -> dict[str, str]:
    """Stored answers as the text a form shows (distances in the runner's units)."""
    out: dict[str, str] = {}
    for q in screen.questions:
        if q.id not in answers or answers[q.id] is None:
            continue
        value = answers[q.id]
        if q.kind == "yes-no":
            out[q.id] = "yes" if value else "no"
        elif isinstance(value, date):
            out[q.id] = value.isoformat()
        elif q.unit == DISTANCE_UNIT and isinstance(value, int | float):
            out[q.id] = _fmt(round(to_display(float(value), units), DISTANCE_DECIMALS))
        elif isinstance(value, float):
            out[q.id] = _fmt(value)
        else:
            out[q.id] = str(value)
    return out
