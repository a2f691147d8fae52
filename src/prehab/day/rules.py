"""Which rulebook advises: the one rule for what a refusal keeps, for every surface.

The user's rules are loaded over the shipped pack. When they have errors, or the engine refuses
what they compile to, the last good rulebook stays in force (the app and ``ha run`` keep the
one they had); with none yet, the first layer alone (the shipped pack, or a test's pack)
advises. Every problem is kept for the Rules screen, ``rules check`` and the log.
"""

from __future__ import annotations

from pathlib import Path

from prehab.model import Problem
from prehab.record import Record, field
from prehab.rulebook import Rulebook, load_rulebook


class Choice(Record):
    """The rulebook to advise with, every problem found, and whether the new rules were refused
    (``kept``: the last good or the base pack stays in force)."""

    book: Rulebook | None
    problems: list[Problem] = field(default_factory=list)
    kept: bool = False


def choose_rulebook(layers: list[Path], previous: Rulebook | None = None, *, fallback: bool = True) -> Choice:
    """The rulebook from ``layers``; refused (errors, or the engine cannot run it): ``previous``,
    else (``fallback``) the first layer alone."""
    from prehab.engine.verdict import refusal

    result = load_rulebook(layers)
    problems = list(result.problems)
    book = result.rulebook
    if book is not None:
        refused = refusal(book)  # remembered once accepted: the engine is built when it is needed
        if refused is None:
            return Choice(book, problems)
        problems.append(refused)
    if previous is not None:
        return Choice(previous, problems, kept=True)
    if not fallback or len(layers) < 2:
        return Choice(None, problems, kept=True)
    base = load_rulebook(layers[:1])
    return Choice(base.rulebook, problems + list(base.problems), kept=True)
