"""``prehab done``, ``delete`` and ``restore``: done work and undo from the command line.

``prehab done`` lists the day's committed plan (``prehab.day``: the plan the app, ``recommend``
and Home Assistant show) with each item's number, which stays the item's all day: marking
others, or a re-plan, never renumbers it. ``prehab done 3 5`` marks items by number (or by
exercise id or name within the plan) with the dose they were given; ``--all`` marks every item
of today's list; ``--undo`` takes marks back; ``--extra EXERCISE`` records catalogue work the
plan did not give, on purpose; ``--rpe N`` records how hard the session was; ``--sets --reps
--load --hold --pain`` record what was really done of one item (the load then climbs from it:
``prehab.workout.loading``). ``delete`` removes a session, check-in or done mark softly and
``restore`` brings it back.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from datetime import date
from typing import TYPE_CHECKING

from prehab.commands.base import guard, parse_day
from prehab.errors import UserError

if TYPE_CHECKING:
    from prehab.day.service import DayService
    from prehab.day.view import DayView, Item
    from prehab.rulebook.model import Rulebook
    from prehab.workout.actual import Actual

KINDS = ("session", "checkin", "done")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    done = sub.add_parser(
        "done",
        help="mark today's exercises done (without ITEM: list today's plan)",
        description="Mark items of the day's plan done by number (as `prehab done` lists them; an "
        "item keeps its number all day), exercise id or name; the dose given is kept with the mark "
        "and counts as a session of its kind.",
    )
    done.add_argument("items", nargs="*", metavar="ITEM", help="number, exercise id or name")
    done.add_argument("--all", action="store_true", help="mark every item of today's list done")
    done.add_argument("--undo", action="store_true", help="take the marks back instead")
    done.add_argument(
        "--extra", metavar="EXERCISE", action="append", default=[],
        help="record catalogue work the plan did not give (on purpose; repeatable)",
    )  # fmt: skip
    done.add_argument("--rpe", help="how hard the session was, 1 (very easy) to 10 (maximal)")
    actual = done.add_argument_group(
        "what you really did (one ITEM; what you leave out is the dose as given)"
    )
    actual.add_argument("--sets", help="sets done, e.g. 3")
    actual.add_argument("--reps", help="reps per set: one number for all (10) or one per set (10,10,8)")
    actual.add_argument("--load", help="the load, in your weight units (16, 16.5) or with them (35lb)")
    actual.add_argument("--hold", help="seconds held per set (planks, holds)")
    actual.add_argument("--pain", help="the highest pain during it, 0 (none) to 10")
    done.add_argument("--date", default="today", help="YYYY-MM-DD, today or yesterday")
    done.set_defaults(handler=guard(cmd_done))

    delete = sub.add_parser("delete", help="delete a session, check-in or done mark (restore undoes it)")
    delete.add_argument("kind", choices=KINDS)
    delete.add_argument("id", type=record_id, help="the id `prehab history` (--checkins, --done) shows")
    delete.set_defaults(handler=guard(cmd_delete))

    restore = sub.add_parser("restore", help="undo a delete (prehab history --deleted lists them)")
    restore.add_argument("kind", choices=KINDS)
    restore.add_argument("id", type=record_id)
    restore.set_defaults(handler=guard(cmd_restore))


MAX_ID = 2**63 - 1
"""SQLite's largest row id."""


def record_id(text: str) -> int:
    """A record id as ``prehab history`` shows it: a whole number from 1 to SQLite's largest."""
    word = text.strip()
    if not word.isascii() or not word.isdigit() or len(word) > 19 or not 1 <= int(word) <= MAX_ID:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a record id (a number `prehab history` shows)"
        )
    return int(word)


def resolve(view: DayView, book: Rulebook, wanted: str) -> Item:
    """The plan item ``wanted`` names: its number, exercise id or name (or the start of one)."""
    from prehab.rulebook.suggest import did_you_mean

    items = view.all_items()
    text = wanted.strip()
    if text.isascii() and text.isdigit():
        number = int(text) if len(text) <= 9 else -1
        found = view.item(number)
        if found is not None:
            return found
        numbers = ", ".join(str(i.number) for i in items) or "none"
        raise UserError(f"no item {text[:20]} in the plan (its items: {numbers}); `prehab done` lists them")
    low = text.lower()
    for item in items:
        if low in (item.exercise.lower(), item.name.lower()):
            return item
    starts = [i for i in items if i.exercise.lower().startswith(low) or i.name.lower().startswith(low)]
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1:
        raise UserError(
            f"{wanted!r} could be any of {', '.join(i.exercise for i in starts)}; give more of the name"
        )
    if low in book.exercises or any(ex.name.lower() == low for ex in book.exercises.values()):
        raise UserError(f"{wanted!r} is not in the plan; to record it anyway: prehab done --extra {low}")
    hint = did_you_mean(low, [i.exercise for i in items] + list(book.exercises))
    raise UserError(f"{wanted!r} is not in the plan or the catalogue" + (f"; {hint}" if hint else ""))


