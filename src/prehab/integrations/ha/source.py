"""What Home Assistant shows for one runner, and what it may ask of prehab.

Nothing here is computed differently from the app: the advice is
``prehab.plan.today.advise_from_store`` (the one call the app and ``prehab recommend`` use),
the attributes are cut from ``prehab.render.evaluation_json`` (what ``recommend --json``
prints), a check-in is checked by ``questionnaire.validate`` and combined with today's other
answers by ``questionnaire.combine_checkin`` exactly as the app's Check-in screen does, and
"mark today done" records each of today's items as the app's Today screen does (with its
dose, kind, plane and regions, so it counts as a session). Broken user rules or screens keep
the last good ones in force, as in the app. No paho, no Textual.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from prehab.facts.history import checkin_age_days
from prehab.facts.units import to_display
from prehab.integrations.ha.discovery import device_config
from prehab.integrations.ha.topics import Topics
from prehab.model import URGENCY_LABEL, Problem, UserError
from prehab.plan.day import DayPlan
from prehab.plan.today import Today, advise_from_store
from prehab.questionnaire import Screen, ScreensResult, combine_checkin, load_screens, validate
from prehab.rulebook import Rulebook, default_layers, load_rulebook
from prehab.rulebook.suggest import did_you_mean
from prehab.store import Checkin, Settings, Store, load_settings
from prehab.store.advicelog import advice_record, log_plan, mark_prescription

log = logging.getLogger("prehab.ha")

MAX_STATE_CHARS = 255
"""Home Assistant refuses a state longer than this."""
MAX_ATTRIBUTES_BYTES = 12_000
"""Home Assistant's recorder drops attributes over 16 KiB: stay well under."""
MAX_COMMAND_BYTES = 65_536
CHECKIN_KEYS = ("screen", "answers", "id")
STRENGTH_DUE_FLAG = "strength-due"


