"""What kind of session an activity is, from the names Strava, GPX, TCX and FIT use.

One table for every format so a Strava "Virtual Run" and a FIT running/treadmill session land
as the same kind and surface. Unknown activities become cross-training rather than failing:
they still count as "did something" without pretending to be runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prehab.imports.errors import ImportFailed

# normalised activity name -> (kind, surface)
_TYPES: dict[str, tuple[str, str | None]] = {
    "run": ("easy", None),
    "running": ("easy", None),
    "9": ("easy", None),  # old Strava GPX <type> code for a run
    "street": ("easy", "road"),
    "road": ("easy", "road"),
    "trailrun": ("easy", "trail"),
    "trail": ("easy", "trail"),
    "track": ("easy", "track"),
    "virtualrun": ("easy", "treadmill"),
    "treadmill": ("easy", "treadmill"),
    "indoorrunning": ("easy", "treadmill"),
    "ride": ("cycling", None),
    "1": ("cycling", None),  # old Strava GPX <type> code for a ride
    "biking": ("cycling", None),
    "cycling": ("cycling", None),
    "virtualride": ("cycling", None),
    "ebikeride": ("cycling", None),
    "ebiking": ("cycling", None),
    "mountainbikeride": ("cycling", None),
    "gravelride": ("cycling", None),
    "indoorcycling": ("cycling", None),
    "handcycle": ("cycling", None),
    "velomobile": ("cycling", None),
    "weighttraining": ("strength", None),
    "strengthtraining": ("strength", None),
    "crossfit": ("strength", None),
    "yoga": ("mobility", None),
    "pilates": ("mobility", None),
    "flexibilitytraining": ("mobility", None),
    "stretching": ("mobility", None),
}

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
_RUNNING = re.compile(r"\b(?:run|runs|running|jog|jogging|parkrun)\b")


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


@dataclass(frozen=True)
class Kind:
    """What kind of session an activity is, its surface, and how that was decided (shown by
    ``prehab history``): "type Run", "type Run, title 'tempo'", "no type, 19.0 km/h: too fast
    for a run", "no type, title 'bike'", "no type: run at 10.2 km/h"."""

    kind: str
    surface: str | None
    how: str


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def max_run_kmh(km: float) -> float:
    """The fastest average speed taken as a run over ``km`` (see ``MAX_RUN_KMH_5K``)."""
    return MAX_RUN_KMH_5K * float((5.0 / max(km, 1.0)) ** 0.06)


def classify(activity: str, name: str = "", sub: str = "") -> tuple[str, str | None]:
    """(kind, surface) for an activity type, refined by its sub-type and its title."""
    found = decide(activity, name, sub)
    return found.kind, found.surface


def decide(
    activity: str, name: str = "", sub: str = "", km: float | None = None, seconds: float | None = None
) -> Kind:
    """The kind and surface of an activity, and how they were decided.

    With a type (Strava's "Activity Type", a GPX ``<type>``, a TCX ``Sport``, a FIT sport) the
    type decides and a run's title can refine it (whole words). Without one (an empty
    ``activity``: a GPX with no ``<type>``) it used to become a run whatever it was; now its
    speed and title are checked: an average past ``max_run_kmh`` is not a run (a ride; above
    ``MAX_HUMAN_KMH`` a drive, refused with ImportFailed), and a title with a bike word and no
    run word is a ride. ``km`` and ``seconds`` are the activity's distance and duration, when
    known.
    """
    title = name.lower()
    key = normalise(activity)
    if not key and not normalise(sub):
        return _untyped(title, km, seconds)
    kind, surface = _TYPES.get(key, ("cross-training", None))
    how = f"type {activity.strip()}"
    sub_key = normalise(sub)
    if sub_key in _TYPES:
        sub_kind, sub_surface = _TYPES[sub_key]
        if key in ("fitnessequipment", "training", "generic", ""):
            kind = sub_kind
        if kind == "easy" and sub_surface:
            surface = sub_surface
        if sub_key not in ("generic", ""):
            how += f"/{sub.strip()}"
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


def _untyped(title: str, km: float | None, seconds: float | None) -> Kind:
    speed = km / (seconds / 3600) if km is not None and km >= MIN_SPEED_KM and seconds else None
    pace = f"{speed:.1f} km/h over {km:.1f} km" if speed is not None and km is not None else ""
    if speed is not None and speed > MAX_HUMAN_KMH:
        raise ImportFailed(
            f"it has no activity type and averages {pace}: a drive, not a session; nothing of "
            "this file was imported (give the file a <type> if it was a session)"
        )
    bike = _BIKE.search(title)
    if bike and not _RUNNING.search(title):
        return Kind("cycling", None, f"no type, title {bike.group(0)!r}")
    if speed is not None and km is not None and speed > max_run_kmh(km):
        return Kind("cycling", None, f"no type, {speed:.1f} km/h: too fast for a run")
    how = "no type: run" + (f" at {speed:.1f} km/h" if speed is not None else "")
    return _refine(Kind("easy", None, how), title)
