"""Questionnaires as data: screens/*.toml in, validated answers and facts out.

Why a domain module: the TUI, the tests and any future front end must agree on what a
valid answer is and which fact it sets, and adding a question must be a data change. So
this module reads the screen files, checks every question against the fact vocabulary
(facts.toml) with ``file:line`` problems like the rules loader, validates answers (an
out-of-range answer is a message, never a stored value) and turns answers into facts.
It imports nothing from Textual. Format: screens/README.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prehab.facts.units import from_display, to_display
from prehab.model import Fact, Problem
from prehab.rulebook.loader import read_toml
from prehab.rulebook.locate import Locator
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema, FieldSpec
from prehab.rulebook.suggest import did_you_mean
from prehab.tomlsafe import toml_files

if TYPE_CHECKING:
    from prehab.store.records import Session

KINDS = ("number", "scale", "choice", "yes-no", "date", "text")
SAVES = ("checkin", "session", "profile")
SCREEN_KEYS = ("id", "title", "intro", "order", "saves")
QUESTION_KEYS = ("id", "prompt", "kind", "unit", "range", "choices", "sets", "help", "required", "section")
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_FIELD_TYPES_FOR_KIND: dict[str, tuple[str, ...]] = {
    "number": ("int", "float", "any"),
    "scale": ("int", "any"),
    "choice": ("choice", "region", "text", "any"),
    "yes-no": ("bool", "any"),
    "date": ("int",),
    "text": ("text", "any"),
}
DISTANCE_UNIT = "km"
"""A question whose unit is km is shown and typed in the runner's units (km or mi)."""
DURATION_UNIT = "min"
"""A number question whose unit is min also takes H:MM:SS or MM:SS, like ``prehab log --duration``."""
DISTANCE_DECIMALS = 1
"""A distance is shown to 0.1 in the runner's units: 52 km is 32.3 mi, not 32.31."""
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0")


@dataclass(frozen=True)
class Target:
    """The fact field one answer sets.

    ``{ fact = "pain", region = { answer = "pain_region" }, field = "level" }``
    """

    fact: str
    field: str
    keys: tuple[tuple[str, Any], ...] = ()
    """Fixed key fields, e.g. (("region", "calves"),)."""
    key_answers: tuple[tuple[str, str], ...] = ()
    """Key fields taken from another question's answer: (("region", "pain_region"),)."""

    @property
    def group(self) -> tuple[str, tuple[tuple[str, Any], ...], tuple[tuple[str, str], ...]]:
        return (self.fact, self.keys, self.key_answers)


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    kind: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    target: Target | None = None
    help: str = ""
    required: bool = False
    section: str = ""
    whole: bool = False
    """True when the answer must be a whole number (the fact field is an int)."""
    line: int | None = None

    def unit_for(self, units: str) -> str:
        return units if self.unit == DISTANCE_UNIT else self.unit

    def range_text(self, units: str = "km") -> str:
        """The allowed range as the runner sees it (distances in their units)."""
        if self.kind in ("number", "scale") and (self.min is not None or self.max is not None):
            lo = _shown(self.min, self, units)
            hi = _shown(self.max, self, units)
            return f"{lo}-{hi}" if lo and hi else (f">= {lo}" if lo else f"<= {hi}")
        return ""


@dataclass(frozen=True)
class Screen:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    order: int = 50
    saves: str = "checkin"
    file: str = ""
    line: int | None = None
    key_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Per fact kind this screen sets, the vocabulary's key fields (one fact per key values)."""

    def keys_of(self, kind: str) -> tuple[str, ...]:
        return dict(self.key_fields).get(kind, ())

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


@dataclass
class ScreensResult:
    screens: dict[str, Screen]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def ordered(self, saves: str | None = None) -> list[Screen]:
        found = [s for s in self.screens.values() if saves is None or s.saves == saves]
        return sorted(found, key=lambda s: (s.order, s.id))


def answer_questions(screens: ScreensResult) -> set[str]:
    """The ids of the questions whose answer is a free ``answer`` fact (``sets = { fact =
    "answer" }``): the only names an ``answer`` fact can carry."""
    return {
        q.id
        for s in screens.screens.values()
        for q in s.questions
        if q.target is not None and q.target.fact == "answer"
    }


