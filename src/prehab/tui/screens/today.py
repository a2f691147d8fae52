"""Today: referrals and cautions first, then mobility and strength with dose and minutes.

Every line can be asked "why?": the panel beside (or below) the list shows the rule chain,
the facts it matched and the source, because advice nobody can question is advice nobody
should follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from prehab.model import Reason
from prehab.record import Record
from prehab.safe.text import clean_styled, clean_text
from prehab.tui.faults import reports_faults
from prehab.tui.screens.base import PrehabScreen
from prehab.tui.widgets import VimOptionList

if TYPE_CHECKING:  # the day and the store load in the app's loading thread, not before the frame
    from prehab.day.view import Decorations, Item, Message
    from prehab.store.records import RecordKind

GROUPS = (("mobility", "MOBILITY"), ("strength", "STRENGTH"), ("plyometric", "PLYOMETRIC"))
PROFILE_HINT = (
    "Who you are changes the advice: age (balance and bone loading over 60, growing bones under "
    "18), pregnancy or a recent birth, bone density, a health screen, your strength experience. "
    "Asked once; Enter opens it, p on Settings any time."
)
FOLLOW_UP_HINT = (
    "prehab keeps holding what you reported (no loading of that area, the referral) until you say "
    "it is gone. same: still there; worse: get it seen; better: improving (twice in a row closes it); "
    "resolved: gone. Enter opens the Follow-up questions in Check-in."
)
RESPONSE_HINT = (
    "The Response check-in asks how hard the session was (RPE) and, for each area it loaded or "
    "that bothered you, pain during and the next morning compared with before. Progression "
    "rules use the answers: worse the next morning steps the load down."
)
EARLIER = "From today's earlier plan: you did it, so it stays on the list though the plan changed since."


class Entry(Record):
    """What one line of the list stands for."""

    title: str
    reasons: list[Reason]
    item: Item | None = None
    text: str = ""
    kind: str = ""


def reason_text(reason: Reason) -> Text:
    """One reason as the WHY panel shows it: rule, chain, facts, source."""
    from prehab.present.render import matched_text

    out = Text()
    out.append(f"{reason.rule_id}", style="bold")
    out.append(f"  {reason.title}\n")
    out.append(f"{reason.why}\n")
    if reason.chain:
        chain = " <- ".join([reason.rule_id, *reversed(reason.chain)])
        out.append("chain: ", style="bold")
        out.append(f"{chain}\n")
    if reason.matched:
        out.append("facts: ", style="bold")
        out.append(f"{matched_text(reason.matched)}\n")
    out.append("source: ", style="bold")
    out.append(f"{reason.source}\n", style="italic")
    return out


class TodayScreen(PrehabScreen):
    MODE = "today"
    COMPACT_FOOTER = True  # space, u, c, a, z, F1, q and ^p palette in 80 columns
    HELP = """\
## Today

Today's committed plan: planned once from your profile, what is still open (pains, warning
signs, injuries), your history and your latest check-in; the same plan `prehab recommend`,
`prehab done`, the browser and Home Assistant show.

* **Still there?** questions come first: something you reported and did not update for 2 days.
  prehab keeps holding it until you answer (**Enter** opens the Follow-up tab).
* **Referrals** (see a professional, most urgent first) come first, always; then
  **Not today**: what the plan leaves out and why (each warning sign or caution is a hold the
  planner obeys), the easier versions it gave instead, and what to do instead.
* **Mobility** and **strength** follow, each with its dose and minutes. What does not fit
  your time budget (settings `time_budget_min`) is listed under *If you have more time*.
* Move with the arrows or **j/k**; the panel shows **why**: the rule, the chain of rules
  whose flags led to it, the facts it matched and the source. **Enter** or **w** opens it
  full size.
* Each item has a **number** that stays its own all day: `prehab done 3` marks the same item.
* **g** starts the **guided session**: one exercise and one set at a time, with timers for
  holds and rests, what you really did (reps, load, pain) saved, so the load can climb next
  time. **g** again resumes a paused session at the same set.
* **Space** (or **x**) marks an exercise done today with its dose; again to take the mark back.
  **u** undoes your last mark or restore. A mark never re-plans the day; from tomorrow the work
  counts as a session (days since, sessions this week, the streak) and for adherence.
* The day is planned again only when something it rests on changes (a check-in, a logged
  session, your settings or rules): **RE-PLANNED** says when, after what, and what changed. Work
  you already did stays on the list (*earlier today*).
* **CHANGED SINCE** lists what is new and what went since the last stored plan; select a
  line to see why (the rule that added it, the hold, time or fact that removed it).
