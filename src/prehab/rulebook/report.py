"""Collects every problem in a file at once, each located by key path and line."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from prehab.model import Problem
from prehab.record import Record, field
from prehab.rulebook.suggest import did_you_mean

if TYPE_CHECKING:
    from prehab.rulebook.locate import Locator
    from prehab.rulebook.schema import FieldSpec, KindSpec

PathT = tuple[str | int, ...]


def format_path(display: PathT) -> str:
    out = ""
    for part in display:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class Reporter(Record):
    """Collects located problems for one file, the key path growing as the check descends."""

    file: str
    locator: Locator | None
    problems: list[Problem] = field(default_factory=list)
    path: PathT = ()
    display: PathT = ()

    def at(self, *parts: str | int, label: str | None = None) -> Reporter:
        """A reporter for a nested key; ``label`` replaces the last part in messages (a rule id)."""
        shown: PathT = (*parts[:-1], label) if label is not None else parts
        return Reporter(self.file, self.locator, self.problems, self.path + parts, self.display + shown)

    def error(self, message: str, fix: str = "", *extra: str | int) -> None:
        self._add(message, fix, extra, "error")

    def warn(self, message: str, fix: str = "", *extra: str | int) -> None:
        self._add(message, fix, extra, "warning")

    def unknown_keys(self, keys: Iterable[str], allowed: Collection[str], what: str = "key") -> bool:
        """Report each key not in ``allowed`` (with the nearest allowed one); True when none."""
        ok = True
        for key in keys:
            if key not in allowed:
                self.error(f"unknown {what} '{key}'", did_you_mean(key, allowed), key)
                ok = False
        return ok

    def field_of(self, kind: KindSpec, key: str) -> FieldSpec | None:
        """The kind's field spec, or None with an "has no field" problem reported at ``key``."""
        spec = kind.fields.get(key)
        if spec is None:
            self.error(f"'{kind.name}' has no field '{key}'", did_you_mean(key, kind.fields), key)
        return spec

    def _add(self, message: str, fix: str, extra: PathT, severity: str) -> None:
        path = self.path + extra
        line = self.locator.find(path) if self.locator and path else None
        self.problems.append(
            Problem(
                self.file,
                line,
                format_path(self.display + extra),
                message,
                fix,
                "warning" if severity == "warning" else "error",
            )
        )
