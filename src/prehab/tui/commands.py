"""The command palette (ctrl+p): every action of the app and of the current screen.

Why generated from bindings: an action added to a screen's BINDINGS with a description
appears here by itself, so the palette never falls behind the keys.

The palette reads names and help as markup; check-in titles and intros come from TOML files,
so every entry is escaped (``markup_escape``) first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from prehab.safe.text import markup_escape
from prehab.tui.widgets import MODES

if TYPE_CHECKING:
    from prehab.tui.host import Host

Command = tuple[str, Callable[[], object], str]


class PrehabCommands(Provider):
    """Screens, check-ins, sessions, rules, help: one searchable list."""

    def commands(self) -> list[Command]:
        app = cast("Host", self.app)
        found: list[Command] = []
        for key, mode, title in MODES:
            found.append((f"Go to {title}", partial(app.action_mode, mode), f"screen {key}"))
        forms = app.state.checkin_screens() if app.ready else []
        for form in forms:
            found.append((f"Check in: {form.title}", partial(app.open_checkin, form.id), form.intro))
        found += [
            ("Add a session", app.action_add_session, "log a run, a strength or mobility session"),
            (
                "Profile: who you are",
                app.action_profile,
                "age, pregnancy, bone health, health screen, experience",
            ),
            ("Reload rules and screens", app.reload_rules, "check every file; the last good rules stay"),
            ("Show problems in rules and screens", partial(app.action_mode_then, "rules", "problems"), ""),
            ("Help for this screen", app.action_help, "F1"),
            ("Quit", partial(app.call_later, app.action_quit), "q (asks first if answers are unsaved)"),
        ]
        screen = self.screen
        title = getattr(screen, "MODE", "") or "screen"
        for binding in getattr(screen, "BINDINGS", []):
            if (
                isinstance(binding, Binding)
                and binding.description
                and not binding.action.startswith("scroll")
                and _allowed(screen, binding.action)
            ):
                action = binding.action
                found.append(
                    (
                        f"{title.capitalize()}: {binding.description}",
                        partial(app.call_later, screen.run_action, action),
                        f"key {binding.key.split(',')[0]}",
                    )
                )
        return found

    async def discover(self) -> Hits:
        for name, callback, help_text in self.commands():
            yield DiscoveryHit(markup_escape(name), callback, text=name, help=markup_escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                shown = matcher.highlight(markup_escape(name))
                yield Hit(score, shown, callback, text=name, help=markup_escape(help_text))


def _allowed(screen: object, action: str) -> bool:
    """Whether the screen offers ``action`` now (Rules' ``v`` is "Exercises" or "Rules", not both)."""
    from textual.actions import parse

    check = getattr(screen, "check_action", None)
    if not callable(check):
        return True
    _, name, params = parse(action)
    return check(name, params) is not False
