"""``prehab settings``: show, change and locate the runner's settings (settings.toml).

Values are checked by the same function that checks the file (``settings.values.check_value``),
so the command refuses exactly what ``load_settings`` would report. A file with problems is
never overwritten by ``set`` (the bad or unknown values would be lost): the problem is shown
with its line and fix, and nothing is written. Only argparse is imported at start-up.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from prehab.errors import UserError

if TYPE_CHECKING:
    from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``prehab settings [show|set|path]`` to the ``prehab`` parser."""
    settings = sub.add_parser(
        "settings",
        help="show or change your settings (units, time budget, equipment, ...)",
        description="Without an action: every setting, its value and what it means.",
    )
    settings.add_argument("--json", action="store_true", help="machine-readable output")
    ssub = settings.add_subparsers(dest="settings_command", metavar="ACTION")
    settings.set_defaults(handler=cmd_show)

    show = ssub.add_parser("show", help="every setting with its value and meaning (the default)")
    show.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output"
    )
    show.set_defaults(handler=cmd_show)

    change = ssub.add_parser(
        "set",
        help="change one setting, e.g. `set time_budget_min 25`",
        description="Change one setting and save the file atomically. Lists take commas "
        "(equipment band,step,dumbbell; key_run_days sunday,wednesday); equipment also takes "
        "`any` (any kit) or `none` (bodyweight only); `none` clears key_run_days or the goal race "
        "date (which must not be in the past); home_only takes true or false.",
    )
    change.add_argument("key", metavar="KEY", help="a setting's name (see `prehab settings`)")
    change.add_argument("value", nargs="+", metavar="VALUE", help="its new value")
    change.set_defaults(handler=cmd_set)

    where = ssub.add_parser("path", help="where the settings file is")
    where.set_defaults(handler=cmd_path)


def cmd_show(args: argparse.Namespace) -> int:
    """Every setting, its value and a one-line meaning (problems in the file on stderr)."""
    from prehab.commands.common import print_problems
    from prehab.safe.text import clean_text, json_text, one_line
    from prehab.settings import MEANINGS, format_value, load_settings, setting_keys

    path = _path()
    settings, problems = load_settings(path)
    print_problems(problems)
    if getattr(args, "json", False):
        import json

        out: dict[str, Any] = {
            "path": str(path),
            "exists": path.is_file(),
            "settings": {k: _json_value(getattr(settings, k)) for k in setting_keys()},
            "meanings": dict(MEANINGS),
            "problems": [str(p) for p in problems],
        }
        print(json_text(json.dumps(out, indent=2, ensure_ascii=False)))
        return 0
    rows = [(k, one_line(format_value(k, getattr(settings, k))), MEANINGS[k]) for k in setting_keys()]
    key_width = max(len(k) for k, _, _ in rows)
    value_width = max(len(v) for _, v, _ in rows)
    for key, value, meaning in rows:
        print(f"{key:<{key_width}}  {value:<{value_width}}  {meaning}")
    state = "" if path.is_file() else " (not written yet: these are the defaults)"
    print(clean_text(f"\nfile: {path}{state}"))
    print("change one: prehab settings set KEY VALUE")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    """Check the new value, then save the whole file atomically; nothing is written on error."""
    from prehab.commands.common import print_problems
    from prehab.safe.files import FileRefused
    from prehab.safe.text import clean_text
    from prehab.settings import (
        SettingError,
        blocking_problems,
        format_value,
        load_settings,
        save_settings,
        setting_keys,
        with_value,
    )

    key = args.key.strip()
    text = " ".join(args.value)
    path = _path()
    settings, problems = load_settings(path)
    try:
        changed = with_value(settings, key, text)
    except SettingError as exc:
        raise UserError(f"{key}: {exc}" if key in setting_keys() else str(exc)) from None
    blocking = blocking_problems(problems, [key])
    if blocking:
        print_problems(blocking[1:])
        first = blocking[0]
        todo = (
            f"fix it first: prehab settings set {first.path} VALUE"
            if first.path in setting_keys()
            else "fix the file first, saving would lose what is there"
        )
        raise UserError(f"{first}; nothing was changed: {todo}")
    print_problems(problems)  # only problems with this key, which the new value replaces
    _warn_unknown_equipment(key, changed.equipment)
    try:
        save_settings(changed, path)
    except FileRefused:
        raise  # says what the file is and what to do; nothing was written
    except OSError as exc:
        raise UserError(
            f"cannot write {path}: {exc.strerror or exc} (check the folder's permissions)"
        ) from None
    before, after = format_value(key, getattr(settings, key)), format_value(key, getattr(changed, key))
    print(clean_text(f"{key} = {after}  " + ("(unchanged)" if before == after else f"(was {before})")))
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    from prehab.safe.text import clean_text

    print(clean_text(str(_path())))
    return 0


def _path() -> Path:
    from prehab.paths import settings_file

    return settings_file()


def _json_value(value: Any) -> Any:
    from datetime import date

    return value.isoformat() if isinstance(value, date) else value


def _warn_unknown_equipment(key: str, names: list[str]) -> None:
    """A name no exercise uses is kept (your own rules may use it) but probably a typo: say so."""
    if key != "equipment" or not names:
        return
    from prehab.rulebook import default_layers, load_rulebook
    from prehab.settings import unknown_names

    book = load_rulebook(default_layers()).rulebook
    if book is None:
        return
    known = {e for ex in book.exercises.values() for e in ex.equipment}
    from prehab.safe.text import clean_text

    for hint in unknown_names(names, known):
        print(clean_text(f"warning: {hint}; kept anyway"), file=sys.stderr)
