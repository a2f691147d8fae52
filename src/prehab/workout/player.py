"""The guided session: one exercise at a time, each set, its countdowns, and what was done.

A :class:`Player` walks the day's committed plan (items not yet done, in plan order). For
each exercise it asks one set at a time at the planned dose ("Set 1 of 3: 10 reps @ 16 kg"),
which the runner may adjust for that set (+/- reps, +/- load by the kit's step); a hold is a
countdown; between sets a rest countdown runs (the settings' rest for the kind). Pain during
an exercise above the pain-monitoring limit stops it with what to do. At the end the runner
gives the session RPE.

Time comes from an injected clock (monotonic seconds), and nothing here waits: the screen
calls :meth:`Player.tick` a few times a second and the keys call the other methods, so a
countdown never blocks a key, and tests drive a whole session with a fake clock.
:meth:`Player.state` and :meth:`Player.restore` keep and bring back where the runner was
(``prehab.store.workouts``): a dropped connection resumes at the same exercise and set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from prehab.record import Record, field
from prehab.workout.actual import PAIN_LIMIT, SKIP_REASONS, Actual, SetDone
from prehab.workout.weights import shown

Clock = Callable[[], float]
PHASES = ("ready", "holding", "rest", "rpe", "finished")


class Exercise(Record):
    """One exercise of the session, as planned and as done so far."""

    number: int
    exercise: str
    name: str
    kind: str
    dose: dict[str, Any]
    cues: tuple[str, ...] = ()
    why: str = ""
    load_step_kg: float = 2.0
    done: list[SetDone] = field(default_factory=list)
    pain: int | None = None
    skipped: str = ""
    stopped: bool = False
    reps: int | None = None
    """Reps asked for the next set (the dose's, adjusted with +/-)."""
    hold_s: int | None = None
    load_kg: float | None = None

    def __post_init__(self) -> None:
        if self.reps is None and isinstance(self.dose.get("reps"), int):
            self.reps = int(self.dose["reps"])
        if self.hold_s is None and isinstance(self.dose.get("hold_s"), int):
            self.hold_s = int(self.dose["hold_s"])
        if self.load_kg is None and isinstance(self.dose.get("load_kg"), (int, float)):
            self.load_kg = float(self.dose["load_kg"])
        minutes = self.dose.get("minutes")
        if self.reps is None and self.hold_s is None and isinstance(minutes, (int, float)) and minutes > 0:
            self.hold_s = int(minutes * 60)

    @property
    def sets(self) -> int:
        value = self.dose.get("sets")
        return int(value) if isinstance(value, int) and value > 0 else 1

    @property
    def finished(self) -> bool:
        return bool(self.skipped) or self.stopped or len(self.done) >= self.sets

    @property
    def weighted(self) -> bool:
        """Done with a weight: a load is known, or the dose asks for one (moderate, heavy)."""
        return self.load_kg is not None or self.dose.get("load") in ("moderate", "heavy")

    @property
    def timed(self) -> bool:
        return self.reps is None and self.hold_s is not None

    def actual(self) -> Actual:
        return Actual(tuple(self.done), self.pain, self.skipped, self.stopped)

    def set_text(self, unit: str) -> str:
        """``"Set 1 of 3: 10 reps @ 16 kg"`` (per side where the dose says so)."""
        number = min(len(self.done) + 1, self.sets)
        if self.reps is not None:
            what = f"{self.reps} reps"
        elif self.hold_s is not None:
            what = f"{self.hold_s} s hold"
        elif isinstance(self.dose.get("minutes"), (int, float)):
            what = f"{self.dose['minutes']:g} min"
        else:
            what = "as catalogued"
        if self.dose.get("per_side"):
            what += " per side"
        if self.load_kg is not None:
            what += f" @ {shown(self.load_kg, unit)}"
        return f"Set {number} of {self.sets}: {what}"

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "exercise": self.exercise,
            "done": [s.to_json() for s in self.done],
            "pain": self.pain,
            "skipped": self.skipped,
            "stopped": self.stopped,
            "reps": self.reps,
            "hold_s": self.hold_s,
            "load_kg": self.load_kg,
        }


class Rest(Record, frozen=True):
    """Rest between sets by kind, in seconds (the settings')."""

    strength_s: int = 90
    mobility_s: int = 15

    def after(self, kind: str) -> int:
        return self.mobility_s if kind == "mobility" else self.strength_s