@dataclass
class Validated:
    """Answers that passed (typed values, blanks left out) and a message per failed question."""

    answers: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _shown(value: float | None, q: Question, units: str) -> str:
    if value is None:
        return ""
    if q.unit == DISTANCE_UNIT:
        value = round(to_display(value, units), 1)
    return str(int(value)) if float(value).is_integer() else str(value)


# -- loading ---------------------------------------------------------------------------------


def default_dirs() -> list[Path]:
    """The shipped screens, then the user's, which replace shipped screens by id."""
    from prehab.paths import default_screens_dir, user_screens_dir

    return [default_screens_dir(), user_screens_dir()]


def load_screens(schema: FactSchema, dirs: Iterable[Path] | None = None) -> ScreensResult:
    """Every screen in ``dirs`` (later dirs win by screen id), each checked against ``schema``.

    A screen file with errors is left out (and reported), so a broken user override keeps
    the shipped screen of that id in use: the same "last good" rule as the rulebook.
    """
    result = ScreensResult({})
    for folder in dirs if dirs is not None else default_dirs():
        if not folder.exists():
            continue
        for path in toml_files(folder, result.problems):
            screen = load_screen_file(path, schema, result.problems)
            if screen is not None:
                result.screens[screen.id] = screen
    return result


def load_screen_file(path: Path, schema: FactSchema, problems: list[Problem]) -> Screen | None:
    read = read_toml(path, problems)
    if read is None:
        return None
    text, data = read
    rep = Reporter(str(path), Locator(text))
    screen = parse_screen(data, schema, rep, str(path))
    problems.extend(rep.problems)
    if any(p.severity == "error" for p in rep.problems):
        return None
    return screen


def parse_screen(data: dict[str, Any], schema: FactSchema, rep: Reporter, file: str = "") -> Screen | None:
    rep.unknown_keys(data, ("screen", "question"), "top-level key")
    head = data.get("screen")
    if not isinstance(head, dict):
        rep.error("missing [screen] table", '[screen]\nid = "my-check-in"\ntitle = "..."', "screen")
        return None
    hrep = rep.at("screen")
    hrep.unknown_keys(head, SCREEN_KEYS)
    sid = head.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        hrep.error("needs an id: lowercase letters, digits, - and _", 'id = "weekly-checkin"', "id")
        sid = ""
    title = head.get("title")
    if not isinstance(title, str) or not title.strip():
        hrep.error("needs a title", 'title = "Weekly check-in"', "title")
        title = sid
    saves = head.get("saves", "checkin")
    if saves not in SAVES:
        hrep.error(f"saves must be one of {', '.join(SAVES)}", did_you_mean(str(saves), SAVES), "saves")
        saves = "checkin"
    order = head.get("order", 50)
    if isinstance(order, bool) or not isinstance(order, int):
        hrep.error("order must be a whole number", "order = 10", "order")
        order = 50
    intro = head.get("intro", "")
    if not isinstance(intro, str):
        hrep.error("intro must be text", 'intro = "..."', "intro")
        intro = ""
    raw_questions = data.get("question", [])
    if not isinstance(raw_questions, list) or not raw_questions:
        rep.error("a screen needs [[question]] tables", "add [[question]] with id, prompt, kind", "question")
        raw_questions = []
    questions: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions):
        qrep = rep.at("question", index)
        q = _parse_question(raw, schema, qrep)
        if q is None:
            continue
        if q.id in seen:
            qrep.error(f"duplicate question id '{q.id}'", "give each question its own id", "id")
            continue
        seen.add(q.id)
        questions.append(q)
    _check_references(questions, raw_questions, schema, rep)
    if saves == "session":
        _check_session_screen(questions, rep)
    line = rep.locator.find(("screen",)) if rep.locator else None
    kinds = sorted({q.target.fact for q in questions if q.target is not None})
    key_fields = tuple((k, spec.key_fields) for k in kinds if (spec := schema.kind(k)) is not None)
    return Screen(sid, str(title), tuple(questions), intro, order, str(saves), file, line, key_fields)


