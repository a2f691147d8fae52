"""Did-you-mean suggestions: every "unknown X" error should offer the nearest known X."""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A short fix hint naming the closest choice, or listing a few when none is close."""
    options = sorted(set(choices))
    import difflib  # only when something is misspelt: it is slow to import

    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if not options:
        return ""
    shown = ", ".join(options[:8]) + (", ..." if len(options) > 8 else "")
    return f"use one of: {shown}"
