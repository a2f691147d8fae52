"""Map a key path (``rule[3].when[0].level``) back to a line of the TOML text.

tomllib reports lines only for syntax errors; every other problem is found on parsed
data, so without this the user would be told *what* is wrong but not *where*.
The scan is approximate by design: it follows table headers, dotted keys and inline
arrays, and falls back to the nearest enclosing line it did find.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([^\]\n]+?)[ \t]*\]\]?", re.M)


def _norm(name: str) -> str:
    return ".".join(part.strip().strip('"').strip("'") for part in name.split("."))


class Locator:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.headers = [(m.start(), _norm(m.group(2))) for m in _HEADER.finditer(text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

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
            headers = [off for off, h in self.headers if h == name and lo <= off < hi]
            if headers:
                index = nxt if isinstance(nxt, int) else 0
                if index >= len(headers):
                    return self.line(headers[-1])
                off = headers[index]
                if isinstance(nxt, int):
                    end = next((o for o, h in self.headers if o > off and h == name), hi)
                else:
                    end = next((o for o, h in self.headers if o > off and not h.startswith(name + ".")), hi)
                lo, hi = off, min(end, hi)
                best = self.line(off)
                prefix = name
                i += 2 if isinstance(nxt, int) else 1
                continue
            if isinstance(nxt, str):  # [table.key] headers: jump straight to the sub-table
                sub = f"{name}.{nxt}"
                found = next((o for o, h in self.headers if h == sub and lo <= o < hi), None)
                if found is not None:
                    end = next((o for o, h in self.headers if o > found and not h.startswith(sub + ".")), hi)
                    lo, hi = found, min(end, hi)
                    best = self.line(found)
                    prefix = sub
                    i += 2
                    continue
            key = re.compile(r"(?:^|[\s{,.])[\"']?" + re.escape(comp) + r"[\"']?[ \t]*(=|\.)", re.M)
            m = key.search(self.text, lo, hi)
            if not m:
                return best
            best = self.line(m.start(1))
            if m.group(1) == ".":
                lo = m.end(1) - 1  # keep the dot: the next key's pattern starts with it
                i += 1
                continue
            value_at = m.end(1)
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
        """Offsets of the index-th element of the inline array starting at ``pos``."""
        text = self.text
        while pos < limit and text[pos] in " \t":
            pos += 1
        if pos >= limit or text[pos] != "[":
            return None
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
                    return (start, j) if start is not None and count == index else None
            elif ch == "," and depth == 1:
                if start is not None and count == index:
                    return start, j
                start = None
            elif depth == 1 and start is None and not ch.isspace():
                count += 1
                start = j
            j += 1
        return None


def locate(text: str, path: Sequence[str | int]) -> int | None:
    return Locator(text).find(path)