* **a** opens the advice log (each day's plan, what was done); **z** lists deleted records
  (sessions, check-ins, done marks) and restores them.
* Answer a check-in (**3** or **c**) and the plan changes here.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,x", "done", "Done"),
        Binding("g", "app.session", "Go", priority=True),  # before the list's vim "first"
        Binding("u", "undo", "Undo"),
        Binding("w", "why", "Why", show=False),  # the panel shows why already; Enter opens it too
        Binding("c", "app.mode('checkin')", "Check in"),
        Binding("a", "advice_log", "Log"),
        Binding("z", "deleted", "Deleted"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, Entry] = {}
        self.undo_stack: list[tuple[str, RecordKind, int, Item | None]] = []
        """(what, kind, id, prescription): "marked"/"unmarked" a done item here, "restored" or
        "deleted" a record in the deleted records dialog."""

    def body(self) -> ComposeResult:
        yield Static("", id="today-banner")
        with Horizontal(id="today-body", classes="split"):
            yield VimOptionList(id="today-list")
            with VerticalScroll(id="today-why-box", classes="detail"):
                yield Static(Text("Loading your rules and history...", style="dim"), id="today-why")
        yield Static("", id="disclaimer")

    def refresh_view(self) -> None:
        from prehab.model import URGENCY_LABEL
        from prehab.present.render import DISCLAIMER, dose_text

        self.query_one("#disclaimer", Static).update(Text(DISCLAIMER, style="dim italic"))
        state = self.state
        listing = self.query_one("#today-list", OptionList)
        keep = listing.highlighted_option.id if listing.highlighted_option else None
        listing.clear_options()
        self.entries.clear()
        banner = self.query_one("#today-banner", Static)
        if not state.usable():
            banner.update(Text("No usable rulebook: see the Rules screen (6).", style="bold red"))
            return
        view, extras = state.read()
        refs = view.referrals
        banner.update(
            Text(
                f" ! {len(refs)} referral(s): see a professional before loading that area ",
                style="bold white on red",
            )
            if refs
            else ""
        )
        banner.set_class(bool(refs), "shown")
        done = extras.done
        options: list[Option | None] = []

        def heading(title: str) -> None:
            options.append(Option(clean_styled(Text(title, style="bold")), disabled=True))

        def add(key: str, entry: Entry, prompt: Text) -> None:
            self.entries[key] = entry
            options.append(Option(clean_styled(prompt), id=key))

        def texts(title: str, kind: str, items: list[Message], mark: str, style: str) -> None:
            """A heading and one line per message (cautions, context)."""
            if items:
                heading(title)
            for i, m in enumerate(items):
                add(
                    f"{kind}-{i}",
                    Entry(m.text, [m.reason], text=m.text, kind=kind),
                    Text(f" {mark} {m.text}", style=style),
                )

        for f in extras.follow_ups:
            add(
                f"follow-{f.episode.id}",
                Entry(f.question, [], text=FOLLOW_UP_HINT, kind="follow-up"),
                Text(f" ? {f.question} Enter: answer", style="bold cyan"),
            )
        if not state.recent_checkin():
            options.append(
                Option(
                    Text("No check-in in the last 2 days: press c to tell prehab how you feel.", style="dim"),
                    disabled=True,
                )
            )
        ask = extras.response_due
        if ask is not None:
            what = "prehab work" if ask.prehab else "hard run"
            when = "yesterday" if (state.today - ask.day).days == 1 else ask.day.strftime("%a %d")
            add(
                "response",
                Entry(f"How did {when}'s {what} go?", [], text=RESPONSE_HINT, kind="response"),
                Text(f" ? How did {when}'s {what} go? Enter: the Response check-in", style="cyan"),
            )
        if refs:
            heading("SEE A PROFESSIONAL (most urgent first)")
        for i, m in enumerate(refs):
            label = URGENCY_LABEL.get(m.urgency, "")
            add(
                f"refer-{i}",
                Entry(m.text, [m.reason], text=m.text, kind="refer"),
                Text(f" ! [{label}] {m.text}" if label else f" ! {m.text}", style="bold red"),
            )
        if extras.onboarding:
            add(
                "profile",
                Entry("Tell prehab who you are", [], text=PROFILE_HINT, kind="profile"),
                Text(
                    " ? Tell prehab who you are (age, pregnancy, bone health). Enter: the profile",
                    style="cyan",
                ),
            )
        if view.not_today:
            heading("NOT TODAY")
        for i, r in enumerate(view.not_today):
            left_out = ", ".join(p.name for p in r.removed)
            easier = "\n".join(
                f"  {e.name} {dose_text(e.dose)} instead of {'; '.join(o.name for o in others)}"
                if others
                else f"  {e.name} lighter, {dose_text(e.dose)}"
                for e, others in r.easier_items()
            )
            parts = (f"left out: {left_out}" if left_out else "", f"easier:\n{easier}" if easier else "")
            detail = "\n".join(x for x in parts if x)
            add(
                f"hold-{i}",
                Entry(r.text, [r.reason], text=f"{r.text}\n{detail}".strip(), kind="hold"),
                Text(f" x {r.text}", style="yellow"),
            )
        for i, text in enumerate(view.instead):
            line = clean_styled(Text(f" > {text}", style="green"))
            options.append(Option(line, id=f"instead-{i}", disabled=True))
        texts("CAUTIONS", "caution", view.cautions, "-", "yellow")
        for kind, group in view.grouped():
            count = len(group)
            minutes = sum(i.minutes for i in group)
            did = sum(1 for i in group if i.exercise in done)
            finished = f", {did} done" if did else ""
            heading(
                f"{kind.upper()}  {count} exercise{'s' if count != 1 else ''}, "
                f"about {minutes:g} min{finished}"
            )
            for item in group:
                add(
                    f"ex-{item.exercise}",
                    Entry(item.name, list(item.reasons), item, kind=kind, text=EARLIER if item.kept else ""),
                    self._line(item, item.exercise in done),
                )
        if not view.items and not refs and not view.not_today:
            heading("Nothing extra today: no rule asked for work. Run easy and enjoy it.")
        self._changes(heading, add, extras)
        if view.extra:
            heading("IF YOU HAVE MORE TIME")
            for item in view.extra:
                add(
                    f"extra-{item.exercise}",
                    Entry(item.name, list(item.reasons), item, kind="extra"),
                    self._line(item, item.exercise in done),
                )
        texts("CONTEXT", "note", view.notes, "i", "dim")
        listing.add_options(options)
        focus = self.prehab.pending_focus
        self.prehab.pending_focus = None
        target = f"ex-{focus}" if focus else keep
        self._highlight(listing, target)

    def _highlight(self, listing: OptionList, key: str | None) -> None:
        index = None
        if key is not None and key in self.entries:
            index = listing.get_option_index(key)
        elif self.entries:
            # a referral comes first (the list starts at the top, its heading shown); else the
            # first exercise
            first = next((k for k, e in self.entries.items() if e.kind == "refer"), None) or next(
                (k for k, e in self.entries.items() if e.item is not None and e.kind != "extra"),
                next(iter(self.entries)),
            )
            index = listing.get_option_index(first)
        listing.highlighted = index
        if index is not None:
            listing.scroll_to_highlight()
        self._show_why(listing.highlighted_option.id if listing.highlighted_option else None)

    def _line(self, item: Item, done: bool) -> Text:
        from prehab.present.render import dose_text

        # done: a green mark and the name struck through, no dim or coloured text, which read as
        # dark green on the blue of the selected row
        line = Text(f"{item.number:>2} ")
        line.append("[x]" if done else "[ ]", style="bold green" if done else "")
        line.append(" ")
        line.append(item.name, style="strike" if done else "bold")
        line.append(f"  {dose_text(item.dose)} · {item.minutes:g} min")
        if item.regressed_from:
            eased = "lighter" if item.lighter_only else "easier version"
            line.append(f"  ({eased})", style="dim")
        if item.kept:
            line.append("  (earlier today)", style="dim")
        return line

    def _changes(
        self, heading: Callable[[str], None], add: Callable[[str, Entry, Text], None], extras: Decorations
    ) -> None:
        """What changed since the last plan of an earlier day, and each re-plan of today."""
        if extras.changes:
            heading(f"CHANGED SINCE {extras.changes_since}")
        for change in extras.changes:
            line = Text(f" {change.sign} ", style="green" if change.added else "yellow")
            line.append(change.name, style="")
            if change.rules:
                line.append(f"  ({change.rules[0]})", style="dim")
            title = f"{'New' if change.added else 'Gone'}: {change.name}"
            add(
                f"change-{change.sign}-{change.exercise}",
                Entry(title, [], text=change.why, kind="change"),
                line,
            )
        for n, replan in enumerate(extras.replans[1:], start=1):
            if not replan.changes:
                continue  # planned again on new facts, the same items: nothing to show
            when = replan.at.astimezone().strftime("%H:%M")
            heading(f"RE-PLANNED {when}: {replan.trigger}")
            for c in replan.changes:
                sign = "+" if c.get("added") else "-"
                line = Text(f" {sign} ", style="green" if c.get("added") else "yellow")
                line.append(str(c.get("name", "")))
                entry = Entry(str(c.get("name", "")), [], text=str(c.get("why", "")), kind="change")
                add(f"replan-{n}-{sign}-{c.get('exercise')}", entry, line)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_why(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        entry = self.entries.get(event.option.id or "")
        if entry is not None and entry.kind == "response":
            self.prehab.open_checkin("response")
            return
        if entry is not None and entry.kind == "follow-up":
            self.prehab.open_checkin("follow-up")
            return
        if entry is not None and entry.kind == "profile":
            self.prehab.action_profile(True)
            return
        self.action_why()

    def _show_why(self, key: str | None) -> None:
        panel = self.query_one("#today-why", Static)
        entry = self.entries.get(key or "")
        panel.update(
            clean_styled(self.why_text(entry)) if entry else Text("Select a line to see why.", style="dim")
        )

    def why_text(self, entry: Entry) -> Text:
        from prehab.present.render import dose_text

        out = Text()
        p = entry.item
        out.append("WHY ", style="bold reverse")
        out.append(f" {entry.title}\n", style="bold")
        if p is not None:
            book = self.state.book_read  # None for a moment at start: today from the day memo
            ex = book.exercises.get(p.exercise) if book is not None else None
            out.append(f"{dose_text(p.dose)}, about {p.minutes:g} min", style="cyan")
            if ex is not None and ex.equipment:
                out.append(f"  needs {', '.join(ex.equipment)}", style="dim")
            out.append("\n")
            if p.progress_note:
                out.append("step: ", style="bold")
                out.append(f"{p.progress_note}\n", style="cyan")
            if entry.text:
                out.append(f"{entry.text}\n", style="dim")
            if ex is not None and ex.cues:
                out.append("how: ", style="bold")
                out.append("; ".join(ex.cues) + "\n")
            if ex is not None and ex.note:
                out.append(f"{ex.note}\n", style="dim")
        elif entry.text and entry.text != entry.title:
            out.append(f"{entry.text}\n")
        for reason in entry.reasons:
            out.append("\n")
            out.append_text(reason_text(reason))
        return out

    def selected(self) -> Entry | None:
        listing = self.query_one("#today-list", OptionList)
        option = listing.highlighted_option
        return self.entries.get(option.id or "") if option else None

    @reports_faults
    def action_done(self) -> None:
        entry = self.selected()
        if entry is None or entry.item is None:
            self.notify("Pick an exercise to mark it done.", severity="warning")
            return
        item = entry.item
        now_done = self.state.toggle(item)
        self.undo_stack.append(("marked" if now_done else "unmarked", "done", 0, item))
        message = f"{item.name}: done, well done" if now_done else f"{item.name}: not done"
        self.notify(clean_text(message + " (u undoes)"), timeout=3, markup=False)

    @reports_faults
    def action_undo(self) -> None:
        """Undo the last done mark, unmark or restore made here (the store keeps deleted
        records, so nothing is lost either way)."""
        if not self.undo_stack:
            self.notify("Nothing to undo here; z lists deleted records to restore.", timeout=3)
            return
        what, kind, record, item = self.undo_stack.pop()
        if what in ("marked", "unmarked") and item is not None:
            now_done = self.state.toggle(item)
            self.notify(
                clean_text(f"Undone: {item.name} is {'done' if now_done else 'not done'}"), markup=False
            )
        elif what == "restored":
            self.state.delete(kind, record)
            self.notify(f"Undone: {kind} #{record} deleted again (z restores it)")
        elif what == "deleted":
            self.state.restore(kind, record)
            self.notify(f"Undone: {kind} #{record} restored")

    def action_advice_log(self) -> None:
        from prehab.tui.screens.records import AdviceLogScreen

        self.app.push_screen(AdviceLogScreen(self.state))

    def action_deleted(self) -> None:
        from prehab.tui.screens.records import DeletedScreen

        def restored(done: list[tuple[str, RecordKind, int]] | None) -> None:
            for what, kind, record in done or []:
                self.undo_stack.append((what, kind, record, None))
            if done:
                self.state.changed({"history"})

        self.app.push_screen(DeletedScreen(self.state), restored)

    def action_why(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        from prehab.tui.screens.modals import TextScreen

        self.app.push_screen(TextScreen(f"Why: {entry.title}", self.why_text(entry)))
