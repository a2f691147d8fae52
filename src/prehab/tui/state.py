"""What the app knows and does, without Textual: rulebook, screens, store, today's advice.

Why a separate, widget-free object: every screen reads the same evaluation, and tests can
drive the whole flow (check-in -> facts -> new prescription) without a terminal. It also
owns the "last good" rule: a reload with errors keeps the rulebook (and screens) in force
and keeps the problems for the Rules screen to show.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from prehab.facts.history import checkin_age_days
from prehab.model import Evaluation, Fact, Prescription, Problem
from prehab.plan.day import DayPlan
from prehab.plan.days import PlannedDay, plan_days
from prehab.plan.today import advise, facts_for_day, options_from_settings
from prehab.questionnaire import ScreensResult, Validated, combine_checkins, load_screens
from prehab.rulebook import Rulebook, default_layers, load_rulebook
from prehab.store import Session, Settings, Store, load_settings, save_settings


@dataclass
class ReloadResult:
    ok: bool
    problems: list[Problem]
    message: str


@dataclass
class AppState:
    """One runner's state for the app. ``today`` is fixed for tests and snapshots."""

    rule_layers: list[Path] | None = None
    screen_dirs: list[Path] | None = None
    today_fixed: date | None = None
    book: Rulebook | None = None
    problems: list[Problem] = field(default_factory=list)
    screens: ScreensResult = field(default_factory=lambda: ScreensResult({}))
    settings: Settings = field(default_factory=Settings)
    settings_problems: list[Problem] = field(default_factory=list)
    store: Store | None = None
    facts: list[Fact] = field(default_factory=list)
    evaluation: Evaluation | None = None
    plan: DayPlan = field(default_factory=DayPlan)
    version: int = 0
    """Bumped on every re-evaluation, so screens know when to redraw."""
    _stamp: dict[str, float] = field(default_factory=dict)
    _settings_stamp: tuple[int, int, int] | None = None
    _data_version: int | None = None

    @property
    def today(self) -> date:
        return self.today_fixed or date.today()

    # -- loading -------------------------------------------------------------------------

    def open(self) -> None:
        self._settings_stamp = settings_stamp()
        self.settings, self.settings_problems = load_settings()
        self.store = Store.open()
        self._data_version = data_version(self.store)
        self.reload()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def layers(self) -> list[Path]:
        return list(self.rule_layers) if self.rule_layers is not None else default_layers()

    def reload(self) -> ReloadResult:
        """Re-read rules and screens. With errors, the last good rulebook stays in force."""
        from prehab.engine.cache import engine_problem

        result = load_rulebook(self.layers())
        self.problems = list(result.problems)
        book = result.rulebook
        refused = engine_problem(book) if book is not None else None
        if refused is not None:  # the engine cannot run it (a limit the check missed): keep the last good
            self.problems.append(refused)
            book = None
        kept = book is None
        if book is not None:
            self.book = book
        elif self.book is None:
            # First start with broken user rules: fall back to the shipped pack alone.
            fallback = load_rulebook(self.layers()[:1])
            self.book = fallback.rulebook
            self.problems += fallback.problems
        if self.book is not None:
            screens = load_screens(self.book.schema, self.screen_dirs)
            self.problems += screens.problems
            if screens.errors:  # a broken screen file keeps that screen's last good version
                for sid, screen in self.screens.screens.items():
                    screens.screens.setdefault(sid, screen)
            self.screens = screens
        self._stamp = self.file_stamps()
        self.refresh()
        errors = [p for p in self.problems if p.severity == "error"]
        if kept and self.book is not None:
            message = f"{len(errors)} error(s): your last good rules stay in force"
        elif errors:
            message = f"{len(errors)} error(s) in screens; the good ones are in use"
        elif self.book is not None:
            message = f"rules reloaded: {pack_summary(self.book)}"
        else:
            message = "no usable rulebook"
        return ReloadResult(not errors, self.problems, message)

    def watched_files(self) -> list[Path]:
        found: list[Path] = []
        dirs = self.layers() + (self.screen_dirs or _default_screen_dirs())
        for folder in dirs:
            if folder.is_file():
                found.append(folder)
            elif folder.is_dir():
                found += sorted(folder.glob("*.toml"))
        return found

    def file_stamps(self) -> dict[str, float]:
        stamps: dict[str, float] = {}
        for path in self.watched_files():
            try:
                stamps[str(path)] = path.stat().st_mtime
            except OSError:
                continue
        return stamps

    def files_changed(self) -> bool:
        return self.file_stamps() != self._stamp

    def settings_changed(self) -> bool:
        """True when settings.toml changed since it was last read or written (the CLI, a hand edit)."""
        return settings_stamp() != self._settings_stamp

    def store_changed(self) -> bool:
        """True when another connection (a second app session, ``prehab log``, an import)
        committed to the history since the last look. Our own writes do not count: they
        re-evaluate at once."""
        if self.store is None:
            return False
        now = data_version(self.store)
        changed = now is not None and now != self._data_version
        self._data_version = now
        return changed

    # -- advice --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Facts from the history and the latest check-in, then the evaluation and plan."""
        if self.book is None:
            return
        facts = facts_for_day(self.book, self.store, self.settings, self.today) if self.store else []
        today = advise(self.book, facts, options_from_settings(self.settings))
        self.facts, self.evaluation, self.plan = today.facts, today.evaluation, today.plan
        self.log_advice()
        self.version += 1

    def log_advice(self) -> None:
        """Keep today's plan in the advice log (issue 10; one row a day, replaced when it changes)."""
        if self.store is None or self.book is None or self.evaluation is None:
            return
        from prehab.store.advicelog import advice_record, log_plan

        record = advice_record(self.today, self.book.fingerprint, self.evaluation, self.plan)
        log_plan(self.store, record, self.evaluation, self.book.exercises)

    def week(self, skip_strength: Collection[int] = ()) -> list[PlannedDay]:
        """The next seven days from the one planner; day 0 is Today's plan exactly."""
        if self.book is None:
            return []
        options = options_from_settings(self.settings)
        key_runs = self.settings.key_run_days
        return plan_days(self.book, self.facts, options, self.today, key_runs, skip_strength=skip_strength)

    def done_today(self) -> set[str]:
        return self.store.done_on(self.today) if self.store else set()

    def toggle_done(
        self, exercise_id: str, rule_ids: list[str], prescription: Prescription | None = None
    ) -> bool:
        """Mark or unmark an exercise done today (with the dose, kind, plane and regions of
        ``prescription`` when given); returns the new state."""
        assert self.store is not None
        if exercise_id in self.done_today():
            self.store.unmark_done(self.today, exercise_id)
            return False
        if prescription is not None and self.book is not None:
            from prehab.store.advicelog import mark_prescription

            mark_prescription(self.store, self.today, prescription, self.book.exercises.get(exercise_id))
        else:
            self.store.mark_done(self.today, exercise_id, rule_ids)
        return True

    # -- check-ins -----------------------------------------------------------------------

    def recent_checkin(self) -> bool:
        """Whether a check-in is recent enough for its facts to count (see facts.history)."""
        from prehab.facts.history import CHECKIN_MAX_AGE_DAYS

        latest = self.store.latest_checkin() if self.store else None
        return latest is not None and checkin_age_days(latest, self.today) <= CHECKIN_MAX_AGE_DAYS

    def todays_answers(self) -> dict[str, Any]:
        """Answers of today's check-in by screen id (empty if none today)."""
        if self.store is None:
            return {}
        latest = self.store.latest_checkin()
        if latest is None or checkin_age_days(latest, self.today) != 0:
            return {}
        return {k: v for k, v in latest.answers.items() if isinstance(v, dict)}

    def save_checkin(self, screen_id: str, checked: Validated) -> list[Fact]:
        """Store ``checked`` (already valid) with today's other answers; re-evaluate."""
        return self.save_checkins({screen_id: checked})

    def _fixed_day_now(self) -> datetime:
        """Now's time on the pretended day, never before the day's latest check-in: a new
        check-in must be the latest whatever the wall clock says (--date, tests)."""
        taken = datetime.combine(self.today, datetime.now().time())
        latest = self.store.latest_checkin() if self.store else None
        if latest is not None:
            last = latest.taken_at
            if last.tzinfo is not None:
                last = last.astimezone().replace(tzinfo=None)
            if last.date() == self.today and last >= taken:
                taken = last + timedelta(seconds=1)
        return taken

    def save_checkins(self, checked: dict[str, Validated]) -> list[Fact]:
        """Store the answers of several check-in screens at once (each already valid) with
        today's answers to the others, as one check-in; re-evaluate. Returns its facts."""
        assert self.store is not None and all(c.ok for c in checked.values())
        answered = {sid: c.answers for sid, c in checked.items()}
        answers, facts = combine_checkins(
            self.screens.screens, self.todays_answers(), answered, today=self.today
        )
        taken = self._fixed_day_now() if self.today_fixed else None
        self.store.add_checkin(answers, facts, taken_at=taken)
        self.refresh()
        return facts

    # -- settings ------------------------------------------------------------------------

    def save_settings(self, settings: Settings) -> None:
        """Write ``settings`` (already valid) atomically, use them and re-evaluate."""
        save_settings(settings)
        self._settings_stamp = settings_stamp()
        self.settings = settings
        self.settings_problems = []
        self.refresh()

    def reload_settings(self) -> None:
        """Re-read the settings file (it may have been changed by hand or by the CLI)."""
        self._settings_stamp = settings_stamp()
        settings, self.settings_problems = load_settings()
        if settings != self.settings:
            self.settings = settings
            self.refresh()

    # -- sessions ------------------------------------------------------------------------

    def sessions(self) -> list[Session]:
        return self.store.sessions() if self.store else []

    def save_session(self, session: Session) -> None:
        assert self.store is not None
        if session.id is None:
            self.store.add_session(session)
        else:
            self.store.update_session(session)
        self.refresh()

    def delete_session(self, session_id: int) -> None:
        assert self.store is not None
        self.store.delete_session(session_id)
        self.refresh()


