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
  work they answer), the profile, follow-up answers, done marks, settings, sessions, deletes.

No Textual, no paho: a surface renders :class:`prehab.day.view.DayView` and calls commands.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from prehab.day.commit import change_json, changes_between, inputs_digest, renumber, trigger
from prehab.day.facts import facts_for_day
from prehab.day.followup import FOLLOW_UP_SCREEN, FollowUp, episode_answers, follow_up_screen, follow_ups
from prehab.day.profile import PROFILE_SCREEN
from prehab.day.rules import choose_rulebook
from prehab.day.view import VIEW_VERSION, DayView, Decorations, Item, build_view
from prehab.model import Fact, Problem, UserError
from prehab.questionnaire import Screen, ScreensResult, Validated, combine_checkins, load_screens, to_facts
from prehab.rulebook import Rulebook, default_layers
from prehab.store import Session, Settings, Store, load_settings, save_settings
from prehab.store.db import StoreError, add_checkin_in, local_day
from prehab.store.records import AdviceRecord, Episode, Profile
from prehab.workout.actual import Actual

RESPONSE_SCREEN = "response"
Listener = Callable[[set[str]], None]


@dataclass
class ReloadResult:
    ok: bool
    problems: list[Problem]
    message: str


@dataclass
class Saved:
    """What a save did: the facts the check-in gave, the episodes it opened or changed, the
    exercises new in the plan."""

    facts: list[Fact] = field(default_factory=list)
    episodes: list[str] = field(default_factory=list)
    new_items: list[Item] = field(default_factory=list)
    profile: bool = False


