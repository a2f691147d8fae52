"""``prehab recommend``: today's prescriptions with their reasons (text or JSON).

Imports nothing from Textual: the JSON path is used by scripts and must start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

EXIT_USER_ERROR = 2


def register(sub: Any) -> None:
    p = sub.add_parser(
        "recommend",
        help="today's prescriptions with reasons",
        description="Evaluate the rules on a facts file, or on your stored history "
        "and latest check-in, and print today's plan with the reason for each item.",
    )
    p.add_argument("--facts", type=Path, help="a facts TOML file (see examples/runner.toml)")
    p.add_argument(
        "--rules", type=Path, help="a rule pack folder or file to use instead of/over the defaults"
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
        help="comma-separated equipment you have, e.g. band,dumbbell,step "
        "(default: settings; 'none' for bodyweight only)",
    )
    p.add_argument("--date", type=date.fromisoformat, help="evaluate as of this day (YYYY-MM-DD)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from prehab.commands.common import check_budget, check_rules_path, load_for_use, print_problems
    from prehab.plan.day import DEFAULT_BUDGET_MIN, PlanOptions, equipment_available
    from prehab.plan.today import advise
    from prehab.render import evaluation_json, render_text

    check_rules_path(args.rules)
    check_budget(args.budget)
    book = load_for_use(args.rules)
    if book is None:
        return EXIT_USER_ERROR
    budget: float | None = args.budget
    equipment: frozenset[str] | None = None
    if args.facts is not None:
        from prehab.rulebook.factsfile import load_facts_file

        facts, problems = load_facts_file(args.facts, book.schema)
        print_problems(problems)
        if any(p.severity == "error" for p in problems):
            return EXIT_USER_ERROR
        home_only = any(f.get("fact") == "athlete" and f.get("home_only") is True for f in facts)
        equipment = equipment_available((), home_only)
    else:
        from prehab.facts.history import load_context
        from prehab.plan.today import facts_for_day

        store, settings, problems = load_context()
        print_problems(problems)
        with store:
            facts = facts_for_day(book, store, settings, args.date or date.today())
        budget = budget if budget is not None else float(settings.time_budget_min)
        equipment = equipment_available(settings.equipment, settings.home_only)
    if args.equipment:
        items = {e.strip() for e in args.equipment.split(",") if e.strip()}
        equipment = frozenset() if items == {"none"} else frozenset(items)
    if budget is None:
        budget = DEFAULT_BUDGET_MIN
    today = advise(book, facts, PlanOptions(budget or None, equipment))
    ev, plan = today.evaluation, today.plan
    if args.json:
        json.dump(evaluation_json(ev, plan), sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        from prehab.textsafe import clean_text

        print(clean_text(render_text(ev, plan, verbose=not args.brief)))
    return 1 if ev.errors else 0
