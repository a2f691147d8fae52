"""The day service: one runner's rules, screens, settings and history, and the day's plan.

Every surface is a thin client of this one object: the app (Today, Week, Check-in, ...),
the CLI (``recommend``, ``done``, ``checkin``, ``profile``), ``serve`` (the app in a browser)
and the Home Assistant bridge. It owns

- the last good rulebook and screens (``prehab.day.rules``: one rule for what a refusal keeps);
- the watchers (``poll``): rule and screen files, settings.toml, the history (another process
  committed), the date; what changed is reloaded and every subscriber is told;
- the day's facts (``prehab.day.facts``) and the committed plan (``view``): planned once,
  stored with item numbers, re-planned only when its inputs change, each re-plan recorded;
- every command that changes the day: check-ins (episodes opened, responses stored against the
  work they answer), the profile, follow-up answers (``prehab.day.checkins``), done marks,
  sessions, deletes (``prehab.day.history``), settings.

The commands live in those two modules as parts of this one class, so a surface still sees one
object with one API; this module keeps what the parts share: opening, watching and the plan. A
third part (``prehab.day.remembered``) lets a one-shot command answer from the day memo
(``open(lazy=True)``): the rules and screens are then read only when something asks for them.

No Textual, no paho: a surface renders :class:`prehab.day.view.DayView` and calls commands.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prehab.day.checkins import RESPONSE_SCREEN, CheckinCommands, Saved
from prehab.day.commit import (
    advice_record_of,
    as_stored,
    change_json,
    changes_between,
    inputs_digest,
    renumber,
    trigger,
)
from prehab.day.facts import facts_for_day
from prehab.day.followup import follow_ups
from prehab.day.history import HistoryCommands
from prehab.day.remembered import Remembered
from prehab.day.view import VIEW_VERSION, DayView, Decorations, build_view
from prehab.model import Fact, Problem, errors_in
from prehab.questionnaire import ScreensResult
from prehab.record import Record
from prehab.rulebook import Rulebook
from prehab.store import Settings, Store, load_settings, save_settings
from prehab.store.db import StoreError
from prehab.store.records import AdviceRecord

__all__ = [
    "RESPONSE_SCREEN",
    "DayService",
    "ReloadResult",
    "RulesRead",
    "Saved",
    "advice_record_of",
    "pack_summary",
]

Listener = Callable[[set[str]], None]


class ReloadResult(Record):
    """How a reload went: whether the new rules and screens were taken, the problems, one line to show."""

    ok: bool
    problems: list[Problem]
    message: str


class RulesRead(Record):
    """The rules and screens as ``read_rules`` found them; ``began``: how many reads were
    taken when it started (a read taken since makes this one stale)."""

    book: Rulebook | None
    screens: ScreensResult
    problems: list[Problem]
    kept: bool
    began: int
    carried: bool = False
    """Something read earlier in this process stays in force (the last good rulebook, or a
    screen's last good version): what the files say would give other rules, so a day read
    with these is never kept as the day memo, whose key is those files."""

    def result(self) -> ReloadResult:
        """How this read went, in one line to show."""
        book, problems = self.book, self.problems
        errors = errors_in(problems)
        if self.kept and book is not None:
            message = f"{len(errors)} error(s): your last good rules stay in force"
        elif errors:
            message = f"{len(errors)} error(s) in screens; the good ones are in use"
        elif book is not None:
            message = f"rules reloaded: {pack_summary(book)}"
        else:
            message = "no usable rulebook"
        return ReloadResult(not errors, list(problems), message)


class DayService(CheckinCommands, HistoryCommands, Remembered):
    """See the module docstring. ``today`` fixes the day (``--date``, tests, snapshots)."""

    def __init__(
        self,
        *,
        rule_layers: list[Path] | None = None,
        screen_dirs: list[Path] | None = None,
        today: date | None = None,
        store_path: Path | None = None,
        clock: Callable[[], date] | None = None,
    ) -> None:
        self.rule_layers = rule_layers
        self.screen_dirs = screen_dirs
        self.today_fixed = today
        self.clock = clock
        """Where the day comes from when it is not fixed (tests move it past midnight)."""
        self.store_path = store_path
        self._book: Rulebook | None = None
        self._problems: list[Problem] = []
        self._screens = ScreensResult({})
        self._rules_read = False
        """The rules and screens were read (``reload``); until then a one-shot read may be
        answered by the day memo (``open(lazy=True)``) and they are read when first asked for."""
        self._rules_taken = 0
        """How many reads of the rules were put in force (``take_rules``)."""
        self.settings = Settings()
        self.settings_problems: list[Problem] = []
        self.store: Store | None = None
        self.version = 0
        """Bumped whenever what the surfaces show may have changed (a view is cheap to read)."""
        self._listeners: list[Listener] = []
        self._watcher: Any = None
        self._view_cache: tuple[int, date, DayView, Decorations] | None = None
        self._memo: Any = None
        self._memo_version = -1
        self._sources: Any = None
        self._read_key: str | None = None
        self._read_key_version = -1

    # -- opening --------------------------------------------------------------------------------

    @property
    def today(self) -> date:
        if self.today_fixed is not None:
            return self.today_fixed
        return self.clock() if self.clock is not None else date.today()

    def open(self, *, lazy: bool = False, sources: Any = None) -> DayService:
        """Read settings, rules and screens, open the history (StoreError if it cannot be).

        ``lazy`` (the one-shot commands): today's read may come from the day memo
        (``prehab.day.memo``) when nothing it depends on changed; the rules and screens are
        then read only if something asks for them. A read done the slow way is kept as a memo.
        ``sources``: what the day depended on when a command's quick read looked (default folders
        and history), used again if the history's revision is still the same."""
        self.settings, self.settings_problems = load_settings()
        self.store = Store.open(self.store_path)
        if not (lazy and self._recall(sources)):
            self.reload()
        return self

    # -- the rules and screens, read when first needed ------------------------------------------

    @property
    def book(self) -> Rulebook | None:
        """The rulebook in force (the last good one)."""
        if not self._rules_read:
            self.reload()
        return self._book

    @property
    def problems(self) -> list[Problem]:
        """Every problem in the rules and screens in force."""
        memo = self._memo_in_force()
        if memo is not None:
            return list(memo.problems)
        if not self._rules_read:
            self.reload()
        return self._problems

    @property
    def screens(self) -> ScreensResult:
        if not self._rules_read:
            self.reload()
        return self._screens

    def usable(self) -> bool:
        """A rulebook advises (else the day's view says why not)."""
        memo = self._memo_in_force()
        return bool(memo.usable) if memo is not None else self.book is not None

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> DayService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def layers(self) -> list[Path]:
        from prehab.paths import default_rule_layers

        return list(self.rule_layers) if self.rule_layers is not None else default_rule_layers()

    def folders(self) -> list[Path]:
        """Every folder the rules and screens are read from: what the watcher watches and the
        day memo hashes."""
        from prehab.paths import default_screen_dirs

        return self.layers() + (
            list(self.screen_dirs) if self.screen_dirs is not None else default_screen_dirs()
        )

    def reload(self) -> ReloadResult:
        """Rules and screens again; with errors the last good ones stay in force."""
        read = self.read_rules()
        self.take_rules(read)
        return read.result()

    def read_rules(self) -> RulesRead:
        """Read the rules and screens without changing the service (``take_rules`` puts them in
        force): the app reads them in a thread after drawing today from the day memo."""
        from prehab.day.rules import choose_rulebook
        from prehab.questionnaire import load_screens

        began, previous, earlier_screens = self._rules_taken, self._book, self._screens
        choice = choose_rulebook(self.layers(), previous)
        problems = list(choice.problems)
        book = choice.book if choice.book is not None else previous
        screens = earlier_screens
        carried = previous is not None and book is previous
        if book is not None:
            screens = load_screens(book.schema, self.screen_dirs, schema_key=book.fingerprint)
            problems += screens.problems
            if screens.errors:  # a broken screen file keeps that screen's last good version
                for sid, screen in earlier_screens.screens.items():
                    carried = carried or sid not in screens.screens
                    screens.screens.setdefault(sid, screen)
            from prehab.questionnaire import answer_questions
            from prehab.rulebook.answers import rule_answer_problems

            problems += rule_answer_problems(book, answer_questions(screens))
        return RulesRead(book, screens, problems, choice.kept, began, carried)

    def take_rules(self, read: RulesRead) -> bool:
        """Put ``read`` in force and tell the subscribers; False (nothing changed) when rules
        were taken since that read began: a newer read is in force."""
        if read.began != self._rules_taken:
            return False
        self._rules_read = True
        self._rules_taken += 1
        self._problems = list(read.problems)
        self._book, self._screens = read.book, read.screens
        if read.carried:  # the rules in force are no longer what the files say: no memo from here
            self._sources = None
        self.changed({"rules"})
        return True

    @property
    def rules_read(self) -> bool:
        """Whether the rules and screens were read (not only today's read from the day memo)."""
        return self._rules_read

    @property
    def book_read(self) -> Rulebook | None:
        """The rulebook in force if the rules were read, else None; never reads them (a screen
        drawn from the day memo shows what it has, and again once the rules are in)."""
        return self._book if self._rules_read else None

    def reload_settings(self) -> bool:
        """Re-read settings.toml (changed by hand or by the CLI); True if a value changed."""
        settings, self.settings_problems = load_settings()
        if settings == self.settings:
            return False
        self.settings = settings
        self.changed({"settings"})
        return True

    # -- watching -------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(changes)`` whenever the day may look different."""
        self._listeners.append(listener)

    def changed(self, what: set[str]) -> None:
        self.version += 1
        self._view_cache = None
        for listener in list(self._listeners):
            listener(what)

    def watch(self) -> None:
        """Start noticing changes made elsewhere (``poll``)."""
        from prehab.day.watch import Watcher
        from prehab.paths import settings_file

        if self.store is None or self._watcher is not None:
            return
        self._watcher = Watcher(
            self.store.path,
            settings_file(),
            self.folders,
            lambda: self.today,
        )

    def poll(self, *, apply: bool = True) -> set[str]:
        """What changed elsewhere since the last poll (history, settings, rules, day), each
        reloaded and the subscribers told (``apply``). Cheap: a pragma and a few stat calls."""
        if self._watcher is None:
            return set()
        found: set[str] = self._watcher.poll()
        return self.apply(found) if apply else found

    def apply(self, found: set[str]) -> set[str]:
        """Reload what ``found`` names as changed (rules, settings) and tell the subscribers."""
        if "rules" in found:
            self.reload()
        if "settings" in found:
            self.reload_settings()
        if found & {"history", "day"}:
            self.changed(found)
        return found

    # -- the day --------------------------------------------------------------------------------

    def facts(self, day: date | None = None) -> list[Fact]:
        if self.book is None or self.store is None:
            return []
        return facts_for_day(self.book, self.store, self.settings, day or self.today)

    def options(self) -> Any:
        from prehab.plan.today import options_from_settings

        return options_from_settings(self.settings)

    def view(self, day: date | None = None) -> DayView:
        """``day``'s committed plan (today by default), planned now if its inputs changed."""
        return self.read(day)[0]

    def read(self, day: date | None = None) -> tuple[DayView, Decorations]:
        """The committed plan and what is read with it (done marks, follow-ups, ...)."""
        day = day or self.today
        cached = self._view_cache
        if cached is not None and cached[0] == self.version and cached[1] == day:
            return cached[2], cached[3]
        memo = self._memo_in_force()
        found = memo.day_view() if memo is not None and memo.day == day else None
        if found is not None:
            self._view_cache = (self.version, day, found, memo.extras)
            return found, memo.extras
        latest = self.latest_checkin_day()  # before the facts: see Decorations.last_checkin
        view = self._committed(day)
        extras = self._decorate(view, day)
        extras.last_checkin = latest
        self._view_cache = (self.version, day, view, extras)
        self._remember(day, view, extras)
        return view, extras

    def _committed(self, day: date) -> DayView:
        from prehab.store.dayplans import committed

        if self.book is None or self.store is None:
            return DayView(day, errors=["no usable rulebook: see the Rules screen or prehab rules check"])
        stored = committed(self.store, day)
        earlier = DayView.from_json(stored.view) if stored is not None else None
        past = day < self.today
        if past and earlier is not None:
            return earlier  # the past stays as it was planned
        facts = self.facts(day)
        options = self.options()
        option_data = {"budget": options.time_budget_min, "equipment": sorted(options.equipment or ["any"])}
        inputs = inputs_digest(facts, option_data, self.book.fingerprint, VIEW_VERSION)
        if stored is not None and earlier is not None and stored.inputs == inputs:
            return earlier
        fresh = self.fresh_plan(day, facts, options)
        if day != self.today:
            return fresh  # another day (gone by with no plan kept, or ahead): shown, not kept
        done = self.store.done_on(day)
        view = renumber(fresh, earlier, done)
        return self._commit(
            view, stored.record if stored else None, earlier, stored.inputs if stored else "", inputs
        )

    def fresh_plan(self, day: date, facts: list[Fact], options: Any) -> DayView:
        """A fresh plan of ``day`` on ``facts`` (not committed)."""
        from prehab.plan.today import advise

        assert self.book is not None
        today = advise(self.book, facts, options)
        return build_view(
            day, today.evaluation, today.plan, facts,
            fingerprint=self.book.fingerprint, budget_min=options.time_budget_min,
            computed_at=datetime.now(UTC),
        )  # fmt: skip

    def _commit(
        self,
        view: DayView,
        before: AdviceRecord | None,
        earlier: DayView | None,
        earlier_inputs: str,
        inputs: str,
    ) -> DayView:
        from prehab.store.dayplans import commit_in, inputs_in

        assert self.store is not None
        record = advice_record_of(view)
        why = trigger(earlier, earlier_inputs, view.facts, inputs)
        changes = (
            [change_json(c) for c in changes_between(before, record, view.facts, view.flags)]
            if before
            else []
        )
        try:
            with self.store.transaction() as conn:
                theirs = inputs_in(conn, view.day) == inputs  # another process planned it meanwhile
                if not theirs:
                    commit_in(conn, record, inputs, view.to_json(), (why, changes))
        except StoreError:
            return view  # read-only, busy or damaged: the plan is shown, not kept
        if theirs:
            from prehab.store.dayplans import committed

            stored = committed(self.store, view.day)
            found = DayView.from_json(stored.view) if stored is not None else None
            if found is not None:
                return found
        return as_stored(view)

    def _decorate(self, view: DayView, day: date) -> Decorations:
        from prehab.store.dayplans import replans
        from prehab.store.episodes import open_on
        from prehab.store.profile import load_profile

        if self.store is None:
            return Decorations()
        done = frozenset(self.store.done_on(day))
        planned = {i.exercise for i in view.all_items()}
        extras = Decorations(
            done=done,
            extra_done=sorted(done - planned),
            follow_ups=follow_ups(open_on(self.store, day), day) if day == self.today else [],
            replans=replans(self.store, day),
            onboarding=load_profile(self.store) is None,
        )
        if day == self.today:
            extras.response_due = self.response_due(for_prompt=True)
            extras.changes_since, extras.changes = self._since_earlier_day(view, day)
        return extras

    def _since_earlier_day(self, view: DayView, day: date) -> tuple[str, list[Any]]:
        from prehab.store.advicelog import plan_changes

        assert self.store is not None
        before = self.store.last_advice_before(day)
        if before is None:
            return "", []
        found = plan_changes(before, advice_record_of(view), view.facts, view.flags)
        return before.day.strftime("%a %d %b").upper(), found

    def new_runner(self) -> bool:
        """Nothing is known yet: no session gave a load metric, no check-in, no profile."""
        from prehab.facts.history import new_runner

        memo = self._memo_in_force()
        if memo is not None:
            return bool(memo.new_runner)
        return self.store is not None and self.profile() is None and new_runner(self.store, self.view().facts)

    def week(self, skip_strength: Collection[int] = ()) -> list[Any]:
        """The next seven days from the one planner; day 0 is the committed plan."""
        from prehab.day.week import plan_days

        if self.book is None:
            return []
        view = self.view()
        return plan_days(
            self.book, view.facts, self.options(), self.today, self.settings.key_run_days,
            skip_strength=skip_strength, first=view,
        )  # fmt: skip

    # -- reads and settings -------------------------------------------------------------------

    def store_problems(self) -> list[Problem]:
        """What is wrong with the history, as warnings: a damaged file (the advice uses what can
        still be read) and each stored row a read met that does not parse (left out)."""
        store = self.store
        memo = self._memo_in_force()
        if memo is not None:
            return list(memo.store_problems)
        if store is None:
            return []
        out: list[Problem] = []
        if store.damaged:
            why = f"the history is damaged ({store.damaged}); the advice uses what can still be read"
            fix = "prehab export -o rescue.toml, move the file aside, then prehab import rescue.toml"
            out.append(Problem(str(store.path), None, "", why, fix, "warning"))
        for bad in sorted(store.unreadable.values(), key=lambda b: (b.table, b.id)):
            fix = "prehab export keeps it as written; mend or delete it, e.g. prehab delete session ID"
            out.append(Problem(str(store.path), None, "", f"{bad}: left out", fix, "warning"))
        return out

    def save_settings(self, settings: Settings) -> None:
        """Write ``settings`` (already valid) atomically, use them, re-plan."""
        save_settings(settings)
        if self._watcher is not None:
            self._watcher.poll()  # our own write: not a change from elsewhere
        self.settings = settings
        self.settings_problems = []
        self.changed({"settings"})


def pack_summary(book: Rulebook) -> str:
    """ "113 rules (1 off), 83 exercises": the one count the Rules screen and the reload toast show."""
    off = len(book.rules) - len(book.active_rules)
    rules = f"{len(book.rules)} rules" + (f" ({off} off)" if off else "")
    return f"{rules}, {len(book.exercises)} exercises"