class DayService:
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
        self.book: Rulebook | None = None
        self.problems: list[Problem] = []
        self.screens = ScreensResult({})
        self.settings = Settings()
        self.settings_problems: list[Problem] = []
        self.store: Store | None = None
        self.version = 0
        """Bumped whenever what the surfaces show may have changed (a view is cheap to read)."""
        self._listeners: list[Listener] = []
        self._watcher: Any = None
        self._view_cache: tuple[int, date, DayView, Decorations] | None = None

    # -- opening --------------------------------------------------------------------------------

    @property
    def today(self) -> date:
        if self.today_fixed is not None:
            return self.today_fixed
        return self.clock() if self.clock is not None else date.today()

    def open(self) -> DayService:
        """Read settings, rules and screens, open the history (StoreError if it cannot be)."""
        self.settings, self.settings_problems = load_settings()
        self.store = Store.open(self.store_path)
        self.reload()
        return self

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
        return list(self.rule_layers) if self.rule_layers is not None else default_layers()

    def reload(self) -> ReloadResult:
        """Rules and screens again; with errors the last good ones stay in force."""
        choice = choose_rulebook(self.layers(), self.book)
        self.problems = list(choice.problems)
        if choice.book is not None:
            self.book = choice.book
        if self.book is not None:
            screens = load_screens(self.book.schema, self.screen_dirs)
            self.problems += screens.problems
            if screens.errors:  # a broken screen file keeps that screen's last good version
                for sid, screen in self.screens.screens.items():
                    screens.screens.setdefault(sid, screen)
            self.screens = screens
            from prehab.questionnaire import answer_questions
            from prehab.rulebook.answers import rule_answer_problems

            self.problems += rule_answer_problems(self.book, answer_questions(screens))
        self.changed({"rules"})
        errors = [p for p in self.problems if p.severity == "error"]
        if choice.kept and self.book is not None:
            message = f"{len(errors)} error(s): your last good rules stay in force"
        elif errors:
            message = f"{len(errors)} error(s) in screens; the good ones are in use"
        elif self.book is not None:
            message = f"rules reloaded: {pack_summary(self.book)}"
        else:
            message = "no usable rulebook"
        return ReloadResult(not errors, self.problems, message)

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
        from prehab.questionnaire import default_dirs

        if self.store is None or self._watcher is not None:
            return
        self._watcher = Watcher(
            self.store.path,
            settings_file(),
            lambda: self.layers() + (self.screen_dirs or default_dirs()),
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
        view = self._committed(day)
        extras = self._decorate(view, day)
        self._view_cache = (self.version, day, view, extras)
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
        return replace(view, committed=True)

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

    # -- the questionnaires -----------------------------------------------------------------------

    def response_due(self, *, for_prompt: bool = False) -> Any:
        from prehab.facts.response import response_due

        if self.store is None or self.book is None or RESPONSE_SCREEN not in self.screens.screens:
            return None
        loads = {ex.id: ex.loads or ex.works for ex in self.book.exercises.values()}
        return response_due(self.store, self.today, loads, answered_today_counts=for_prompt)

    def follow_ups(self) -> list[FollowUp]:
        from prehab.store.episodes import open_on

        return follow_ups(open_on(self.store, self.today), self.today) if self.store else []

    def checkin_screens(self) -> list[Screen]:
        """The check-in screens as shown today: the follow-up questions when any episode is
        stale, the response questions when due (cut to the regions they ask about)."""
        from prehab.facts.response import response_screen

        shown: list[Screen] = []
        asked = follow_up_screen(self.follow_ups())
        if asked is not None:
            shown.append(asked)
        for screen in self.screens.ordered("checkin"):
            if screen.id == RESPONSE_SCREEN:
                cut = response_screen(screen, self.response_due())
                if cut is None:
                    continue
                screen = cut
            shown.append(screen)
        return shown

    def screen(self, screen_id: str) -> Screen | None:
        """A screen the runner can answer now (check-in screens as shown today, the profile)."""
        if screen_id == PROFILE_SCREEN:
            return self.screens.screens.get(PROFILE_SCREEN)
        return next((s for s in self.checkin_screens() if s.id == screen_id), None)

    def validate(self, screen: Screen, raw: Mapping[str, Any]) -> Validated:
        from prehab.questionnaire import validate

        return validate(screen, raw, units=self.settings.units, today=self.today)

    def todays_answers(self) -> dict[str, Any]:
        """Answers of today's check-in by screen id (empty if none today)."""
        if self.store is None:
            return {}
        latest = self.store.latest_checkin()
        if latest is None or local_day(latest.taken_at) != self.today:
            return {}
        return {k: v for k, v in latest.answers.items() if isinstance(v, dict)}

    def store_problems(self) -> list[Problem]:
        """What is wrong with the history, as warnings: a damaged file (the advice uses what can
        still be read) and each stored row a read met that does not parse (left out)."""
        store = self.store
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

    def recent_checkin(self) -> bool:
        """Whether a check-in of the last 2 days describes the runner's snapshot (tightness,
        soreness, this week's answers)."""
        from prehab.facts.history import CHECKIN_MAX_AGE_DAYS

        latest = self.store.latest_checkin() if self.store else None
        return (
            latest is not None and 0 <= (self.today - local_day(latest.taken_at)).days <= CHECKIN_MAX_AGE_DAYS
        )

    def profile(self) -> Profile | None:
        from prehab.store.profile import load_profile

        return load_profile(self.store) if self.store else None

    # -- commands -------------------------------------------------------------------------------

    def save(self, checked: Mapping[str, Validated]) -> Saved:
        """Store the answers of several screens at once (each already valid): the profile, the
        follow-up answers, the response answers (against the work they answer), and the rest
        as today's check-in (with today's answers to the other screens kept); open or update
        the episodes they report; re-plan. Nothing is stored if any part cannot be."""
        assert self.store is not None and all(c.ok for c in checked.values())
        before = {i.exercise for i in self.view().items}
        out = Saved()
        checkin = {sid: c for sid, c in checked.items() if sid not in (PROFILE_SCREEN, FOLLOW_UP_SCREEN)}
        with self.store.transaction() as conn:
            if PROFILE_SCREEN in checked:
                self._save_profile_in(conn, checked[PROFILE_SCREEN].answers)
                out.profile = True
            if FOLLOW_UP_SCREEN in checked:
                out.episodes += self._answer_in(conn, episode_answers(checked[FOLLOW_UP_SCREEN].answers))
            if checkin:
                out.facts, changed = self._checkin_in(conn, checkin)
                out.episodes += changed
        self.changed({"history"})
        out.new_items = [i for i in self.view().items if i.exercise not in before]
        return out

    def _checkin_in(self, conn: Any, checked: Mapping[str, Validated]) -> tuple[list[Fact], list[str]]:
        from prehab.store.episodes import report_in
        from prehab.store.responses import record_in

        answered = {sid: c.answers for sid, c in checked.items()}
        answers, facts = combine_checkins(
            self.screens.screens, self.todays_answers(), answered, today=self.today
        )
        checkin_id = add_checkin_in(conn, answers, facts, self._now_on_day())
        reported = [
            f
            for sid in checked
            for f in to_facts(self._screen_for(sid), checked[sid].answers, today=self.today)
        ]
        changes = report_in(conn, reported, self.today, checkin_id)
        if RESPONSE_SCREEN in checked:
            ask = self.response_due()
            work_day = ask.day if ask is not None else self.today - timedelta(days=1)
            mine = to_facts(
                self._screen_for(RESPONSE_SCREEN), checked[RESPONSE_SCREEN].answers, today=self.today
            )
            effort = next((f.get("rpe") for f in mine if f.get("fact") == "effort"), None)
            regions = {str(f["region"]): f for f in mine if f.get("fact") == "response"}
            record_in(conn, work_day, effort if isinstance(effort, int) else None, regions)
        return facts, [f"{c.what}: {c.episode.label}" for c in changes]

    def _screen_for(self, screen_id: str) -> Screen:
        found = self.screen(screen_id) or self.screens.screens.get(screen_id)
        if found is None:
            raise UserError(f"no screen {screen_id!r}")
        return found

    def _save_profile_in(self, conn: Any, answers: Mapping[str, Any], skipped: bool = False) -> None:
        screen = self.screens.screens.get(PROFILE_SCREEN)
        facts = to_facts(screen, answers, today=self.today) if screen is not None else []
        conn.execute(
            "INSERT INTO profile (athlete_id, answers, facts, skipped, updated_at) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT (athlete_id) DO UPDATE SET answers = excluded.answers, facts = excluded.facts, "
            "skipped = excluded.skipped, updated_at = excluded.updated_at",
            (_dumps(_jsonable(answers)), _dumps(facts), int(skipped), datetime.now(UTC).isoformat()),
        )

    def skip_profile(self) -> None:
        """The runner skipped onboarding: the cautious defaults apply; it is not asked again."""
        assert self.store is not None
        with self.store.transaction() as conn:
            self._save_profile_in(conn, {}, skipped=True)
        self.changed({"history"})

    def _answer_in(self, conn: Any, answers: Mapping[int, str]) -> list[str]:
        from prehab.store.episodes import answer_in

        out = []
        for episode_id, answer in answers.items():
            try:
                change = answer_in(conn, episode_id, answer, self.today)
            except ValueError as exc:
                raise UserError(str(exc)) from None
            out.append(f"{change.what}: {change.episode.label}")
        return out

    def answer_follow_ups(self, answers: Mapping[int, str]) -> list[str]:
        assert self.store is not None
        with self.store.transaction() as conn:
            out = self._answer_in(conn, answers)
        self.changed({"history"})
        return out

    def close_episode(self, episode_id: int, reason: str = "resolved") -> Episode:
        from prehab.store.episodes import close_in

        assert self.store is not None
        with self.store.transaction() as conn:
            try:
                change = close_in(conn, episode_id, self.today, reason)
            except ValueError as exc:
                raise UserError(str(exc)) from None
        self.changed({"history"})
        return change.episode

    def record_effort(self, day: date, rpe: int) -> None:
        """The session RPE of ``day``'s work (``prehab done --rpe``)."""
        from prehab.store.responses import record_in

        assert self.store is not None
        with self.store.transaction() as conn:
            record_in(conn, day, rpe, {})
        self.changed({"history"})

    def mark(self, item: Item, day: date | None = None, actual: Actual | None = None) -> None:
        """``item`` of the day's plan done, with its dose, kind, plane and regions, and what
        was really done (``actual``: the guided session, ``prehab done --reps --load``)."""
        from prehab.store.advicelog import mark_prescription

        assert self.store is not None and self.book is not None
        mark_prescription(
            self.store,
            day or self.today,
            item.prescription(),
            self.book.exercises.get(item.exercise),
            item.number,
            actual.to_json() if actual is not None else None,
        )
        self.changed({"done"})

    def actual_done(self, day: date | None = None) -> dict[str, Actual]:
        """What was really done of each exercise marked on ``day`` (only those recorded)."""
        assert self.store is not None
        when = day or self.today
        found = {
            d.exercise: Actual.from_json(d.actual) for d in self.store.done_items(when, when, with_rpe=False)
        }
        return {k: v for k, v in found.items() if not v.empty}

    def unmark(self, exercise: str, day: date | None = None) -> bool:
        assert self.store is not None
        changed = self.store.unmark_done(day or self.today, exercise)
        self.changed({"done"})
        return changed

    def toggle(self, item: Item) -> bool:
        """Mark or unmark ``item`` today; the new state."""
        if item.exercise in self.read()[1].done:
            self.unmark(item.exercise)
            return False
        self.mark(item)
        return True

    def mark_extra(self, exercise: str, day: date | None = None, actual: Actual | None = None) -> Item:
        """Work the plan did not give, done on purpose (the catalogue's dose, or ``actual``)."""
        from prehab.store.advicelog import mark_prescription

        assert self.store is not None and self.book is not None
        ex = self.book.exercises[exercise]
        item = Item(0, ex.id, ex.name, ex.kind, dict(ex.dose), ex.minutes)
        recorded = actual.to_json() if actual is not None else None
        mark_prescription(self.store, day or self.today, item.prescription(), ex, None, recorded)
        self.changed({"done"})
        return item

    def save_settings(self, settings: Settings) -> None:
        """Write ``settings`` (already valid) atomically, use them, re-plan."""
        save_settings(settings)
        if self._watcher is not None:
            self._watcher.poll()  # our own write: not a change from elsewhere
        self.settings = settings
        self.settings_problems = []
        self.changed({"settings"})

    def sessions(self) -> list[Session]:
        return self.store.sessions() if self.store else []

    def save_session(self, session: Session) -> None:
        assert self.store is not None
        if session.id is None:
            self.store.add_session(session)
        else:
            self.store.update_session(session)
        self.changed({"history"})

    def delete(self, kind: str, record: int) -> bool:
        assert self.store is not None
        done = self.store.delete(kind, record)
        self.changed({"history"})
        return done

    def restore(self, kind: str, record: int) -> bool:
        assert self.store is not None
        done = self.store.restore(kind, record)
        self.changed({"history"})
        return done

    def _now_on_day(self) -> datetime:
        """Now, on the service's day, never before the day's latest check-in (a new check-in
        must be the latest whatever the wall clock says: ``--date``, tests)."""
        now = datetime.now().astimezone()
        if self.today_fixed is None and self.clock is None:
            return now.astimezone(UTC)
        taken = datetime.combine(self.today, now.time().replace(tzinfo=None)).astimezone()
        latest = self.store.latest_checkin() if self.store else None
        if latest is not None:
            last = latest.taken_at.astimezone() if latest.taken_at.tzinfo else latest.taken_at.astimezone()
            if local_day(last) == self.today and last >= taken:
                taken = last + timedelta(seconds=1)
        return taken.astimezone(UTC)


def advice_record_of(view: DayView) -> AdviceRecord:
    """The advice log's record of a view: the items (with ``kept`` ones marked), every rule that
    fired, what was left out and why."""
    from prehab.store.advicelog import item_record

    items = []
    for i in view.items:
        row = item_record(i.prescription())
        row["number"] = i.number
        if i.kept:
            row["kept"] = True
        items.append(row)
    held: list[dict[str, Any]] = []
    for exercise, reason in view.held_back:
        held.append(
            {
                "exercise": exercise,
                "name": exercise,
                "why": "held",
                "rule": reason.rule_id,
                "title": reason.title,
            }
        )
    for original, easier, reason in view.easier:
        held.append(
            {"exercise": original, "name": original, "why": "easier", "instead": easier,
             "instead_name": easier,
             "rule": reason.rule_id, "title": reason.title}
        )  # fmt: skip
    for original, swapped in view.swapped:
        held.append(
            {
                "exercise": original,
                "name": original,
                "why": "equipment",
                "instead": swapped,
                "instead_name": swapped,
            }
        )
    for exercise, kit in view.missing_equipment:
        held.append({"exercise": exercise, "name": exercise, "why": "equipment", "needs": list(kit)})
    for i in view.extra:
        held.append({"exercise": i.exercise, "name": i.name, "why": "time"})
    return AdviceRecord(
        day=view.day,
        computed_at=view.computed_at or datetime.now(UTC),
        fingerprint=view.fingerprint,
        items=items,
        rule_ids=sorted(set(view.fired)),
        held=held,
    )


def pack_summary(book: Rulebook) -> str:
    """ "113 rules (1 off), 83 exercises": the one count the Rules screen and the reload toast show."""
    off = len(book.rules) - len(book.active_rules)
    rules = f"{len(book.rules)} rules" + (f" ({off} off)" if off else "")
    return f"{rules}, {len(book.exercises)} exercises"


def _dumps(value: Any) -> str:
    from prehab.store.rows import dumps

    return dumps(value)


def _jsonable(answers: Mapping[str, Any]) -> dict[str, Any]:
    from prehab.questionnaire import jsonable

    return jsonable(answers)