def catalogue_id(book: Rulebook, wanted: str) -> str:
    from prehab.rulebook.suggest import did_you_mean

    low = wanted.strip().lower()
    if low in book.exercises:
        return low
    by_name = [ex.id for ex in book.exercises.values() if ex.name.lower() == low]
    if by_name:
        return by_name[0]
    raise UserError(f"{wanted!r} is not in the catalogue; {did_you_mean(low, list(book.exercises))}")


def parse_rpe(text: str | None) -> int | None:
    if text is None:
        return None
    word = text.strip()
    if not (word.isascii() and word.isdigit() and len(word) <= 2 and 1 <= int(word) <= 10):
        raise UserError(f"--rpe {text[:20]!r}: give a whole number from 1 (very easy) to 10 (maximal)")
    return int(word)


LIST_OUTPUT = "done"
"""The day memo's name for today's list as ``prehab done`` prints it (``prehab.day.memo.Output``)."""


def cmd_done(args: argparse.Namespace) -> int:
    """List the day's plan, or mark (--undo: unmark) items of it done."""
    from prehab.facts.dates import EARLIEST

    day = parse_day(args.date)
    if day > date.today():
        raise UserError(f"{day.isoformat()} is in the future; mark work done on the day or after")
    if day < EARLIEST:
        raise UserError(f"{day.isoformat()} is before {EARLIEST.isoformat()}; check the year")
    if args.all and args.items:
        raise UserError("give items or --all, not both")
    rpe = parse_rpe(args.rpe)
    recording = any(v is not None for v in (args.sets, args.reps, args.load, args.hold, args.pain))
    if recording and (args.undo or args.all or len(args.items) + len(args.extra) != 1):
        raise UserError(
            "--sets, --reps, --load, --hold and --pain describe one item: give exactly one ITEM (or --extra)"
        )
    listing = not (args.items or args.all or args.extra or rpe is not None)
    today = day == date.today()
    found = None
    if listing and today:
        from prehab.commands.common import print_again

        printed, found = print_again(LIST_OUTPUT)
        if printed is not None:
            return printed
    from prehab.day.service import DayService
    from prehab.safe.text import clean_text

    with DayService() as service:
        service.open(lazy=True, sources=found)  # the list may come from the day memo; a mark reads the rules
        if not service.usable():
            raise UserError("no usable rulebook; `prehab rules check` says why")
        if (
            service.store is not None
            and service.store.damaged
            and (args.items or args.all or args.extra or rpe)
        ):
            from prehab.store.db import StoreDamaged, damaged_message

            raise StoreDamaged(damaged_message(service.store.path, service.store.damaged))
        view, extras = service.read(day)
        chosen = list(view.items) if args.all else [resolve(view, _book(service), i) for i in args.items]
        for item in chosen:
            if args.undo:
                changed = service.unmark(item.exercise, day)
                print(clean_text(f"not done: {item.name}" if changed else f"{item.name} was not marked done"))
            elif recording:
                unit = service.settings.weight_units
                really = _actual(args, item.dose, unit)
                service.mark(item, day, really)
                again = " (recorded again)" if item.exercise in extras.done else ""
                print(clean_text(f"done{again}: {item.number}. {item.name}, {really.summary(unit)}"))
                _pain_advice(really)
            elif item.exercise in extras.done:
                print(clean_text(f"{item.number}. {item.name} was done already"))
            else:
                service.mark(item, day)
                print(clean_text(f"done: {item.number}. {item.name}, {_dose(item)}"))
        for wanted in args.extra:
            exercise = catalogue_id(_book(service), wanted)
            if args.undo:
                service.unmark(exercise, day)
                print(clean_text(f"not done: {exercise}"))
            else:
                ex = _book(service).exercises[exercise]
                actual = _actual(args, dict(ex.dose), service.settings.weight_units) if recording else None
                extra = service.mark_extra(exercise, day, actual)
                what = actual.summary(service.settings.weight_units) if actual is not None else _dose(extra)
                print(clean_text(f"done (not in the plan, on purpose): {extra.name}, {what}"))
                if actual is not None:
                    _pain_advice(actual)
        if rpe is not None:
            service.record_effort(day, rpe)
            print(f"session effort {rpe}/10 recorded for {day.isoformat()}")
        view, extras = service.read(day)
        actuals = service.actual_done(day)
        unit = service.settings.weight_units
        when = "today" if day == date.today() else day.isoformat()
        did = {k: a.summary(unit) for k, a in actuals.items()}
        shown = io.StringIO()  # kept in the day memo as printed
        with contextlib.redirect_stdout(shown):
            print_plan(view, extras.done, extras.extra_done, when, listing, did)
        sys.stdout.write(shown.getvalue())
        if listing and today and view.committed:  # a plan that could not be kept is planned again
            service.keep_output(LIST_OUTPUT, shown.getvalue(), "", 0)
    return 0


