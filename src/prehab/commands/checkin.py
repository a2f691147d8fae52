"""``prehab checkin``, ``prehab profile`` and ``prehab respond``: every questionnaire from the CLI.

The same screens, validation and help text as the app (``screens/*.toml``, the follow-up
questions when an episode is stale, the response questions when due), and the same JSON as
Home Assistant's check-in topic (``prehab.day.commands``):

- interactively on a terminal, one question at a time (blank skips, a wrong answer is asked
  again with the reason);
- at once: ``--set QUESTION=ANSWER`` (repeatable), or ``--json FILE`` (``-`` for stdin) holding
  ``{"screen": ..., "answers": {...}}``.

A wrong answer is one line naming the question and what it takes, and nothing is stored.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from prehab.commands.base import guard
from prehab.commands.common import day_arg
from prehab.errors import UserError

if TYPE_CHECKING:
    from prehab.day.service import DayService
    from prehab.questionnaire import Question, Screen

MAX_JSON_BYTES = 65_536


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    checkin = sub.add_parser(
        "checkin",
        help="answer a check-in screen (interactive, --set or --json)",
        description="Answer a questionnaire as the app's Check-in does: interactively (one question at a "
        "time), with --set QUESTION=ANSWER, or with --json in the shape Home Assistant's check-in "
        "topic takes. `prehab checkin --list` shows the screens and their questions.",
    )
    _common(checkin, screen=True)
    checkin.add_argument(
        "--json", metavar="FILE", help='{"screen": ..., "answers": {...}} from FILE, or - for stdin'
    )
    checkin.add_argument(
        "--list", action="store_true", help="the screens you can answer now, with their questions"
    )
    checkin.set_defaults(handler=guard(cmd_checkin))

    profile = sub.add_parser(
        "profile",
        help="who you are: age, pregnancy, bone health, health screen, experience",
        description="Show or change your profile (asked once, edited any time). Without --set on a "
        "terminal it asks each question; --skip keeps the cautious defaults.",
    )
    _common(profile, screen=False)
    profile.add_argument(
        "--show", action="store_true", help="print the stored profile and the facts it gives"
    )
    profile.add_argument("--skip", action="store_true", help="skip it: the cautious defaults apply")
    profile.set_defaults(handler=guard(cmd_profile))

    respond = sub.add_parser(
        "respond",
        help="how the last session went (RPE, pain during, next morning)",
        description="The response questions, the day after prehab work or a hard run: how hard it was "
        "and, per region, pain during and the next morning compared with before. Stored against that "
        "day's work. `prehab checkin --list` shows the question ids.",
    )
    _common(respond, screen=False)
    respond.set_defaults(handler=guard(cmd_respond))


def _common(parser: argparse.ArgumentParser, *, screen: bool) -> None:
    if screen:
        parser.add_argument("--screen", help="the screen's id (body-map, weekly-checkin, screening, ...)")
    parser.add_argument(
        "--set", dest="answers", metavar="QUESTION=ANSWER", action="append", default=[],
        help="an answer (repeatable); distances in your units",
    )  # fmt: skip
    parser.add_argument("--date", type=day_arg, help="answer as of this day (YYYY-MM-DD)")


def _service(args: argparse.Namespace) -> DayService:
    from prehab.day.service import DayService

    service = DayService(today=args.date).open()
    if service.book is None:
        service.close()
        raise UserError("no usable rulebook; `prehab rules check` says why")
    return service


def cmd_checkin(args: argparse.Namespace) -> int:
    with _service(args) as service:
        if args.list:
            print_screens(service)
            return 0
        if args.json is not None:
            if args.answers or args.screen:
                raise UserError("give --json alone (the screen and answers are in it)")
            return _send(service, _read_json(args.json))
        screen_id = args.screen or (_pick(service) if not args.answers else None)
        if screen_id is None:
            raise UserError("give --screen NAME with --set; `prehab checkin --list` shows them")
        return _answer(service, screen_id, args.answers)


def cmd_profile(args: argparse.Namespace) -> int:
    from prehab.day.profile import PROFILE_SCREEN

    with _service(args) as service:
        if args.skip:
            if service.profile() is not None:
                raise UserError("the profile was answered already; `prehab profile --set ...` changes it")
            service.skip_profile()
            print("profile skipped: the cautious defaults apply (beginner strength work, no age)")
            return 0
        if args.show or (not args.answers and not sys.stdin.isatty()):
            print_profile(service)
            return 0
        return _answer(service, PROFILE_SCREEN, args.answers, keep_stored=True)


def cmd_respond(args: argparse.Namespace) -> int:
    with _service(args) as service:
        if service.screen("response") is None:
            raise UserError(
                "nothing to answer: no prehab work or hard run in the last 2 days, or answered already"
            )
        return _answer(service, "response", args.answers)


def _answer(service: DayService, screen_id: str, given: list[str], *, keep_stored: bool = False) -> int:
    screen = service.screen(screen_id)
    if screen is None:
        from prehab.rulebook.suggest import did_you_mean

        names = [s.id for s in service.checkin_screens()] + ["profile"]
        raise UserError(f"no screen {screen_id!r} to answer now; {did_you_mean(screen_id, names)}")
    if given:
        answers = dict(_pair(text) for text in given)
    elif sys.stdin.isatty():
        answers = ask(service, screen)
    else:
        raise UserError("stdin is not a terminal: give --set QUESTION=ANSWER or --json (see --help)")
    if keep_stored:
        stored = service.profile()
        if stored is not None:
            from prehab.questionnaire import answers_for_display

            answers = {**answers_for_display(screen, stored.answers, service.settings.units), **answers}
    return _send(service, {"screen": screen_id, "answers": answers})


def _send(service: DayService, data: Any) -> int:
    from prehab.day.commands import answer
    from prehab.safe.text import clean_text

    if not isinstance(data, dict):
        raise UserError('the JSON must be an object: {"screen": ..., "answers": {...}}')
    result = answer(service, data)
    if not result.get("ok"):
        screen = service.screen(str(data.get("screen"))) if isinstance(data.get("screen"), str) else None
        errors: dict[str, str] = result.get("errors") or {}
        if not errors:
            raise UserError(str(result.get("error")))
        for qid, message in errors.items():
            q = screen.question(qid) if screen is not None else None
            takes = f" (takes {allowed(q, service.settings.units)})" if q is not None else ""
            print(
                clean_text(f"prehab: error: {screen.id if screen else ''}.{qid}: {message}{takes}"),
                file=sys.stderr,
            )
        print(f"nothing was stored: {len(errors)} answer(s) to fix", file=sys.stderr)
        return 2
    parts = [f"saved {result['screen']}: {result['facts']} fact(s)"]
    if result.get("episodes"):
        parts.append("; ".join(result["episodes"]))
    if result.get("new"):
        parts.append("new today: " + ", ".join(result["new"]))
    print(clean_text(". ".join(parts)))
    return 0


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UserError(f"--set {text[:60]!r}: write QUESTION=ANSWER (e.g. --set tight_calves=6)")
    return key.strip(), value.strip()


def _read_json(name: str) -> Any:
    import json
    from pathlib import Path

    from prehab.safe.files import read_bytes

    raw = sys.stdin.buffer.read(MAX_JSON_BYTES + 1) if name == "-" else read_bytes(Path(name))
    if len(raw) > MAX_JSON_BYTES:
        raise UserError(f"the JSON is over {MAX_JSON_BYTES // 1024} KiB: send one screen's answers")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError("the JSON is not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        raise UserError(f'not JSON ({str(exc)[:80]}); give {{"screen": ..., "answers": {{...}}}}') from None


def allowed(q: Question, units: str) -> str:
    """What a question takes, in words: "yes or no", "one of calves, shins, ...", "0-10 km"."""
    if q.kind == "yes-no":
        return "yes or no"
    if q.kind == "choice":
        shown = ", ".join(q.choices[:12]) + (", ..." if len(q.choices) > 12 else "")
        return f"one of {shown}"
    if q.kind == "date":
        return "YYYY-MM-DD, today or yesterday"
    if q.kind == "text":
        return "text"
    rng = q.range_text(units)
    unit = q.unit_for(units)
    whole = "a whole number" if q.whole else "a number"
    return f"{whole} {rng}{(' ' + unit) if unit else ''}".strip()


def print_screens(service: DayService) -> None:
    from prehab.safe.text import clean_text

    screens = service.checkin_screens()
    profile = service.screen("profile")
    for screen in [*screens, *([profile] if profile is not None else [])]:
        print(clean_text(f"{screen.id}: {screen.title}"))
        for q in screen.questions:
            print(clean_text(f"  {q.id}: {q.prompt} ({allowed(q, service.settings.units)})"))


def print_profile(service: DayService) -> None:
    from prehab.day.profile import profile_facts
    from prehab.safe.text import clean_text

    stored = service.profile()
    if stored is None:
        print("no profile yet: `prehab profile` asks the questions (or --skip for the cautious defaults)")
        return
    if stored.skipped and not stored.answers:
        print("profile skipped: the cautious defaults apply; `prehab profile --set ...` answers it")
    for key, value in sorted(stored.answers.items()):
        print(clean_text(f"{key} = {value}"))
    for fact in profile_facts(stored, service.today):
        values = ", ".join(f"{k}={v}" for k, v in fact.items() if k != "fact")
        print(clean_text(f"fact {fact['fact']}: {values}"))


def _pick(service: DayService) -> str | None:
    """Ask which screen to answer (on a terminal)."""
    if not sys.stdin.isatty():
        return None
    screens = service.checkin_screens()
    for n, screen in enumerate(screens, start=1):
        print(f"{n}. {screen.title} ({screen.id})")
    while True:
        text = input("Which one? (number or id, blank to stop) ").strip()
        if not text:
            raise UserError("nothing answered, nothing stored")
        if text.isdigit() and 1 <= int(text) <= len(screens):
            return screens[int(text) - 1].id
        if any(s.id == text for s in screens):
            return text
        print(f"  give a number from 1 to {len(screens)} or a screen id")


def ask(service: DayService, screen: Screen) -> dict[str, Any]:
    """Each question of ``screen`` on the terminal, checked as the form checks it."""
    from prehab.questionnaire import parse_answer
    from prehab.safe.text import clean_text

    units = service.settings.units
    print(clean_text(f"{screen.title}: {screen.intro}".strip()))
    print("Blank skips a question; ctrl+c stops without storing anything.")
    out: dict[str, Any] = {}
    for q in screen.questions:
        if q.section:
            print(clean_text(f"\n{q.section}"))
        if q.help:
            print(clean_text(f"  ({q.help})"))
        while True:
            text = input(clean_text(f"{q.prompt} [{allowed(q, units)}]: ")).strip()
            value, error = parse_answer(q, text, units=units, today=service.today)
            if error is None:
                if value is not None:
                    out[q.id] = text
                break
            print(clean_text(f"  {error}"))
    return out
