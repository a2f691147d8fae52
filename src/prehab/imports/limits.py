"""Caps on what an import may unpack, so a zip bomb is refused in one line instead of obeyed.

A Strava export is a zip from somewhere else, and zeros compress about 1000:1: a 2.5 MB zip
can declare a 1 GiB ``activities.csv`` (read whole it took 11.6 GB of memory and ended in a
MemoryError), and a 1 MB zip of blank lines is a billion CSV lines. That one took 576 s not by
a quadratic step but by volume: every line was a Python iteration over the bytes, the decoded
text and a StringIO copy, all held at once (100 MB of blank lines: 24 s and 634 MB). So:

* a zip's member list is sized from its last bytes before ``ZipFile`` builds an object per
  member (:func:`check_directory`), and its member count is capped;
* every member prehab will read is checked against its declared size and compression ratio
  before a byte is unpacked (:func:`check_member`). ``zipfile`` never hands out more than a
  member's declared size, so the declared size is a sound upper bound;
* members are read as streams (:class:`Capped`), never whole, and the bytes that actually come
  out are counted against the same caps: a ``.gz`` inside the zip declares nothing, and a
  file on disk may have grown;
* the CSV is read line by line with caps on lines and line length, and the XML parsers stream
  (``files.py``), so memory stays flat whatever the size.

The caps are far above any real export; each says why. Going over one raises
:class:`ImportRefused`, which the CLI reports as one line naming the zip and the member and
exits with status 2.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import BinaryIO, Protocol

from prehab.imports.errors import ImportFailed, ImportRefused

MB = 1 << 20


class Readable(Protocol):
    """Anything with ``read(size)``: a file, a zip member, a GzipFile, a BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


MAX_CSV_BYTES = 200 * MB
"""``activities.csv``: Strava writes ~90 columns, 1-2 KB a row, so twenty years of daily runs
is ~15 MB. 200 MB is ten times the largest real export, and the rows kept are slim."""

MAX_CSV_LINES = 1_000_000
"""Lines of ``activities.csv``, blank ones included (they cost as much to read as rows). One line
per activity, more only where a description has line breaks: a million is decades of several
a day. Reading a million lines takes about a second."""

MAX_LINE_CHARS = 1 * MB
"""One physical line of the CSV. A real row is a few KB; without a cap one 200 MB line with no
line break would be read into memory in one piece."""

MAX_ACTIVITY_BYTES = 50 * MB
"""One GPX, TCX or FIT file, after any ``.gz``: a 24-hour 1 Hz GPX with heart rate is ~25 MB
(TCX about the same, FIT ten times smaller). Parsing streams, so this bounds time, not memory."""

MAX_MEMBERS = 100_000
"""Files in one zip. An export holds one per activity plus photos: 100,000 is over a century of
daily runs with a photo each. ``ZipFile`` keeps an object per member from the moment it opens."""

MAX_DIRECTORY_BYTES = 16 * MB
"""The zip's central directory (its list of members), checked before ``ZipFile`` reads it. A
Strava member entry is ~80 bytes, so 100,000 members need ~8 MB."""

MAX_ZIP_BYTES = 10 * 1024 * MB
"""Everything unpacked from one zip, ``.gz`` layers included: ten years of daily hour-long GPX
runs is ~3 GB. Past this a zip is refused (before anything is read, when the declared sizes
already say so); a real export this big can be unzipped and its folder imported."""

MAX_RATIO = 100
"""Unpacked : packed size above which a member bigger than ``RATIO_FLOOR`` is refused. CSV and
GPX compress 5-20:1, FIT 2-5:1; zeros and blank lines compress ~1000:1."""

RATIO_FLOOR = 4 * MB
"""Below this a high ratio is harmless (a small CSV of mostly empty columns can pass 100:1)."""

CHUNK = 64 * 1024
"""Read size of the buffered streams."""


def size(n: int) -> str:
    """A byte count for people: "1.0 GiB", "200 MB", "512 bytes"."""
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GiB"
    if n >= MB:
        return f"{n / MB:.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


BOMB = "a zip bomb, or the wrong file"
"""Why a refused file is refused: no real export comes near the caps."""


