"""``prehab log``, ``import``, ``history`` and ``export``: the history from the command line.

Only argparse is imported at start-up; the store, the importers and their parsers load inside
the handlers so ``prehab --help`` and ``prehab recommend --json`` stay fast. Anything a user
can get wrong ends as one line ``prehab: error: what, and the fix`` and exit code 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from prehab.commands.base import USAGE_ERROR, guard, open_store, parse_day, warn_unreadable
from prehab.errors import UserError

if TYPE_CHECKING:
    from prehab.settings import Settings
    from prehab.store.db import Store
    from prehab.store.records import Session


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the history commands to the ``prehab`` parser."""
    log = sub.add_parser("log", help="add a session to your history")
    log.add_argument("--date", default="today", help="YYYY-MM-DD, today or yesterday")
    log.add_argument(
        "--kind",
        required=True,
        help="easy, long, tempo, intervals, race, strides, hills, strength, mobility, "
        "cross-training or cycling",
    )
    log.add_argument("--distance", default="0", help="in your units (settings: km or mi)")
    log.add_argument("--duration", help="minutes, or H:MM:SS / MM:SS")
    log.add_argument("--rpe", help="effort from 1 (very easy) to 10 (maximal)")
    log.add_argument("--surface", help="road, trail, track, treadmill, grass or other")
    log.add_argument(
        "--cross-plane",
        action="store_true",
        help="the session had sideways or twisting (frontal/transverse-plane) work",
    )
    log.add_argument("--notes", default="")
    log.set_defaults(handler=guard(cmd_log))

    imp = sub.add_parser("import", help="import Strava exports, GPX/TCX/FIT files or a prehab export")
    imp.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="Strava export (.zip or folder), activities.csv, .gpx/.tcx/.fit (.gz too), a folder "
        "of any of these (zips in it too), or a `prehab export` .toml to restore (docs/imports.md)",
    )
    imp.set_defaults(handler=guard(cmd_import))

    hist = sub.add_parser("history", help="list your sessions")
    hist.add_argument("--since", help="YYYY-MM-DD, today or yesterday")
    hist.add_argument("--until", help="YYYY-MM-DD, today or yesterday")
    hist.add_argument("--kind", help="only this kind of session")
    hist.add_argument("--json", action="store_true", help="machine-readable output")
    hist.add_argument("--metrics", action="store_true", help="show the load metrics derived from the history")
    shown = hist.add_mutually_exclusive_group()
    shown.add_argument("--done", action="store_true", help="list done prehab work (dose, RPE) instead")
    shown.add_argument("--checkins", action="store_true", help="list check-ins instead")
    shown.add_argument("--advice", action="store_true", help="list each day's stored plan instead")
    shown.add_argument(
        "--deleted", action="store_true", help="list deleted records (prehab restore KIND ID undoes a delete)"
    )
    shown.add_argument(
        "--trends", action="store_true", help="weekly complaints by region, adherence and distance"
    )
    shown.add_argument(
        "--episodes", action="store_true",
        help="pains, warning signs and conditions: opened, last update, closed (and why)",
    )  # fmt: skip
    hist.set_defaults(handler=guard(cmd_history))

    exp = sub.add_parser("export", help="write your whole history as TOML or CSV")
    exp.add_argument("--format", choices=("toml", "csv"), default="toml")
    exp.add_argument("--output", "-o", help="file to write (default: standard output)")
    exp.set_defaults(handler=guard(cmd_export))


# -- parsing helpers ---------------------------------------------------------------------------


