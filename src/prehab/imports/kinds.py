"""Every format's own activity type names, and the session kind each one is.

One table for all of them, so a Strava "Trail Run", a Garmin GPX ``trail_running`` and a FIT
running/trail session land as the same kind and surface. Names are compared normalised (lower
case, letters and digits only: "E-Bike Ride" is ``ebikeride``). The sources, each complete:

* **FIT** (Garmin FIT SDK profile): every ``sport`` and every ``sub_sport``. The sub-sport
  decides when the sport is a container (``generic``, ``training``, ``fitness_equipment``:
  a treadmill, a spin bike, a strength session) and gives a run its surface;
  ``tests/imports/test_import_kinds.py`` checks every value of the profile fitdecode carries is here.
* **TCX** ``Sport``: the schema's ``Running``, ``Biking``, ``Other`` (and the ``Walking``,
  ``Swimming`` some writers use).
* **GPX** ``<type>`` as Garmin Connect writes it (its activity keys: ``trail_running``,
  ``road_biking``, ``lap_swimming``), as Strava writes it (FIT sport names such as ``running``
  in newer exports; numeric codes in older ones, which Strava never published: 9 a run, 1 a
  ride and 53 a virtual run are certain, the rest as users of its exports have listed them),
  and as life-logging apps write it (``Car``, ``Train``: not sessions).
* **Strava**'s "Activity Type" column (text; the same list as its GPX text types), and
  "Zwift Session", which Zwift uploads carry.

A name in none of these is cross-training (it still counts as "did something" without being
taken for a run); ``decide`` says so in the "how". A vehicle (``driving``, ``motorcycling``,
``flying``) is not a session at all.
"""

from __future__ import annotations

import re

VEHICLE = "vehicle"
"""Not a session kind: what ``kind_of`` gives for a drive, a flight, a boat trip."""

TRANSITION = "transition"
"""Not a session kind: a multisport transition (the minutes between swim and bike)."""

RUN_TYPES = {
    "run": None, "running": None, "9": None, "jog": None, "jogging": None,
    "trailrun": "trail", "trailrunning": "trail", "streetrunning": "road", "roadrunning": "road",
    "trackrunning": "track", "treadmillrunning": "treadmill", "treadmill": "treadmill",
    "indoorrunning": "treadmill", "virtualrun": "treadmill", "53": "treadmill",
    "ultrarun": None, "ultrarunning": None, "obstaclerun": "trail", "obstaclerunning": "trail",
}  # fmt: skip
"""Names of a run, with the surface each implies."""

RIDES = (
    "ride", "1", "cycling", "biking", "bike", "roadbiking", "roadcycling", "mountainbiking",
    "mountainbikeride", "mtb", "gravelcycling", "gravelride", "cyclocross", "indoorcycling",
    "virtualride", "17", "virtualcycling", "ebikeride", "18", "ebiking", "ebikefitness",
    "ebikemountain", "emountainbikeride", "handcycle", "handcycling", "51", "velomobile", "19",
    "recumbentcycling", "trackcycling", "bmx", "downhillbiking", "bikecommute", "spinning",
    "zwiftsession", "zwift", "bikeride",
)  # fmt: skip
STRENGTH = ("weighttraining", "30", "strengthtraining", "crossfit", "26", "weightlifting")
MOBILITY = ("yoga", "31", "pilates", "flexibilitytraining", "stretching", "mobility", "breathwork")
VEHICLES = (
    "driving", "drive", "car", "motorcycling", "motorcycle", "motorbike", "flying", "boating",
    "snowmobiling", "atv", "motocross", "rcdrone", "flypressurized", "hanggliding",
    # what life-logging apps (Arc) write as a track's <type>
    "bus", "train", "tram", "metro", "subway", "taxi", "airplane", "plane", "ferry", "boat",
    "scooter", "cablecar", "funicular", "chairlift", "skilift",
)  # fmt: skip
TRANSITIONS = ("transition", "biketoruntransition", "runtobiketransition", "swimtobiketransition")

CROSS = (
    # FIT sports
    "generic", "fitnessequipment", "swimming", "basketball", "soccer", "tennis", "americanfootball",
    "training", "walking", "crosscountryskiing", "alpineskiing", "snowboarding", "rowing",
    "mountaineering", "hiking", "multisport", "paddling", "golf", "horsebackriding", "hunting",
    "fishing", "inlineskating", "rockclimbing", "sailing", "iceskating", "skydiving", "snowshoeing",
    "standuppaddleboarding", "surfing", "wakeboarding", "waterskiing", "kayaking", "rafting",
    "windsurfing", "kitesurfing", "tactical", "jumpmaster", "boxing", "floorclimbing", "baseball",
    "diving", "hiit", "racket", "wheelchairpushwalk", "wheelchairpushrun", "meditation", "discgolf",
    "cricket", "rugby", "hockey", "lacrosse", "volleyball", "watertubing", "wakesurfing",
    "mixedmartialarts", "snorkeling", "dance", "jumprope", "all",
    # Strava and Garmin Connect names not above
    "swim", "walk", "hike", "alpineski", "backcountryski", "nordicski", "rollerski", "snowboard",
    "snowshoe", "iceskate", "inlineskate", "kitesurf", "windsurf", "surf", "sail", "canoe",
    "canoeing", "kayak", "virtualrow", "standuppaddling", "elliptical", "rockclimb", "stairstepper",
    "workout", "badminton", "pickleball", "racquetball", "squash", "tabletennis", "skateboard",
    "wheelchair", "laptswimming", "lapswimming", "openwaterswimming", "poolswim", "casualwalking",
    "speedwalking", "indoorwalking", "cardiotraining", "cardio", "stairclimbing", "indoorrowing",
    "other", "multisport", "triathlon", "duathlon", "padel", "climbing", "bouldering",
    "indoorclimbing", "skiing", "resortskiing", "backcountryskiing", "skateskiing",
    # Strava's numeric GPX codes not above
    "2", "3", "4", "5", "6", "7", "8", "10", "11", "12", "13", "14", "15", "16", "20", "21", "22",
    "23", "24", "25", "27", "28", "29", "52",
)  # fmt: skip
"""Named activities that are neither runs, rides, strength nor mobility: counted as
cross-training."""