class Player:
    """A guided session over ``exercises`` (see the module docstring)."""

    def __init__(self, exercises: Sequence[Exercise], rest: Rest, clock: Clock, unit: str = "kg") -> None:
        self.exercises = list(exercises)
        self.rest = rest
        self.clock = clock
        self.unit = unit
        self.index = 0
        self.phase = "ready" if self.exercises else "rpe"
        self.ends_at: float | None = None
        """When the running countdown (a hold or a rest) ends, on ``clock``."""
        self.started_at: float | None = None
        self.rpe: int | None = None
        self.message = ""
        """The last thing the player has to say (pain stop, a skip), shown until the next."""
        self.finished_exercises: list[Exercise] = []
        """Exercises finished since the caller last took them (``take_finished``)."""
        self._skip_to_ready()

    # -- reading -------------------------------------------------------------------------

    @property
    def current(self) -> Exercise | None:
        return self.exercises[self.index] if self.index < len(self.exercises) else None

    def remaining(self) -> float:
        """Seconds left on the running countdown (0 when none runs)."""
        if self.ends_at is None:
            return 0.0
        return max(0.0, self.ends_at - self.clock())

    def position(self) -> str:
        """``"Exercise 2 of 7"`` (or the end)."""
        if self.current is None:
            return "Session done" if self.phase == "finished" else "Last: how hard was it?"
        return f"Exercise {self.index + 1} of {len(self.exercises)}"

    # -- keys ----------------------------------------------------------------------------

    def space(self) -> None:
        """Set done (reps), start or end a hold early, or skip the rest."""
        ex = self.current
        if ex is None:
            return
        if self.phase == "rest":
            self._end_countdown()
            self.phase = "ready"
        elif self.phase == "holding":
            held = round(self.clock() - (self.started_at or self.clock()))
            self._log_set(ex, hold=max(0, held))
        elif self.phase == "ready" and ex.timed:
            self.phase = "holding"
            self.started_at = self.clock()
            self.ends_at = self.started_at + float(ex.hold_s or 0)
        elif self.phase == "ready":
            self._log_set(ex)

    def adjust_reps(self, delta: int) -> None:
        ex = self.current
        if ex is None or self.phase not in ("ready", "rest"):
            return
        if ex.reps is not None:
            ex.reps = max(0, min(500, ex.reps + delta))
        elif ex.hold_s is not None:
            ex.hold_s = max(5, min(3600, ex.hold_s + 5 * delta))

    def adjust_load(self, delta: int) -> None:
        """One kit step heavier (+1) or lighter (-1) for the sets to come."""
        ex = self.current
        if ex is None or self.phase not in ("ready", "rest") or ex.kind == "mobility":
            return
        base = ex.load_kg or 0.0
        load = round(base + delta * ex.load_step_kg, 4)
        ex.load_kg = None if load <= 0 else min(load, 500.0)

    def skip(self, reason: str) -> None:
        ex = self.current
        if ex is None or reason not in SKIP_REASONS:
            return
        ex.skipped = reason
        self.message = f"{ex.name}: skipped ({reason})"
        if reason == "pain":
            self.message += ". Pain that stops an exercise belongs in a check-in: prehab plans around it."
        self._next_exercise()

    def pain(self, level: int) -> None:
        """Pain during the current exercise (0-10); above the limit it stops the exercise."""
        ex = self.current
        if ex is None or not 0 <= level <= 10:
            return
        ex.pain = max(level, ex.pain or 0)
        if level > PAIN_LIMIT:
            if self.phase == "holding":  # the seconds held before the pain count as a set
                held = round(self.clock() - (self.started_at or self.clock()))
                ex.done.append(SetDone(None, ex.load_kg, max(0, held)))
            ex.stopped = True
            self.message = (
                f"{ex.name}: pain {level}/10 is above {PAIN_LIMIT}, so this exercise stops for today. "
                "Carry on with the rest only if they do not bring it on; next time it comes a step "
                "lighter. Worse tomorrow morning: say so in the check-in."
            )
            self._next_exercise()
        else:
            self.message = f"pain {level}/10 noted: within the limit of {PAIN_LIMIT}, carry on if it settles"

    def finish(self, rpe: int) -> None:
        """The session RPE (0-10) once every exercise is through: the session ends."""
        if self.phase == "rpe" and 0 <= rpe <= 10:
            self.rpe = rpe
            self.phase = "finished"

    def tick(self) -> list[str]:
        """Move on if a countdown ended: ``["hold-ended"]``, ``["rest-ended"]`` or []."""
        if self.ends_at is None or self.clock() < self.ends_at:
            return []
        ex = self.current
        if self.phase == "holding" and ex is not None:
            self._log_set(ex, hold=int(ex.hold_s or 0))
            return ["hold-ended"]
        if self.phase == "rest":
            self._end_countdown()
            self.phase = "ready"
            return ["rest-ended"]
        return []

    def take_finished(self) -> list[Exercise]:
        """The exercises finished since the last call (to be saved as done work)."""
        out, self.finished_exercises = self.finished_exercises, []
        return out

    # -- resume --------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Where the session is, to resume it (a running countdown restarts in full)."""
        return {
            "version": 1,
            "index": self.index,
            "phase": "ready" if self.phase in ("holding", "rest") else self.phase,
            "rpe": self.rpe,
            "exercises": [e.to_json() for e in self.exercises],
        }

    def restore(self, state: dict[str, Any]) -> bool:
        """Back to where ``state`` was, if it is this plan's session; False (nothing changed)
        for a state that does not fit (another plan, a damaged row)."""
        saved = state.get("exercises")
        if state.get("version") != 1 or not isinstance(saved, list) or len(saved) != len(self.exercises):
            return False
        pairs = zip(saved, self.exercises, strict=True)
        if any(not isinstance(s, dict) or s.get("exercise") != e.exercise for s, e in pairs):
            return False
        index = state.get("index")
        if not isinstance(index, int) or not 0 <= index <= len(self.exercises):
            return False
        for raw, ex in zip(saved, self.exercises, strict=True):
            actual = Actual.from_json(
                {"sets": raw.get("done"), "pain": raw.get("pain"), "skipped": raw.get("skipped")}
            )
            ex.done, ex.pain, ex.skipped = list(actual.sets), actual.pain, actual.skipped
            ex.stopped = raw.get("stopped") is True
            ex.reps = _whole(raw.get("reps"), ex.reps)
            ex.hold_s = _whole(raw.get("hold_s"), ex.hold_s)
            load = raw.get("load_kg")
            ex.load_kg = float(load) if isinstance(load, (int, float)) and 0 < load <= 500 else None
        self.index = index
        phase = state.get("phase")
        self.phase = phase if phase in ("ready", "rpe", "finished") else "ready"
        rpe = state.get("rpe")
        self.rpe = rpe if isinstance(rpe, int) and 0 <= rpe <= 10 else None
        self._end_countdown()
        self._skip_to_ready()
        return True

    # -- moving on -----------------------------------------------------------------------

    def _log_set(self, ex: Exercise, hold: int | None = None) -> None:
        self._end_countdown()
        reps = ex.reps if hold is None else None
        ex.done.append(SetDone(reps, ex.load_kg, hold if hold is not None else None))
        self.message = ""
        if ex.finished:
            self._next_exercise()
        else:
            self.phase = "rest"
            self.started_at = self.clock()
            self.ends_at = self.started_at + float(self.rest.after(ex.kind))
            if self.ends_at <= self.started_at:
                self._end_countdown()
                self.phase = "ready"

    def _next_exercise(self) -> None:
        ex = self.current
        if ex is not None:
            self.finished_exercises.append(ex)
        self._end_countdown()
        self.index += 1
        self.phase = "ready"
        self._skip_to_ready()

    def _skip_to_ready(self) -> None:
        """Past exercises already finished (a resumed session); the RPE question at the end."""
        while self.current is not None and self.current.finished:
            self.index += 1
        if self.current is None and self.phase not in ("finished",):
            self.phase = "rpe" if self.rpe is None else "finished"

    def _end_countdown(self) -> None:
        self.ends_at = None
        self.started_at = None


def exercises_for(
    items: Sequence[Any],
    done: set[str] | frozenset[str],
    catalogue: dict[str, Any],
    unit: str,
    steps: dict[str, float | None],
) -> list[Exercise]:
    """The session's exercises: the plan's ``items`` not yet ``done``, in plan order, each with
    its cues, its first reason and the load step of its kit (in kg)."""
    from prehab.workout.weights import step_for, to_kg

    out = []
    for item in items:
        if item.exercise in done:
            continue
        ex = catalogue.get(item.exercise)
        cues = tuple(getattr(ex, "cues", ()) or ()) if ex is not None else ()
        kit = tuple(getattr(ex, "equipment", ()) or ()) if ex is not None else ()
        why = item.reasons[0].why if item.reasons else ""
        step = to_kg(step_for(kit, unit, steps), unit)
        out.append(
            Exercise(item.number, item.exercise, item.name, item.kind, dict(item.dose), cues, why, step)
        )
    return out


def _whole(value: Any, default: int | None) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3600:
        return value
    return default
