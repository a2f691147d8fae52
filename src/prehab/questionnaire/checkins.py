"""Check-ins built up over several screens: today's answers kept per screen, their facts merged.

The weekly check-in and the body map answered one after the other both count: answering a screen
replaces that screen's earlier answers today and keeps the others'.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from prehab.model import Fact
from prehab.questionnaire.answers import validate
from prehab.questionnaire.facts import merge_facts, to_facts
from prehab.questionnaire.model import Screen


def jsonable(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as stored: dates as ISO text."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()}


def combine_checkin(
    screens: Mapping[str, Screen],
    earlier: Mapping[str, Any] | None,
    screen_id: str,
    answers: Mapping[str, Any],
    *,
    today: date,
) -> tuple[dict[str, Any], list[Fact]]:
    """Today's check-in after answering ``screen_id``: the other screens' answers from
    ``earlier`` (today's previous check-in, keyed by screen id) are kept, so the weekly
    check-in and the body map answered one after the other both count."""
    return combine_checkins(screens, earlier, {screen_id: answers}, today=today)


def combine_checkins(
    screens: Mapping[str, Screen],
    earlier: Mapping[str, Any] | None,
    answered: Mapping[str, Mapping[str, Any]],
    *,
    today: date,
) -> tuple[dict[str, Any], list[Fact]]:
    """Today's check-in after answering several screens at once (``answered``: validated
    answers by screen id): each answered screen replaces its earlier answers, the others'
    answers from ``earlier`` are kept."""
    by_screen: dict[str, dict[str, Any]] = {}
    for sid, stored in (earlier or {}).items():
        if sid in screens and sid not in answered and isinstance(stored, dict):
            by_screen[sid] = dict(stored)
    for sid, answers in answered.items():
        by_screen[sid] = jsonable(answers)
    facts: list[Fact] = []
    for sid, stored in by_screen.items():
        screen = screens[sid]
        check = validate(screen, stored, today=today)
        if check.ok:
            facts.extend(to_facts(screen, check.answers, today=today))
    keys_by_kind: dict[str, tuple[str, ...]] = {}
    for sid in by_screen:
        keys_by_kind.update(screens[sid].key_fields)
    return by_screen, merge_facts(facts, keys_by_kind)