def _parse_question(raw: Any, schema: FactSchema, rep: Reporter) -> Question | None:
    if not isinstance(raw, dict):
        rep.error("a question must be a table", "[[question]]")
        return None
    ok = rep.unknown_keys(raw, QUESTION_KEYS)
    qid = raw.get("id")
    if not isinstance(qid, str) or not _ID.match(qid):
        rep.error("needs an id: lowercase letters, digits, - and _", 'id = "tight_calves"', "id")
        return None
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        rep.error("needs a prompt (the question as the runner reads it)", 'prompt = "Calves"', "prompt")
        ok = False
    kind = raw.get("kind")
    if kind not in KINDS:
        rep.error(f"unknown kind {kind!r}", did_you_mean(str(kind), KINDS), "kind")
        return None
    text_keys = ("unit", "help", "section")
    for key in text_keys:
        if key in raw and not isinstance(raw[key], str):
            rep.error(f"{key} must be text", f'{key} = "..."', key)
            ok = False
    required = raw.get("required", False)
    if not isinstance(required, bool):
        rep.error("required must be true or false", "required = true", "required")
        ok = False
    target, spec = _parse_target(raw.get("sets"), qid, schema, rep)
    if "sets" in raw and target is None:
        ok = False
    lo, hi = _parse_range(raw, kind, spec, rep)
    if lo is False:
        ok = False
    choices = _parse_choices(raw, kind, spec, schema, rep)
    if choices is None:
        ok = False
    if spec is not None and spec.type not in _FIELD_TYPES_FOR_KIND[kind]:
        rep.error(
            f"a {kind} question cannot set '{spec.name}' ({spec.describe()})",
            f"use kind = {_kind_for(spec)!r}" if _kind_for(spec) else "set a field of a matching type",
            "kind",
        )
        ok = False
    if not ok:
        return None
    line = rep.locator.find(rep.path) if rep.locator else None
    return Question(
        id=qid,
        prompt=str(prompt),
        kind=kind,
        unit=str(raw.get("unit", "")),
        min=lo if isinstance(lo, int | float) and not isinstance(lo, bool) else None,
        max=hi if isinstance(hi, int | float) and not isinstance(hi, bool) else None,
        choices=choices or (),
        target=target,
        help=str(raw.get("help", "")),
        required=bool(required),
        section=str(raw.get("section", "")),
        whole=kind == "scale" or (spec is not None and spec.type == "int"),
        line=line,
    )


def _kind_for(spec: FieldSpec) -> str:
    return {"int": "number", "float": "number", "bool": "yes-no", "choice": "choice", "region": "choice"}.get(
        spec.type, ""
    )


def _parse_target(
    raw: Any, qid: str, schema: FactSchema, rep: Reporter
) -> tuple[Target | None, FieldSpec | None]:
    if raw is None:
        return None, None
    srep = rep.at("sets")
    if not isinstance(raw, dict):
        srep.error("sets must be a table", '{ fact = "tightness", region = "calves", field = "level" }')
        return None, None
    kind_name = raw.get("fact")
    kind = schema.kind(kind_name) if isinstance(kind_name, str) else None
    if kind is None or kind_name == "flag":
        choices = [k for k in schema.kinds if k != "flag"]
        srep.error(f"unknown fact kind {kind_name!r}", did_you_mean(str(kind_name), choices), "fact")
        return None, None
    if kind_name == "answer":
        extra = set(raw) - {"fact"}
        if extra:
            srep.error("an answer fact takes no other keys", '{ fact = "answer" } (the id is its key)')
            return None, None
        return Target("answer", "value", (("question", qid),)), kind.fields.get("value")
    fname = raw.get("field")
    spec = kind.fields.get(fname) if isinstance(fname, str) else None
    if spec is None:
        srep.error(f"'{kind_name}' has no field {fname!r}", did_you_mean(str(fname), kind.fields), "field")
        return None, None
    keys: list[tuple[str, Any]] = []
    refs: list[tuple[str, str]] = []
    ok = True
    for key, value in raw.items():
        if key in ("fact", "field"):
            continue
        kspec = srep.field_of(kind, key)
        if kspec is None:
            ok = False
            continue
        if not kspec.key:
            keyed = ", ".join(kind.key_fields) or "none"
            srep.error(
                f"'{key}' is not a key field of '{kind_name}' (keys: {keyed})",
                "a question sets one field (field = ...); other fields here only pick which fact",
                key,
            )
            ok = False
            continue
        if isinstance(value, dict):
            ref = value.get("answer")
            if set(value) != {"answer"} or not isinstance(ref, str):
                srep.error('a key from another answer is written { answer = "question-id" }', "", key)
                ok = False
                continue
            refs.append((key, ref))
            continue
        problem = kspec.check(value, schema.regions)
        if problem:
            srep.error(problem, f"{key} takes {kspec.describe()}", key)
            ok = False
            continue
        keys.append((key, value))
    if not ok:
        return None, None
    return Target(str(kind_name), str(fname), tuple(sorted(keys)), tuple(sorted(refs))), spec


