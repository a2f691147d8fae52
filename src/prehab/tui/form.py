"""A questionnaire screen (screens/*.toml) rendered as a form, one compact row per question.

Why generic: the form knows question kinds, not questions, so a new question in a TOML
file appears here with its prompt, unit, range, help and validation message without any
Python. Validation itself lives in prehab.questionnaire; this widget only shows it.

Prompts, help and intro come from TOML anyone can edit, and messages quote what was typed:
all are shown as plain text (``prehab.safe.text.plain``), never read as markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from prehab.questionnaire import DURATION_UNIT, Question, Screen
from prehab.safe.text import clean_text, plain
from prehab.tui.widgets import StillInput

YES_NO: list[tuple[RenderableType, str]] = [("yes", "yes"), ("no", "no")]


def _label(value: str) -> str:
    return value.replace("_", " ").replace("-", " ")


class QuestionForm(VerticalScroll):
    """The questions of one screen; ``raw_answers()`` gives what was typed, unparsed.

    The form remembers what it showed when filled (``baseline``), so a screen can tell
    unsaved answers (``changed``) from stored ones before it is left or rebuilt.
    """

    can_focus = False

    def __init__(
        self,
        screen: Screen,
        *,
        units: str = "km",
        values: dict[str, str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="question-form")
        self.questionnaire = screen
        self.units = units
        self.values = values or {}
        self.baseline: dict[str, Any] = {q.id: self._shown_value(q) for q in screen.questions}
        """``raw_answers()`` as filled (from storage, or as last saved)."""

    def wid(self, q: Question) -> str:
        return f"q-{self.questionnaire.id}-{q.id}"

    def compose(self) -> ComposeResult:
        if self.questionnaire.intro:
            yield Static(plain(self.questionnaire.intro), classes="intro")
        section = ""
        for q in self.questionnaire.questions:
            if q.section and q.section != section:
                section = q.section
                yield Static(plain(section), classes="section")
            with Horizontal(classes="question"):
                yield Label(plain(self._prompt(q)), classes="prompt")
                yield self._input(q)
            if q.help:
                yield Static(plain(q.help), classes="help")
            yield Static("", classes="error", id=f"err-{self.wid(q)}")

    @property
    def changed(self) -> bool:
        """True when an answer differs from what the form was filled with (unsaved)."""
        return _blank_none(self.raw_answers()) != _blank_none(self.baseline)

    def edits(self) -> dict[str, Any]:
        """The answers typed since the form was filled: question id -> raw answer."""
        raw = self.raw_answers()
        return {k: v for k, v in raw.items() if _blank_none({k: v}) != _blank_none({k: self.baseline.get(k)})}

    def mark_saved(self) -> None:
        """What is in the form now is stored: it is the new baseline."""
        self.baseline = self.raw_answers()

    def _prompt(self, q: Question) -> str:
        unit = q.unit_for(self.units)
        star = " *" if q.required else ""
        return f"{q.prompt}{star}" + (f" ({unit})" if unit else "")

    def _options(self, q: Question) -> list[tuple[RenderableType, str]]:
        return YES_NO if q.kind == "yes-no" else [(plain(_label(c)), c) for c in q.choices]

    def _shown_value(self, q: Question) -> str | None:
        """What the field for ``q`` holds once filled from ``values`` (as ``raw_answers`` reads it)."""
        value = self.values.get(q.id, "")
        if q.kind in ("choice", "yes-no"):
            return value if value in {v for _, v in self._options(q)} else None
        return clean_text(value)

    def _input(self, q: Question) -> Widget:
        value = self.values.get(q.id, "")
        if q.kind in ("choice", "yes-no"):
            shown = self._shown_value(q)
            select: Select[str] = Select(
                self._options(q),
                prompt="-",
                allow_blank=True,
                value=Select.NULL if shown is None else shown,
                id=self.wid(q),
                compact=True,
            )
            return select
        rng = q.range_text(self.units)
        unit = q.unit_for(self.units)
        placeholder = {
            "date": "YYYY-MM-DD, today...",
            "scale": rng,
            "number": f"{rng} {unit}".strip(),
        }.get(q.kind, "")
        if q.kind == "number" and q.unit == DURATION_UNIT and not q.whole:
            placeholder = f"{rng} min or H:MM:SS".strip()
        return StillInput(
            value=clean_text(value), placeholder=clean_text(placeholder), id=self.wid(q), compact=True
        )

    def raw_answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for q in self.questionnaire.questions:
            widget = self.query_one(f"#{self.wid(q)}")
            if isinstance(widget, Select):
                out[q.id] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Input):
                out[q.id] = widget.value
        return out

    def show_errors(self, errors: dict[str, str]) -> None:
        for q in self.questionnaire.questions:
            message = errors.get(q.id, "")
            box = self.query_one(f"#err-{self.wid(q)}", Static)
            box.update(plain(f"! {message}" if message else ""))
            box.set_class(bool(message), "shown")
        first = next((q for q in self.questionnaire.questions if q.id in errors), None)
        if first is not None:
            widget = self.query_one(f"#{self.wid(first)}")
            widget.focus()
            self.scroll_to_widget(widget)

    def clear(self) -> None:
        for q in self.questionnaire.questions:
            widget = self.query_one(f"#{self.wid(q)}")
            if isinstance(widget, Select):
                widget.clear()
            elif isinstance(widget, Input):
                widget.value = ""
        self.show_errors({})

    def fill(self, values: dict[str, Any]) -> None:
        for q in self.questionnaire.questions:
            widget = self.query_one(f"#{self.wid(q)}")
            value = values.get(q.id)
            if isinstance(widget, Select):
                if value is None:
                    widget.clear()
                else:
                    widget.value = value
            elif isinstance(widget, Input):
                widget.value = value or ""


def _blank_none(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers with blank text and no choice alike (both mean "not answered")."""
    return {k: v for k, v in answers.items() if v is not None and str(v).strip() != ""}
