"""The dose really done: each set's reps, load and hold, the pain felt, a skip and its reason.

The plan's dose is what was asked; :class:`Actual` is what happened, kept with the done mark
(the store's ``done.actual``) by the guided session and by ``prehab done --sets --reps
--load``. Stored rows are read back through :meth:`Actual.from_json`, which never raises: a
value out of range or of the wrong type is dropped, so a damaged row costs that value, never
the day (loads climb only from sets that read back whole).
"""

from __future__ import annotations

import math
from typing import Any

from prehab.record import Record
from prehab.workout.weights import MAX_LOAD_KG, shown

PAIN_LIMIT = 5
"""Pain-monitoring model (Silbernagel 2007): up to 5/10 during an exercise is acceptable if it
settles by the next morning; above it, that exercise stops for the day."""
SKIP_REASONS = ("pain", "no time", "no kit", "too hard")
MAX_SETS = 20
MAX_REPS = 500
MAX_HOLD_S = 3600


class SetDone(Record, frozen=True):
    """One set as done: reps (or a hold in seconds), at a load in kg (None: bodyweight)."""

    reps: int | None = None
    load_kg: float | None = None
    hold_s: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.reps is not None:
            out["reps"] = self.reps
        if self.load_kg is not None:
            out["load_kg"] = round(self.load_kg, 4)
        if self.hold_s is not None:
            out["hold_s"] = self.hold_s
        return out


class Actual(Record, frozen=True):
    """What was done of one plan item (see the module docstring)."""

    sets: tuple[SetDone, ...] = ()
    pain: int | None = None
    """The highest pain during the exercise, 0-10 (None: not asked or not answered)."""
    skipped: str = ""
    """Why the exercise was skipped (one of SKIP_REASONS), or "" when it was done."""
    stopped: bool = False
    """Stopped for pain above ``PAIN_LIMIT``: the sets before the pain are kept."""

    @property
    def empty(self) -> bool:
        return not self.sets and self.pain is None and not self.skipped

    @property
    def load_kg(self) -> float | None:
        """The working load: the heaviest set's (None: bodyweight or not recorded)."""
        loads = [s.load_kg for s in self.sets if s.load_kg is not None]
        return max(loads) if loads else None

    def reached(self, dose: dict[str, Any]) -> bool:
        """Every set of the asked dose done in full: its reps (or hold) in every set."""
        wanted_sets = _int(dose.get("sets")) or 1
        if self.skipped or self.stopped or len(self.sets) < wanted_sets:
            return False
        if "reps" in dose:
            reps = _int(dose.get("reps"))
            return reps is not None and all(s.reps is not None and s.reps >= reps for s in self.sets)
        if "hold_s" in dose:
            hold = _int(dose.get("hold_s"))
            return hold is not None and all(s.hold_s is not None and s.hold_s >= hold for s in self.sets)
        return True

    def summary(self, unit: str) -> str:
        """``"3 x 10 @ 16 kg"``, ``"10, 10, 8 @ 16 kg"``, ``"2 x 30 s"``, ``"skipped (pain)"``."""
        if self.skipped:
            return f"skipped ({self.skipped})"
        if not self.sets:
            said = ["stopped for pain"] if self.stopped else []
            said += [f"pain {self.pain}/10"] if self.pain is not None else []
            return ", ".join(said) or "done"
        reps = [s.reps for s in self.sets if s.reps is not None]
        holds = [s.hold_s for s in self.sets if s.hold_s is not None]
        if reps:
            text = f"{len(reps)} x {reps[0]}" if len(set(reps)) == 1 else ", ".join(map(str, reps))
        elif holds:
            text = (
                f"{len(holds)} x {holds[0]} s" if len(set(holds)) == 1 else ", ".join(f"{h} s" for h in holds)
            )
        else:
            text = f"{len(self.sets)} sets"
        loads = {s.load_kg for s in self.sets if s.load_kg is not None}
        if len(loads) == 1:
            text += f" @ {shown(loads.pop(), unit)}"
        elif loads:
            text += " @ " + "/".join(shown(k, unit) for k in sorted(loads))
        if self.stopped:
            text += ", stopped for pain"
        if self.pain is not None:
            text += f", pain {self.pain}/10"
        return text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.sets:
            out["sets"] = [s.to_json() for s in self.sets]
        if self.pain is not None:
            out["pain"] = self.pain
        if self.skipped:
            out["skipped"] = self.skipped
        if self.stopped:
            out["stopped"] = True
        return out

    @classmethod
    def from_json(cls, value: Any) -> Actual:
        """A stored value read back, keeping only what is valid (never raises)."""
        if not isinstance(value, dict):
            return cls()
        sets: list[SetDone] = []
        raw_sets = value.get("sets")
        if isinstance(raw_sets, list):
            for raw in raw_sets[:MAX_SETS]:
                if isinstance(raw, dict):
                    one = SetDone(
                        _int(raw.get("reps"), MAX_REPS),
                        _load(raw.get("load_kg")),
                        _int(raw.get("hold_s"), MAX_HOLD_S),
                    )
                    if one != SetDone():
                        sets.append(one)
        skipped = value.get("skipped")
        return cls(
            tuple(sets),
            _int(value.get("pain"), 10),
            skipped if skipped in SKIP_REASONS else "",
            value.get("stopped") is True,
        )