def _book(service: DayService) -> Rulebook:
    """The rules in force, read now if the list came from the day memo."""
    book = service.book
    if book is None:
        raise UserError("no usable rulebook; `prehab rules check` says why")
    return book


def _actual(args: argparse.Namespace, dose: dict[str, object], unit: str) -> Actual:
    from prehab.workout.actual import recorded

    try:
        return recorded(
            dict(dose),
            sets=args.sets,
            reps=args.reps,
            load=args.load,
            hold=args.hold,
            pain=args.pain,
            unit=unit,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _pain_advice(actual: Actual) -> None:
    from prehab.workout.actual import PAIN_LIMIT

    if actual.pain is not None and actual.pain > PAIN_LIMIT:
        print(
            f"pain {actual.pain}/10 is above the limit of {PAIN_LIMIT}: stop this exercise for today; "
            "next time it comes a step lighter. Pain that stays, or is worse tomorrow morning, "
            "needs a check-in."
        )


def print_plan(
    view: DayView,
    marks: frozenset[str],
    extra_done: list[str],
    when: str,
    listing: bool,
    did: dict[str, str] | None = None,
) -> None:
    """The day's plan with each item's mark (``did``: what was really done, where recorded)."""
    from prehab.safe.text import clean_text

    items = view.all_items()
    if not items and not extra_done:
        print(f"nothing planned {when}")
        return
    if listing:
        kept = "" if view.committed else " (not kept: a plan shown for a day with none stored)"
        print(f"plan for {when}{kept}:")
        did = did or {}
        for item in view.items:
            print(clean_text(_line(item, item.exercise in marks, did.get(item.exercise, ""))))
        if view.extra:
            print("if you have more time:")
            for item in view.extra:
                print(clean_text(_line(item, item.exercise in marks, did.get(item.exercise, ""))))
        if extra_done:
            print(clean_text("also done (not in the plan): " + ", ".join(extra_done)))
    done = sum(1 for i in view.items if i.exercise in marks)
    print(f"{done} of {len(view.items)} done {when}")


def _line(item: Item, done: bool, did: str = "") -> str:
    mark = "[x]" if done else "[ ]"
    dose = f"{_dose(item)} · {item.minutes:g} min"
    really = f"  did: {did}" if did and done else ""
    return f"{item.number:>3} {mark} {item.name}  {dose}  ({item.kind}, {item.exercise}){really}"


def _dose(item: Item) -> str:
    from prehab.present.render import dose_text

    return dose_text(item.dose)


def cmd_delete(args: argparse.Namespace) -> int:
    from prehab.commands.base import open_store

    with open_store(for_write=True) as store:
        if not store.delete(args.kind, args.id):
            raise UserError(f"no {args.kind} #{args.id} to delete; `prehab history` lists them")
    print(f"deleted {args.kind} #{args.id}; undo with: prehab restore {args.kind} {args.id}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from prehab.commands.base import open_store

    with open_store(for_write=True) as store:
        if not store.restore(args.kind, args.id):
            raise UserError(
                f"no deleted {args.kind} #{args.id}; `prehab history --deleted` lists what can be restored"
            )
    print(f"restored {args.kind} #{args.id}")
    return 0
