"""Rules: browse rules and exercises, explain, why-not on today's facts, edit, reload.

Reloading (r, or automatically when a file changes) validates the whole pack first; with
errors the last good rulebook stays in force and the problems are listed here with file,
line and fix, so a typo never leaves the runner without advice.

Rule and exercise text is the pack author's: it is built into ``Text`` (never markup) and
cleaned of control characters (``clean_styled``) before any widget shows it.
"""

from __future__ import annotations

import subprocess
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from prehab.facts.complete import complete_facts
from prehab.model import errors_in
from prehab.present.render import dose_text
from prehab.rulebook.model import Exercise, Rule
from prehab.safe.text import clean_styled, clean_text
from prehab.tui.screens.base import PrehabScreen
from prehab.tui.state import pack_summary
from prehab.tui.widgets import StillInput, VimOptionList


def exercise_text(ex: Exercise, used_by: list[str]) -> Text:
    out = Text(f"{ex.name} ({ex.id})\n", style="bold")
    out.append(f"{ex.kind}, {ex.plane} plane, about {ex.minutes:g} min\n")
    out.append(f"dose: {dose_text(ex.dose)}\n")
    out.append(f"works: {', '.join(ex.works) or '-'}\n")
    if ex.loads:
        out.append(f"loads: {', '.join(ex.loads)}\n")
    out.append(f"equipment: {', '.join(ex.equipment) or 'none'}\n")
    if ex.regression:
        out.append(f"easier: {ex.regression}\n")
    for cue in ex.cues:
        out.append(f"  - {cue}\n")
    if ex.note:
        out.append(f"{ex.note}\n", style="italic")
    out.append(f"prescribed by: {', '.join(used_by) or 'no rule'}\n", style="dim")
    out.append(f"defined in {ex.file}:{ex.line}\n", style="dim")
    return clean_styled(out)


