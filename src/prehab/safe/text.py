"""Text from outside (imports, notes, settings, rule and screen files) made safe to show.

Two dangers, one module every layer can use (it imports neither Textual nor Rich at start-up):

* **Control characters.** An activity name like ``"Run\\x1b]0;title\\x07"`` or ``"\\x1b[2J"`` would
  retitle the window, clear the screen or (OSC 52) write the clipboard when printed to a
  terminal. ``clean_text`` removes every escape sequence whole, then every other C0/C1 control
  character except newline and tab. It runs on import (names and notes are stored clean) and
  again on output (rows stored before, files written by hand).
* **Markup.** Textual's ``Static``, ``Label``, notifications, tab titles and palette entries read
  a ``str`` as markup, and so does a ``DataTable`` cell given as ``str`` (Rich markup): a note
  like ``"[/oops]"`` raises ``MarkupError`` and ``"[red]"`` restyles the screen. The app shows
  user text as ``rich.text.Text`` / ``Content`` objects (never parsed), or escapes it with
  ``markup_escape`` (Textual's content markup) or ``rich_markup_escape`` (Rich's) when it has
  to sit inside a markup string. The two parsers differ on backslashes, so there are two.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

_ESCAPE_SEQUENCE = r"""
    (?: \x1b\[ | \x9b ) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]           # CSI: colours, clear, cursor
  | (?: \x1b[\]PX^_] | [\x90\x98\x9d\x9e\x9f] )                         # OSC, DCS, SOS, PM, APC ...
    [^\x07\x1b\x9c]* (?: \x07 | \x1b\\ | \x9c )                         # ... up to BEL or ST
  | \x1b [\x20-\x2f]* [\x30-\x7e]                                        # any other ESC sequence
    """
"""Whole ECMA-48 escape sequences; an unterminated one loses its ESC to ``_CONTROL`` below.
Compiled when first met (``_compiled``): most text has no control character at all."""

_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
"""C0 controls but tab and newline, DEL, and C1 controls (carriage return goes too: it lets a
line overwrite what was printed before it); the bidirectional controls (U+202A-202E embeddings
and overrides, U+2066-2069 isolates, the marks U+200E, U+200F, U+061C), which reorder what a
terminal shows ("evil.exe" shown as "exe.live"); and lone UTF-16 surrogates, which are not text
at all (printing one raises), replaced by U+FFFD."""
_SURROGATE = r"[\ud800-\udfff]"


@functools.cache
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled when first used: each costs up to a millisecond, and a command that
    prints nothing from outside (``--help``, ``recommend --json``) should not pay for them."""
    return re.compile(pattern, flags)


_LINE_BREAKS = r"[ ]*[\n\t][\n\t ]*"


def clean_text(text: str) -> str:
    """``text`` without escape sequences and control characters (newline and tab are kept)."""
    control = _compiled(_CONTROL)
    if not control.search(text):
        return text
    cleaned = _compiled(_ESCAPE_SEQUENCE, re.VERBOSE).sub("", _compiled(_SURROGATE).sub("\ufffd", text))
    return control.sub("", cleaned)


def one_line(text: str) -> str:
    """``clean_text`` on one line: newlines and tabs become single spaces (table cells)."""
    return _compiled(_LINE_BREAKS).sub(" ", clean_text(text)).strip()


def markup_escape(text: str) -> str:
    """``text`` cleaned and escaped for Textual content markup (``Static``, ``Label``, ``notify``).

    Textual treats any ``[`` not preceded by a backslash as the start of a tag (``[$accent]``,
    ``[b]``, ``[ bold]`` all are), and ``\\[`` as a literal ``[``: so every ``[`` is escaped.
    ``rich.markup.escape`` (and Textual's own ``escape``) only escape tags that look like Rich's,
    which leaves ``[$accent]`` or ``[B]`` live in Textual. Textual has no escape for a backslash:
    put escaped text where no tag follows it directly (a trailing ``\\`` would disable that tag).
    """
    return clean_text(text).replace("[", "\\[")


_RICH_BRACKET = r"(\\*)\[(?=([a-z#/@][^\[]*?\])?)|(\\+)\Z"


def _rich_bracket(match: re.Match[str]) -> str:
    if match.group(3):  # trailing backslashes: doubled, so markup after the text stays markup
        return match.group(3) * 2
    backslashes, tag = match.group(1), match.group(2)
    # before a tag Rich reads 2n backslashes as n and one more as the escape; before any
    # other "[" it drops exactly one backslash ("\\[" -> "[")
    return (backslashes * 2 + "\\[") if tag else (backslashes + "\\[")


def rich_markup_escape(text: str) -> str:
    """``text`` cleaned and escaped for Rich console markup (``Text.from_markup``, ``DataTable``
    cells given as ``str``, ``Console.print``): it reads back as ``text`` whatever brackets and
    backslashes it holds. (``rich.markup.escape`` leaves ``a\\[b`` reading as ``a[b``.) Rich
    still turns ``:smile:`` codes into emoji: prefer ``plain`` where a ``Text`` will do.
    """
    return _compiled(_RICH_BRACKET).sub(_rich_bracket, clean_text(text))


def plain(text: str, style: str = "") -> Text:
    """``text`` cleaned, as a Rich ``Text`` that no widget parses as markup."""
    from rich.text import Text

    return Text(clean_text(text), style=style)


def clean_styled(text: Text) -> Text:
    """A Rich ``Text`` built from outside text, with ``clean_text`` applied and its styles kept."""
    if not _compiled(_CONTROL).search(text.plain):
        return text
    from rich.text import Text

    cuts = sorted({offset for span in text.spans for offset in (span.start, span.end)})
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap, end=text.end)
    for piece in text.divide(cuts):
        part = Text(clean_text(piece.plain))
        for span in piece.spans:  # each span now covers its whole piece
            part.stylize(span.style)
        out.append_text(part)
    return out


_JSON_UNSAFE = r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


def is_text(value: str) -> bool:
    """Whether ``value`` can be stored and shown: UTF-8 encodable (no lone surrogates, which a
    JSON ``\\ud800`` or a command-line byte that is not UTF-8 can carry)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def as_text(value: str) -> str:
    """``value`` with each lone surrogate shown as U+FFFD and nothing else changed: what can be
    written and printed of a value stored before prehab refused them."""
    return _compiled(_SURROGATE).sub("\ufffd", value) if not is_text(value) else value


def json_text(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with DEL, C1 and bidirectional
    controls and lone surrogates written as ``\\u`` escapes: the data is unchanged (a reader gets
    the same string back), but a terminal never sees them raw and printing never raises
    (``json`` escapes C0 controls, ESC among them, by itself)."""
    return _compiled(_JSON_UNSAFE).sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
