"""The checked rule pack, kept in the cache folder so the next start skips the full load.

Why: reading and checking the shipped pack (tomllib, the line index, validation, the
cross-checks and the engine's limits) costs about 70 ms, a third of a ``recommend`` and far
more than the evaluation itself. The result of that work, the ``LoadResult`` (the rulebook, or
none, with every located problem that ``rules check`` prints), is stored here and read back
in a few milliseconds.

Safety, in the order the reader checks it:

- **The key** is a SHA-256 of prehab's version, ``FORMAT``, the size and modification time of
  the modules that do the checking (a developer's edit to the loader is a new key), whether
  each layer needs embedded examples, and the path and exact bytes of every pack file,
  the user's override files included. The loader parses the very bytes it hashed, so a file
  saved in between cannot be cached under the old key. Any change is a new key: a miss.
- **The file** is one line of header (format, key, CRC-32 of the payload) and the payload.
  A file from another key, another format or another program, a truncated or changed payload,
  anything that does not decode: a miss, and the pack is loaded as if there were no cache. The
  CRC catches a torn or damaged file as a hash would (it guards against accidents, not an
  attacker: one who can write the cache folder could write a matching hash too), in a twentieth
  of the time: SHA-256 of the shipped pack's 400 KB took about 1 ms of every start (issue 21).
- **JSON, never pickle**: a cache file cannot run code. The payload names its records (``Record``
  classes) by a short tag from ``_CLASSES``, a fixed list; an unknown tag or a wrong number of
  fields is a miss. A record is made by its class's ``__init__``, which only sets the fields
  (``prehab.record``): the codec refuses, in its own table and in ``register``, a class with an
  ``__init__`` of its own or a ``__post_init__``, so nothing else runs.
- **Writing** goes to a temporary file renamed into place (a reader never sees half a file),
  and any ``OSError`` (a read-only or full cache folder) is ignored: the next start loads the
  pack again. The ``KEEP`` entries used last are kept (the app's edits create new ones).

Clearing it: delete the folder (``prehab paths`` shows it); nothing else is kept there. The
screens (``questionnaire/load``) are kept the same way, with the fact schema in their key.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload
from zlib import crc32

from prehab import __version__
from prehab.digest import sha256
from prehab.model import Problem
from prehab.record import Record, only_sets_fields

if TYPE_CHECKING:
    from prehab.rulebook.loader import LoadResult

FORMAT = 4
"""Bumped when what is stored changes shape (the version and the code stamp catch the rest)."""
KEEP = 16
"""Entries kept (packs and screens); the oldest beyond this go when a new one is written."""
MAGIC = "prehab-pack-cache"
SUFFIX = ".json"

_CLASSES: dict[str, type[Any]] = {"Pr": Problem}
"""The records the codec can make, by tag: the rulebook's are added when a pack is first
keyed, read or written (``_pack_classes``), so a cache reader that needs none of them (the day
memo) does not import the rulebook's model."""


def _storable(cls: type[Any]) -> tuple[str, ...]:
    """``cls``'s fields, if reading the cache may make its records: checked for the fixed
    table and for every class ``register`` adds."""
    if not issubclass(cls, Record) or not only_sets_fields(cls):
        raise ValueError(f"{cls.__name__} runs code of its own when made: reading the cache would run it")
    return cls.__record_fields__


_DEFERRED: dict[str, int] = {}
"""Record tags with one field stored as JSON text and read back as a ``Deferred`` (its index):
a rule's embedded examples."""
_TAGS = {cls: tag for tag, cls in _CLASSES.items()}
_FIELDS: dict[str, tuple[str, ...]] = {tag: _storable(cls) for tag, cls in _CLASSES.items()}
_CODE = ("rulebook", "engine", "questionnaire", "safe", "model.py", "record.py", "__init__.py")
"""The parts of prehab whose code decides what a load concludes (stamped into the key): the
pack's loader and checks, the screens' (``questionnaire``), the bounded TOML reader (``safe``)."""


class _Invalid(Exception):
    """What is stored is not something this code wrote."""


@functools.cache
def _pack_classes() -> None:
    from prehab.engine import compile as cp
    from prehab.rulebook import model as rb
    from prehab.rulebook import schema as sc

    for tag, cls in (
        ("B", rb.Rulebook), ("R", rb.Rule), ("C", rb.Condition), ("F", rb.FieldTest),
        ("V", rb.ValueRef), ("G", rb.FlagSpec), ("Ps", rb.PrescribeSpec), ("H", rb.HoldSpec),
        ("Pg", rb.ProgressSpec), ("Ls", rb.LoadSpec), ("Th", rb.Then), ("Ex", rb.Example),
        ("E", rb.Exercise), ("S", sc.FactSchema), ("K", sc.KindSpec), ("Fs", sc.FieldSpec),
        ("EP", cp.EnginePlan), ("PR", cp.PlannedRule),
    ):  # fmt: skip
        register(tag, cls)
    _DEFERRED["R"] = rb.Rule.__record_fields__.index("examples")


