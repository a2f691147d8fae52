"""Answers to facts: what a screen's validated answers tell the rules.

Each question sets one field of one fact; questions that name the same fact and key values
(``pain`` of the ``knee``) fill one fact together, and a fact missing a key field the screen
asks elsewhere (e.g. no date) is an :class:`IncompleteFact`, never a half fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from prehab.model import Fact
from prehab.questionnaire.model import Screen


class IncompleteFact(ValueError):
    """An answer whose fact lacks a key field the screen asks elsewhere (e.g. no date)."""

    def __init__(self, question: str, message: str) -> None:
        super().__init__(message)
        self.question = question


def to_facts(screen: Screen, answers: Mapping[str, Any], *, today: date | None = None) -> list[Fact]:
    """The facts ``answers`` (typed, from :func:`validate`) set, one per kind and key values."""
    today = today or date.today()
    partial: dict[Any, tuple[Fact, str]] = {}
    for q in screen.questions:
        if q.target is None or q.id not in answers:
            continue
        value = answers[q.id]
        if isinstance(value, date):
            value = (today - value).days
        elif isinstance(value, str) and q.kind == "date":
            value = (today - date.fromisoformat(value)).days
        t = q.target
        refs = {key: answers.get(ref) for key, ref in t.key_answers}
        if any(v is None for v in refs.values()):
            continue
        fact, _first = partial.setdefault(t.group, ({"fact": t.fact, **dict(t.keys), **refs}, q.id))
        fact[t.field] = value
    merged: dict[str, Fact] = {}
    for fact, first in partial.values():
        keys = screen.keys_of(fact["fact"])
        missing = [k for k in keys if k not in fact]
        if missing:
            asks = [q.prompt for q in screen.questions if q.target and q.target.field in missing]
            raise IncompleteFact(first, "also answer: " + ", ".join(asks or missing))
        identity = ":".join([fact["fact"], *(f"{k}={fact[k]}" for k in keys)])
        merged.setdefault(identity, {}).update(fact)
    return list(merged.values())


def merge_facts(facts: list[Fact], keys_by_kind: Mapping[str, tuple[str, ...]]) -> list[Fact]:
    """One fact per kind and key values; later facts' fields win."""
    merged: dict[str, Fact] = {}
    for fact in facts:
        keys = keys_by_kind.get(str(fact["fact"]), ())
        identity = ":".join([str(fact["fact"]), *(f"{k}={fact.get(k)}" for k in keys)])
        merged.setdefault(identity, {}).update(fact)
    return list(merged.values())
