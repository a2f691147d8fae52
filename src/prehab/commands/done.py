"""``prehab done``, ``delete`` and ``restore``: done work and undo from the command line.

``prehab done`` lists today's plan (from ``plan.today.advise_from_store``, the same plan the
app shows) with numbers and done marks; ``prehab done ITEM...`` marks items done (by number,
catalogue id or name) with the dose they were given, ``--all`` marks the whole plan, ``--undo``
takes marks back. ``delete`` removes a session, check-in or done mark softly and ``restore``
brings it back; ``prehab history --deleted`` lists what can be restored.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from prehab.commands.history import UserError, _guard, _open, _settings, parse_day

if TYPE_CHECKING:
    from prehab.model import Prescription
    from prehab.rulebook.model import Rulebook
    from prehab.store.db import Store

KINDS = ("session", "checkin", "done")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    done = sub.add_parser(
        "done",
        help="mark today's exercises done (without ITEM: list today's plan)",
        description="Mark exercises of today's plan done, by number (as `prehab done` lists them), "
        "catalogue id or name; the dose given is kept with the mark and counts as a session of its kind.",
    )
    done.add_argument("items", nargs="*", metavar="ITEM", help="number, exercise id or name")
    done.add_argument("--all", action="store_true", help="mark every item of the plan done")
    done.add_argument("--undo", action="store_true", help="take the marks back instead")
    done.add_argument("--date", default="today", help="YYYY-MM-DD, today or yesterday")
    done.set_defaults(handler=_guard(cmd_done))

    delete = sub.add_parser("delete", help="delete a session, check-in or done mark (restore undoes it)")
    delete.add_argument("kind", choices=KINDS)
    delete.add_argument("id", type=int, help="the id `prehab history` (--checkins, --done) shows")
    delete.set_defaults(handler=_guard(cmd_delete))

    restore = sub.add_parser("restore", help="undo a delete (prehab history --deleted lists them)")
    restore.add_argument("kind", choices=KINDS)
    restore.add_argument("id", type=int)
    restore.set_defaults(handler=_guard(cmd_restore))


def day_plan(book: Rulebook, store: Store, day: date) -> tuple[list[Prescription], bool]:
    """The items of ``day``'s plan (today: worked out now and kept in the advice log; an
    earlier day: as the advice log kept it, else worked out for that day) and whether the plan
    came from the log."""
    from prehab.plan.today import advise_from_store

    if day < date.today():
        stored = store.advice(day)
        if stored is not None:
            return [_stored_item(book, item) for item in stored.items], True
    today = advise_from_store(book, store, _settings(), day)
    items = [*today.plan.items, *today.plan.extra]
    if day == date.today():
        from prehab.store.advicelog import advice_record, log_plan

        record = advice_record(day, book.fingerprint, today.evaluation, today.plan)
        log_plan(store, record, today.evaluation, book.exercises)
        stored = store.advice(day)
        have = {p.exercise for p in items}
        for item in stored.items if stored is not None else []:
            if item.get("kept") and item.get("exercise") not in have:
                items.append(_stored_item(book, item))  # done, or the rest of a session in progress
    return items, False


def _stored_item(book: Rulebook, item: dict[str, Any]) -> Prescription:
    from prehab.model import Prescription, Reason

    reasons = [Reason(str(r), "", "", "", ()) for r in item.get("rules", [])]
    exercise = str(item.get("exercise", ""))
    ex = book.exercises.get(exercise)
    return Prescription(
        exercise,
        str(item.get("name") or (ex.name if ex else exercise)),
        str(item.get("kind") or (ex.kind if ex else "")),
        dict(item.get("dose") or {}),
        float(item.get("minutes") or 0),
        reasons,
    )


def _catalogue_item(book: Rulebook, exercise: str) -> Prescription:
    from prehab.model import Prescription

    ex = book.exercises[exercise]
    return Prescription(ex.id, ex.name, ex.kind, dict(ex.dose), ex.minutes, [])


def resolve(items: list[Prescription], book: Rulebook, wanted: str) -> tuple[Prescription, bool]:
    """The plan item (or catalogue exercise, second value False) that ``wanted`` names."""
    from prehab.rulebook.suggest import did_you_mean

    text = wanted.strip()
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(items):
            return items[number - 1], True
        raise UserError(f"no item {number}: the plan has {len(items)}; `prehab done` lists them")
    low = text.lower()
    for p in items:
        if low in (p.exercise.lower(), p.name.lower()):
            return p, True
    starts = [p for p in items if p.exercise.lower().startswith(low) or p.name.lower().startswith(low)]
    if len(starts) == 1:
        return starts[0], True
    if len(starts) > 1:
        names = ", ".join(p.exercise for p in starts)
        raise UserError(f"{wanted!r} could be any of {names}; give more of the name")
    if low in book.exercises:
        return _catalogue_item(book, low), False
    by_name = [ex.id for ex in book.exercises.values() if ex.name.lower() == low]
    if by_name:
        return _catalogue_item(book, by_name[0]), False
    choices = [p.exercise for p in items] + list(book.exercises)
    hint = did_you_mean(low, choices)
    raise UserError(f"{wanted!r} is not in the plan or the catalogue" + (f"; {hint}" if hint else ""))


def cmd_done(args: argparse.Namespace) -> int:
    """List the day's plan, or mark (--undo: unmark) items of it done."""
    from prehab.commands.common import load_for_use
    from prehab.render import dose_text
    from prehab.store.advicelog import mark_prescription
    from prehab.textsafe import clean_text

    day = parse_day(args.date)
    if day > date.today():
        raise UserError(f"{day.isoformat()} is in the future; mark work done on the day or after")
    if args.all and args.items:
        raise UserError("give items or --all, not both")
    book = load_for_use(None)
    if book is None:
        return 2
    with _open(for_write=bool(args.items or args.all)) as store:
        items, from_log = day_plan(book, store, day)
        if args.all or args.items:
            chosen = [(p, True) for p in items] if args.all else [resolve(items, book, i) for i in args.items]
            for p, planned in chosen:
                if args.undo:
                    changed = store.unmark_done(day, p.exercise)
                    print(clean_text(f"not done: {p.name}" if changed else f"{p.name} was not marked done"))
                    continue
                mark_prescription(store, day, p, book.exercises.get(p.exercise))
                note = "" if planned else " (not in the plan: the catalogue's dose)"
                print(clean_text(f"done: {p.name}, {dose_text(p.dose)}{note}"))
        marks = store.done_on(day)
    when = "today" if day == date.today() else day.isoformat()
    if not items:
        print(f"nothing planned {when}" + (" (from the advice log)" if from_log else ""))
        return 0
    if not (args.items or args.all):
        print(f"plan for {when}" + (" (as the advice log kept it)" if from_log else "") + ":")
        for number, p in enumerate(items, start=1):
            mark = "[x]" if p.exercise in marks else "[ ]"
            dose = f"{dose_text(p.dose)} · {p.minutes:g} min"
            line = f"{number:>3} {mark} {p.name}  {dose}  ({p.kind}, {p.exercise})"
            print(clean_text(line))
    done = sum(1 for p in items if p.exercise in marks)
    print(f"{done} of {len(items)} done {when}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _open(for_write=True) as store:
        if not store.delete(args.kind, args.id):
            raise UserError(f"no {args.kind} #{args.id} to delete; `prehab history` lists them")
    print(f"deleted {args.kind} #{args.id}; undo with: prehab restore {args.kind} {args.id}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with _open(for_write=True) as store:
        if not store.restore(args.kind, args.id):
            raise UserError(
                f"no deleted {args.kind} #{args.id}; `prehab history --deleted` lists what can be restored"
            )
    print(f"restored {args.kind} #{args.id}")
    return 0
