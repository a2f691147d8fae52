"""``prehab recommend``: today's prescriptions with their reasons (text or JSON).

Imports nothing from Textual: the JSON path is used by scripts and must start fast.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from prehab.commands.base import path_arg
from prehab.commands.common import day_arg

EXIT_USER_ERROR = 2


def register(sub: Any) -> None:
    p = sub.add_parser(
        "recommend",
        help="today's prescriptions with reasons",
        description="Evaluate the rules on a facts file, or on your stored history "
        "and latest check-in, and print today's plan with the reason for each item.",
    )
    p.add_argument("--facts", type=path_arg, help="a facts TOML file (see examples/runner.toml)")
    p.add_argument(
        "--rules", type=path_arg, help="a rule pack folder or file to use instead of/over the defaults"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--brief", action="store_true", help="one reason line per exercise")
    p.add_argument(
        "--budget",
        type=float,
        help="minutes available today, up to 1440; 0 means no limit (default: settings, else all)",
    )
    p.add_argument(
        "--equipment",
        help="comma-separated equipment you have, e.g. band,dumbbell,step; 'any' for any kit, "
        "'none' for bodyweight only (default: settings; the same words as `prehab settings`)",
    )
    p.add_argument("--date", type=day_arg, help="as of this day (YYYY-MM-DD): its plan, what is open then")
    p.set_defaults(handler=run)


def output_name(args: argparse.Namespace) -> str:
    """The day memo's name for what this ``recommend`` prints (``prehab.day.memo.Output``):
    the JSON, or the text at this terminal's width, brief or not."""
    if args.json:
        return "recommend --json"
    from prehab.terminal import text_width

    brief = " --brief" if args.brief else ""
    return f"recommend{brief} at {text_width()} columns"


def run(args: argparse.Namespace) -> int:
    """The day's committed plan; with ``--facts``, ``--rules``, ``--budget`` or ``--equipment``
    a what-if plan on those, shown but never kept."""
    from prehab.commands.common import check_budget, check_rules_path, print_again

    check_rules_path(args.rules)
    check_budget(args.budget)
    what_if = any(x is not None for x in (args.facts, args.rules, args.budget, args.equipment))
    found = None
    if not what_if and args.date is None:
        printed, found = print_again(output_name(args))
        if printed is not None:
            return printed
    return _run(args, what_if, found)


def _run(args: argparse.Namespace, what_if: bool, found: Any) -> int:
    """Read the day (``found``: what it depended on when the quick read looked), or plan a
    what-if."""
    from prehab.commands.common import load_for_use

    if args.facts is None and not what_if:
        from prehab.day.service import DayService

        with DayService(today=args.date) as service:
            return _committed(args, service.open(lazy=True, sources=found))
    book = load_for_use(args.rules)
    if book is None:
        return EXIT_USER_ERROR
    planned = what_if_view(args, book)
    if planned is None:
        return EXIT_USER_ERROR
    view, extras = planned
    text = _rendered(args, view, extras, new=False, what_if=True)
    sys.stdout.write(text)
    return 1 if view.errors else 0


def _committed(args: argparse.Namespace, service: Any) -> int:
    """The day's committed plan; what is printed is kept in the day memo for ``print_again``."""
    import io

    from prehab.commands.common import print_problems

    errors = io.StringIO()  # what stderr shows before the plan: kept with the plan
    print_problems(service.settings_problems + service.problems, errors)
    if not service.usable():
        sys.stderr.write(errors.getvalue())
        return EXIT_USER_ERROR
    view, extras = service.read()
    new = service.new_runner()
    print_problems(service.store_problems(), errors)
    sys.stderr.write(errors.getvalue())
    text = _rendered(args, view, extras, new=new, what_if=False)
    sys.stdout.write(text)
    code = 1 if view.errors else 0
    if args.date is None and view.committed:  # a plan that could not be kept is planned again
        service.keep_output(output_name(args), text, errors.getvalue(), code)
    return code