def _parse_range(
    raw: dict[str, Any], kind: str, spec: FieldSpec | None, rep: Reporter
) -> tuple[float | None | bool, float | None | bool]:
    """(min, max); (False, False) after reporting a problem."""
    rng = raw.get("range")
    lo: float | None = 0 if kind == "scale" else None
    hi: float | None = 10 if kind == "scale" else None
    if rng is not None:
        if kind not in ("number", "scale"):
            rep.error(f"a {kind} question has no range", "remove range", "range")
            return False, False
        if (
            not isinstance(rng, list)
            or len(rng) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
            or rng[0] > rng[1]
        ):
            rep.error("range must be [lowest, highest]", "range = [0, 10]", "range")
            return False, False
        lo, hi = rng[0], rng[1]
    if spec is not None and spec.numeric:
        if spec.min is not None and lo is not None and lo < spec.min:
            rep.error(
                f"range starts below {spec.name}'s minimum {spec.min:g}", f"start at {spec.min:g}", "range"
            )
            return False, False
        if spec.max is not None and hi is not None and hi > spec.max:
            rep.error(f"range ends above {spec.name}'s maximum {spec.max:g}", f"end at {spec.max:g}", "range")
            return False, False
        lo = spec.min if lo is None else lo
        hi = spec.max if hi is None else hi
    return lo, hi


def _parse_choices(
    raw: dict[str, Any], kind: str, spec: FieldSpec | None, schema: FactSchema, rep: Reporter
) -> tuple[str, ...] | None:
    given = raw.get("choices")
    allowed: tuple[str, ...] = ()
    if spec is not None:
        allowed = schema.regions if spec.type == "region" else spec.values
    if given is None:
        if kind == "choice" and not allowed:
            rep.error("a choice question needs choices", 'choices = ["a", "b"]', "choices")
            return None
        return allowed if kind == "choice" else ()
    if kind != "choice":
        rep.error(f"a {kind} question has no choices", 'remove choices or use kind = "choice"', "choices")
        return None
    if not isinstance(given, list) or not given or not all(isinstance(c, str) for c in given):
        rep.error("choices must be a list of text values", 'choices = ["a", "b"]', "choices")
        return None
    bad = [c for c in given if allowed and c not in allowed]
    if bad:
        rep.error(f"'{bad[0]}' is not a value the fact accepts", did_you_mean(bad[0], allowed), "choices")
        return None
    return tuple(given)


def _check_references(
    questions: list[Question], raw_questions: list[Any], schema: FactSchema, rep: Reporter
) -> None:
    """Key answers must name an earlier question; every fact must get all its key fields."""
    by_id = {q.id: q for q in questions}
    index_of: dict[str, int] = {}
    for index, raw in enumerate(raw_questions):
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            index_of.setdefault(raw["id"], index)
    groups: dict[Any, set[str]] = {}
    for q in questions:
        if q.target is None:
            continue
        qrep = rep.at("question", index_of.get(q.id, 0), "sets")
        for key, ref in q.target.key_answers:
            other = by_id.get(ref)
            if other is None:
                qrep.error(f"no question '{ref}' in this screen", did_you_mean(ref, by_id), key)
            elif other.kind != "choice":
                qrep.error(f"'{ref}' must be a choice question to give a {key}", "", key)
        provided = groups.setdefault(q.target.group, set())
        provided |= {k for k, _ in q.target.keys} | {k for k, _ in q.target.key_answers}
        provided.add(q.target.field)
    for (fact, _keys, _refs), provided in groups.items():
        kind = schema.kind(fact)
        missing = [k for k in (kind.key_fields if kind else ()) if k not in provided]
        if missing:
            group = (fact, _keys, _refs)
            first = next(q for q in questions if q.target is not None and q.target.group == group)
            rep.at("question", index_of.get(first.id, 0), "sets").error(
                f"the '{fact}' fact needs its {', '.join(missing)}",
                f'add {missing[0]} = ... or {missing[0]} = {{ answer = "question-id" }} to sets',
            )


def _check_session_screen(questions: list[Question], rep: Reporter) -> None:
    fields = {q.target.field for q in questions if q.target and q.target.fact == "session"}
    for need in ("days_ago", "type"):
        if need not in fields:
            rep.error(
                f"a session screen needs a question setting session.{need}",
                f'sets = {{ fact = "session", field = "{need}" }}',
                "question",
            )


# -- answers ---------------------------------------------------------------------------------


def parse_answer(
    q: Question, raw: Any, *, units: str = "km", today: date | None = None
) -> tuple[Any, str | None]:
    """(typed value or None for blank, error message or None). Distances come back in km."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ("needs an answer" if q.required else None)
    if q.kind == "text":
        from prehab.textsafe import clean_text, is_text

        text = str(raw)
        if not is_text(text):
            return None, "this is not text (it holds a character that cannot be stored); type it again"
        return clean_text(text).strip(), None
    if q.kind == "yes-no":
        if isinstance(raw, bool):
            return raw, None
        word = str(raw).strip().lower()
        if word in YES:
            return True, None
        if word in NO:
            return False, None
        return None, "answer yes or no"
    if q.kind == "choice":
        value = str(raw).strip()
        if value in q.choices:
            return value, None
        return None, f"'{value}' is not one of the choices; {did_you_mean(value, q.choices)}"
    if q.kind == "date":
        return _parse_date(q, raw, today or date.today())
    return _parse_number(q, raw, units)


def parse_minutes(text: str) -> float:
    """Minutes from "45", "45.5", "45:30" (MM:SS) or "1:05:00" (H:MM:SS); ValueError if not.

    The one duration parser: ``prehab log --duration`` and every ``unit = "min"`` question
    (the Sessions form) take the same text.
    """
    word = text.strip()
    parts = word.split(":")
    problem = ValueError(f"{text!r} is not a duration; give minutes (45) or H:MM:SS (1:05:00)")
    if not word or len(parts) > 3:
        raise problem
    try:
        numbers = [float(p.replace(",", ".")) if i == 0 else float(p) for i, p in enumerate(parts)]
    except (ValueError, OverflowError):
        raise problem from None
    if not all(math.isfinite(n) and n >= 0 for n in numbers) or any(n >= 60 for n in numbers[1:]):
        raise problem
    if len(numbers) == 3:
        return numbers[0] * 60 + numbers[1] + numbers[2] / 60
    if len(numbers) == 2:
        return numbers[0] + numbers[1] / 60
    return numbers[0]


def _parse_number(q: Question, raw: Any, units: str) -> tuple[Any, str | None]:
    unit = q.unit_for(units)
    if q.unit == DURATION_UNIT and not q.whole and isinstance(raw, str) and ":" in raw:
        try:
            raw = round(parse_minutes(raw), 2)
        except ValueError as exc:
            return None, str(exc)
    try:
        number = float(str(raw).strip().replace(",", ".")) if not isinstance(raw, int | float) else float(raw)
    except (ValueError, OverflowError):
        more = "; give minutes or H:MM:SS" if q.unit == DURATION_UNIT and not q.whole else ""
        return None, f"'{raw}' is not a number" + (more or (f"; give {unit}" if unit else ""))
    if not math.isfinite(number):
        return None, "give a finite number"
    if q.whole and not number.is_integer():
        return None, "give a whole number"
    value = from_display(number, units) if q.unit == DISTANCE_UNIT else number
    low = q.min is not None and value < q.min - 1e-9
    high = q.max is not None and value > q.max + 1e-9
    if low or high:
        rng = q.range_text(units)
        return None, f"{_fmt(number)} is out of range: give {rng}" + (f" {unit}" if unit else "")
    if q.whole:
        return int(round(value)), None
    return round(value, 3), None


def _parse_date(q: Question, raw: Any, today: date) -> tuple[Any, str | None]:
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    else:
        word = str(raw).strip().lower()
        if word == "today":
            day = today
        elif word == "yesterday":
            day = today - timedelta(days=1)
        else:
            try:
                day = date.fromisoformat(word)
            except ValueError:
                return None, f"'{raw}' is not a date; write YYYY-MM-DD, 'today' or 'yesterday'"
    if day > today:
        return None, f"{day.isoformat()} is in the future"
    if q.max is not None and (today - day).days > q.max:
        return None, f"{day.isoformat()} is too long ago (at most {int(q.max)} days)"
    return day, None


def _fmt(number: float) -> str:
    return str(int(number)) if number.is_integer() else f"{number:g}"


def validate(
    screen: Screen, raw: Mapping[str, Any], *, units: str = "km", today: date | None = None
) -> Validated:
    """Check every answer of ``screen``; nothing is partly accepted, so nothing half-stored."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in screen.questions:
        value, error = parse_answer(q, raw.get(q.id), units=units, today=today)
        if error:
            errors[q.id] = error
        elif value is not None:
            answers[q.id] = value
    for q in screen.questions:
        if q.id not in answers or q.target is None:
            continue
        for _key, ref in q.target.key_answers:
            if ref not in answers and ref not in errors:
                other = screen.question(ref)
                errors[q.id] = f"answer '{other.prompt if other else ref}' first"
    if not errors:
        try:
            to_facts(screen, answers, today=today)
        except IncompleteFact as exc:
            errors[exc.question] = str(exc)
    return Validated(answers if not errors else {}, errors)