SUB_SPORTS: dict[str, tuple[str, str | None]] = {
    **{name: ("easy", surface) for name, surface in (
        ("treadmill", "treadmill"), ("street", "road"), ("trail", "trail"), ("track", "track"),
        ("indoorrunning", "treadmill"), ("ultra", None), ("obstacle", "trail"),
        ("virtualactivity", "treadmill"),
    )},
    **{name: ("cycling", None) for name in (
        "spin", "indoorcycling", "road", "mountain", "downhill", "recumbent", "cyclocross",
        "handcycling", "trackcycling", "bmx", "ebikefitness", "gravelcycling", "ebikemountain",
        "commuting", "indoorhandcycling",
    )},
    "strengthtraining": ("strength", None),
    **{name: ("mobility", None) for name in ("flexibilitytraining", "yoga", "pilates", "breathing")},
    **{name: (TRANSITION, None) for name in TRANSITIONS},
    **{name: (VEHICLE, None) for name in ("atv", "motocross", "rcdrone")},
    **{name: ("cross-training", None) for name in (
        "generic", "indoorrowing", "elliptical", "stairclimbing", "lapswimming", "openwater",
        "warmup", "match", "exercise", "challenge", "indoorskiing", "cardiotraining",
        "indoorwalking", "casualwalking", "speedwalking", "backcountry", "resort", "wingsuit",
        "whitewater", "skateskiing", "mixedsurface", "navigate", "trackme", "map",
        "singlegasdiving", "multigasdiving", "gaugediving", "apneadiving", "apneahunting",
        "sailrace", "indoorclimbing", "bouldering", "hiit", "amrap", "emom", "tabata",
        "pickleball", "padel", "indoorwheelchairwalk", "indoorwheelchairrun", "squash",
        "badminton", "racquetball", "tabletennis", "flycanopy", "flyparaglide", "flyparamotor",
        "flypressurized", "flynavigate", "flytimer", "flyaltimeter", "flywx", "flyvfr", "flyifr",
        "all",
    )},
}  # fmt: skip
"""FIT sub-sports: what each one makes a session whose sport is a container, and a run's
surface ("road" is a road bike's sub-sport, so a run's road is ``street``)."""

CONTAINERS = frozenset({"generic", "training", "fitnessequipment", "all", "other", "workout", ""})
"""Types that say little on their own: the sub-sport decides (a FIT training/yoga session)."""

TYPES: dict[str, tuple[str, str | None]] = {
    **{name: ("cross-training", None) for name in CROSS},
    **{name: ("cycling", None) for name in RIDES},
    **{name: ("strength", None) for name in STRENGTH},
    **{name: ("mobility", None) for name in MOBILITY},
    **{name: (VEHICLE, None) for name in VEHICLES},
    **{name: (TRANSITION, None) for name in TRANSITIONS},
    **{name: ("easy", surface) for name, surface in RUN_TYPES.items()},
}
"""Normalised type name -> (kind, surface); runs last, so a run name always wins."""


def normalise(name: str) -> str:
    """ "E-Bike Ride" -> "ebikeride": how type names are compared."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def kind_of(activity: str, sub: str = "") -> tuple[str, str | None, bool]:
    """(kind, surface, known) for a type and sub-type; ``known`` is False for a name in no
    table (then cross-training). The kind may be ``VEHICLE`` or ``TRANSITION``."""
    key, sub_key = normalise(activity), normalise(sub)
    if key not in TYPES and key in SUB_SPORTS and not sub_key:  # a sub-sport written as the type
        key, sub_key = "", key
    known = key in TYPES or (key in CONTAINERS and sub_key in SUB_SPORTS)
    kind, surface = TYPES.get(key, ("cross-training", None))
    if sub_key in SUB_SPORTS:
        sub_kind, sub_surface = SUB_SPORTS[sub_key]
        if key in CONTAINERS or sub_kind in (TRANSITION, VEHICLE):
            kind, surface = sub_kind, sub_surface
        elif kind == "easy" and sub_kind == "easy" and sub_surface:
            surface = sub_surface
    return kind, surface, known