def _rendered(args: argparse.Namespace, view: Any, extras: Any, *, new: bool, what_if: bool) -> str:
    """The plan as printed: JSON, or text wrapped to the terminal."""
    if args.json:
        import json

        from prehab.present.render import view_json

        return json.dumps(view_json(view, extras), indent=2, default=str) + "\n"
    from prehab.present.render import WHAT_IF, render_text, wrap_text
    from prehab.safe.text import clean_text

    title = WHAT_IF if what_if else None
    text = clean_text(render_text(view, extras, verbose=not args.brief, title=title))
    return wrap_text(with_start_hint(text) if new else text) + "\n"


def what_if_view(args: argparse.Namespace, book: Any) -> tuple[Any, Any] | None:
    """A plan on a facts file, or on the history with other rules, budget or kit (not kept)."""
    from prehab.commands.common import print_problems
    from prehab.day.view import Decorations, build_view
    from prehab.plan.day import DEFAULT_BUDGET_MIN, PlanOptions, equipment_available
    from prehab.plan.today import advise

    day = args.date or date.today()
    budget: float | None = args.budget
    if args.facts is not None:
        from prehab.model import errors_in
        from prehab.rulebook.answers import answer_names, facts_answer_problems
        from prehab.rulebook.factsfile import load_facts_file

        facts, problems = load_facts_file(args.facts, book.schema)
        if answer_names(facts):  # the screens are read only to check the answers a file gives
            from prehab.questionnaire import answer_questions, load_screens

            asked = answer_questions(load_screens(book.schema, schema_key=book.fingerprint))
            problems += facts_answer_problems(facts, asked, args.facts)
        print_problems(problems)
        if errors_in(problems):
            return None
        home_only = any(f.get("fact") == "athlete" and f.get("home_only") is True for f in facts)
        equipment = equipment_available((), home_only)
    else:
        from prehab.day.facts import facts_for_day
        from prehab.facts.history import load_context
        from prehab.settings import equipment_kit

        store, settings, problems = load_context()
        print_problems(problems)
        with store:
            facts = facts_for_day(book, store, settings, day)
        budget = budget if budget is not None else float(settings.time_budget_min)
        equipment = equipment_kit(settings.equipment, settings.home_only)
    if args.equipment:
        equipment = equipment_option(args.equipment, book)
    if budget is None:
        budget = DEFAULT_BUDGET_MIN
    options = PlanOptions(budget or None, equipment)
    today = advise(book, facts, options)
    view = build_view(
        day,
        today.evaluation,
        today.plan,
        facts,
        fingerprint=book.fingerprint,
        budget_min=options.time_budget_min,
    )
    return view, Decorations()


START_HINT = (
    "NEW HERE? prehab knows nothing about your running yet, so this is general advice only. "
    "Start with any of these, then run prehab recommend again:\n"
    "  - who you are (age, pregnancy, bone health, experience): prehab profile\n"
    "  - a check-in: prehab checkin (or the app's Check-in, 3): this week's distance, what is tight or sore\n"
    "  - log a session: prehab log --kind easy --distance 8 --duration 45 --rpe 4\n"
    "  - import your history: prehab import ~/Downloads/export_12345.zip (Strava export, GPX, TCX, FIT)\n"
)


def with_start_hint(text: str) -> str:
    """The plan for a runner with no history: how to start, in place of "Nothing to add today"
    (which would read as advice when nothing is known)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("Nothing to add today"):
            del lines[i : i + 2 if i + 1 < len(lines) and not lines[i + 1] else i + 1]
            break
    at = 2 if len(lines) > 1 and not lines[1] else len(lines)  # after the title and its blank line
    return "\n".join([*lines[:at], *START_HINT.split("\n"), *lines[at:]])


def equipment_option(text: str, book: Any) -> frozenset[str] | None:
    """``--equipment``: read and checked like the setting (``any``, ``none`` or a list), a name
    no exercise uses warned about with a did-you-mean on stderr (and kept, as the setting is)."""
    from prehab.model import UserError
    from prehab.safe.text import clean_text
    from prehab.settings import SettingError, check_value, equipment_kit, parse_text, unknown_names

    try:
        names = check_value("equipment", parse_text("equipment", text))
    except SettingError as exc:
        raise UserError(clean_text(f"--equipment {text!r}: {exc}")) from None
    known = {e for ex in book.exercises.values() for e in ex.equipment}
    for hint in unknown_names(names, known):
        print(clean_text(f"warning: --equipment: {hint}; kept anyway"), file=sys.stderr)
    return equipment_kit(names, home_only=False)
