"""The ``prehab`` command: parses arguments and hands over to a command module.

Command modules register their own sub-commands and import their heavy dependencies
inside their handlers, so ``prehab recommend --json`` never imports Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from prehab.errors import UserError

COMMAND_MODULES = (
    "prehab.commands.recommend",
    "prehab.commands.rules",
    "prehab.commands.history",
    "prehab.commands.done",
    "prehab.commands.checkin",
    "prehab.commands.settings",
    "prehab.commands.ha",
    "prehab.commands.ui",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line (no usage block), exit code 2.
    Sub-command parsers are made of the same class, so this holds for every command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
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
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def not_text(args: argparse.Namespace) -> str:
    """The first option whose value is not text (a byte that is not UTF-8 reaches Python as a
    lone surrogate: it can be neither stored nor printed), or ""."""
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return name
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
        ui = sys.modules.get("prehab.commands.ui")
        if ui is None:
            parser.print_help()
            return 0
        handler = ui.run_app
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


if __name__ == "__main__":
    sys.exit(main())
