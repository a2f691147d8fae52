"""Nothing below the TUI imports Textual (start-up time, and a clean one-way flow of data).

Two checks: importing every domain module (and running the JSON CLI path) in a fresh
interpreter leaves ``textual`` out of ``sys.modules``; and no source file outside
``prehab/tui`` and ``prehab/commands/ui.py`` even mentions an import of it.
"""

from __future__ import annotations

import importlib.util
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


OWN_SHA256 = any(importlib.util.find_spec(name) for name in ("_sha2", "_sha256"))
HEAVY = ("textual", "paho", "ssl", "fitdecode", "xml", "defusedxml") + (("_hashlib",) if OWN_SHA256 else ())
"""What the everyday commands must not pay for: the app, the MQTT client and TLS, the importers'
FIT and XML (GPX, TCX) parsers; and OpenSSL's hashes where CPython has its own SHA-256
(``prehab.digest``). Each costs more to import than the command takes to run."""
EVERYDAY = [
    ["--help"],
    ["recommend", "--json"],
    ["recommend", "--json", "--facts", str(SRC.parent.parent / "examples" / "runner.toml")],
    ["recommend"],
    ["log", "--kind", "easy", "--distance", "5"],
    ["done", "1"],
    ["history"],
    ["history", "--json"],
]


def test_everyday_commands_import_no_app_mqtt_tls_or_importer_parsers(tmp_path: Path) -> None:
    """Each command runs to its end in a fresh interpreter (the history is made by ``log`` on
    the way, so ``done`` and ``history`` have work to read); then its modules are listed."""
    probe = (
        "import contextlib, io, json, os, sys\n"
        f"os.environ['PREHAB_DATA_DIR'] = {str(tmp_path / 'data')!r}\n"
        f"os.environ['PREHAB_CONFIG_DIR'] = {str(tmp_path / 'config')!r}\n"
        f"os.environ['PREHAB_CACHE_DIR'] = {str(tmp_path / 'cache')!r}\n"
        "from prehab.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):\n"
        "    try:\n"
        "        code = main(sys.argv[1:])\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps([code, heavy, out.getvalue()[-300:]]))\n"
    )
    for argv in EVERYDAY:
        run = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True)
        code, heavy, output = json.loads(run.stdout.strip().splitlines()[-1])
        assert code == 0, (argv, output)
        assert heavy == [], argv


def _commands(parser: object) -> dict[str, str]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {a.dest: str(a.help) for a in sub._choices_actions}


def test_the_command_table_is_what_the_modules_register() -> None:
    """``prehab --help`` lists the table without importing a command module; the table must
    say what the modules say, in their order, or the help would lie. A command given builds
    only its own module's parsers (start-up time)."""
    from prehab.cli import COMMANDS, build_parser

    full = build_parser()
    assert _commands(full) == {name: line for name, (_, line) in COMMANDS.items()}
    assert list(_commands(full)) == list(COMMANDS)
    for name, (module, _) in COMMANDS.items():
        handler = full._subparsers._group_actions[0].choices[name].get_default("handler")  # type: ignore[union-attr]
        assert handler is None or handler.__module__ in (f"prehab.commands.{module}", "prehab.commands.base")
        siblings = {other: line for other, (mod, line) in COMMANDS.items() if mod == module}
        assert _commands(build_parser([name])) == siblings  # only the module that runs
    assert _commands(build_parser(["--help"])) == _commands(full)
    assert _commands(build_parser(["recomend"])) == _commands(full)  # a typo's error lists them all


def test_only_the_command_given_is_imported(tmp_path: Path) -> None:
    probe = (
        "import contextlib, io, json, sys\n"
        "from prehab.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(sys.argv[1:])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('prehab.commands.'))))\n"
    )

    def loaded(*argv: str) -> list[str]:
        out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True)
        found: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
        return found

    assert loaded("--help") == []
    assert loaded("--config-dir", str(tmp_path), "rules", "--help") == [
        "prehab.commands.base",
        "prehab.commands.rules",
    ]


def test_the_app_module_leaves_the_day_and_the_history_to_its_loading_thread() -> None:
    """The app draws its first frame while the rules, the history and the day load in a thread
    (``PrehabApp.on_mount``); importing the app must not do that work before the frame."""
    probe = (
        "import json, sys\n"
        "import prehab.tui.app\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('prehab.day', 'prehab.store', "
        "'prehab.rulebook', 'prehab.plan', 'prehab.engine', 'durable')))))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []
