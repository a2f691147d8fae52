"""Screen files in: screens/*.toml read and checked against the fact vocabulary (facts.toml).

Every question must set a field the vocabulary has, with a kind, range and choices that fit it;
problems are reported as ``file:line`` like the rules loader's, and a screen with errors is left
out (so a broken user override keeps the shipped screen of that id). Format: screens/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prehab.model import Problem, errors_in
from prehab.questionnaire.model import KINDS, SAVES, Question, Screen, ScreensResult, Target
from prehab.rulebook.loader import read_toml
from prehab.rulebook.schema import FactSchema, FieldSpec
from prehab.rulebook.suggest import did_you_mean
from prehab.safe.toml import TomlError, decode_text, parse_toml, read_file, toml_files

if TYPE_CHECKING:
    from prehab.rulebook.report import Reporter

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


def default_dirs() -> list[Path]:
    """The shipped screens, then the user's, which replace shipped screens by id."""
    from prehab.paths import default_screen_dirs

    return default_screen_dirs()


def load_screens(
    schema: FactSchema,
    dirs: Iterable[Path] | None = None,
    *,
    cache: bool = True,
    schema_key: str | None = None,
) -> ScreensResult:
    """Every screen in ``dirs`` (later dirs win by screen id), each checked against ``schema``.

    A screen file with errors is left out (and reported), so a broken user override keeps
    the shipped screen of that id in use: the same "last good" rule as the rulebook. Checked
    screens come back from the cache folder while no screen file and no fact kind changed
    (``rulebook/packcache``: the same key, codec and safety as the rule pack's).
    ``schema_key`` is a digest that decides ``schema``, the fingerprint of the pack it came
    from: given it, the key needs no digest of the schema itself (about 1 ms of a start).
    """
    result = ScreensResult({})
    files: list[tuple[int, Path, bytes]] = []
    unread = False
    for index, folder in enumerate(dirs if dirs is not None else default_dirs()):
        if not folder.exists():
            continue
        for path in toml_files(folder, result.problems):
            try:
                files.append((index, path, read_file(path)))
            except TomlError as exc:
                result.problems.append(exc.problem)
                unread = True
    screens_key = None
    if cache and not unread:
        from prehab.rulebook import packcache

        for tag, cls in (("Qt", Target), ("Qq", Question), ("Qs", Screen), ("Qr", ScreensResult)):
            packcache.register(tag, cls)
        decided_by = f"pack\0{schema_key}" if schema_key else packcache.digest_of(schema)
        screens_key = packcache.key(files, 0, "screens\0" + decided_by)
        hit = packcache.read_value(screens_key)
        if isinstance(hit, ScreensResult) and all(isinstance(s, Screen) for s in hit.screens.values()):
            return ScreensResult(hit.screens, result.problems + hit.problems)
    listed = len(result.problems)
    for _, path, data in files:
        screen = _screen_from(path, data, schema, result.problems)
        if screen is not None:
            result.screens[screen.id] = screen
    if screens_key is not None:
        packcache.write_value(screens_key, ScreensResult(result.screens, result.problems[listed:]))
    return result


def _screen_from(path: Path, data: bytes, schema: FactSchema, problems: list[Problem]) -> Screen | None:
    try:
        text = decode_text(data, path)
        parsed = parse_toml(text, str(path))
    except TomlError as exc:
        problems.append(exc.problem)
        return None
    return _checked_screen(path, text, parsed, schema, problems)


def load_screen_file(path: Path, schema: FactSchema, problems: list[Problem]) -> Screen | None:
    read = read_toml(path, problems)
    if read is None:
        return None
    text, data = read
    return _checked_screen(path, text, data, schema, problems)


def _checked_screen(
    path: Path, text: str, data: dict[str, Any], schema: FactSchema, problems: list[Problem]
) -> Screen | None:
    from prehab.rulebook.locate import Locator  # checking only: screens read back from the cache need neither
    from prehab.rulebook.report import Reporter

    rep = Reporter(str(path), Locator(text))
    screen = parse_screen(data, schema, rep, str(path))
    problems.extend(rep.problems)
    if errors_in(rep.problems):
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