class IncompleteFact(ValueError):
    """An answer whose fact lacks a key field the screen asks elsewhere (e.g. no date)."""

    def __init__(self, question: str, message: str) -> None:
        super().__init__(message)
        self.question = question


def to_facts(screen: Screen, answers: Mapping[str, Any], *, today: date | None = None) -> list[Fact]:
    """The facts ``answers`` (typed, from :func:`validate`) set, one per kind and key values."""
    today = today or date.today()
    partial: dict[Any, tuple[Fact, str]] = {}
    for q in screen.questions:
        if q.target is None or q.id not in answers:
            continue
        value = answers[q.id]
        if isinstance(value, date):
            value = (today - value).days
        elif isinstance(value, str) and q.kind == "date":
            value = (today - date.fromisoformat(value)).days
        t = q.target
        refs = {key: answers.get(ref) for key, ref in t.key_answers}
        if any(v is None for v in refs.values()):
            continue
        fact, _first = partial.setdefault(t.group, ({"fact": t.fact, **dict(t.keys), **refs}, q.id))
        fact[t.field] = value
    merged: dict[str, Fact] = {}
    for fact, first in partial.values():
        keys = screen.keys_of(fact["fact"])
        missing = [k for k in keys if k not in fact]
        if missing:
            asks = [q.prompt for q in screen.questions if q.target and q.target.field in missing]
            raise IncompleteFact(first, "also answer: " + ", ".join(asks or missing))
        identity = ":".join([fact["fact"], *(f"{k}={fact[k]}" for k in keys)])
        merged.setdefault(identity, {}).update(fact)
    return list(merged.values())


# -- check-ins built up over several screens ---------------------------------------------------


