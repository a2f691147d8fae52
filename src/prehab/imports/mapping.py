"""What kind of session an activity is, from every signal its file has, in this order:

1. the format's own type name (``kinds``: one table for FIT, TCX, GPX and Strava); a run's
   title then refines it ("Hill reps" is hills);
2. without a type, the title's words: a bike word is a ride, a swim, walk or hike word is
   cross-training, a vehicle word ("around town with car") is not a session;
3. then the speed profile (``Profile``): moving speed, and the speed held over the fastest
   tenth of the moving time. A run has a ceiling (``max_run_kmh``, and no runner holds
   ``MAX_SUSTAINED_RUN_KMH`` for minutes) and a floor (``MIN_RUN_KMH``: a 2 km/h open-water
   swim is no run); past ``MAX_HUMAN_KMH`` it is a drive.
4. An untyped activity that is long and slow (``LONG_SLOW_KM`` at under ``LONG_SLOW_KMH``)
   is not confidently a run: a rider's untyped 30 km at 8 km/h (stops and all) looked like a
   long run. It is stored as cross-training unless its title has a run word, and ``prehab
   history`` says why, so a runner can give the file a type.

Unknown types become cross-training rather than failing: they still count as "did
something" without pretending to be runs.
"""

from __future__ import annotations

import re

from prehab.imports.errors import LegSkipped
from prehab.imports.kinds import TRANSITION, VEHICLE, kind_of, normalise
from prehab.record import Record

_RUN_WORDS: tuple[tuple[str, str], ...] = (
    (r"park ?run", "race"),
    (r"rac(?:e|es|ing)(?![ -]?pace)", "race"),
    (r"(?:half[ -]?)?marathon(?![ -]?(?:pace|training|prep|build|plan|block|effort|sim))", "race"),
    (r"hill(?:s|y)?", "hills"),
    (r"intervals?|reps|repeats|fartlek", "intervals"),
    (r"tempo|threshold|(?:marathon|race|mp|hm) ?pace", "tempo"),
    (r"strides", "strides"),
    (r"long", "long"),
)
"""Words in a run's name that say what kind of run it was (first match wins). Whole words only:
"it gets chilly" is no hill session, and "Marathon pace workout" is a tempo, not a race."""

_RUN_PATTERNS = tuple((re.compile(rf"\b(?:{words})\b"), kind) for words, kind in _RUN_WORDS)
_TREADMILL = re.compile(r"\btreadmill\b")
_BIKE = re.compile(
    r"\b(?:ride|rides|riding|bike|biking|bikes|bicycle|cycle|cycling|cyclocross|mtb|velo|zwift|peloton)\b"
)
_RUNNING = re.compile(r"\b(?:run|runs|running|jog|jogging|parkrun|marathon|ultra)\b")
_VEHICLE = re.compile(
    r"\b(?:car|cars|drive|driving|drove|bus|train|tram|taxi|motorbike|motorcycle|moped|ferry|boat|"
    r"flight|plane)\b"
)
_SWIM = re.compile(r"\b(?:swim|swims|swimming|open water|pool)\b")
_WALK = re.compile(r"\b(?:walk|walks|walking|hike|hikes|hiking|ramble|trek)\b")


MAX_RUN_KMH_5K = 20.0
"""Average speed over 5 km above which an untyped activity is not taken as a run: a 15:00 5 km,
beyond nearly every club runner. Longer distances scale down with Riegel's exponent (1.06):
19.2 km/h over 10 km, 18.5 over 19 km (a 70-minute half marathon), 17.6 over a marathon. A car
in town (19 km/h over 19 km) or a ride is past it; so is an elite runner's file without a type,
which is then stored as a ride and ``prehab history`` says why."""

MAX_HUMAN_KMH = 60.0
"""Average speed no session reaches (the hour record on a bike is 56 km/h): a drive."""

MIN_SPEED_KM = 0.4
"""Below this distance the speed of a track says little (GPS noise, a few strides)."""

MIN_RUN_KMH = 6.0
"""Moving speed below which an untyped activity is not taken as a run: 10:00 per km is a brisk
walk; a beginner's run-walk moves at 7-8 km/h. A swim (2-4 km/h), a walk or a hike is below."""

MAX_SUSTAINED_RUN_KMH = 25.0
"""Speed held over the fastest tenth of the moving time above which it is no run: 2:24 per km
for minutes on end is beyond a world record. A ride or a vehicle in traffic (whose average
alone can look like a run's) is above."""

MAX_SUSTAINED_HUMAN_KMH = 70.0
"""The same held speed above which it is a drive: a descending rider touches it, but not for a
tenth of the ride."""

LONG_SLOW_KM = 25.0
LONG_SLOW_KMH = 10.0
"""An untyped activity at least ``LONG_SLOW_KM`` long whose moving speed is under
``LONG_SLOW_KMH`` is not confidently a run (see the module's docstring, rule 4): a run that
long and slow is rare and usually titled; a ride with stops, a hike or a walk is common."""


class Profile(Record, frozen=True):
    """The speed profile of a recorded track (GPX points): what the average alone hides."""

    moving_seconds: float
    """Time spent moving (the gaps of a paused watch and standing still left out)."""
    held_kmh: float
    """The speed held over the fastest tenth of the moving time, in minute-long stretches."""


