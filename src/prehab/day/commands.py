"""Answers from outside the app, in one documented JSON shape: Home Assistant's check-in topic
and ``prehab checkin --json`` / ``--set`` both come through here.

``{"screen": "body-map", "answers": {"tight_calves": 6}, "id": "anything"}``: the screen is any
screen the runner can answer now (a check-in screen as shown today, the follow-up questions when
due, the response questions when due, the profile), the answers are checked by the
questionnaire's own ``validate`` (distances in the runner's units) plus what JSON can send but a
form cannot (unknown ids, lists, objects, true/false for a number, text that is not text), and
nothing is stored unless every answer is right. The result is a plain dict: ``ok``, what was
stored, or every problem. Nothing the sender wrote is echoed unless it is safe text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from prehab.model import UserError
from prehab.rulebook.suggest import did_you_mean
from prehab.safe.text import is_text

if TYPE_CHECKING:
    from prehab.day.service import DayService
    from prehab.questionnaire import Screen

CHECKIN_KEYS = ("screen", "answers", "id")
MAX_ID_CHARS = 200


def answer(service: DayService, data: Mapping[str, Any]) -> dict[str, Any]:
    """Store one screen's answers if, and only if, every one is valid; the result says what was
    stored or every problem found."""
    echo = safe_echo(data.get("id")) if "id" in data else {}
    unknown = [k for k in data if k not in CHECKIN_KEYS]
    if unknown:
        return refused(
            f"unknown key {safe(unknown[0])!r}: {did_you_mean(safe(unknown[0]), CHECKIN_KEYS)}", echo
        )
    sid = data.get("screen")
    names = [s.id for s in service.checkin_screens()] + ["profile"]
    screen = service.screen(sid) if isinstance(sid, str) else None
    if screen is None:
        why = ""
        if sid in ("follow-up", "response"):
            why = " (nothing to ask about today)"
        hint = did_you_mean(safe(str(sid)), names)
        return refused(
            f"'screen' must name a screen you can answer now{why}, not {safe(str(sid))!r}: {hint}", echo
        )
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        return refused("'answers' must be an object of question id: answer", echo)
    errors = shape_errors(screen, answers)
    checked = service.validate(screen, answers) if not errors else None
    if checked is not None:
        errors = dict(checked.errors)
    if errors or checked is None:
        first = next(iter(errors.items()))
        return {
            "command": "checkin",
            "ok": False,
            "error": f"{len(errors)} answer(s) to fix, nothing was stored; {first[0]}: {first[1]}",
            "errors": errors,
            **echo,
        }
    try:
        saved = service.save({screen.id: checked})
    except UserError as exc:
        return refused(f"nothing was stored: {safe(str(exc))}", echo)
    return {
        "command": "checkin",
        "ok": True,
        "screen": screen.id,
        "facts": len(saved.facts),
        "episodes": saved.episodes,
        "new": [i.name for i in saved.new_items],
        **echo,
    }


def shape_errors(screen: Screen, answers: Mapping[str, Any]) -> dict[str, str]:
    """What JSON can send but a form cannot: unknown question ids, lists and objects, true/false
    for a question that is not yes-or-no (it would count as 1 or 0), text that is not text (a
    lone surrogate cannot be stored or shown)."""
    ids = [q.id for q in screen.questions]
    errors: dict[str, str] = {}
    for key, value in answers.items():
        name = safe(str(key))
        q = screen.question(key) if isinstance(key, str) else None
        if not is_text(str(key)):
            errors[name] = "the question id is not text (it holds a character that cannot be stored)"
        elif q is None:
            errors[name] = f"no question {name!r} in {screen.id}: {did_you_mean(name, ids)}"
        elif isinstance(value, list | dict):
            errors[name] = "give one answer (text, a number, true or false), not a list or an object"
        elif isinstance(value, bool) and q.kind != "yes-no":
            errors[name] = f"true/false answers only yes-no questions; {name} is a {q.kind} question"
        elif isinstance(value, str) and not is_text(value):
            errors[name] = (
                "the answer is not text (it holds a character that cannot be stored); nothing was kept"
            )
    return errors


def safe(text: str) -> str:
    """``text`` as it may be echoed: unencodable characters replaced, controls and bidi removed."""
    from prehab.safe.text import clean_text

    return clean_text(text.encode("utf-8", "replace").decode("utf-8"))[:MAX_ID_CHARS]


def safe_echo(value: Any) -> dict[str, Any]:
    """The sender's ``id``, echoed only as a number or safe text."""
    if isinstance(value, bool) or value is None:
        return {}
    if isinstance(value, int) and abs(value) < 2**53:
        return {"id": value}
    if isinstance(value, str) and is_text(value) and len(value) <= MAX_ID_CHARS:
        return {"id": safe(value)}
    return {}


def refused(error: str, echo: dict[str, Any]) -> dict[str, Any]:
    return {"command": "checkin", "ok": False, "error": error, **echo}