def jsonable(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as stored: dates as ISO text."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()}


def combine_checkin(
    screens: Mapping[str, Screen],
    earlier: Mapping[str, Any] | None,
    screen_id: str,
    answers: Mapping[str, Any],
    *,
    today: date,
) -> tuple[dict[str, Any], list[Fact]]:
    """Today's check-in after answering ``screen_id``: the other screens' answers from
    ``earlier`` (today's previous check-in, keyed by screen id) are kept, so the weekly
    check-in and the body map answered one after the other both count."""
    return combine_checkins(screens, earlier, {screen_id: answers}, today=today)


def combine_checkins(
    screens: Mapping[str, Screen],
    earlier: Mapping[str, Any] | None,
    answered: Mapping[str, Mapping[str, Any]],
    *,
    today: date,
) -> tuple[dict[str, Any], list[Fact]]:
    """Today's check-in after answering several screens at once (``answered``: validated
    answers by screen id): each answered screen replaces its earlier answers, the others'
    answers from ``earlier`` are kept."""
    by_screen: dict[str, dict[str, Any]] = {}
    for sid, stored in (earlier or {}).items():
        if sid in screens and sid not in answered and isinstance(stored, dict):
            by_screen[sid] = dict(stored)
    for sid, answers in answered.items():
        by_screen[sid] = jsonable(answers)
    facts: list[Fact] = []
    for sid, stored in by_screen.items():
        screen = screens[sid]
        check = validate(screen, stored, today=today)
        if check.ok:
            facts.extend(to_facts(screen, check.answers, today=today))
    keys_by_kind: dict[str, tuple[str, ...]] = {}
    for sid in by_screen:
        keys_by_kind.update(screens[sid].key_fields)
    return by_screen, merge_facts(facts, keys_by_kind)


def merge_facts(facts: list[Fact], keys_by_kind: Mapping[str, tuple[str, ...]]) -> list[Fact]:
    """One fact per kind and key values; later facts' fields win."""
    merged: dict[str, Fact] = {}
    for fact in facts:
        keys = keys_by_kind.get(str(fact["fact"]), ())
        identity = ":".join([str(fact["fact"]), *(f"{k}={fact.get(k)}" for k in keys)])
        merged.setdefault(identity, {}).update(fact)
    return list(merged.values())


def answers_for_display(screen: Screen, answers: Mapping[str, Any], units: str = "km") -> dict[str, str]:
    """Stored answers as the text a form shows (distances in the runner's units)."""
    out: dict[str, str] = {}
    for q in screen.questions:
        if q.id not in answers or answers[q.id] is None:
            continue
        value = answers[q.id]
        if q.kind == "yes-no":
            out[q.id] = "yes" if value else "no"
        elif isinstance(value, date):
            out[q.id] = value.isoformat()
        elif q.unit == DISTANCE_UNIT and isinstance(value, int | float):
            out[q.id] = _fmt(round(to_display(float(value), units), DISTANCE_DECIMALS))
        elif isinstance(value, float):
            out[q.id] = _fmt(value)
        else:
            out[q.id] = str(value)
    return out


# -- the session screen (saves = "session") ---------------------------------------------------

_SESSION_FIELDS = {
    "type": "kind",
    "distance_km": "distance_km",
    "duration_min": "duration_min",
    "rpe": "rpe",
    "surface": "surface",
    "cross_plane": "cross_plane",
}


def session_from_answers(
    screen: Screen, answers: Mapping[str, Any], *, today: date, base: Session | None = None
) -> Session:
    """The log entry a session screen's validated answers describe (``base`` keeps id/source)."""
    from prehab.store.records import Session

    fact = next((f for f in to_facts(screen, answers, today=today) if f["fact"] == "session"), {})
    session = Session(date=today - timedelta(days=int(fact.get("days_ago", 0))), kind=str(fact.get("type")))
    for fname, attr in _SESSION_FIELDS.items():
        if fname in fact and fname != "type":
            setattr(session, attr, fact[fname])
    if isinstance(session.rpe, float):
        session.rpe = int(session.rpe)
    notes = [answers[q.id] for q in screen.questions if q.target is None and q.id in answers]
    session.notes = " ".join(str(n) for n in notes)
    if base is not None:
        session.id, session.source, session.external_id = base.id, base.source, base.external_id
    return session


def session_answers(screen: Screen, session: Session) -> dict[str, Any]:
    """A stored session as a session screen's answers (to pre-fill the edit form)."""
    values: dict[str, Any] = {
        "type": session.kind,
        "distance_km": session.distance_km or None,
        "duration_min": session.duration_min,
        "rpe": session.rpe,
        "surface": session.surface,
        "cross_plane": session.cross_plane or None,
    }
    out: dict[str, Any] = {}
    for q in screen.questions:
        if q.target is None:
            if q.kind == "text" and session.notes:
                out[q.id] = session.notes
            continue
        if q.target.fact != "session":
            continue
        if q.target.field == "days_ago":
            out[q.id] = session.date
        elif values.get(q.target.field) is not None:
            out[q.id] = values[q.target.field]
    return out
