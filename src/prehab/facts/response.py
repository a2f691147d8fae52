"""When the check-in asks how the last session went, and about which regions.

After a day with done prehab work or a hard run (intervals, tempo, hills, long, race, or RPE 7
and up), the next check-in asks briefly: how hard the prehab session was (RPE: an ``effort``
fact) and, for each region that work loaded or that the runner complained of (tightness,
soreness or pain in a recent check-in), pain during and the next morning compared with before
(``response`` facts). The questions are data (screens/response.toml, one pair per region);
:func:`response_screen` keeps the ones that apply today.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from prehab.facts.history import checkin_age_days
from prehab.facts.metrics import HARD_RPE
from prehab.questionnaire import Screen
from prehab.record import Record, replace
from prehab.store.db import Store
from prehab.store.episodes import open_on
from prehab.store.records import HARD_KINDS, Session
from prehab.store.responses import responses
from prehab.store.rows import local_day

RESPONSE_SCREEN = "response"
"""The id of the response questionnaire (screens/response.toml)."""

HARD_RUN_KINDS = frozenset(HARD_KINDS | {"long"})
LOOKBACK_DAYS = 2
"""A session up to this many days before today is still "the last one" to ask about."""
COMPLAINT_DAYS = 7
"""Complaints from a check-in up to this old count as regions to ask about."""
COMPLAINTS = ("tightness", "soreness", "pain")


class ResponseAsk(Record, frozen=True):
    """What today's check-in should ask about the last session."""

    day: date
    """The day of the work asked about."""
    prehab: bool
    """Prehab work was done that day (ask its RPE)."""
    hard_run: bool
    regions: tuple[str, ...]
    """Regions the work loaded or the runner complained of, in catalogue order of first mention."""


def is_hard(s: Session) -> bool:
    return s.is_run and (s.kind in HARD_RUN_KINDS or (s.rpe is not None and s.rpe >= HARD_RPE))


def response_due(
    store: Store,
    today: date,
    loads: Mapping[str, tuple[str, ...]] | None = None,
    *,
    answered_today_counts: bool = False,
) -> ResponseAsk | None:
    """What to ask today, or None: the latest day in the last ``LOOKBACK_DAYS`` before today
    with done prehab work or a hard run, unless a check-in taken after that day (and before
    today) already answered the response questions. ``loads`` gives the catalogue's regions
    for done items stored without them. The check-in form keeps today's own answers to change
    them; Today's prompt (``answered_today_counts``) stops asking once they are given."""
    first = today - timedelta(days=LOOKBACK_DAYS)
    done = store.done_items(first, today - timedelta(days=1), with_rpe=False)
    hard = [s for s in store.sessions(since=first, until=today - timedelta(days=1)) if is_hard(s)]
    days = {d.day for d in done} | {s.date for s in hard}
    if not days:
        return None
    day = max(days)
    given = [r.answered_at for r in responses(store, day, day) if r.answered_at is not None]
    if given:
        answered_on = local_day(max(given))
        if answered_on < today or answered_today_counts:
            return None  # answered already (today's own answers stay on the form to change)
    regions: list[str] = []
    for item in done:
        if item.day == day:
            for region in item.loads or (loads or {}).get(item.exercise, ()):
                if region not in regions:
                    regions.append(region)
    for region in complained(store, today):
        if region not in regions:
            regions.append(region)
    prehab = any(d.day == day for d in done)
    hard_run = any(s.date == day for s in hard)
    if not prehab and not regions:
        return None  # a hard run and nothing to ask about: its RPE is in the log already
    return ResponseAsk(day, prehab, hard_run, tuple(regions))


def complained(store: Store, today: date) -> list[str]:
    """Regions of open pain episodes, and of tightness or soreness in the latest check-in of
    the last week."""
    out = [e.subject for e in open_on(store, today) if e.kind == "pain"]
    latest = store.latest_checkin()
    if latest is None or checkin_age_days(latest, today) > COMPLAINT_DAYS:
        return out
    for fact in latest.facts:
        if not isinstance(fact, dict) or fact.get("fact") not in COMPLAINTS:
            continue
        level, region = fact.get("level"), fact.get("region")
        reported = not isinstance(level, int | float) or level > 0
        if isinstance(region, str) and reported and region not in out:
            out.append(region)
    return out


def response_screen(screen: Screen, ask: ResponseAsk | None) -> Screen | None:
    """The response questionnaire cut to what ``ask`` asks about (None: nothing to ask)."""
    if ask is None:
        return None
    kept = []
    for q in screen.questions:
        target = q.target
        if target is None:
            continue
        if target.fact == "effort":
            wanted = ask.prehab
        elif target.fact == "response":
            wanted = dict(target.keys).get("region") in ask.regions
        else:
            wanted = True  # a question a user added: always asked
        if wanted:
            kept.append(q)
    if not kept:
        return None
    what = "prehab work" if ask.prehab else "a hard run"
    if ask.prehab and ask.hard_run:
        what = "prehab work and a hard run"
    intro = f"{ask.day.strftime('%a %d %b')}: {what}. {screen.intro}".strip()
    return replace(screen, questions=tuple(kept), intro=intro)
