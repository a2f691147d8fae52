"""Progression ladders: chains of catalogue exercises linked by ``progression`` (harder) and
``regression`` (easier), e.g. double-leg calf raise -> single-leg -> weighted -> heavy slow.

A ladder is named by its first (easiest) step. Progression itself is rules in the pack
(rules/progression.toml) over ``progress`` facts; this module only knows the catalogue's shape
and checks that ladders are well formed (no loops, no step reached from two places).
"""

from __future__ import annotations

from prehab.model import Problem
from prehab.rulebook.model import Exercise


def ladders(exercises: dict[str, Exercise]) -> dict[str, list[str]]:
    """Ladder name (its easiest step) -> its steps, easiest first. Only chains of 2+ steps."""
    targets = {ex.progression for ex in exercises.values() if ex.progression in exercises}
    out: dict[str, list[str]] = {}
    for ex in exercises.values():
        if not ex.progression or ex.id in targets:
            continue
        steps = [ex.id]
        current = ex
        while current.progression in exercises and current.progression not in steps:
            current = exercises[current.progression]
            steps.append(current.id)
        out[ex.id] = steps
    return out


def ladder_of(exercises: dict[str, Exercise]) -> dict[str, tuple[str, int]]:
    """Exercise id -> (ladder name, step index) for every exercise on a ladder."""
    return {step: (name, i) for name, steps in ladders(exercises).items() for i, step in enumerate(steps)}


def ladder_problems(exercises: dict[str, Exercise]) -> list[Problem]:
    problems = []
    reached: dict[str, str] = {}
    for ex in exercises.values():
        if not ex.progression or ex.progression not in exercises:
            continue
        if ex.progression in reached:
            problems.append(
                Problem(
                    ex.file,
                    ex.line,
                    f"exercise.{ex.id}.progression",
                    f"'{ex.progression}' is already the progression of '{reached[ex.progression]}'",
                    "a step has one easier step before it: give one of them another progression",
                )
            )
        reached[ex.progression] = ex.id
        seen = {ex.id}
        current = ex
        while current.progression in exercises:
            if current.progression in seen:
                problems.append(
                    Problem(
                        ex.file,
                        ex.line,
                        f"exercise.{ex.id}.progression",
                        "progressions loop back on themselves: " + " -> ".join([*seen, current.progression]),
                        "a ladder must end at its hardest step",
                    )
                )
                break
            seen.add(current.progression)
            current = exercises[current.progression]
    return problems