class Kind(Record, frozen=True):
    """What kind of session an activity is, its surface, and how that was decided (shown by
    ``prehab history``): "type Run", "type Run, title 'tempo'", "no type, 19.0 km/h: too fast
    for a run", "no type, title 'bike'", "no type: run at 10.2 km/h"."""

    kind: str
    surface: str | None
    how: str


__all__ = ["Kind", "Profile", "classify", "decide", "max_run_kmh", "normalise"]


def max_run_kmh(km: float) -> float:
    """The fastest average speed taken as a run over ``km`` (see ``MAX_RUN_KMH_5K``)."""
    return MAX_RUN_KMH_5K * float((5.0 / max(km, 1.0)) ** 0.06)


def classify(activity: str, name: str = "", sub: str = "") -> tuple[str, str | None]:
    """(kind, surface) for an activity type, refined by its sub-type and its title."""
    found = decide(activity, name, sub)
    return found.kind, found.surface


def decide(
    activity: str,
    name: str = "",
    sub: str = "",
    km: float | None = None,
    seconds: float | None = None,
    profile: Profile | None = None,
) -> Kind:
    """The kind and surface of an activity, and how they were decided (see the module's
    docstring for the order). ``km`` and ``seconds`` are its distance and duration, when
    known; ``profile`` its speed profile, when it has a track. Raises LegSkipped for what is
    not a session: a vehicle, a multisport transition."""
    title = name.lower()
    if not normalise(activity) and not normalise(sub):
        return _untyped(title, km, seconds, profile)
    kind, surface, known = kind_of(activity, sub)
    how = f"type {activity.strip()}"
    if normalise(sub) not in ("generic", ""):
        how += f"/{sub.strip()}"
    if not known:
        how += " (not a type prehab knows: cross-training)"
    if kind == TRANSITION:
        raise LegSkipped(f"a multisport transition ({how}), not a session")
    if kind == VEHICLE:
        raise LegSkipped(f"a journey by vehicle ({how}), not a session; nothing of this file was imported")
    if kind == "easy":
        return _refine(Kind(kind, surface, how), title)
    return Kind(kind, surface, how)


def _refine(found: Kind, title: str) -> Kind:
    """A run refined by the words of its title (whole words; the first that matches)."""
    kind, surface, how = found.kind, found.surface, found.how
    if _TREADMILL.search(title) and surface != "treadmill":
        surface = "treadmill"
        how += ", title 'treadmill'"
    for pattern, run_kind in _RUN_PATTERNS:
        hit = pattern.search(title)
        if hit:
            return Kind(run_kind, surface, f"{how}, title {hit.group(0)!r}")
    return Kind(kind, surface, how)


def _untyped(title: str, km: float | None, seconds: float | None, profile: Profile | None) -> Kind:
    moving = profile.moving_seconds if profile is not None and profile.moving_seconds > 0 else seconds
    speed = km / (moving / 3600) if km is not None and km >= MIN_SPEED_KM and moving else None
    held = profile.held_kmh if profile is not None and speed is not None else None
    pace = f"{speed:.1f} km/h over {km:.1f} km" if speed is not None and km is not None else ""
    ran = _RUNNING.search(title)
    vehicle = _VEHICLE.search(title)
    if vehicle and not ran:
        raise LegSkipped(
            f"it has no activity type and its title says {vehicle.group(0)!r}: a journey by vehicle, "
            "not a session; nothing of this file was imported (give the file a <type> if it was one)"
        )
    if (speed is not None and speed > MAX_HUMAN_KMH) or (held is not None and held > MAX_SUSTAINED_HUMAN_KMH):
        fast_average = speed is not None and speed > MAX_HUMAN_KMH
        held_text = f", {held:.0f} km/h held for minutes" if held is not None and not fast_average else ""
        raise LegSkipped(
            f"it has no activity type and averages {pace}{held_text}: a drive, not a session; nothing of "
            "this file was imported (give the file a <type> if it was a session)"
        )
    if not ran:
        for pattern, kind in ((_BIKE, "cycling"), (_SWIM, "cross-training"), (_WALK, "cross-training")):
            hit = pattern.search(title)
            if hit:
                return Kind(kind, None, f"no type, title {hit.group(0)!r}")
    if speed is not None and km is not None and speed > max_run_kmh(km):
        return Kind("cycling", None, f"no type, {speed:.1f} km/h: too fast for a run")
    if held is not None and held > MAX_SUSTAINED_RUN_KMH:
        return Kind("cycling", None, f"no type, {held:.1f} km/h held for minutes: no runner's speed")
    if speed is not None and km is not None and not ran:
        if speed < MIN_RUN_KMH:
            return Kind("cross-training", None, f"no type, {speed:.1f} km/h: too slow for a run")
        if km >= LONG_SLOW_KM and speed < LONG_SLOW_KMH:
            return Kind("cross-training", None, f"no type, {pace}: too long and slow to be sure it was a run")
    how = "no type: run" + (f" at {speed:.1f} km/h" if speed is not None else "")
    return _refine(Kind("easy", None, how), title)
