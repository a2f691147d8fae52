"""``prehab history --done | --checkins | --advice | --deleted | --trends | --episodes``: the
other records.

Each prints an aligned table (cells on one line, without control characters) or, with
``--json``, the same rows as JSON. ``--since`` and ``--until`` narrow every list by day.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from prehab.commands.base import open_store, parse_day, warn_unreadable

if TYPE_CHECKING:
    from prehab.settings import Settings
    from prehab.store.db import Store
    from prehab.store.records import Episode


def show(mode: str, args: argparse.Namespace, settings: Settings) -> int:
    from prehab.safe.text import json_text

    since = parse_day(args.since) if args.since else None
    until = parse_day(args.until) if args.until else None
    with open_store() as store:
        rows, text = {
            "done": _done,
            "checkins": _checkins,
            "advice": _advice,
            "deleted": _deleted,
            "trends": _trends,
            "episodes": _episodes,
        }[mode](store, since, until, settings)
        warn_unreadable(store)
    if args.json:
        import json

        print(json_text(json.dumps(rows, indent=2, ensure_ascii=False, default=str)))
    else:
        print(text)
    return 0


def table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    from prehab.safe.text import one_line

    cells = [head, *[tuple(one_line(c) for c in r) for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in cells)


def _within(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def _done(store: Store, since: date | None, until: date | None, settings: Settings) -> tuple[Any, str]:
    from prehab.facts.dates import EARLIEST
    from prehab.present.render import dose_text
    from prehab.workout.actual import Actual

    items = store.done_items(since or EARLIEST, until)
    unit = settings.weight_units
    actual = {d.id: Actual.from_json(d.actual) for d in items}
    rows = [
        {
            "id": d.id, "day": d.day.isoformat(), "exercise": d.exercise, "kind": d.kind, "dose": d.dose,
            "rpe": d.rpe, "plane": d.plane, "loads": list(d.loads), "minutes": d.minutes,
            "rule_ids": list(d.rule_ids), "actual": _actual_json(actual[d.id], unit),
        }
        for d in items
    ]  # fmt: skip
    if not items:
        return rows, "nothing marked done yet; mark items on Today (space) or with `prehab done`"
    lines = [
        (str(d.id), d.day.isoformat(), d.exercise, d.kind or "-", dose_text(d.dose) if d.dose else "-",
         "-" if actual[d.id].empty else actual[d.id].summary(unit), str(d.rpe) if d.rpe is not None else "-")
        for d in items
    ]  # fmt: skip
    return rows, table(("id", "day", "exercise", "kind", "dose", "done", "rpe"), lines)


def _actual_json(actual: Any, unit: str) -> dict[str, Any] | None:
    """What was really done, per set, with loads in kg and as shown in the runner's unit."""
    from prehab.workout.weights import shown

    if actual.empty:
        return None
    out: dict[str, Any] = actual.to_json()
    for one in out.get("sets", []):
        if "load_kg" in one:
            one["load"] = shown(one["load_kg"], unit)
    return out


def _checkins(store: Store, since: date | None, until: date | None, settings: Settings) -> tuple[Any, str]:
    from prehab.store.db import local_day

    found = [c for c in store.checkins(limit=1_000_000) if _within(local_day(c.taken_at), since, until)]
    rows = [
        {"id": c.id, "taken_at": c.taken_at.isoformat(), "answers": c.answers, "facts": c.facts}
        for c in found
    ]
    if not found:
        return rows, "no check-ins yet; answer one in the app (3)"
    lines = [
        (str(c.id), c.taken_at.astimezone().strftime("%Y-%m-%d %H:%M"), ", ".join(sorted(c.answers)) or "-",
         str(len(c.facts)))
        for c in found
    ]  # fmt: skip
    text = table(("id", "taken", "screens", "facts"), lines)
    return rows, text + "\n(prehab delete checkin ID removes one; prehab restore checkin ID brings it back)"


def _episodes(store: Store, since: date | None, until: date | None, settings: Settings) -> tuple[Any, str]:
    from prehab.day.followup import describe
    from prehab.store.episodes import episodes, updates

    found = [
        e for e in episodes(store)
        if (until is None or e.opened_on <= until) and (since is None or (e.closed_on or date.max) >= since)
    ]  # fmt: skip
    rows = [
        {
            "id": e.id, "kind": e.kind, "subject": e.subject, "fact": e.fact,
            "opened": e.opened_on.isoformat(), "updated": e.updated_on.isoformat(), "trend": e.trend,
            "closed": e.closed_on.isoformat() if e.closed_on else None, "closed_because": e.close_reason,
            "story": [{"day": u.day.isoformat(), "what": u.what} for u in updates(store, e.id)],
        }
        for e in found
    ]  # fmt: skip
    if not found:
        return rows, "no episodes: pains, warning signs and conditions you report are kept here until closed"
    lines = [
        (str(e.id), describe(e), e.opened_on.isoformat(), e.updated_on.isoformat(), _state(e))
        for e in found
    ]  # fmt: skip
    text = table(("id", "episode", "opened", "last update", "closed"), lines)
    hint = "(an open one is held every day; answer its follow-up: prehab checkin --screen follow-up)"
    return rows, f"{text}\n{hint}"


