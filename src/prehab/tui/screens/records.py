"""The advice log and the deleted records, as dialogs over Today (keys a and z).

The advice log lists each day's stored plan, newest first, with how much of it was done; the
panel shows the day's items (done or not), what was left out and why, the rules that fired
and the rulebook's fingerprint. The deleted records dialog lists deleted sessions, check-ins
and done marks (r or Enter restores one) and the recent check-ins (d deletes one).

Exercise names and rule titles are rule-pack text, shown as plain text (``prehab.safe.text``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from prehab.safe.text import clean_styled, clean_text, plain
from prehab.store.records import RecordKind
from prehab.tui.faults import reports_faults
from prehab.tui.widgets import VimOptionList

if TYPE_CHECKING:
    from prehab.store.records import AdviceRecord
    from prehab.tui.state import AppState

LEFT_OUT = {"held": "held", "time": "over the time budget", "equipment": "equipment", "easier": "easier"}
LOG_DAYS = 120
"""How many stored plans the dialog lists (the CLI lists them all)."""


class RecordOption(Option):
    """A row of the deleted-records list that carries what it acts on (no id to parse back)."""

    def __init__(
        self, prompt: Text, action: Literal["restore", "delete"], kind: RecordKind, record: int
    ) -> None:
        super().__init__(prompt, id=f"{action}:{kind}:{record}")
        self.action = action
        self.kind: RecordKind = kind
        self.record = record


class RecordsDialog(ModalScreen[list[tuple[str, RecordKind, int]]]):
    """A list above a detail panel, in a dialog that fits 80x24."""

    DEFAULT_CSS = """
    RecordsDialog .dialog.wide { height: 100%; }
    RecordsDialog OptionList { height: 1fr; min-height: 4; }
    RecordsDialog .records-detail { height: 1fr; min-height: 4; border-top: solid $primary-darken-2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]
    TITLE_TEXT = ""

    def __init__(self, state: AppState) -> None:
        super().__init__(classes="modal")
        self.state = state
        self.changed: list[tuple[str, RecordKind, int]] = []
        """What was done here: ("restored" or "deleted", kind, id), oldest first."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(plain(self.TITLE_TEXT, style="bold"), classes="dialog-title")
            yield VimOptionList(id="records-list")
            with VerticalScroll(classes="records-detail"):
                yield Static("", id="records-detail")
            yield Static(Text(self.hint(), style="dim"))

    def hint(self) -> str:
        return "Esc to close"

    def on_mount(self) -> None:
        self.fill()
        self.query_one("#records-list", OptionList).focus()

    def fill(self) -> None:
        """Fill the list (subclasses)."""

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(event.option.id or "")

    def show(self, key: str) -> None:
        self.query_one("#records-detail", Static).update(clean_styled(self.detail(key)))

    def detail(self, key: str) -> Text:
        return Text()


class AdviceLogScreen(RecordsDialog):
    """Each day's stored plan; the panel shows the selected day."""

    TITLE_TEXT = "Advice log: each day's plan and what was done"

    def __init__(self, state: AppState) -> None:
        super().__init__(state)
        self.plans: dict[str, AdviceRecord] = {}
        self.done: dict[str, set[str]] = {}

    def hint(self) -> str:
        return "j/k move, Esc to close; prehab history --advice lists every day"

    def fill(self) -> None:
        store = self.state.store
        listing = self.query_one("#records-list", OptionList)
        plans = store.advice_log(limit=LOG_DAYS) if store is not None else []
        options = []
        if plans and store is not None:
            first, last = plans[-1].day, plans[0].day
            by_day: dict[str, set[str]] = {}
            for d in store.done_items(first, last, with_rpe=False):
                by_day.setdefault(d.day.isoformat(), set()).add(d.exercise)
            for plan in plans:
                key = plan.day.isoformat()
                self.plans[key] = plan
                self.done[key] = by_day.get(key, set()) & set(plan.exercises)
                line = Text(f" {plan.day.strftime('%a %d %b %Y')}  ", style="bold")
                line.append(f"{len(self.done[key])}/{len(plan.items)} done  {plan.minutes:g} min", style="")
                options.append(Option(clean_styled(line), id=key))
        if not options:
            options.append(Option(Text(" No plans stored yet: Today keeps each day's plan.", style="dim")))
        listing.add_options(options)
        if self.plans:
            listing.highlighted = 0

    def detail(self, key: str) -> Text:
        from prehab.present.render import dose_text

        plan = self.plans.get(key)
        out = Text()
        if plan is None:
            return out
        done = self.done.get(key, set())
        out.append(f"{plan.day.strftime('%A %d %B %Y')}\n", style="bold")
        for item in plan.items:
            did = item.get("exercise") in done
            name = item.get("name", item.get("exercise"))
            out.append(f" {'[x]' if did else '[ ]'} {name}", style="green" if did else "")
            out.append(f"  {dose_text(item.get('dose') or {})} · {item.get('minutes', 0):g} min", style="dim")
            rules = ", ".join(str(r) for r in item.get("rules", []))
            out.append(f"  {rules}\n" if rules else "\n", style="dim")
        if not plan.items:
            out.append(" nothing extra was planned\n", style="dim")
        if plan.held:
            out.append("left out\n", style="bold")
            for held in plan.held:
                reason = LEFT_OUT.get(str(held.get("why")), str(held.get("why")))
                rule = f" by {held['rule']}" if held.get("rule") else ""
                out.append(f" - {held.get('name', held.get('exercise'))}: {reason}{rule}\n", style="dim")
        out.append("rules that fired: ", style="bold")
        out.append(", ".join(plan.rule_ids) or "none")
        when = plan.computed_at.astimezone().strftime("%H:%M")
        out.append(f"\nrulebook {plan.fingerprint[:12]}, planned {when}\n", style="dim")
        return out