def cache_folder() -> Path:
    from prehab.paths import cache_dir

    return cache_dir() / "packs"


def register(tag: str, cls: type[Any]) -> None:
    """Let the codec store ``cls`` (a ``Record``) under ``tag``: the questionnaire's screens
    use the same cache without the rulebook importing them."""
    if _CLASSES.get(tag, cls) is not cls:
        raise ValueError(f"tag {tag!r} is taken")
    _FIELDS[tag] = _storable(cls)
    _CLASSES[tag] = cls
    _TAGS[cls] = tag


def key(files: list[tuple[int, Path, bytes]], require_examples_in: int, extra: str = "") -> str:
    """The cache key of a pack: (layer index, path, bytes) of each file, in load order;
    ``extra`` is anything else the result depends on (the screens: the fact schema)."""
    _pack_classes()
    digest = sha256(f"{MAGIC}\0{FORMAT}\0{__version__}\0{code_stamp(_CODE)}\0{extra}".encode())
    for layer, path, data in files:
        kind = "default" if layer < require_examples_in else "user"
        digest.update(f"\0{kind}\0{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def digest_of(value: Any) -> str:
    """A stable hash of a value the codec can store (the schema, for the screens' key)."""
    _pack_classes()
    return sha256(json.dumps(_encode(value), separators=(",", ":")).encode()).hexdigest()


def read(pack_key: str) -> LoadResult | None:
    """The load result stored under ``pack_key``, or None for a miss of any kind."""
    from prehab.rulebook.loader import LoadResult
    from prehab.rulebook.model import Rulebook

    _pack_classes()
    found = read_value(pack_key)
    if not isinstance(found, dict) or set(found) != {"book", "problems"}:
        return None
    book, problems = found["book"], found["problems"]
    if book is not None and not isinstance(book, Rulebook):
        return None
    if not isinstance(problems, list) or not all(isinstance(p, Problem) for p in problems):
        return None
    return LoadResult(book, problems)


def write(pack_key: str, result: LoadResult) -> bool:
    """Store ``result`` under ``pack_key``; False (and nothing stored) if it cannot be."""
    _pack_classes()
    return write_value(pack_key, {"book": result.rulebook, "problems": result.problems})


def read_value(value_key: str, folder: Path | None = None) -> Any:
    """What ``write_value`` stored under ``value_key``, or None for a miss of any kind; the
    caller checks it is what it wants."""
    from prehab.safe.files import read_bytes  # a FIFO put where an entry goes cannot hang a start

    path = (folder or cache_folder()) / (value_key[:40] + SUFFIX)
    try:
        found = _decode_file(read_bytes(path), value_key)
    except Exception:  # noqa: BLE001 - any fault in a cache file is a miss, never a traceback
        return None
    with contextlib.suppress(OSError):  # a read-only folder: still a hit
        os.utime(path)  # pruning goes by last use: the pack in use is never the one pushed out
    return found


def write_value(value_key: str, value: Any, folder: Path | None = None) -> bool:
    """Store ``value`` (records the codec knows, lists, tuples, dicts, scalars) in ``folder``
    (the packs' by default; the day memo keeps its own, so its entries never push a pack out)."""
    from prehab.safe.files import atomic_write

    try:
        body = json.dumps(_encode(value), separators=(",", ":")).encode()
    except (TypeError, ValueError, _Invalid, RecursionError):
        return False  # a value the codec does not know: load normally next time too
    pack_key = value_key
    header = {"format": MAGIC, "version": FORMAT, "key": pack_key, "crc32": crc32(body)}
    folder = folder or cache_folder()
    try:
        atomic_write(
            folder / (pack_key[:40] + SUFFIX), json.dumps(header).encode() + b"\n" + body, durable=False
        )
        _prune(folder)
    except OSError:  # FileRefused too: a folder or a FIFO where the entry goes
        return False
    return True


def _decode_file(raw: bytes, pack_key: str) -> Any:
    head, sep, body = raw.partition(b"\n")
    header = json.loads(head)
    if not sep or not isinstance(header, dict):
        raise _Invalid("no header")
    if header.get("format") != MAGIC or header.get("version") != FORMAT or header.get("key") != pack_key:
        raise _Invalid("another pack, format or program")
    if header.get("crc32") != crc32(body):
        raise _Invalid("changed or truncated")
    data = json.loads(body)
    return None if data is None else _decode(data)


@functools.cache
def code_stamp(names: tuple[str, ...]) -> str:
    """Size and modification time of prehab's modules in ``names`` (its packages, each one level
    deep, and top-level files): a few dozen stats, and it keeps a developer's edit from meeting
    a result the old code made (a pack checked by the old loader, a day read by the old planner).
    Once per process for each set: the code a process runs is the code it loaded."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parts: list[str] = [sys.version.split()[0]]
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            with os.scandir(path) as entries:
                files = sorted(entry.name for entry in entries if entry.name.endswith(".py"))
        else:
            path, files = root, [name]
        for file in files:
            try:
                st = os.stat(os.path.join(path, file))
            except OSError:
                continue
            label = file if file == name else f"{name}/{file}"
            parts.append(f"{label}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _prune(folder: Path) -> None:
    cached = sorted(folder.glob("*" + SUFFIX), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in cached[KEEP:]:
        old.unlink(missing_ok=True)


# -- the codec: every list is tagged, so a value from a user's TOML can never pass for a tag --


_SCALARS = (str, bool, int, float, type(None))
_FLAT = {"(": "(.", "[": "[.", "{": "{."}
"""A container of scalars only is tagged apart ("(." for a tuple...), so reading it back is one
call, not a look at every item: most of a pack's containers are flat."""


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict):
        encoded = {_text(k): _encode(v) for k, v in value.items()}
        return ["d.", encoded] if all(type(v) in _SCALARS for v in encoded.values()) else encoded
    if isinstance(value, Path):
        return ["/", str(value)]
    if isinstance(value, date):  # a datetime is a date too: its own tag, read back as one
        return ["T" if isinstance(value, datetime) else "D", value.isoformat()]
    if isinstance(value, list | tuple | set | frozenset):
        kind = "[" if isinstance(value, list) else "(" if isinstance(value, tuple) else "{"
        items = [_encode(v) for v in (sorted(value) if kind == "{" else value)]
        return [_FLAT[kind] if all(type(v) in _SCALARS for v in items) else kind, *items]
    if isinstance(value, Deferred):
        return _encode(tuple(value))
    tag = _TAGS.get(type(value))
    if tag is None or not isinstance(value, Record):
        raise _Invalid(f"cannot store a {type(value).__name__}")
    fields: list[Any] = [tag, *(_encode(getattr(value, name)) for name in _FIELDS[tag])]
    deferred = _DEFERRED.get(tag)
    if deferred is not None:  # kept as JSON text in the entry: decoded when first used
        fields[1 + deferred] = json.dumps(fields[1 + deferred], separators=(",", ":"))
    return fields


