"""What several commands share: loading the rulebook and printing problems."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pathlib import Path

    from prehab.day.memo import Sources

    # the rulebook's modules load on use: `prehab --help` needs none of them
    from prehab.model import Problem
    from prehab.rulebook import Rulebook


def print_problems(problems: list[Problem], stream: TextIO | None = None) -> None:
    """One line per problem; what a problem quotes from a file is shown without control characters."""
    from prehab.safe.text import clean_text

    out = stream or sys.stderr
    for problem in problems:
        label = "warning" if problem.severity == "warning" else "error"
        print(clean_text(f"{label}: {problem}"), file=out)


def print_again(name: str) -> tuple[int | None, Sources | None]:
    """What the command ``name`` printed when it last read today, printed again if nothing the
    day depends on has changed since: its exit code, else None (read the day). With it, what
    the day depends on as found (``prehab.day.memo.today_sources``: the history's revision,
    every rule, screen and settings file), for the day service to use again. Imports neither
    the rules nor the day's types."""
    from prehab.day import memo

    found = memo.today_sources()
    kept = memo.recall_output(found.key(date.today()), name) if found is not None else None
    if kept is None:
        return None, found
    sys.stderr.write(kept.stderr)
    sys.stdout.write(kept.stdout)
    return kept.code, found


def load_for_use(path: Path | None = None) -> Rulebook | None:
    """The rulebook to advise with (``prehab.day.rules``: the one rule for what a refusal keeps).
    Broken user rules (or rules the engine refuses) are reported and the shipped pack stays in
    force, so a typo never leaves the runner without advice; with an explicit ``path`` there is
    no fallback: None (a one-line error)."""
    from prehab.day.rules import choose_rulebook
    from prehab.rulebook import default_layers

    choice = choose_rulebook(default_layers(path), fallback=path is None)
    print_problems(choice.problems)
    if choice.book is not None and choice.kept:
        print(
            "warning: your rules have errors (above); using the shipped rules until they are fixed",
            file=sys.stderr,
        )
    return choice.book


def check_rules_path(path: Path | None) -> None:
    """A rules path given on the command line must be a rule file or a folder: a missing one
    would otherwise be skipped silently (the user's own folder may be absent) and a FIFO
    would be passed over. UserError (one line, exit code 2) otherwise."""
    if path is None:
        return
    from prehab.model import UserError
    from prehab.safe.files import not_regular

    reason = not_regular(path)
    if reason is not None and not path.is_dir():
        where = "no such file or folder" if reason == "no such file" else reason
        fix = "give a rule pack folder or a .toml file; `prehab paths` lists yours"
        raise UserError(f"{path}: {where} ({fix})")


MAX_BUDGET_MIN = 1440
"""A day's minutes: the largest ``--budget``."""


def check_budget(minutes: float | None) -> None:
    """``--budget`` is minutes from 0 (no limit) to a day; nan, inf and negatives are refused."""
    import math

    from prehab.model import UserError

    if minutes is None:
        return
    if not math.isfinite(minutes) or not 0 <= minutes <= MAX_BUDGET_MIN:
        raise UserError(
            f"--budget {minutes:g} is not a number of minutes "
            f"(give minutes from 1 to {MAX_BUDGET_MIN}, e.g. --budget 20, or 0 for no limit)"
        )


def day_arg(text: str) -> date:
    """``--date``: a day as YYYY-MM-DD from 1980 to a year ahead (prehab reckons days around it,
    so a day at the edge of the calendar, 0001-01-01, would overflow)."""
    import argparse

    from prehab.facts.dates import EARLIEST

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a date; write YYYY-MM-DD") from None
    latest = date.today() + timedelta(days=366)
    if not EARLIEST <= day <= latest:
        raise argparse.ArgumentTypeError(
            f"{day.isoformat()} is out of range; give a day from {EARLIEST.isoformat()} "
            f"to {latest.isoformat()}"
        )
    return day
