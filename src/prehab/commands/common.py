"""What several commands share: loading the rulebook and printing problems."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from prehab.model import Problem
from prehab.rulebook import LoadResult, Rulebook, default_layers, load_rulebook


def print_problems(problems: list[Problem], stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    for problem in problems:
        label = "warning" if problem.severity == "warning" else "error"
        print(f"{label}: {problem}", file=out)


def load_for_use(path: Path | None = None) -> Rulebook | None:
    """The rulebook to advise with. Broken user rules are reported and the shipped pack
    (the last good one) stays in force, so a typo never leaves the runner without advice."""
    result: LoadResult = load_rulebook(default_layers(path))
    print_problems(result.problems)
    if result.rulebook is not None:
        return result.rulebook
    if path is None:
        fallback = load_rulebook(default_layers(include_user=False))
        if fallback.rulebook is not None:
            print(
                "warning: your rules have errors (above); using the shipped rules until they are fixed",
                file=sys.stderr,
            )
            return fallback.rulebook
        print_problems(fallback.problems)
    return None
