"""Map a key path (``rule[3].when[0].level``) back to a line of the TOML text.

tomllib reports lines only for syntax errors; every other problem is found on parsed
data, so without this the user would be told *what* is wrong but not *where*.
The scan is approximate by design: it follows table headers, dotted keys and inline
arrays, and falls back to the nearest enclosing line it did find.

One pass over the text records where every table header and every key is; a lookup then
only bisects those lists, so locating every entry of a file costs time linear in its size.
(It used to rescan the header list and the text on every lookup: 31 s for the lines of a
20,000-fact file or a 10,000-rule pack; see bench/locate.py.)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([^\]\n]+?)[ \t]*\]\]?", re.M)

_BARE = re.compile(r"[A-Za-z0-9_-]+")
"""A TOML bare key: these are indexed in the one pass; any other key is indexed on first use."""

_KEYS = re.compile(r"(?:^|(?<=[\s{,.]))[\"']?([A-Za-z0-9_-]+)[\"']?[ \t]*(=|\.)", re.M)
"""Every place a bare key is followed by ``=`` or a dot: a key of a table, an inline table or a
dotted key. Textual, as the lookups always were: a ``key =`` inside a string counts too."""

_PREFIX = " \t\n\r\f\v{,."
"""The characters that may stand before a key (with the start of a line)."""


def _norm(name: str) -> str:
    return ".".join(part.strip().strip('"').strip("'") for part in name.split("."))


class _Keys:
    """Where one key name is followed by ``=`` or a dot, in text order.

    ``after[i]`` is the smallest search start from which occurrence ``i`` is found (the
    character before the key, or the key itself at the start of a line), ``at[i]`` the
    position of its ``=`` or dot.
    """

    __slots__ = ("after", "at")

    def __init__(self) -> None:
        self.after: list[int] = []
        self.at: list[int] = []


class Locator:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.headers = [(m.start(), _norm(m.group(2))) for m in _HEADER.finditer(text)]
        self._by_name: dict[str, list[int]] = {}
        """Header offsets by normalised name, in text order."""
        self._next_same: dict[int, int] = {}
        """Header offset -> the offset of the next header with the same name."""
        self._table_end: dict[int, int] = {}
        """Header offset -> the offset of the first later header outside its table."""
        open_tables: list[tuple[int, str]] = []
        last_of: dict[str, int] = {}
        for off, name in self.headers:
            self._by_name.setdefault(name, []).append(off)
            if name in last_of:
                self._next_same[last_of[name]] = off
            last_of[name] = off
            while open_tables and not name.startswith(open_tables[-1][1] + "."):
                self._table_end[open_tables.pop()[0]] = off
            open_tables.append((off, name))
        self._keys: dict[str, _Keys] = {}
        for m in _KEYS.finditer(text):
            keys = self._keys.get(m.group(1))
            if keys is None:
                keys = self._keys[m.group(1)] = _Keys()
            self._add_key_at(keys, m.start(), m.start(2))
        self._arrays: dict[int, list[tuple[int, int]]] = {}

    def _key_index(self, name: str) -> _Keys:
        """The occurrences of key ``name``; a key that is not a bare key is indexed on first use."""
        keys = self._keys.get(name)
        if keys is not None:
            return keys
        keys = self._keys[name] = _Keys()
        if not _BARE.fullmatch(name):
            pattern = re.compile(r"(?:^|(?<=[\s{,.]))[\"']?" + re.escape(name) + r"[\"']?[ \t]*(=|\.)", re.M)
            for m in pattern.finditer(self.text):
                self._add_key_at(keys, m.start(), m.start(1))
        return keys

    def _add_key_at(self, keys: _Keys, start: int, at: int) -> None:
        line_start = start == 0 or self.text[start - 1] == "\n"
        keys.after.append(start if line_start else start - 1)
        keys.at.append(at)

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def _headers_in(self, name: str, lo: int, hi: int) -> tuple[list[int], int, int]:
        """The offsets of headers called ``name``, and the slice of them within [lo, hi)."""
        offsets = self._by_name.get(name, [])
        return offsets, bisect_left(offsets, lo), bisect_left(offsets, hi)

    def _key(self, name: str, lo: int, hi: int) -> int | None:
        """Offset of the ``=`` or dot after the first key ``name`` found searching from ``lo``
        with the match ending by ``hi``, or None."""
        keys = self._key_index(name)
        k = bisect_left(keys.after, lo)
        if k < len(keys.at) and keys.at[k] + 1 <= hi:
            return keys.at[k]
        return None

    def find(self, path: Sequence[str | int]) -> int | None:
        """1-based line of the deepest part of ``path`` that could be found, or None."""
        lo, hi = 0, len(self.text)
        best: int | None = None
        prefix = ""
        i = 0
        while i < len(path):
            comp = path[i]
            nxt = path[i + 1] if i + 1 < len(path) else None
            if isinstance(comp, int):
                i += 1
                continue
            name = f"{prefix}.{comp}" if prefix else comp
            offsets, first, stop = self._headers_in(name, lo, hi)
            if first < stop:
                index = nxt if isinstance(nxt, int) else 0
                if index >= stop - first:
                    return self.line(offsets[stop - 1])
                off = offsets[first + index]
                ends = self._next_same if isinstance(nxt, int) else self._table_end  # the entry / the table
                end = ends.get(off, hi)
                lo, hi = off, min(end, hi)
                best = self.line(off)
                prefix = name
                i += 2 if isinstance(nxt, int) else 1
                continue
            if isinstance(nxt, str):  # [table.key] headers: jump straight to the sub-table
                sub = f"{name}.{nxt}"
                offsets, first, stop = self._headers_in(sub, lo, hi)
                if first < stop:
                    found = offsets[first]
                    end = self._table_end.get(found, hi)
                    lo, hi = found, min(end, hi)
                    best = self.line(found)
                    prefix = sub
                    i += 2
                    continue
            at = self._key(comp, lo, hi)
            if at is None:
                return best
            best = self.line(at)
            if self.text[at] == ".":
                lo = at  # keep the dot: the next key may start right after it
                i += 1
                continue
            value_at = at + 1
            if isinstance(nxt, int):
                element = self._element(value_at, nxt, hi)
                if element is None:
                    return best
                lo, hi = element
                best = self.line(lo)
                i += 2
                continue
            lo = value_at
            i += 1
        return best

    def _element(self, pos: int, index: int, limit: int) -> tuple[int, int] | None:
        """Offsets of the index-th element of the inline array starting at ``pos``.

        Each array is scanned once (to the end of the text) and its elements kept; a lookup
        takes the element if it ends before ``limit``, as a scan stopping there would.
        """
        text = self.text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= limit or text[pos] != "[":
            return None
        if pos not in self._arrays:
            self._arrays[pos] = self._scan_array(pos)
        elements = self._arrays[pos]
        if index >= len(elements):
            return None
        start, end = elements[index]
        return (start, end) if end < limit else None

    def _scan_array(self, pos: int) -> list[tuple[int, int]]:
        """(start, end) of each element of the inline array at ``pos``: end is the offset of the
        comma or bracket closing it. An element not closed before the text ends is left out."""
        text = self.text
        limit = len(text)
        out: list[tuple[int, int]] = []
        depth = 0
        count = -1
        start: int | None = None
        j = pos
        while j < limit:
            ch = text[j]
            if ch in "\"'":
                quote = text[j : j + 3] if text[j : j + 3] in ('"""', "'''") else ch
                close = text.find(quote, j + len(quote))
                if start is None and depth == 1:
                    count += 1
                    start = j
                j = (close + len(quote)) if close >= 0 else limit
                continue
            if ch == "#":
                nl = text.find("\n", j)
                j = nl if nl >= 0 else limit
                continue
            if ch in "[{":
                if depth == 1 and start is None:
                    count += 1
                    start = j
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    if start is not None and count == len(out):
                        out.append((start, j))
                    return out
            elif ch == "," and depth == 1:
                if start is not None and count == len(out):
                    out.append((start, j))
                start = None
            elif depth == 1 and start is None and not ch.isspace():
                count += 1
                start = j
            j += 1
        return out


def locate(text: str, path: Sequence[str | int]) -> int | None:
    return Locator(text).find(path)
