"""The app's handle on the day: the day service (``prehab.day.service``), as the screens get it.

The app adds nothing to the day: every screen reads the service's committed plan and calls its
commands, as the CLI and Home Assistant do, so they can never disagree. ``today_fixed`` pins the
day (``prehab --date``, tests and snapshots).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from prehab.day.service import DayService, pack_summary

__all__ = ["AppState", "editor_command", "pack_summary"]


class AppState(DayService):
    """The day service with the app's own arguments."""

    def __init__(
        self,
        rule_layers: list[Path] | None = None,
        screen_dirs: list[Path] | None = None,
        today_fixed: date | None = None,
    ) -> None:
        super().__init__(rule_layers=rule_layers, screen_dirs=screen_dirs, today=today_fixed)


def editor_command(path: Path, line: int | None) -> list[str]:
    """The user's editor ($VISUAL, $EDITOR, else vi) opening ``path`` at ``line``."""
    import shlex

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    cmd = shlex.split(editor)
    if line and Path(cmd[0]).name in ("vi", "vim", "nvim", "nano", "emacs", "micro", "kak", "hx", "helix"):
        cmd.append(f"+{line}")
    return [*cmd, str(path)]