class RulesScreen(PrehabScreen):
    MODE = "rules"
    COMPACT_FOOTER = True  # v, w, space, e, p, F1, q and ^p palette in 80 columns
    HELP = """\
## Rules

Your rule pack: the shipped rules plus yours (config folder `rules/`, see `prehab paths`).

* Each line is a rule's priority (higher fires first) and id. A **`*`** before it marks a
  rule that **fired on today's facts** (it is behind something on Today); a struck-through,
  dim id with *(off)* is switched off. The line under the list says so too.
* **v** switches between rules and the exercise catalogue; **/** filters by id, title or tag.
* The panel explains the selected rule in plain words. **w** puts *why not* at the top of the
  panel: each condition's result on today's facts (weekly change and increase included, as
  the rules see them).
* **space** switches a rule on or off (written to your `overrides.toml`).
* **e** opens the rule in `$EDITOR`. A shipped rule is first copied to your rules folder
  (your copy replaces it by id; delete the copy to go back).
* **r** checks and reloads every file (files are also watched). With errors, the **last good
  rules stay in force** and the problems are listed with file, line and fix. **p** shows them all.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "view('exercises')", "Exercises"),
        Binding("v", "view('rules')", "Rules"),
        Binding("w", "why_not", "Why not"),
        Binding("space", "toggle_rule", "On/off"),
        Binding("e", "edit", "Edit"),
        # files are watched and reloaded by themselves: r is in F1 and the palette, and the
        # footer keeps room for the rest at 80 columns
        Binding("r", "reload", "Reload", show=False),
        Binding("p", "problems", "Problems"),
        Binding("slash", "filter", "Filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "rules"
        self.show_why_not = False

    def body(self) -> ComposeResult:
        yield StillInput(placeholder="/ filter rules: id, title, tag", id="rules-filter", compact=True)
        with Horizontal(id="rules-body", classes="split"):
            yield VimOptionList(id="rules-list")
            with VerticalScroll(id="rules-detail-box", classes="detail"):
                yield Static("", id="rules-detail")
        yield Static("", id="rules-problems")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#rules-list", OptionList).focus()

    def refresh_view(self) -> None:
        listing = self.query_one("#rules-list", OptionList)
        keep = listing.highlighted_option.id if listing.highlighted_option else None
        listing.clear_options()
        book = self.state.book
        words = self.query_one("#rules-filter", Input).value.lower().split()
        options: list[Option] = []
        if book is not None and self.view == "rules":
            fired = set(self.state.view().fired)
            for rule in sorted(book.rules.values(), key=lambda r: (-r.priority, r.id)):
                hay = " ".join([rule.id, rule.title, *rule.tags]).lower()
                if words and not all(w in hay for w in words):
                    continue
                line = Text(f"{'*' if rule.id in fired else ' '}{rule.priority:>4} ")
                line.append(rule.id, style="bold" if rule.enabled else "dim strike")
                if not rule.enabled:
                    line.append(" (off)", style="dim")
                options.append(Option(clean_styled(line), id=f"rule:{rule.id}"))
        elif book is not None:
            for ex in sorted(book.exercises.values(), key=lambda e: (e.kind, e.id)):
                hay = " ".join([ex.id, ex.name, ex.kind, *ex.works]).lower()
                if words and not all(w in hay for w in words):
                    continue
                line = Text(f"{ex.kind[:3]} ", style="dim")
                line.append(ex.name)
                options.append(Option(clean_styled(line), id=f"exercise:{ex.id}"))
        listing.add_options(options)
        ids = [o.id for o in options]
        listing.highlighted = ids.index(keep) if keep in ids else (0 if options else None)
        self._show_problems()
        self._detail()

    def _show_problems(self) -> None:
        box = self.query_one("#rules-problems", Static)
        errors = errors_in(self.state.problems)
        warnings = [p for p in self.state.problems if p.severity == "warning"]
        book = self.state.book
        legend = Text()
        if book is not None:
            head = f"{'in force' if errors else 'ok'}: {pack_summary(book)}"
            legend.append(head, style="" if errors else "green")
            if self.view == "rules":
                legend.append("   * fired today, dim: switched off", style="dim")
        if not errors and not warnings:
            box.update(legend)
            box.set_class(False, "bad")
            return
        out = Text()
        if errors:
            out.append(
                f"{len(errors)} error(s): the last good rules stay in force (p: all)\n", style="bold red"
            )
        for p in (errors + warnings)[:2]:
            out.append(f"{p.severity}: {p}\n", style="red" if p.severity == "error" else "yellow")
        box.update(clean_styled(out.append_text(legend)))
        box.set_class(bool(errors), "bad")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail()

    def selected(self) -> Rule | Exercise | None:
        listing = self.query_one("#rules-list", OptionList)
        option = listing.highlighted_option
        book = self.state.book
        if option is None or option.id is None or book is None:
            return None
        kind, _, key = option.id.partition(":")
        return book.rules.get(key) if kind == "rule" else book.exercises.get(key)

    def _detail(self) -> None:
        from prehab.present.explain import explain_rule, why_not

        panel = self.query_one("#rules-detail", Static)
        book = self.state.book
        item = self.selected()
        if book is None or item is None:
            panel.update(Text("Nothing selected.", style="dim"))
            return
        if isinstance(item, Exercise):
            used = sorted(
                r.id for r in book.rules.values() if any(p.exercise == item.id for p in r.then.prescribe)
            )
            panel.update(exercise_text(item, used))
            return
        text = Text(explain_rule(book, item))
        if self.show_why_not:
            # first, so it is in view at once; on the facts as the rules see them (derived
            # weekly change included), not as stored
            facts = complete_facts(self.state.view().facts, book.schema)
            result = Text(why_not(book, item, facts), style="cyan")
            text = result.append("\n\n").append_text(text)
        else:
            text.append("\n\nw: why (not) on today's facts", style="dim")
        panel.update(clean_styled(text))
        self.query_one("#rules-detail-box", VerticalScroll).scroll_home(animate=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "rules-filter":
            self.refresh_view()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#rules-list", OptionList).focus()

    def key_escape(self) -> None:
        self.query_one("#rules-list", OptionList).focus()

    def action_filter(self) -> None:
        self.query_one("#rules-filter", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``v`` shows where it goes: "Exercises" from the rules, "Rules" from the exercises."""
        if action == "view":
            return parameters[0] != self.view
        return True

    def action_view(self, to: str = "") -> None:
        self.view = to or ("exercises" if self.view == "rules" else "rules")
        self.refresh_bindings()
        placeholder = "/ filter exercises: id, name, kind, region" if self.view == "exercises" else None
        self.query_one("#rules-filter", Input).placeholder = placeholder or "/ filter rules: id, title, tag"
        self.refresh_view()

    def action_why_not(self) -> None:
        self.show_why_not = not self.show_why_not
        self._detail()

    def action_reload(self) -> None:
        self.prehab.reload_rules()

    def action_problems(self) -> None:
        from prehab.tui.screens.modals import TextScreen

        out = Text()
        for p in self.state.problems:
            out.append(f"{p.severity}: {p}\n\n", style="red" if p.severity == "error" else "yellow")
        self.app.push_screen(TextScreen("Problems in your rules and screens", out or Text("No problems.")))

    def action_toggle_rule(self) -> None:
        item = self.selected()
        if not isinstance(item, Rule):
            self.notify("Select a rule to switch it on or off.", severity="warning")
            return
        from prehab.rulebook.edits import set_enabled

        rule = item

        def apply(yes: bool | None = True) -> None:
            if not yes:
                return
            problems = set_enabled(rule.id, not rule.enabled, base=self.state.layers()[0])
            if problems:
                self.notify(
                    clean_text("\n".join(str(p) for p in problems[:3])),
                    title="Not changed",
                    severity="error",
                    markup=False,
                )
                return
            self.prehab.reload_rules(quiet=True)
            self.notify(clean_text(f"{rule.id} is now {'off' if rule.enabled else 'on'}."), markup=False)

        if rule.enabled and "red-flag" in rule.tags:
            from prehab.tui.screens.modals import ConfirmScreen

            question = (
                f"{rule.id} is a red-flag rule: it refers you to a professional and holds back "
                "loading work when something may be injured. Switch it off anyway?"
            )
            self.app.push_screen(ConfirmScreen(question, yes="Switch off"), apply)
            return
        apply()

    def action_edit(self) -> None:
        from prehab.paths import user_rules_dir
        from prehab.tui.ruleedit import file_to_edit, is_shipped
        from prehab.tui.state import editor_command

        item = self.selected()
        if item is None:
            return
        kind = "rule" if isinstance(item, Rule) else "exercise"
        if self.app.is_web:  # no terminal to hand an editor: say where the file is, copy nothing
            where = f"{item.file}:{item.line}" if item.line else item.file
            user = (
                "" if not is_shipped(item.file) else f"; to change it, copy its block into {user_rules_dir()}"
            )
            self.notify(clean_text(f"No editor in a browser: the {kind} is in {where}{user}"), markup=False)
            return
        edit = file_to_edit(kind, item.id, item.file, item.line)
        if edit.note:
            self.notify(clean_text(edit.note), markup=False)
        command = editor_command(edit.path, edit.line)
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except FileNotFoundError:
            self.notify(clean_text(f"Cannot run {command[0]}: set $EDITOR."), severity="error", markup=False)
            edit.draft = edit.path.read_text(encoding="utf-8") if edit.keep else ""
            edit.finish()
            return
        except Exception as exc:  # SuspendNotSupported and friends
            self.notify(
                clean_text(f"Cannot open an editor here ({type(exc).__name__}); the file is {item.file}"),
                severity="error",
                markup=False,
            )
            edit.draft = edit.path.read_text(encoding="utf-8") if edit.keep else ""
            edit.finish()
            return
        done = edit.finish()
        if done:
            self.notify(clean_text(done), markup=False)
        self.prehab.reload_rules()
