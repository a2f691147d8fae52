"""Answering the check-in: what the day asks, and what an answer stores.

Why apart from the day service: the questionnaires are half of what changes the day, and their
rules are many (a follow-up answer closes an episode, a response answer is stored against the work
it answers, a check-in keeps today's answers to the other screens). :class:`CheckinCommands` is
a part of :class:`prehab.day.service.DayService` (its only user): it reads and writes through the
service's store, rules and screens, and tells the service's subscribers what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from prehab.day.followup import FOLLOW_UP_SCREEN, FollowUp, episode_answers, follow_up_screen, follow_ups
from prehab.day.profile import PROFILE_SCREEN
from prehab.day.view import DayView, Item
from prehab.model import Fact, UserError
from prehab.questionnaire import Screen, ScreensResult, Validated, combine_checkins, to_facts
from prehab.record import Record, field
from prehab.rulebook import Rulebook
from prehab.store import Settings, Store
from prehab.store.db import add_checkin_in, local_day
from prehab.store.records import Episode, Profile

RESPONSE_SCREEN = "response"


class Saved(Record):
    """What a save did: the facts the check-in gave, the episodes it opened or changed, the
    exercises new in the plan."""

    facts: list[Fact] = field(default_factory=list)
    episodes: list[str] = field(default_factory=list)
    new_items: list[Item] = field(default_factory=list)
    profile: bool = False


class CheckinCommands:
    """The day service's questionnaires: the screens as asked today, and every answer saved."""

    store: Store | None
    settings: Settings
    today_fixed: date | None
    clock: Callable[[], date] | None

    if TYPE_CHECKING:  # the day service's own

        @property
        def book(self) -> Rulebook | None: ...

        @property
        def screens(self) -> ScreensResult: ...

        @property
        def today(self) -> date: ...

        def changed(self, what: set[str]) -> None: ...

        def view(self, day: date | None = None) -> DayView: ...

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

    def latest_checkin_day(self) -> date | None:
        """The local day of the latest check-in, or None."""
        latest = self.store.latest_checkin() if self.store is not None else None
        return None if latest is None else local_day(latest.taken_at)

    def recent_checkin(self) -> bool:
        """Whether a check-in of the last 2 days describes the runner's snapshot (tightness,
        soreness, this week's answers)."""
        from prehab.facts.history import CHECKIN_MAX_AGE_DAYS

        day = self.latest_checkin_day()
        return day is not None and 0 <= (self.today - day).days <= CHECKIN_MAX_AGE_DAYS

    def profile(self) -> Profile | None:
        from prehab.store.profile import load_profile

        return load_profile(self.store) if self.store else None

    # -- saving answers -------------------------------------------------------------------------

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


def _dumps(value: Any) -> str:
    from prehab.store.rows import dumps

    return dumps(value)


def _jsonable(answers: Mapping[str, Any]) -> dict[str, Any]:
    from prehab.questionnaire import jsonable

    return jsonable(answers)