@dataclass
class Source:
    """One runner's rules, screens, settings and history, and today's advice from them."""

    store: Store
    settings: Settings
    book: Rulebook
    screens: ScreensResult
    clock: Callable[[], date] = date.today
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def open(cls, clock: Callable[[], date] = date.today) -> Source:
        """The default store, settings, rules and screens (``--data-dir``/``--config-dir``)."""
        settings, problems = load_settings()
        book, rule_problems = load_book(None)
        if book is None:
            first = next((p for p in rule_problems if p.severity == "error"), None)
            raise UserError(f"no usable rulebook: {first or 'the shipped pack is missing'}")
        store = Store.open()
        source = cls(store, settings, book, ScreensResult({}), clock, problems + rule_problems)
        source.problems += source.reload_screens()
        return source

    def close(self) -> None:
        self.store.close()

    # -- reloading (ha run) --------------------------------------------------------------------

    def reload_settings(self) -> list[Problem]:
        self.settings, problems = load_settings()
        return problems

    def reload_rules(self) -> list[Problem]:
        """Rules and screens again; with errors the last good ones stay in force."""
        book, problems = load_book(self.book)
        if book is not None:
            self.book = book
        return problems + self.reload_screens()

    def reload_screens(self) -> list[Problem]:
        found = load_screens(self.book.schema)
        if found.errors:  # a broken screen file keeps that screen's last good version
            for sid, screen in self.screens.screens.items():
                found.screens.setdefault(sid, screen)
        self.screens = found
        return found.problems

    # -- what is published ---------------------------------------------------------------------

    def advice(self) -> Today:
        return advise_from_store(self.book, self.store, self.settings, self.clock())

    def discovery(self, topics: Topics) -> dict[str, str]:
        return {topics.discovery: _dumps(device_config(topics, self.settings.units))}

    def payloads(self, topics: Topics) -> dict[str, str]:
        """Every retained state and attributes topic with its payload (no discovery)."""
        from prehab.render import evaluation_json

        day = self.clock()
        today = self.advice()
        ev, plan = today.evaluation, today.plan
        full = evaluation_json(ev, plan)
        load = next((f for f in today.facts if f.get("fact") == "load"), {})
        done = self.store.done_on(day)
        latest = self.store.latest_checkin()
        referrals = full["referrals"]
        cautions = [c["text"] for c in full["cautions"]]
        strength = next((c for c in ev.conclusions if c.flag == STRENGTH_DUE_FLAG), None)
        weekly = load.get("weekly_km")
        state = {
            "headline": headline(plan, self.book, bool(referrals)),
            "planned_minutes": _number(plan.minutes),
            "planned_items": len(plan.items),
            "done_today": len(done),
            "strength_due": _on(STRENGTH_DUE_FLAG in ev.flags),
            "warning": _on(bool(referrals or cautions)),
            "weekly_distance": None if weekly is None else round(to_display(weekly, self.settings.units), 1),
            "run_spike_pct": _rounded(load.get("run_spike_pct")),
            "days_since_strength": load.get("days_since_strength"),
            "last_checkin": None if latest is None else _checkin_day(latest, day),
            "day": day.isoformat(),
            "units": self.settings.units,
        }
        # done work counts, so a re-plan drops it; it stays the day's work (as Today keeps it listed)
        catalogue = {ex.id: ex.name for ex in self.book.exercises.values()}
        names = {**catalogue, **{p.exercise: p.name for p in plan.items}}
        planned = {p.exercise for p in plan.items} | done
        first_text = referrals[0]["text"] if referrals else (cautions[0] if cautions else "")
        attributes = {
            "today": today_attributes(full, plan, day),
            "done_today": {
                "done": sorted(done),
                "names": [names.get(e, e) for e in sorted(done)],
                "remaining": [p.name for p in plan.items if p.exercise not in done],
                "planned": len(planned),
            },
            "strength_due": {
                "why": strength.reason.why if strength else "",
                "rule": strength.reason.rule_id if strength else "",
            },
            "warning": {
                "text": first_text,
                "referrals": [
                    {"text": r["text"], "urgency": r["urgency"], "label": URGENCY_LABEL.get(r["urgency"], "")}
                    for r in referrals
                ],
                "cautions": cautions,
            },
        }
        out = {topics.state: _dumps(state)}
        for entity, values in attributes.items():
            out[topics.attributes(entity)] = _dumps(values)
        return out

    # -- commands from Home Assistant ----------------------------------------------------------

    def checkin(self, payload: bytes) -> dict[str, Any]:
        """Store a check-in sent as JSON if, and only if, every answer is valid.

        ``{"screen": "body-map", "answers": {"tight_calves": 6}, "id": "anything"}``: the
        answers are checked by the questionnaire's own ``validate`` (distances in the runner's
        units) and combined with today's other screens like the app does. The result says
        what was stored, or every problem found (then nothing is stored).
        """
        data, problem = _json_object(payload)
        echo = {"id": data["id"]} if isinstance(data, dict) and "id" in data else {}
        if problem:
            return {"command": "checkin", "ok": False, "error": problem, **echo}
        assert data is not None
        unknown = [k for k in data if k not in CHECKIN_KEYS]
        if unknown:
            return _refused(f"unknown key {unknown[0]!r}: {did_you_mean(unknown[0], CHECKIN_KEYS)}", echo)
        screens = {s.id: s for s in self.screens.ordered("checkin")}
        sid = data.get("screen")
        if not isinstance(sid, str) or sid not in screens:
            hint = did_you_mean(str(sid), screens)
            return _refused(f"'screen' must name a check-in screen, not {sid!r}: {hint}", echo)
        screen = screens[sid]
        answers = data.get("answers", {})
        if not isinstance(answers, dict):
            return _refused("'answers' must be an object of question id: answer", echo)
        day = self.clock()
        checked = validate(screen, answers, units=self.settings.units, today=day)
        errors = _shape_errors(screen, answers) or checked.errors
        if errors:
            first = next(iter(errors.items()))
            return {
                "command": "checkin",
                "ok": False,
                "error": f"{len(errors)} answer(s) to fix, nothing was stored; {first[0]}: {first[1]}",
                "errors": errors,
                **echo,
            }
        stored, facts = combine_checkin(
            self.screens.screens, self.todays_answers(day), sid, checked.answers, today=day
        )
        try:
            self.store.add_checkin(stored, facts)
        except UserError as exc:
            return _refused(f"nothing was stored: {exc}", echo)
        log.info("check-in %s stored from MQTT: %d fact(s)", sid, len(facts))
        return {"command": "checkin", "ok": True, "screen": sid, "facts": len(facts), **echo}

    def todays_answers(self, day: date) -> dict[str, Any]:
        """Answers of today's check-in by screen id (as the app keeps them)."""
        latest = self.store.latest_checkin()
        if latest is None or checkin_age_days(latest, day) != 0:
            return {}
        return {k: v for k, v in latest.answers.items() if isinstance(v, dict)}

    def mark_done(self, payload: bytes) -> dict[str, Any]:
        """The button: every item of today's plan is recorded done (as ticking each in Today)."""
        if payload.strip() not in (b"PRESS", b""):
            return {"command": "done", "ok": False, "error": "press the button: the payload is PRESS"}
        day = self.clock()
        today = self.advice()
        plan = today.plan
        # the plan marked done is kept in the advice log (as the app and `prehab done` keep it)
        record = advice_record(day, self.book.fingerprint, today.evaluation, plan)
        log_plan(self.store, record, today.evaluation, self.book.exercises)
        try:
            for p in plan.items:  # with its dose, kind, plane and regions: it counts as a session
                mark_prescription(self.store, day, p, self.book.exercises.get(p.exercise))
        except UserError as exc:
            return {"command": "done", "ok": False, "error": f"not recorded: {exc}"}
        log.info("today marked done from MQTT: %d item(s)", len(plan.items))
        return {"command": "done", "ok": True, "done": [p.exercise for p in plan.items]}


