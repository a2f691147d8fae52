"""Hostile text (issue 9, item 2): markup and escape sequences in names, notes, settings and
rule files are shown literally, never interpreted, in the app and on the command line.

The history rows here are written straight into the store (as an older prehab, or a hand
edit, could have left them), so the output side is tested on its own; the import and
``prehab log`` tests check that new text is stored clean as well.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from prehab.cli import main
from prehab.imports import import_paths
from prehab.paths import settings_file
from prehab.safe.text import clean_styled, clean_text, json_text, markup_escape, one_line, rich_markup_escape
from prehab.store import Session, Store
from prehab.tui.app import PrehabApp
from prehab.tui.screens.sessions import SessionsScreen
from prehab.tui.screens.settings import SettingsScreen

HOSTILE_NAME = "[/oops] [bold]x\x1b]0;pwn\x07"
SHOWN_NAME = "[/oops] [bold]x"
RED_NOTE = "felt [red] fine [$accent]ok[/]"
ESCAPES = (
    "\x1b]0;title\x07",  # window title (OSC 0)
    "\x1b[2J",  # clear screen (CSI)
    "\x1b]52;c;cHduZWQ=\x07",  # write the clipboard (OSC 52)
    "\x9b2J",  # C1 CSI
    "\x9d0;title\x9c",  # C1 OSC ... ST
    "\x1bP+q544e\x1b\\",  # DCS request
)

RULES = """
[[rule]]
id = "calf-tight"
title = "Tight calves"
priority = 400
when = [ { fact = "tightness", region = "calves", level = { at_least = 4 } } ]
why = "Calves take the impact."
source = "Test source"
[rule.then]
prescribe = [ { exercise = "calf-stretch" } ]
[[rule.example]]
given = [ { fact = "tightness", region = "calves", level = 6 } ]
expect.prescribe = ["calf-stretch"]
"""


# -- the helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize("sequence", ESCAPES)
def test_clean_text_removes_whole_escape_sequences(sequence: str) -> None:
    assert clean_text(f"Morning run{sequence} done") == "Morning run done"


def test_clean_text_keeps_text_newlines_and_tabs() -> None:
    assert clean_text("Intervals 6x800\tfelt good\nlegs ok") == "Intervals 6x800\tfelt good\nlegs ok"
    assert clean_text("a\r\nb\x00c\x7fd\x85e\x07") == "a\nbcde"
    assert clean_text("Łódź parkrun 🏃 [x]") == "Łódź parkrun 🏃 [x]"
    assert clean_text("cut off\x1b]52;c;unterminated") == "cut off52;c;unterminated"  # no ESC left
    assert one_line(" a\n\n b\tc ") == "a b c"


@pytest.mark.parametrize(
    "text", [SHOWN_NAME, RED_NOTE, "[$accent]x", "[B]x[/B]", "[ bold]x", "a\\[b", "[@click=app.quit]q[/]"]
)
def test_escaped_markup_reads_back_literally(text: str) -> None:
    assert Content.from_markup(markup_escape(text)).plain == text
    assert Text.from_markup(rich_markup_escape(text)).plain == text
    assert Text.from_markup(f"[b]{rich_markup_escape(text)}[/b]").plain == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]\\/ab$@#= :", max_size=12))
def test_any_brackets_and_backslashes_read_back(text: str) -> None:
    assert Content.from_markup(markup_escape(text)).plain == text
    shown = Text.from_markup(rich_markup_escape(text), emoji=False).plain
    assert shown.rstrip("\\") == text.rstrip("\\")  # trailing backslashes are doubled on their own...
    assert Text.from_markup(f"[b]{rich_markup_escape(text)}[/b]", emoji=False).plain == text  # ...for this


def test_clean_styled_keeps_styles() -> None:
    text = Text("ok ")
    text.append("bad\x1b[2J name", style="bold")
    cleaned = clean_styled(text)
    assert cleaned.plain == "ok bad name"
    assert [(s.start, s.end, str(s.style)) for s in cleaned.spans] == [(3, 11, "bold")]
    assert clean_styled(Text("plain")).plain == "plain"


def test_json_text_escapes_c1_but_keeps_the_data() -> None:
    dumped = json_text(json.dumps({"n": "a\x9b2Jb\x1b"}, ensure_ascii=False))
    assert "\x9b" not in dumped and "\x1b" not in dumped
    assert json.loads(dumped) == {"n": "a\x9b2Jb\x1b"}


def test_textsafe_imports_neither_textual_nor_rich() -> None:
    import subprocess
    import sys

    code = (
        "import sys, prehab.safe.text; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- the command line -------------------------------------------------------------------------


def _store_raw(*notes: str) -> None:
    with Store.open() as store:
        for i, note in enumerate(notes):
            store.add_session(Session(date(2026, 11, 20 + i), "easy", 8.0, duration_min=45, notes=note))


def test_history_prints_no_escape_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    _store_raw(HOSTILE_NAME, "".join(ESCAPES) + "after", "two\nlines")
    assert main(["history"]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out and "\x9b" not in out and "\x9d" not in out
    assert SHOWN_NAME in out and "after" in out
    assert "two lines" in out  # a note's newline does not break the table
    assert main(["history", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert "\x1b" not in out and "\x9b" not in out
    assert {row["notes"] for row in json.loads(out)} >= {HOSTILE_NAME}  # the data itself is intact


def test_log_stores_notes_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["log", "--kind", "easy", "--distance", "5", "--date", "2026-11-20", "--notes", HOSTILE_NAME])
    assert code == 0
    with Store.open() as store:
        [session] = store.sessions()
    assert session.notes == SHOWN_NAME


def test_settings_and_errors_print_no_escape_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'units = "\\u001b]0;pwn\\u0007[/oops]"\nequipment = ["band\\u001b[2J"]\n', encoding="utf-8"
    )
    main(["settings"])
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "[/oops]" in err  # the problem is reported, its text shown literally
    main(["settings", "--json"])
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err


def test_import_stores_names_clean(tmp_path: Path) -> None:
    gpx = tmp_path / "hostile.gpx"
    gpx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk>'
        "<name>[/oops] Evening&#x9b;2J run&#x9d;0;pwn&#x9c;&#x7f;</name><type>running</type><trkseg>"
        '<trkpt lat="0.0" lon="0.0"><time>2024-01-15T07:00:00Z</time></trkpt>'
        '<trkpt lat="0.018" lon="0.0"><time>2024-01-15T07:12:00Z</time></trkpt>'
        "</trkseg></trk></gpx>",
        encoding="utf-8",
    )
    csv = tmp_path / "activities.csv"
    csv.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance\n"
        '42,"Jan 16, 2024, 7:00:00 AM",Tempo \x1b]0;pwn\x07\x1b[2Jtuesday,Run,1800,6.0\n',
        encoding="utf-8",
    )
    with Store.open() as store:
        report = import_paths(store, [gpx, csv])
        notes = sorted(s.notes for s in store.sessions())
    assert report.failures == [] and report.added == 2
    assert notes == ["Tempo tuesday", "[/oops] Evening run"]


# -- the app ----------------------------------------------------------------------------------


def _screen_text(app: PrehabApp) -> str:
    """What the terminal shows, as text (the SVG screenshot without its markup)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def test_app_shows_hostile_sessions_and_settings_literally(
    make_pack: Callable[..., Path], app_on_pack: Callable[..., PrehabApp]
) -> None:
    _store_raw(HOSTILE_NAME, RED_NOTE)
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('units = "[/oops] [red]"\nequipment = ["[bold]band"]\n', encoding="utf-8")
    app = app_on_pack(make_pack(RULES))

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("4")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SessionsScreen)
            table = screen.query_one("#sessions-table", DataTable)
            notes = {str(table.get_row_at(i)[-1]) for i in range(table.row_count)}
            assert notes == {SHOWN_NAME, RED_NOTE}
            shown = _screen_text(app)
            assert SHOWN_NAME in shown and "[red] fine [$accent]ok[/]" in shown
            await pilot.press("/")
            await pilot.press(*"[/oops]")  # the filter takes markup-like words too
            await pilot.pause()
            assert table.row_count == 1
            await pilot.press("escape", "e")  # the edit form shows the note as it is
            await pilot.pause()
            note_input = app.screen.query_one("#q-session-notes", Input)
            assert note_input.value == SHOWN_NAME
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("7")
            await pilot.pause()
            assert isinstance(app.screen, SettingsScreen)
            problems = str(app.screen.query_one("#settings-problems", Static).render())
            assert "[/oops] [red]" in problems
            assert app.screen.query_one("#set-equipment", Input).value == "[bold]band"
            app.screen.query_one("#set-time_budget_min", Input).value = "[/x] [red]"
            await pilot.press("ctrl+s")  # a message quoting what was typed is not markup either
            await pilot.pause()
            error = str(app.screen.query_one("#err-set-time_budget_min", Static).render())
            assert "[/x] [red]" in error
            assert "[/x] [red]" in _screen_text(app)
            await pilot.press("escape", "4")  # and back: each opening redraws without a crash
            await pilot.pause()
            await pilot.press("7")
            await pilot.pause()
            assert isinstance(app.screen, SettingsScreen)

    asyncio.run(scenario())
    assert app.return_code in (None, 0)


def test_app_never_writes_escape_sequences_from_notes(
    make_pack: Callable[..., Path], app_on_pack: Callable[..., PrehabApp]
) -> None:
    _store_raw("".join(ESCAPES) + "visible")
    app = app_on_pack(make_pack(RULES))

    async def scenario() -> Any:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("4")
            await pilot.pause()
            table = app.screen.query_one("#sessions-table", DataTable)
            assert str(table.get_row_at(0)[-1]) == "visible"
            assert "visible" in _screen_text(app)

    asyncio.run(scenario())
