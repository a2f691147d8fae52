"""Nothing below the TUI imports Textual (start-up time, and a clean one-way flow of data).

Two checks: importing every domain module (and running the JSON CLI path) in a fresh
interpreter leaves ``textual`` out of ``sys.modules``; and no source file outside
``prehab/tui`` and ``prehab/commands/ui.py`` even mentions an import of it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "prehab"
DOMAIN = [
    "prehab.cli",
    "prehab.advice",
    "prehab.model",
    "prehab.present.render",
    "prehab.present.explain",
    "prehab.present.examples",
    "prehab.rulebook",
    "prehab.rulebook.edits",
    "prehab.engine",
    "prehab.store",
    "prehab.settings",
    "prehab.facts",
    "prehab.facts.history",
    "prehab.plan.day",
    "prehab.plan.days",
    "prehab.questionnaire",
    "prehab.commands.recommend",
    "prehab.commands.rules",
    "prehab.commands.ui",
    "prehab.commands.ha",
    "prehab.integrations.ha.source",
    "prehab.integrations.ha.bridge",
    "prehab.day.service",
    "prehab.day.watch",
    "prehab.day.commands",
    "prehab.commands.checkin",
    "prehab.commands.done",
    "prehab.workout.actual",
    "prehab.workout.loading",
    "prehab.workout.player",
    "prehab.tui.state",
    "prehab.tui.ruleedit",
]
ALLOWED = ("tui/", "commands/ui.py")
IMPORT = re.compile(r"^\s*(import textual|from textual[ .])", re.M)


def _textual_loaded(code: str) -> list[str]:
    report = "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))"
    probe = f"{code}\nimport json, sys\n{report}"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_domain_modules_do_not_import_textual() -> None:
    imports = "\n".join(f"import {name}" for name in DOMAIN)
    assert _textual_loaded(imports) == []


def test_the_cli_parser_and_json_path_do_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import contextlib, io, os\n"
        f"os.environ['PREHAB_DATA_DIR'] = {str(tmp_path / 'data')!r}\n"
        f"os.environ['PREHAB_CONFIG_DIR'] = {str(tmp_path / 'config')!r}\n"
        "from prehab.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['recommend', '--json'])\n"
    )
    assert _textual_loaded(code) == []


def test_only_the_tui_imports_textual_in_source() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(ALLOWED[0]) or rel == ALLOWED[1]:
            continue
        if IMPORT.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []


def test_ui_command_imports_textual_only_inside_handlers() -> None:
    text = (SRC / "commands" / "ui.py").read_text(encoding="utf-8")
    top_level = [line for line in text.splitlines() if IMPORT.match(line) and not line.startswith(" ")]
    assert top_level == []