def load_book(previous: Rulebook | None) -> tuple[Rulebook | None, list[Problem]]:
    """The rulebook with the user's rules; with errors the previous one, or the shipped pack."""
    result = load_rulebook(default_layers())
    if result.rulebook is not None:
        return result.rulebook, result.problems
    if previous is not None:
        return previous, result.problems
    fallback = load_rulebook(default_layers(include_user=False))
    return fallback.rulebook, result.problems + fallback.problems


def headline(plan: DayPlan, book: Rulebook, referrals: bool) -> str:
    """Today in a few words: "Mobility (calves, hip flexors) + strength (calves), 25 min"."""
    if not plan.items:
        return "See a professional first; nothing else today" if referrals else "Nothing extra today"
    groups: dict[str, list[str]] = {}
    for p in plan.items:
        ex = book.exercises.get(p.exercise)
        regions = groups.setdefault(p.kind, [])
        region = ex.works[0].replace("_", " ") if ex is not None and ex.works else ""
        if region and region not in regions:
            regions.append(region)
    parts = [f"{kind} ({', '.join(regions[:2])})" if regions else kind for kind, regions in groups.items()]
    text = " + ".join(parts)
    text = f"{text[:1].upper()}{text[1:]}, {plan.minutes:g} min"
    if len(text) > MAX_STATE_CHARS:
        text = text[: MAX_STATE_CHARS - 3] + "..."
    return text


def today_attributes(full: Mapping[str, Any], plan: DayPlan, day: date) -> dict[str, Any]:
    """Today's items with doses and reasons, and what comes before them, under 12 KB."""
    items = [
        {
            "exercise": p["exercise"],
            "name": p["name"],
            "kind": p["kind"],
            "dose": p["dose_text"],
            "minutes": _number(p["minutes"]),
            "why": p["reasons"][0]["why"] if p["reasons"] else "",
            "rule": p["reasons"][0]["rule"] if p["reasons"] else "",
        }
        for p in full["today"]
    ]
    out: dict[str, Any] = {
        "day": day.isoformat(),
        "minutes": _number(plan.minutes),
        "items": items,
        "referrals": [r["text"] for r in full["referrals"]],
        "not_today": [r["text"] for r in full["not_today"]],
        "instead": list(full["instead"]),
        "if_time": [p["name"] for p in full["if_time"]],
        "errors": list(full["errors"]),
        "disclaimer": full["disclaimer"],
    }
    for limit in (400, 160, 60, 0):
        if len(_dumps(out).encode()) <= MAX_ATTRIBUTES_BYTES:
            break
        for item in items:
            item["why"] = _cut(item["why"], limit)
    while len(_dumps(out).encode()) > MAX_ATTRIBUTES_BYTES and items:
        items.pop()
        out["truncated"] = True
    return out


def _shape_errors(screen: Screen, answers: Mapping[str, Any]) -> dict[str, str]:
    """What JSON can send but a form cannot: unknown question ids, lists and objects, and
    true/false for a question that is not yes-or-no (it would count as 1 or 0)."""
    ids = [q.id for q in screen.questions]
    errors: dict[str, str] = {}
    for key, value in answers.items():
        q = screen.question(key)
        if q is None:
            errors[key] = f"no question {key!r} in {screen.id}: {did_you_mean(key, ids)}"
        elif isinstance(value, list | dict):
            errors[key] = "give one answer (text, a number, true or false), not a list or an object"
        elif isinstance(value, bool) and q.kind != "yes-no":
            errors[key] = f"true/false answers only yes-no questions; {key} is a {q.kind} question"
    return errors


def _json_object(payload: bytes) -> tuple[dict[str, Any] | None, str]:
    if len(payload) > MAX_COMMAND_BYTES:
        return None, f"the payload is over {MAX_COMMAND_BYTES // 1024} KiB: send one check-in"
    try:
        data = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "the payload is not UTF-8 text"
    except (ValueError, RecursionError) as exc:
        return None, f'the payload is not JSON ({exc}); send {{"screen": ..., "answers": {{...}}}}'
    if not isinstance(data, dict):
        return None, 'the payload must be a JSON object: {"screen": ..., "answers": {...}}'
    return data, ""


def _refused(error: str, echo: dict[str, Any]) -> dict[str, Any]:
    return {"command": "checkin", "ok": False, "error": error, **echo}


def _checkin_day(checkin: Checkin, day: date) -> str:
    """The local day a check-in was taken on, as ISO text."""
    return (day - timedelta(days=checkin_age_days(checkin, day))).isoformat()


def _on(value: bool) -> str:
    return "ON" if value else "OFF"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 3)].rstrip() + "..."


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