def check_directory(fp: BinaryIO) -> None:
    """Refuse a zip whose member list is too long, from its end records, before ZipFile reads it.

    Returns quietly when the end record is missing: ZipFile then says it is not a zip.
    """
    fp.seek(0, io.SEEK_END)
    end = fp.tell()
    tail_size = min(end, 22 + 0xFFFF)  # the end record, then a comment of at most 64 KiB
    fp.seek(end - tail_size)
    tail = fp.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return
    members, directory = struct.unpack("<10xHL6x", tail[at : at + 22])
    if members == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: the real values are in its end record
        record_at = end - tail_size + at - 20 - 56  # just before the zip64 locator, as zipfile reads it
        if record_at < 0:
            return
        fp.seek(record_at)
        record = fp.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            return  # ZipFile decides; the member count is checked again once it is open
        members, directory = struct.unpack("<32xQQ8x", record)
    if members > MAX_MEMBERS:
        raise ImportRefused(f"refused: it lists {members:,} files (over {MAX_MEMBERS:,}); {BOMB}")
    if directory > MAX_DIRECTORY_BYTES:
        raise ImportRefused(
            f"refused: its list of files is {size(directory)} (over {size(MAX_DIRECTORY_BYTES)}); {BOMB}"
        )


def check_member(info: zipfile.ZipInfo, cap: int, what: str) -> None:
    """Refuse a member whose declared size or compression ratio is past the caps."""
    if info.file_size > cap:
        raise ImportRefused(
            f"refused: it unpacks to {size(info.file_size)}, over the {size(cap)} limit for {what}; {BOMB}"
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise ImportRefused(
            f"refused: it is compressed {ratio:,.0f}:1 ({size(info.compress_size)} unpacking to "
            f"{size(info.file_size)}), over the {MAX_RATIO}:1 limit; {BOMB}"
        )


class Budget:
    """The bytes unpacked so far from one zip, against ``MAX_ZIP_BYTES``."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_ZIP_BYTES if limit is None else limit
        self.used = 0

    def charge(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise ImportRefused(
                f"refused: this zip unpacks to more than {size(self.limit)} in all; {BOMB} "
                "(a real export this big: unzip it and import the folder)",
                stops_zip=True,
            )


UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError)
"""What reading a damaged, encrypted or oddly compressed zip member or .gz can raise."""


class Capped(io.RawIOBase):
    """A byte stream that stops with ImportRefused past ``limit`` bytes (or the ratio cap).

    ``packed`` is the size of the compressed input when this stream is what a decompressor
    gives (a ``.gz``): then the ratio is checked as the bytes come, since nothing declared it.
    ``budget`` is charged for every byte, for the zip-wide cap.
    """

    def __init__(
        self,
        raw: Readable,
        limit: int,
        what: str,
        packed: int | None = None,
        budget: Budget | None = None,
        damaged: str = "cannot unpack it: damaged or not supported",
    ) -> None:
        super().__init__()
        self.damaged = damaged
        self._raw = raw
        self.limit = limit
        self.what = what
        self.packed = packed
        self.budget = budget
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        try:
            data = self._raw.read(min(len(view), CHUNK))
        except ImportFailed:
            raise
        except UNPACK_ERRORS as exc:
            raise ImportFailed(f"{self.damaged} ({exc})") from exc
        n = len(data)
        view[:n] = data
        self.count += n
        if self.count > self.limit:
            raise ImportRefused(f"refused: it is over the {size(self.limit)} limit for {self.what}; {BOMB}")
        packed = self.packed
        if packed is not None and self.count > RATIO_FLOOR and self.count > MAX_RATIO * max(packed, 1):
            raise ImportRefused(
                f"refused: it is compressed more than {MAX_RATIO}:1 ({size(packed)} unpacking to "
                f"over {size(self.count)}); {BOMB}"
            )
        if self.budget is not None:
            self.budget.charge(n)
        return n

    def close(self) -> None:
        try:
            close = getattr(self._raw, "close", None)
            if close is not None:
                close()
        finally:
            super().close()


def capped(
    raw: Readable,
    limit: int,
    what: str,
    packed: int | None = None,
    budget: Budget | None = None,
    damaged: str = "cannot unpack it: damaged or not supported",
) -> BinaryIO:
    """:class:`Capped` behind a buffer, ready for parsers that read a few bytes at a time."""
    return io.BufferedReader(Capped(raw, limit, what, packed, budget, damaged), CHUNK)