def _int(value: Any, most: int = 10_000) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        return None
    return value


def _load(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    kg = float(value)
    return kg if math.isfinite(kg) and 0 <= kg <= MAX_LOAD_KG else None


def recorded(
    dose: dict[str, Any],
    *,
    sets: str | None = None,
    reps: str | None = None,
    load: str | None = None,
    hold: str | None = None,
    pain: str | None = None,
    unit: str = "kg",
) -> Actual:
    """What ``prehab done N --sets --reps --load --hold --pain`` says was done of an item with
    ``dose``: what is not given is the dose's (``--load 16`` alone: every set as asked, at
    16 kg). ValueError says which value is wrong and what to give instead."""
    from prehab.workout.weights import parse_load

    count = _whole(sets, "--sets", 1, MAX_SETS) if sets is not None else None
    per_set = [_whole(r, "--reps", 0, MAX_REPS) for r in reps.split(",")] if reps is not None else []
    if count is not None and len(per_set) > 1 and len(per_set) != count:
        raise ValueError(
            f"--sets {count} but {len(per_set)} reps given; give one number per set, or one for all"
        )
    count = count or (len(per_set) if len(per_set) > 1 else None) or _int(dose.get("sets"), MAX_SETS) or 1
    if len(per_set) == 1:
        per_set = per_set * count
    seconds = _whole(hold, "--hold", 1, MAX_HOLD_S) if hold is not None else None
    if not per_set and seconds is None:
        asked_reps, asked_hold = _int(dose.get("reps"), MAX_REPS), _int(dose.get("hold_s"), MAX_HOLD_S)
        per_set = [asked_reps] * count if asked_reps is not None else []
        seconds = asked_hold if asked_reps is None else None
    load_kg = None
    if load is not None:
        try:
            load_kg = parse_load(load, unit)
        except ValueError as exc:
            raise ValueError(f"--load: {exc}") from None
    done = tuple(
        SetDone(per_set[i] if per_set else None, load_kg, seconds if not per_set else None)
        for i in range(count)
    )
    felt = _whole(pain, "--pain", 0, 10) if pain is not None else None
    return Actual(done, felt, "", felt is not None and felt > PAIN_LIMIT)


def _whole(text: str, option: str, least: int, most: int) -> int:
    word = text.strip()
    if not (word.isascii() and word.isdigit() and len(word) <= 6 and least <= int(word) <= most):
        raise ValueError(f"{option} {text[:20]!r}: give a whole number from {least} to {most}")
    return int(word)