class DeletedScreen(RecordsDialog):
    """Deleted records to restore (r, Enter) and recent check-ins to delete (d)."""

    TITLE_TEXT = "Deleted records and check-ins"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,enter", "restore", "Restore"),
        Binding("d", "delete", "Delete check-in"),
        Binding("escape,q", "close", "Close"),
    ]

    def hint(self) -> str:
        return "r/Enter restores, d deletes a check-in, Esc closes"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_restore()

    def fill(self) -> None:
        store = self.state.store
        listing = self.query_one("#records-list", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        options: list[Option] = [Option(Text("DELETED (r restores)", style="bold"), disabled=True)]
        deleted = store.deleted(limit=200) if store is not None else []
        for d in deleted:
            when = d.deleted_at.astimezone().strftime("%d %b %H:%M")
            line = Text(f" {d.kind} #{d.id}  {d.day.strftime('%d %b')}  {d.what}", style="")
            line.append(f"  deleted {when}", style="dim")
            options.append(RecordOption(clean_styled(line), "restore", d.kind, d.id))
        if not deleted:
            options.append(Option(Text(" nothing deleted", style="dim"), disabled=True))
        options.append(Option(Text("CHECK-INS (d deletes)", style="bold"), disabled=True))
        checkins = store.checkins(limit=20) if store is not None else []
        for c in checkins:
            screens = ", ".join(sorted(c.answers)) or "no answers"
            line = Text(f" check-in #{c.id}  {c.taken_at.astimezone():%d %b %H:%M}  {screens}")
            line.append(f"  {len(c.facts)} facts", style="dim")
            options.append(RecordOption(clean_styled(line), "delete", "checkin", c.id))
        if not checkins:
            options.append(Option(Text(" no check-ins", style="dim"), disabled=True))
        listing.add_options(options)
        enabled = [i for i, o in enumerate(options) if not o.disabled]
        if enabled:
            listing.highlighted = keep if keep in enabled else enabled[0]

    def detail(self, key: str) -> Text:
        action, _, rest = key.partition(":")
        kind, _, record = rest.partition(":")
        if action == "restore":
            return Text(f"r or Enter restores {kind} #{record}: it counts again everywhere.")
        if action == "delete":
            return Text(f"d deletes check-in #{record}; its facts stop counting (r restores it).")
        return Text()

    def _selected(self) -> tuple[str, RecordKind, int] | None:
        option = self.query_one("#records-list", OptionList).highlighted_option
        if not isinstance(option, RecordOption):
            return None
        return option.action, option.kind, option.record

    @reports_faults
    def action_restore(self) -> None:
        chosen = self._selected()
        store = self.state.store
        if chosen is None or chosen[0] != "restore" or store is None:
            self.notify("Pick a deleted record to restore.", severity="warning")
            return
        _, kind, record = chosen
        if store.restore(kind, record):
            self.changed.append(("restored", kind, record))
            self.notify(clean_text(f"Restored {kind} #{record} (u on Today undoes)"), markup=False)
        self.fill()

    @reports_faults
    def action_delete(self) -> None:
        chosen = self._selected()
        store = self.state.store
        if chosen is None or chosen[0] != "delete" or store is None:
            self.notify("Pick a check-in to delete.", severity="warning")
            return
        _, kind, record = chosen
        if store.delete(kind, record):
            self.notify(f"Deleted {kind} #{record}; r restores it", markup=False)
            self.changed.append(("deleted", kind, record))
        self.fill()
