"""The terminal's width, as ``shutil.get_terminal_size`` reads it, without importing ``shutil``.

Why: ``shutil`` imports ``bz2`` and ``lzma`` (a few milliseconds), and every command that prints
text asks for the width: argparse for its help, ``recommend`` and ``rules`` for their wrapping,
the day memo for the name of what ``recommend`` printed.
"""

from __future__ import annotations

import os
import sys


def columns(fallback: int = 80) -> int:
    """``$COLUMNS`` if set, else the columns of the terminal standard output goes to, else
    ``fallback`` (a pipe, a file, no terminal)."""
    try:
        found = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        found = 0
    if found <= 0:
        try:
            found = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            found = 0
    return found or fallback


MIN_WIDTH = 40
"""Narrower terminals still get lines of 40 columns: shorter ones would be mostly indent."""


def text_width(fallback: int = 80) -> int:
    """The width prehab wraps its text to: the terminal's, at least ``MIN_WIDTH``."""
    return max(MIN_WIDTH, columns(fallback))