def _text(k: Any) -> str:
    if not isinstance(k, str):
        raise _Invalid("a table key that is not text")
    return k


_NESTED = (list, dict)


def _decode(value: Any) -> Any:
    """The inverse of ``_encode``; scalars are passed over inline (most values are)."""
    if type(value) is dict:
        return {k: (_decode(v) if type(v) in _NESTED else v) for k, v in value.items()}
    tag = value[0]
    if tag == "(.":
        return tuple(value[1:])
    if tag == "d.":
        flat = value[1]
        if type(flat) is not dict or not all(type(v) in _SCALARS for v in flat.values()):
            raise _Invalid("d. holds a table of values")
        return flat
    if tag == "[.":
        return value[1:]
    items = [_decode(v) if type(v) in _NESTED else v for v in value[1:]]
    if tag == "(":
        return tuple(items)
    if tag == "[":
        return items
    if tag in ("{", "{."):
        return set(items)
    if tag == "/":
        return Path(items[0])
    if tag == "D":
        return date.fromisoformat(items[0])
    if tag == "T":
        return datetime.fromisoformat(items[0])
    names = _FIELDS[tag]  # KeyError (an unknown tag) is a miss
    if len(items) != len(names):
        raise _Invalid(f"{tag}: {len(items)} fields, not {len(names)}")
    deferred = _DEFERRED.get(tag)
    if deferred is not None:  # the field kept as JSON text (a scalar: passed over above)
        if type(items[deferred]) is not str:
            raise _Invalid(f"{tag}: field {names[deferred]} is not the text this code writes")
        items[deferred] = Deferred(items[deferred])
    return _CLASSES[tag](*items)


class Deferred(Sequence[Any]):
    """A tuple read from the cache when first used: a rule's embedded examples (about a third of
    the shipped pack's entry, and read only by ``rules test``, ``explain`` and the check of the
    questions they name) cost a start that only advises nothing to decode (issue 21). Equal to
    the tuple it holds; its text is the codec's own, checked with the entry (CRC-32)."""

    __slots__ = ("_text", "_items")

    def __init__(self, text: str) -> None:
        self._text = text
        self._items: tuple[Any, ...] | None = None

    def _tuple(self) -> tuple[Any, ...]:
        if self._items is None:
            items = _decode(json.loads(self._text))
            if type(items) is not tuple:
                raise ValueError("a damaged pack cache entry: delete the cache folder (prehab paths)")
            self._items = items
        return self._items

    def may_mention(self, word: str) -> bool:
        """False when no item can hold ``word`` (it is not in the stored text): a check that
        looks for one kind of fact (the answers' check) passes over the rest undecoded."""
        return self._items is not None or word in self._text

    def __len__(self) -> int:
        return len(self._tuple())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._tuple())

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._tuple()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            other = other._tuple()
        return isinstance(other, tuple) and self._tuple() == other

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __repr__(self) -> str:
        return repr(self._tuple())