def parse_minutes(text: str) -> float:
    """Minutes from "45", "45.5", "45:30" (MM:SS) or "1:05:00" (H:MM:SS): the parser the
    Sessions form uses too (``prehab.questionnaire.parse_minutes``)."""
    from prehab.questionnaire import parse_minutes as minutes

    try:
        return minutes(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _number(text: str, what: str, fix: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise UserError(f"{what} {text!r} is not a number; {fix}") from None
    if not math.isfinite(value):
        raise UserError(f"{what} {text!r} is not a finite number; {fix}")
    return value


def _settings() -> Settings:
    """The settings; their problems are warnings on stderr, never a stop."""
    from prehab.safe.text import clean_text
    from prehab.settings import load_settings

    settings, problems = load_settings()
    for problem in problems:
        print(f"prehab: warning: {clean_text(str(problem))}", file=sys.stderr)
    return settings


# -- commands ----------------------------------------------------------------------------------


def cmd_log(args: argparse.Namespace) -> int:
    """Add one session, in the runner's units."""
    from prehab.facts.dates import day_problem
    from prehab.facts.units import format_distance, from_display
    from prehab.safe.text import clean_text
    from prehab.store.records import Session, validate_session

    settings = _settings()
    rpe: int | None = None
    if args.rpe is not None:
        value = _number(args.rpe, "RPE", "give a whole number from 1 to 10")
        if value != int(value):
            raise UserError(f"RPE {args.rpe!r} is not whole; give a whole number from 1 to 10")
        rpe = int(value)
    distance = _number(args.distance, "distance", f"give {settings.units} like 10.5")
    session = Session(
        date=parse_day(args.date),
        kind=args.kind.strip().lower(),
        distance_km=round(from_display(distance, settings.units), 3),
        duration_min=None if args.duration is None else round(parse_minutes(args.duration), 2),
        rpe=rpe,
        surface=args.surface.strip().lower() if args.surface else None,
        cross_plane=bool(args.cross_plane),
        notes=clean_text(args.notes),
    )
    problems = [p for p in (day_problem(session.date),) if p] + validate_session(session)
    if problems:
        raise UserError("; ".join(problems))
    with open_store(for_write=True) as store:
        new_id = store.add_session(session)
    what = [session.date.isoformat(), session.kind]
    if session.distance_km:
        what.append(format_distance(session.distance_km, settings.units))
    if session.duration_min is not None:
        what.append(f"{session.duration_min:g} min")
    print(f"logged #{new_id}: {' '.join(what)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import paths; progress on stderr when it is a terminal, a summary on stdout."""
    from prehab.collector import release
    from prehab.imports import import_paths, summary
    from prehab.safe.text import clean_text, one_line

    release()  # an import of any size: collect garbage as usual (prehab.collector)

    show = sys.stderr.isatty()

    def progress(done: int, total: int, name: str) -> None:
        if not show or total < 2:
            return
        width = 30
        filled = width * done // total
        name = one_line(name)  # a zip member's name is the zip author's text
        label = name if len(name) <= 40 else "…" + name[-39:]
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label:<40}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    paths = _import_paths(args.paths)
    with open_store(for_write=True) as store:
        report = import_paths(store, paths, progress)
    for line in summary(report):
        print(clean_text(line))
    return USAGE_ERROR if report.refused else 1 if report.failures else 0


def _import_paths(given: list[str]) -> list[str]:
    """The paths to import. An empty one is an error (``Path("")`` is the current folder, and
    importing that is never what was meant); a FIFO, device or socket is skipped with a
    warning (reading one could block for ever), and if nothing is left that is an error."""
    import os
    import stat

    from prehab.safe.files import kind_of

    if any(not p.strip() for p in given):
        raise UserError("an empty path was given; name the file or folder to import (e.g. export.zip)")
    kept = []
    for path in given:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            kept.append(path)  # missing or unreadable: the import reports it with the others
            continue
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            kept.append(path)
        else:
            print(f"prehab: warning: {path}: is {kind_of(mode)}, not a file; skipped", file=sys.stderr)
    if not kept:
        raise UserError("nothing to import: give Strava exports, activity files or folders")
    return kept


def session_row(s: Session, units: str) -> dict[str, Any]:
    """A session as plain JSON-able data (distance in km, plus in the runner's units)."""
    from prehab.facts.units import to_display

    row: dict[str, Any] = s.record()
    row["date"] = s.date.isoformat()
    row["distance"] = round(to_display(s.distance_km, units), 2)
    row["units"] = units
    return row


def cmd_history(args: argparse.Namespace) -> int:
    """List sessions (newest first) and, with --metrics, the load metrics for today."""
    import json

    from prehab.safe.text import json_text
    from prehab.store.records import KINDS

    settings = _settings()
    for mode in ("done", "checkins", "advice", "deleted", "trends", "episodes"):
        if getattr(args, mode, False):
            from prehab.commands.records import show

            return show(mode, args, settings)
    if args.kind and args.kind not in KINDS:
        raise UserError(f"kind {args.kind!r} is unknown; use one of {', '.join(KINDS)}")
    since = parse_day(args.since) if args.since else None
    until = parse_day(args.until) if args.until else None
    with open_store() as store:
        sessions = store.sessions(since=since, until=until, kind=args.kind)
        metrics = _metrics(store) if args.metrics else None
        kinds_from = _kinds_from(store, sessions)
        warn_unreadable(store)
    if args.json:
        out: Any = [_with_kind_from(session_row(s, settings.units), kinds_from) for s in sessions]
        if metrics is not None:
            out = {"sessions": out, "load": metrics}
        print(json_text(json.dumps(out, indent=2, ensure_ascii=False)))
        return 0
    if not sessions:
        print("no sessions yet; add one with `prehab log` or `prehab import PATH`")
    else:
        print(_table(sessions, settings.units, kinds_from))
    if metrics is not None:
        _print_metrics(metrics)
    return 0


def _with_kind_from(row: dict[str, Any], kinds_from: dict[str, str]) -> dict[str, Any]:
    """``row`` plus "kind_from" when the importer kept how it decided the kind."""
    how = kinds_from.get(row.get("external_id") or "")
    return row if how is None else {**row, "kind_from": how}


def _kinds_from(store: Store, sessions: list[Session]) -> dict[str, str]:
    """How the importer decided each imported session's kind, by external id ("type Run",
    "type Run, title 'tempo'", "no type, 19.0 km/h: too fast for a run")."""
    from prehab.imports.ledger import kinds_decided

    return kinds_decided(store, (s.external_id for s in sessions))


def _metrics(store: Store) -> dict[str, Any]:
    from prehab.facts.metrics import load_metrics

    today = date.today()
    return load_metrics(store.sessions(until=today), today)


def _print_metrics(metrics: dict[str, Any]) -> None:
    from prehab.facts.metrics import ACWR_CAVEAT

    print("\nload (today):")
    for key, value in metrics.items():
        print(f"  {key:<24} {value}")
    if "acwr" in metrics:
        print(f"\n  acwr: {ACWR_CAVEAT}")


def _table(sessions: list[Session], units: str, kinds_from: dict[str, str] | None = None) -> str:
    """Sessions as aligned columns; every cell on one line and free of control characters
    (an imported name may carry escape sequences that would retitle or clear the terminal).
    "kind from" says how an import decided the kind (its type, a title word, its speed)."""
    from prehab.facts.units import to_display
    from prehab.safe.text import one_line

    kinds_from = kinds_from or {}
    head = ("id", "date", "kind", units, "min", "rpe", "surface", "notes", "kind from")
    rows = [head]
    for s in sessions:
        rows.append(
            (
                str(s.id),
                s.date.isoformat(),
                one_line(s.kind) + (" +x" if s.cross_plane else ""),
                f"{to_display(s.distance_km, units):.1f}" if s.distance_km else "-",
                f"{s.duration_min:.0f}" if s.duration_min is not None else "-",
                str(s.rpe) if s.rpe is not None else "-",
                one_line(s.surface or "-"),
                one_line(s.notes)[:30],
                one_line(kinds_from.get(s.external_id or "", "-" if s.source != "manual" else "logged")),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows)


def cmd_export(args: argparse.Namespace) -> int:
    """Write everything stored as TOML (sessions, check-ins, done work) or CSV (sessions)."""
    from prehab.store.export import export_csv, export_toml

    if args.output:
        from pathlib import Path

        from prehab.safe.files import write_target

        write_target(Path(args.output))  # a device, FIFO or folder: refused before anything is read
    with open_store() as store:
        data = export_toml(store) if args.format == "toml" else export_csv(store)
        lost = store.lost_rows
        kept = len(store.unreadable)
    if args.output:
        from pathlib import Path

        from prehab.safe.files import atomic_write

        target = Path(args.output)
        if not target.parent.is_dir():
            raise UserError(f"no folder {target.parent}; create it first or choose another --output")
        atomic_write(target, data.encode("utf-8"), make_parents=False)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(data)
    if kept:
        where = "kept as written under [[unreadable]]" if args.format == "toml" else "left out of the CSV"
        print(
            f"prehab: warning: {kept} stored row(s) hold a value that does not parse: {where}",
            file=sys.stderr,
        )
    if lost:
        print(f"prehab: warning: {lost} row(s) of the damaged history could not be read", file=sys.stderr)
        return 1
    return 0
