"""The app's stylesheet parses each CSS source once per set of theme variables (start-up time),
and still gives what Textual's own would: the same rules, a new theme's colours, CSS errors."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.tui_support import app_fixtures
from textual.color import Color
from textual.css import stylesheet as textual_stylesheet
from textual.css.stylesheet import Stylesheet, StylesheetParseError

from prehab.tui.app import PrehabApp
from prehab.tui.stylesheet import SharedParses, shares_parses

pack, make_app = app_fixtures("")

APP_CSS = Path(PrehabApp.CSS_PATH).read_text(encoding="utf-8")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How many times Textual's parser read each source, by where it was read from."""
    counts: Counter[str] = Counter()
    real = textual_stylesheet.parse

    def counting(scope: str, css: str, read_from: Any, **kwargs: Any) -> Any:
        counts[str(read_from[-1]) or str(read_from[0])] += 1
        return real(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    yield counts


def test_the_app_parses_each_source_once(make_app: Callable[..., PrehabApp], parsed: Counter[str]) -> None:
    """Textual alone parses app.tcss and the base widgets' CSS three times at start-up."""

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert parsed[str(PrehabApp.CSS_PATH)] == 1
            for source in ("App.DEFAULT_CSS", "Screen.DEFAULT_CSS"):
                assert parsed[source] == 1, source
            assert isinstance(app.stylesheet, SharedParses)

    assert shares_parses()
    asyncio.run(scenario())


def test_a_new_theme_is_parsed_with_its_colours(
    make_app: Callable[..., PrehabApp], parsed: Counter[str]
) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            navbar = app.screen.query_one(".navbar")
            dark = navbar.styles.background
            app.theme = "textual-light"
            await pilot.pause()
            await pilot.pause()
            light = navbar.styles.background
            assert light != dark
            assert light == Color.parse(app.get_css_variables()["panel"])
            assert parsed[str(PrehabApp.CSS_PATH)] == 2  # once per set of variables
            app.theme = "textual-dark"
            await pilot.pause()
            await pilot.pause()
            assert navbar.styles.background == dark
            assert parsed[str(PrehabApp.CSS_PATH)] == 2  # the dark parse again, not a third

    asyncio.run(scenario())


def test_the_rules_are_textuals_own() -> None:
    variables = PrehabApp().get_css_variables()
    ours, theirs = SharedParses(variables=variables), Stylesheet(variables=variables)
    for sheet in (ours, theirs):
        sheet.add_source(APP_CSS, read_from=("app.tcss", ""))
        sheet.parse()
    assert ours.css == theirs.css
    assert ours.css.count("{") > 20


def test_a_css_error_is_refused_every_time_as_by_textual(parsed: Counter[str]) -> None:
    sheet = SharedParses()
    sheet.add_source("Static { colour: red; }", read_from=("broken.tcss", ""))
    for _ in range(2):
        with pytest.raises(StylesheetParseError):
            sheet.reparse()
    fresh = SharedParses(parses=sheet.parses)
    fresh.add_source("Static { colour: red; }", read_from=("broken.tcss", ""))
    with pytest.raises(StylesheetParseError):
        fresh.parse()
    assert parsed["broken.tcss"] == 1


def test_a_textual_whose_parse_step_changed_keeps_its_own_stylesheet(monkeypatch: pytest.MonkeyPatch) -> None:
    def changed(self: Stylesheet, css: str, read_from: Any, *, is_default_rules: bool = False) -> list[Any]:
        return []

    monkeypatch.setattr(Stylesheet, "_parse_rules", changed)
    assert not shares_parses()
    app = PrehabApp()
    assert type(app.stylesheet) is Stylesheet


def test_the_parses_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("prehab.tui.stylesheet.KEEP", 3)
    sheet = SharedParses()
    for n in range(5):
        sheet.add_source(f"Static {{ width: {n + 1}; }}", read_from=(f"s{n}.tcss", ""))
        sheet.parse()
    assert len(sheet.parses) == 3
    assert [key[1][0] for key in sheet.parses] == ["s2.tcss", "s3.tcss", "s4.tcss"]
