"""The ``prehab`` command: parses arguments and hands over to a command module.

Command modules register their own sub-commands and import their heavy dependencies
inside their handlers, so ``prehab recommend --json`` never imports Textual. Only the module
of the command given is imported (``COMMANDS``): ``prehab --help`` imports none of them.
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from prehab.errors import UserError

TYPE_CHECKING = False  # typing costs --help more to import than the parser it checks
if TYPE_CHECKING:
    from typing import Any, NoReturn

COMMANDS: dict[str, tuple[str, str]] = {
    "recommend": ("recommend", "today's prescriptions with reasons"),
    "rules": ("rules", "check, test and list rule packs"),
    "explain": ("rules", "a rule in plain words; --why-not checks it on facts"),
    "paths": ("rules", "where prehab reads rules and keeps data"),
    "log": ("history", "add a session to your history"),
    "import": ("history", "import Strava exports, GPX/TCX/FIT files or a prehab export"),
    "history": ("history", "list your sessions"),
    "export": ("history", "write your whole history as TOML or CSV"),
    "done": ("done", "mark today's exercises done (without ITEM: list today's plan)"),
    "delete": ("done", "delete a session, check-in or done mark (restore undoes it)"),
    "restore": ("done", "undo a delete (prehab history --deleted lists them)"),
    "checkin": ("checkin", "answer a check-in screen (interactive, --set or --json)"),
    "profile": ("checkin", "who you are: age, pregnancy, bone health, health screen, experience"),
    "respond": ("checkin", "how the last session went (RPE, pain during, next morning)"),
    "settings": ("settings", "show or change your settings (units, time budget, equipment, ...)"),
    "ha": ("ha", "Home Assistant: publish today's advice and load over MQTT discovery"),
    "tui": ("ui", "the terminal app (also what plain `prehab` starts)"),
    "serve": ("ui", "serve the app to a web browser (textual-serve), on localhost by default"),
}
"""Every command, its module (``prehab.commands.<module>``) and its one-line help, in the order
``--help`` lists them. Only the module of the command given is imported and registered; the
others are a name and a line (start-up time; ``tests/contracts/test_layering.py`` keeps this table equal
to what the modules register)."""
_VALUED = ("--data-dir", "--config-dir")


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line (no usage block), exit code 2.
    Sub-command parsers are made of the same class, so this holds for every command."""

    def error(self, message: str) -> "NoReturn":
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every option it adds, and without a width each one
        # imports shutil (with bz2 and lzma) to ask the terminal's: about 4 ms of every command
        make: Any = self.formatter_class  # typeshed's protocol leaves out ``width``
        formatter: argparse.HelpFormatter = make(prog=self.prog, width=_help_width())
        return formatter


def _help_width() -> int:
    """The width argparse would use (the terminal's columns, less 2)."""
    from prehab.terminal import columns

    return columns() - 2


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser. Given ``argv`` naming a command, only that command's module is
    registered (its sub-parsers are all argparse needs to run it); given ``argv`` naming none
    (``--help``, a typo), every command is a name and a line, so the help and the usage error
    list them all without importing a command module."""
    parser = _Parser(
        prog="prehab",
        description="Rules-driven strength and mobility advice for runners. "
        "Without a command, starts the terminal app.",
    )
    parser.add_argument("--data-dir", help="where the history database lives (env PREHAB_DATA_DIR)")
    parser.add_argument("--config-dir", help="settings and your rules (env PREHAB_CONFIG_DIR)")
    parser.add_argument(
        "--no-mouse",
        dest="no_mouse_top",
        action="store_true",
        help="the app ignores the mouse (keyboard only)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = command_named(argv) if argv is not None else None
    registered: set[str] = set()
    for name, (module, line) in COMMANDS.items():
        if wanted is not None and COMMANDS[wanted][0] != module:
            continue  # another module's command: never run, never shown (argparse costs ~1 ms each)
        if argv is not None and wanted is None:
            sub.add_parser(name, help=line)  # listed in --help and usage errors; never run
        elif module not in registered:
            registered.add(module)
            _register(f"prehab.commands.{module}", sub)
    return parser


def _register(name: str, sub: "Any") -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return
    module.register(sub)


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs (its first word that is not an option or an option's value),
    if it is one prehab has; None for ``prehab``, ``prehab --help`` or a typo."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _VALUED:
            skip = True
        elif word == "--" or not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def not_text(args: argparse.Namespace) -> str:
    """The first option whose value is not text (a byte that is not UTF-8 reaches Python as a
    lone surrogate: it can be neither stored nor printed), or ""."""
    from prehab.safe.text import is_text  # after parsing: --help never loads it

    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not is_text(item):
                return name
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
    bad = not_text(args)
    if bad:
        option = "an argument" if bad in ("items", "paths", "answers") else f"--{bad.replace('_', '-')}"
        print(
            f"prehab: error: {option} holds bytes that are not UTF-8 text; type it again as text",
            file=sys.stderr,
        )
        return 2
    if args.data_dir:
        os.environ["PREHAB_DATA_DIR"] = args.data_dir
    if args.config_dir:
        os.environ["PREHAB_CONFIG_DIR"] = args.config_dir
    if args.no_mouse_top:
        args.no_mouse = True
    handler = getattr(args, "handler", None)
    if handler is None:
        try:
            from prehab.commands.ui import run_app
        except ImportError:  # a build without the app
            parser.print_help()
            return 0
        handler = run_app
    try:
        return int(handler(args) or 0)
    except UserError as exc:
        from prehab.commands.base import USAGE_ERROR, error_line

        print(error_line(str(exc)), file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run() -> "NoReturn":
    """The ``prehab`` script and ``python -m prehab``: ``main``, with Python's garbage
    collector held while the command starts, and everything frozen as it ends, so the
    shut-down's collection walks nothing (``prehab.collector``: start-up time)."""
    from prehab.collector import hold, leave

    hold()
    code = main()
    leave()
    sys.exit(code)


if __name__ == "__main__":
    run()
