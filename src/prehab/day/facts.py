"""Every fact for one day, from everything prehab remembers about the runner.

- **who**: the profile (``athlete`` fields, the ``health`` screen), over the settings;
- **what is open**: every episode open that day (pain, warning and screening signs, named
  conditions), whatever the age of the check-in that opened it;
- **how recent work answered**: each region's latest response and the last session's RPE,
  stored against the work they answer, so a later check-in never erases them;
- **the history**: load metrics from sessions up to the day, done work *before* the day
  (today's own done marks are the plan being carried out, not an input: a tick never re-plans
  the day), where the runner stands on each ladder and in the strength block, and what was
  really done of each exercise (``lift``: the load that climbs within it);
- **the latest check-in** (up to 2 days old) for what is a snapshot: tightness, soreness, this
  week's answers.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from prehab.day.profile import profile_facts
from prehab.facts.history import build_facts, metric_sessions, strength_streak
from prehab.facts.metrics import work_from_days
from prehab.model import Fact
from prehab.record import replace
from prehab.store.done import done_days
from prehab.store.episodes import open_on
from prehab.store.profile import load_profile
from prehab.store.records import EPISODE_KEYS, Checkin, DoneItem, Response
from prehab.store.responses import latest, responses, rpe_by_day
from prehab.store.rows import local_day

if TYPE_CHECKING:
    from prehab.rulebook.model import Rulebook
    from prehab.settings import Settings
    from prehab.store.db import Store

DONE_HISTORY_DAYS = 182
"""How far back done work is read: enough to place today in a strength block of 4 weeks."""
RESPONSE_WINDOW_DAYS = 28
"""Responses about work up to this many days back count (a ladder's step fades as fast)."""
EFFORT_WINDOW_DAYS = 14
"""The last session's RPE is an ``effort`` fact while the work it answers is this recent."""
FROM_ELSEWHERE = frozenset({*EPISODE_KEYS, "response", "effort"})
"""Check-in fact kinds that reach the day another way (episodes, responses), never as a
snapshot of the latest check-in."""
CHECKINS_LOOKED_AT = 50


def facts_for_day(book: Rulebook | None, store: Store, settings: Settings, day: date) -> list[Fact]:
    """Every fact for ``day`` (see the module docstring), each kind of single fact once; the
    ladders need the catalogue (``book``; without one, no ``progress`` facts)."""
    from prehab.plan.progression import progress_facts, strength_block
    from prehab.workout.loading import climbing, lift_facts

    before = day - timedelta(days=1)
    work = work_from_days(done_days(store, before))
    checkin = snapshot_checkin(store, day)
    facts = build_facts(
        metric_sessions(store, day),
        settings,
        day,
        checkin,
        strength_streak=strength_streak(store, day, work),
        done=work,
    )
    _apply_profile(facts, profile_facts(load_profile(store), day), checkin)
    facts += [dict(e.fact) for e in open_on(store, day)]
    answered = responses(store, day - timedelta(days=RESPONSE_WINDOW_DAYS), before)
    facts += response_facts(answered, day)
    rpe = rpe_by_day(answered)
    since = day - timedelta(days=DONE_HISTORY_DAYS)
    done = [_with_rpe(d, rpe.get(d.day)) for d in store.done_items(since, before, with_rpe=False)]
    if book is not None:
        answers = [f for f in facts if f.get("fact") == "response"]
        steps = {
            "dumbbell": settings.load_step_dumbbell,
            "barbell": settings.load_step_barbell,
            "kettlebell": settings.load_step_kettlebell,
        }
        lifts = lift_facts(done, answers, book.exercises, day, settings.weight_units, steps)
        by_exercise = {str(f["exercise"]): f for f in lifts}
        for fact in progress_facts(done, answers, book.exercises, day):
            fact["climbing"] = climbing(by_exercise.get(str(fact["exercise"])))
            facts.append(fact)
        facts += lifts
    block = strength_block(done, day)
    if block is not None:
        schedule = next((f for f in facts if f.get("fact") == "schedule"), None)
        if schedule is None:
            schedule = {"fact": "schedule"}
            facts.append(schedule)
        schedule["block"], schedule["block_week"] = block
    return facts


def snapshot_checkin(store: Store, day: date) -> Checkin | None:
    """The latest check-in taken on or before ``day``, without the kinds that reach the day as
    episodes or responses (``FROM_ELSEWHERE``)."""
    for checkin in store.checkins(limit=CHECKINS_LOOKED_AT):
        if local_day(checkin.taken_at) <= day:
            kept = [f for f in checkin.facts if isinstance(f, dict) and f.get("fact") not in FROM_ELSEWHERE]
            return Checkin(checkin.id, checkin.taken_at, checkin.answers, kept)
    return None


def response_facts(answered: list[Response], day: date) -> list[Fact]:
    """Each region's latest response, and the last session's RPE as ``effort`` (recent work)."""
    out: list[Fact] = []
    for region, r in sorted(latest(answered).items()):
        fact: Fact = {"fact": "response", "region": region}
        if r.pain_during:
            fact["pain_during"] = r.pain_during
        if r.next_morning:
            fact["next_morning"] = r.next_morning
        out.append(fact)
    efforts = sorted(rpe_by_day(answered).items())
    if efforts:
        work_day, rpe = efforts[-1]
        ago = (day - work_day).days
        if 0 <= ago <= EFFORT_WINDOW_DAYS:
            out.append({"fact": "effort", "rpe": rpe, "days_ago": ago})
    return out


def _apply_profile(facts: list[Fact], profile: list[Fact], checkin: Checkin | None) -> None:
    """The profile's ``athlete`` answers over the settings' (a check-in's own athlete answers
    still win: they were given later, about this week), its other facts added."""
    athlete = next(f for f in facts if f.get("fact") == "athlete")
    answered_now = {
        k for f in (checkin.facts if checkin else []) if f.get("fact") == "athlete" for k in f if k != "fact"
    }
    for fact in profile:
        if fact.get("fact") == "athlete":
            athlete.update({k: v for k, v in fact.items() if k != "fact" and k not in answered_now})
        else:
            facts.append(dict(fact))


def _with_rpe(item: DoneItem, rpe: int | None) -> DoneItem:
    return replace(item, rpe=rpe)
