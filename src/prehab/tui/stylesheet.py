"""The app's stylesheet: each CSS source parsed once per set of theme variables (start-up time).

Textual parses every CSS source again whenever it rebuilds a stylesheet. At start-up that is
twice more than needed: applying the theme (``App.refresh_css``) sets the variables, which
empties the stylesheet's parse cache, and re-parses every source in a fresh stylesheet with an
empty cache of its own (``Stylesheet.reparse``); the next widget type that brings its own CSS
then parses them all a third time in the emptied cache. ``app.tcss`` alone takes about 7 ms a
parse, and the base widgets' CSS as much again (issue 21: the measured cost was 4 % of the
app's start).

Here the parsed rules are kept for the app's life by the CSS, where it was read from, its place
in the cascade and the variables it was parsed with, and shared by every stylesheet the app
makes, so a theme that really changes the variables still parses with them. The parsed rules
are Textual's own, which it already reuses between parses of one stylesheet.
"""

from __future__ import annotations

import inspect
from typing import Any

from textual.css.stylesheet import Stylesheet

ParseKey = tuple[Any, ...]
KEEP = 256
"""Parses kept at most: a start makes about 16, a theme picked about 16 more; editing CSS under
``textual run --dev`` makes one per save, so the oldest go (the dict keeps insertion order)."""
PARSE_PARAMETERS = ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]


class SharedParses(Stylesheet):
    """A stylesheet whose parses are kept in ``parses``, shared with the stylesheets it makes."""

    def __init__(
        self,
        *,
        variables: dict[str, str] | None = None,
        parses: dict[ParseKey, list[Any]] | None = None,
    ) -> None:
        super().__init__(variables=variables)
        self.parses: dict[ParseKey, list[Any]] = {} if parses is None else parses
        self._variables_key = _variables_key(self._variables)

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_key = _variables_key(variables)

    def _parse_rules(
        self,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[Any]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, self._variables_key)
        found = self.parses.get(key)
        if found is None:
            found = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if len(self.parses) >= KEEP:
                del self.parses[next(iter(self.parses))]
            self.parses[key] = found  # with errors too, as Textual's cache keeps them: parse refuses
        return found

    def copy(self) -> SharedParses:
        stylesheet = SharedParses(variables=self._variables.copy(), parses=self.parses)
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """Textual's ``reparse`` (every source again, in a fresh stylesheet so that an error
        leaves this one as it was), with the fresh one sharing the parses kept so far."""
        fresh = SharedParses(variables=self._variables, parses=self.parses)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(
                css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker, scope=scope
            )
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False


def _variables_key(variables: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(variables.items()))


def shares_parses() -> bool:
    """Whether this Textual still has what ``SharedParses`` builds on (its private parse step,
    called as in Textual 8, and the attributes ``reparse`` sets); else the app keeps Textual's
    own stylesheet, and starts as it did before."""
    parse = getattr(Stylesheet, "_parse_rules", None)
    if not callable(parse) or list(inspect.signature(parse).parameters) != PARSE_PARAMETERS:
        return False
    probe = Stylesheet()
    needed = ("_rules", "_rules_map", "_variables", "_invalid_css", "_require_parse", "source")
    return all(hasattr(probe, a) for a in needed)
