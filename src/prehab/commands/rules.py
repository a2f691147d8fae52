"""``prehab rules check|test|list|diff``, ``prehab explain`` and ``prehab paths``.

Rule files are text a person (or a download) wrote: what they say is printed through
``clean_text``, so an escape sequence in a title or an example cannot drive the terminal.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from prehab.commands.base import USAGE_ERROR, error_line, path_arg
from prehab.safe.text import clean_text

if TYPE_CHECKING:
    from pathlib import Path


def register(sub: Any) -> None:
    rules = sub.add_parser("rules", help="check, test and list rule packs")
    rsub = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    rules.set_defaults(handler=lambda a: (rules.print_help(), 0)[1])

    check = rsub.add_parser("check", help="report every problem in a pack (file:line: path: problem (fix))")
    check.add_argument(
        "path",
        nargs="?",
        type=path_arg,
        help="a pack folder (with facts.toml) or rule files to lay over the shipped pack; "
        "default: the shipped pack + your config folder",
    )
    check.set_defaults(handler=run_check)

    test = rsub.add_parser("test", help="run every embedded example: 'N passed, N failed'")
    test.add_argument("path", nargs="?", type=path_arg)
    test.add_argument("--rule", action="append", help="only this rule id (repeatable)")
    test.add_argument("-v", "--verbose", action="store_true", help="list passing examples too")
    test.set_defaults(handler=run_test)

    listing = rsub.add_parser("list", help="every rule with its priority, id and title (highest first)")
    listing.add_argument("path", nargs="?", type=path_arg)
    listing.set_defaults(handler=run_list)

    diff = rsub.add_parser("diff", help="which default examples change outcome under your overrides")
    diff.add_argument(
        "path", nargs="?", type=path_arg, help="override file/folder (default: your config folder)"
    )
    diff.set_defaults(handler=run_diff)

    explain = sub.add_parser("explain", help="a rule in plain words; --why-not checks it on facts")
    explain.add_argument("rule_id")
    explain.add_argument(
        "--why-not",
        action="store_true",
        help="show each condition's result on the facts (a facts file or your history)",
    )
    explain.add_argument("--facts", type=path_arg, help="facts file for --why-not")
    explain.add_argument("--rules", type=path_arg)
    explain.set_defaults(handler=run_explain)

    paths = sub.add_parser("paths", help="where prehab reads rules and keeps data")
    paths.set_defaults(handler=run_paths)


def _load(path: Path | None, *, strict: bool = True) -> Any:
    from prehab.commands.common import check_rules_path, load_for_use, print_problems
    from prehab.rulebook import default_layers, load_rulebook

    check_rules_path(path)
    if not strict:
        return load_for_use(path)
    result = load_rulebook(default_layers(path))
    print_problems(result.problems)
    return result


def run_check(args: argparse.Namespace) -> int:
    result = _load(args.path)
    errors, warnings = len(result.errors), len(result.warnings)
    if result.rulebook is None:
        print(f"{errors} error(s), {warnings} warning(s): the pack was NOT loaded", file=sys.stderr)
        return USAGE_ERROR
    book = result.rulebook
    from prehab.engine.cache import engine_problem

    refused = engine_problem(book)  # the loader predicts every measured limit; this proves it
    if refused is not None:
        print(error_line(str(refused)), file=sys.stderr)
        print(f"1 error(s), {warnings} warning(s): the pack was NOT loaded", file=sys.stderr)
        return USAGE_ERROR
    from prehab.commands.common import print_problems
    from prehab.questionnaire import answer_questions, load_screens
    from prehab.rulebook.answers import rule_answer_problems

    unasked = rule_answer_problems(
        book, answer_questions(load_screens(book.schema, schema_key=book.fingerprint))
    )
    print_problems(unasked)
    warnings += len(unasked)
    print(
        f"ok: {len(book.rules)} rules ({len(book.active_rules)} enabled), {len(book.exercises)} exercises, "
        f"{len(book.files)} files, {warnings} warning(s)"
    )
    return 0


def run_test(args: argparse.Namespace) -> int:
    from prehab.present.examples import run_examples

    result = _load(args.path)
    if result.rulebook is None:
        print("0 passed, 0 failed (the pack has errors; fix them first: prehab rules check)")
        return USAGE_ERROR
    wanted = set(args.rule) if args.rule else None
    if wanted:
        unknown = wanted - set(result.rulebook.rules)
        if unknown:
            from prehab.rulebook.suggest import did_you_mean

            name = sorted(unknown)[0]
            print(
                error_line(f"no rule '{name}' ({did_you_mean(name, result.rulebook.rules)})"),
                file=sys.stderr,
            )
            return USAGE_ERROR
    results = run_examples(result.rulebook, wanted)
    changed = changed_by_overrides(result.rulebook, [r for r in results if not r.passed], args.path)
    failed = [r for r in results if not r.passed and r not in changed]
    for r in results:
        if r in changed:
            continue
        if not r.passed:
            print(clean_text(f"FAIL {r.label}  ({r.rule.file}:{r.example.line or r.rule.line})"))
            for failure in r.failures:
                print(clean_text(f"     {failure}"))
        elif args.verbose:
            print(clean_text(f"ok   {r.label}"))
    if changed:
        print("changed by your overrides (each passes on the shipped rules alone; see `prehab rules diff`):")
        for r in changed:
            print(clean_text(f"  {r.label}: {r.failures[0]}"))
    passed = len(results) - len(failed) - len(changed)
    print(
        f"{passed} passed, {len(failed)} failed"
        + (f", {len(changed)} changed by your overrides" if changed else "")
    )
    return 1 if failed else 0


def changed_by_overrides(book: Any, failing: list[Any], path: Path | None) -> list[Any]:
    """The failing examples of shipped rules that pass on the shipped pack alone: your own
    overrides (a threshold, a replaced rule) changed them, which is what overrides are for."""
    from prehab.present.examples import check_example
    from prehab.rulebook import default_layers, load_rulebook
    from prehab.tui.ruleedit import is_shipped

    shipped = [r for r in failing if is_shipped(r.rule.file) or r.rule.id in book.replaced]
    if not shipped or path is not None:
        return []
    base = load_rulebook(default_layers(include_user=False)).rulebook
    if base is None:
        return []
    from prehab.advice import evaluate

    out = []
    for r in shipped:
        original = base.rules.get(r.rule.id)
        if original is None or r.index >= len(original.examples):
            continue
        example = original.examples[r.index]
        if not check_example(evaluate(base, list(example.given)), example.expect):
            out.append(r)
    return out


def run_list(args: argparse.Namespace) -> int:
    book = _load(args.path, strict=False)
    if book is None:
        return USAGE_ERROR
    from prehab.present.render import wrap_text
    from prehab.terminal import text_width

    width = text_width()
    for rule in sorted(book.rules.values(), key=lambda r: (-r.priority, r.id)):
        state = "" if rule.enabled else "  (disabled)"
        if width - TITLE_COLUMN >= 24:
            print(_hang(clean_text(f"{rule.priority:>4}  {rule.id:<36} {rule.title}{state}"), width))
        else:  # too narrow for a table: the id, then the title under it
            print(clean_text(f"{rule.priority:>4}  {rule.id}{state}"))
            print(wrap_text(clean_text(f"      {rule.title}"), width))
    return 0


TITLE_COLUMN = 43
"""Where ``rules list`` starts a title: priority (4), two spaces, the id in 36, a space."""


def _hang(line: str, width: int, column: int = TITLE_COLUMN) -> str:
    """``line`` wrapped to ``width`` with the wrapped part under ``column`` (the title column)."""
    import textwrap

    if len(line) <= width:
        return line
    head, title = line[:column], line[column:]
    if not head.endswith(" "):  # an id longer than its column: no table to keep
        return textwrap.fill(line, width, subsequent_indent=" " * 6, break_long_words=False)
    parts = textwrap.wrap(title, width - column, break_long_words=False, break_on_hyphens=False) or [""]
    return "\n".join([head + parts[0], *(" " * column + part for part in parts[1:])])


def run_explain(args: argparse.Namespace) -> int:
    from prehab.present.explain import explain_rule, why_not

    book = _load(args.rules, strict=False)
    if book is None:
        return USAGE_ERROR
    rule = book.rules.get(args.rule_id)
    if rule is None:
        from prehab.rulebook.suggest import did_you_mean

        print(
            error_line(f"no rule '{args.rule_id}' ({did_you_mean(args.rule_id, book.rules)})"),
            file=sys.stderr,
        )
        return USAGE_ERROR
    print(clean_text(explain_rule(book, rule)))
    if args.why_not:
        facts = _facts_for(args, book)
        if facts is None:
            return USAGE_ERROR
        print()
        print(clean_text(why_not(book, rule, facts)))
    return 0


def _facts_for(args: argparse.Namespace, book: Any) -> list[dict[str, Any]] | None:
    from prehab.commands.common import print_problems

    if args.facts is not None:
        from prehab.rulebook.factsfile import load_facts_file

        facts, problems = load_facts_file(args.facts, book.schema)
        print_problems(problems)
        from prehab.model import errors_in

        return None if errors_in(problems) else _as_seen(facts, book)
    from prehab.day.service import DayService

    with DayService() as service:
        service.open()
        print_problems(service.settings_problems)
        facts = service.facts()
    return _as_seen(facts, book)


def _as_seen(facts: list[dict[str, Any]], book: Any) -> list[dict[str, Any]]:
    """The facts as the rules see them (weekly change derived from the two distances), so
    --why-not never calls a value missing that the engine has."""
    from prehab.facts.complete import complete_facts

    return complete_facts(facts, book.schema)


def run_diff(args: argparse.Namespace) -> int:
    from prehab.commands.common import check_rules_path, print_problems
    from prehab.paths import user_rules_dir
    from prehab.present.explain import diff_examples
    from prehab.rulebook import default_layers, load_rulebook

    check_rules_path(args.path)
    overlay = args.path or user_rules_dir()
    base = load_rulebook(default_layers(include_user=False))
    mine = load_rulebook(default_layers(overlay))
    print_problems(base.problems + mine.problems)
    if base.rulebook is None or mine.rulebook is None:
        return USAGE_ERROR
    changes = diff_examples(base.rulebook, mine.rulebook)
    if not changes:
        print(clean_text(f"no default example changes outcome under {overlay}"))
        return 0
    for line in changes:
        print(clean_text(line))
    print(clean_text(f"{len(changes)} example(s) change outcome under {overlay}"))
    return 0


def run_paths(args: argparse.Namespace) -> int:
    from prehab import paths

    print(clean_text(f"shipped rules:  {paths.default_rules_dir()}"))
    print(clean_text(f"your rules:     {paths.user_rules_dir()}"))
    print(clean_text(f"your screens:   {paths.user_screens_dir()}"))
    print(clean_text(f"settings:       {paths.settings_file()}"))
    print(clean_text(f"history:        {paths.database_file()}"))
    print(clean_text(f"cache:          {paths.cache_dir()} (safe to delete)"))
    return 0