def pack_summary(book: Rulebook) -> str:
    """"113 rules (1 off), 83 exercises": the one count the Rules screen and the reload toast show."""
    off = len(book.rules) - len(book.active_rules)
    rules = f"{len(book.rules)} rules" + (f" ({off} off)" if off else "")
    return f"{rules}, {len(book.exercises)} exercises"


def settings_stamp() -> tuple[int, int, int] | None:
    """settings.toml's modification time, inode and size (None while there is no file): an
    atomic save replaces the file, so even two saves within one clock tick differ."""
    from prehab.paths import settings_file

    try:
        info = settings_file().stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ino, info.st_size)


def data_version(store: Store) -> int | None:
    """SQLite's ``PRAGMA data_version`` on the store's own connection: it changes when another
    connection commits, and costs one call (no file read), so the app can poll it."""
    import sqlite3

    conn: sqlite3.Connection | None = getattr(store, "_conn", None)
    if conn is None:
        return None
    try:
        row = conn.execute("PRAGMA data_version").fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def _default_screen_dirs() -> list[Path]:
    from prehab.questionnaire import default_dirs

    return default_dirs()


def editor_command(path: Path, line: int | None) -> list[str]:
    """The user's editor ($VISUAL, $EDITOR, else vi) opening ``path`` at ``line``."""
    import shlex

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    cmd = shlex.split(editor)
    if line and Path(cmd[0]).name in ("vi", "vim", "nvim", "nano", "emacs", "micro", "kak", "hx", "helix"):
        cmd.append(f"+{line}")
    return [*cmd, str(path)]
