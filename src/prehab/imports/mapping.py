"""What kind of session an activity is, from the names Strava, GPX, TCX and FIT use.

One table for every format so a Strava "Virtual Run" and a FIT running/treadmill session land
as the same kind and surface. Unknown activities become cross-training rather than failing:
they still count as "did something" without pretending to be runs.
"""

from __future__ import annotations

import re

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
    ("race", "race"),
    ("parkrun", "race"),
    ("marathon", "race"),
    ("hill", "hills"),
    ("interval", "intervals"),
    ("reps", "intervals"),
    ("fartlek", "intervals"),
    ("tempo", "tempo"),
    ("threshold", "tempo"),
    ("strides", "strides"),
    ("long", "long"),
)
"""Words in a run's name that say what kind of run it was (first match wins)."""


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def classify(activity: str, name: str = "", sub: str = "") -> tuple[str, str | None]:
    """(kind, surface) for an activity type, refined by its sub-type and its title."""
    kind, surface = _TYPES.get(normalise(activity), ("cross-training", None))
    sub_key = normalise(sub)
    if sub_key in _TYPES:
        sub_kind, sub_surface = _TYPES[sub_key]
        if normalise(activity) in ("fitnessequipment", "training", "generic", ""):
            kind = sub_kind
        if kind == "easy" and sub_surface:
            surface = sub_surface
    if kind == "easy":
        title = name.lower()
        if "treadmill" in title:
            surface = "treadmill"
        for word, run_kind in _RUN_WORDS:
            if word in title:
                kind = run_kind
                break
    return kind, surface