def _state(e: Episode) -> str:
    if e.closed_on is not None:
        return f"{e.closed_on.isoformat()} ({e.close_reason})"
    return "open" + (f", {e.trend}" if e.trend else "")


def _advice(store: Store, since: date | None, until: date | None, settings: Settings) -> tuple[Any, str]:
    plans = store.advice_log(since=since, until=until)
    done_by_day: dict[date, set[str]] = {}
    if plans:
        for d in store.done_items(min(p.day for p in plans), max(p.day for p in plans), with_rpe=False):
            done_by_day.setdefault(d.day, set()).add(d.exercise)
    rows = []
    lines = []
    for p in plans:
        done = done_by_day.get(p.day, set()) & set(p.exercises)
        rows.append(
            {
                "day": p.day.isoformat(), "computed_at": p.computed_at.isoformat(),
                "fingerprint": p.fingerprint, "items": p.items, "rule_ids": p.rule_ids, "held": p.held,
                "done": sorted(done),
            }
        )  # fmt: skip
        names = ", ".join(str(i.get("exercise")) for i in p.items) or "nothing extra"
        lines.append(
            (p.day.isoformat(), f"{len(done)}/{len(p.items)}", f"{p.minutes:g}", p.fingerprint[:8], names)
        )
    if not plans:
        return rows, "no plans stored yet: the app and `prehab recommend` keep each day's plan"
    return rows, table(("day", "done", "min", "rules", "items"), lines)


def _deleted(store: Store, since: date | None, until: date | None, settings: Settings) -> tuple[Any, str]:
    found = [d for d in store.deleted(limit=1_000_000) if _within(d.day, since, until)]
    rows = [
        {
            "kind": d.kind, "id": d.id, "day": d.day.isoformat(), "what": d.what,
            "deleted_at": d.deleted_at.isoformat(),
        }
        for d in found
    ]  # fmt: skip
    if not found:
        return rows, "nothing deleted"
    lines = [
        (d.kind, str(d.id), d.day.isoformat(), d.what, d.deleted_at.astimezone().strftime("%Y-%m-%d %H:%M"),
         f"prehab restore {d.kind} {d.id}")
        for d in found
    ]  # fmt: skip
    return rows, table(("kind", "id", "day", "what", "deleted", "undo with"), lines)


def _trends(store: Store, since: date | None, until: date | None, settings: Settings) -> tuple[Any, str]:
    from prehab.facts.trends import WEEKS, trends
    from prehab.facts.units import to_display

    today = until or date.today()
    weeks = WEEKS if since is None else max(1, min(520, (today - since).days // 7 + 1))
    series = trends(store, today, weeks)
    out = series.as_json()
    out["units"] = settings.units
    from prehab.workout.trends import lift_series

    done = store.done_items(series.weeks[0], today, with_rpe=False)
    lifts = lift_series(done, settings.weight_units)
    out["weight_units"] = settings.weight_units
    out["lifts"] = {ex: [p.as_json() for p in points] for ex, points in lifts.items()}
    out["distance"] = [round(to_display(km, settings.units), 2) for km in series.distance_km]
    regions = list(series.regions)
    head = ("week", settings.units, "done", *(r.replace("_", " ") for r in regions))

    def level(values: list[int | None], i: int) -> str:
        return "-" if values[i] is None else str(values[i])

    lines = []
    for i, start in enumerate(series.weeks):
        adherence = series.adherence_pct[i]
        cells = [
            start.isoformat(),
            f"{to_display(series.distance_km[i], settings.units):.1f}",
            "-" if adherence is None else f"{adherence:.0f}%",
        ]
        for r in regions:
            s = series.regions[r]
            cells.append(f"t{level(s.tightness, i)} p{level(s.pain, i)}")
        lines.append(tuple(cells))
    note = (
        "\nweek: starting Monday; done: share of prescribed items done (days with a stored plan);"
        "\nper region: t = tightness, p = pain, the week's highest 0-10 (- no check-in that week)"
    )
    end = series.weeks[-1] + timedelta(days=6)
    text = f"weeks to {min(end, today).isoformat()}\n" + table(head, lines) + note
    if lifts:
        rows = []
        for exercise, points in lifts.items():
            first, last = points[0], points[-1]

            def said(p: Any) -> str:
                unit = settings.weight_units
                return f"{p.reps} @ {p.load:g} {unit}" if p.load is not None else f"{p.reps}"

            rows.append((exercise, str(len(points)), said(first), said(last), f"{last.volume:g}"))
        text += "\n\nrecorded work (guided session, prehab done --reps --load):\n"
        text += table(("exercise", "sessions", "first", "last", "last volume"), rows)
    return out, text
