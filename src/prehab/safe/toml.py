"""The one way prehab reads TOML: every failure is one located problem, never a traceback.

``tomllib`` raises ``TOMLDecodeError`` for syntax, but a 5,000-digit integer raises a plain
ValueError (Python's integer-string limit) and deep nesting (``a = [[[[...]]]]``) raises
RecursionError. Dotted keys (``a.a.a...``) nest without limit and break later code instead.
Here all of them, and unreadable files (a FIFO, a folder, bad UTF-8, no permission), become
a ``TomlError`` carrying a ``Problem`` with the file, the line where we can find it, and a
fix. Integers must fit in 64 bits (the TOML spec's range) and documents may nest at most
``MAX_DEPTH`` tables/arrays deep, so whatever reads the data next never meets a number or a
depth it cannot handle.

Callers keep their last good state on a TomlError: the rulebook keeps the last good pack,
settings keep their defaults, an import skips the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from prehab.model import Problem, UserError
from prehab.record import Record
from prehab.safe.files import FileRefused, not_regular, read_bytes

MAX_DEPTH = 64
"""Tables and arrays inside each other, the document itself counting as one."""

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
"""TOML integers are 64-bit signed."""

SYNTAX_FIX = 'check quotes, brackets and commas on that line (strings need "quotes")'
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_LONG_DOTTED = re.compile(rf"(?:[\w\"'-]+[ \t]*\.[ \t]*){{{MAX_DEPTH - 1},}}")
_MANY_DOTS = re.compile(rf"^(?:[^.\n]*\.){{{MAX_DEPTH - 1}}}", re.MULTILINE)
_DEPTH_DETAIL = f"nested more than {MAX_DEPTH} tables/arrays deep"
_DEPTH_FIX = "flatten the data: prehab files nest a few levels"
_INT_TOKEN = re.compile(r"(?<![\w.:+-])[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*)(?![\w.:+-])")


class TomlError(UserError):
    """A TOML file or text that cannot be used; ``problem`` locates it, ``kind`` says why:
    "read" (not a readable regular UTF-8 file), "syntax", "number" or "depth"."""

    def __init__(self, problem: Problem, kind: str, detail: str) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.kind = kind
        self.detail = detail


def read_toml(path: Path) -> dict[str, Any]:
    """The data of the TOML file at ``path``; TomlError for anything wrong with it."""
    return read_toml_text(path)[1]


def read_toml_text(path: Path) -> tuple[str, dict[str, Any]]:
    """The text and the data of the TOML file at ``path``; TomlError for anything wrong."""
    text = read_text(path)
    return text, parse_toml(text, str(path))


def read_text(path: Path) -> str:
    """The UTF-8 text of the regular file at ``path``; TomlError("read") otherwise."""
    return decode_text(read_file(path), path)


def read_file(path: Path) -> bytes:
    """The bytes of the regular file at ``path``; TomlError("read") otherwise. Apart from
    ``decode_text`` so a caller can hash exactly the bytes it then parses (the pack cache)."""
    try:
        return read_bytes(path)
    except FileRefused as exc:
        reason = exc.message
        if reason.startswith("is "):
            reason = f"it {reason}"
        elif reason.startswith("cannot be read ("):
            reason = reason[len("cannot be read (") : -1]
        raise _error(str(path), None, "read", f"cannot read the file: {reason}", exc.fix) from None


def decode_text(data: bytes, path: Path) -> str:
    """``data`` (read from ``path``) as UTF-8 text; TomlError("read") located at the bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _error(
            str(path), line, "read", f"not UTF-8 text (byte {exc.start + 1})", "save the file as UTF-8"
        ) from None


def parse_toml(text: str, file: str = "<text>") -> dict[str, Any]:
    """``tomllib.loads`` that only ever raises TomlError, located in ``file``."""
    if _MANY_DOTS.search(text):  # tomllib takes quadratic time on long dotted keys: look first
        line = _long_dotted_key_line(text)
        if line is not None:
            raise _error(file, line, "depth", _DEPTH_DETAIL, _DEPTH_FIX)
    import tomllib  # here: a pack or screens read back from the cache parse no TOML

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        if line is None and "end of document" in str(exc):
            line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        detail = _TOML_LINE.sub("", str(exc)).replace("(at end of document)", "at the end of the file")
        detail = detail.strip()
        raise _error(file, line, "syntax", f"TOML syntax: {detail}", SYNTAX_FIX, detail) from None
    except ValueError as exc:  # Python's limit on digits in an int (4300), past the syntax checks
        if "integer string conversion" in str(exc):
            raise _number_error(text, file) from None
        raise _error(file, None, "syntax", f"TOML: {exc}", SYNTAX_FIX, str(exc)) from None
    except RecursionError:
        raise _depth_error(text, file) from None
    if _depth_exceeded(data):
        raise _depth_error(text, file)
    if _has_big_int(data):
        raise _number_error(text, file)
    return data


def toml_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The ``*.toml`` files of ``folder`` (or ``folder`` itself if it is a file), sorted.

    Anything else named ``*.toml`` (a FIFO, a folder, a device, a dangling symlink) is left
    out with a warning naming it; none of them is opened.
    """
    reason = not_regular(folder)
    if reason is None:
        return [folder]
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            problems.append(_skipped(folder, reason))
        return []
    found: list[Path] = []
    for path in sorted(folder.glob("*.toml")):
        why = not_regular(path)
        if why is None:
            found.append(path)
        else:
            problems.append(_skipped(path, why))
    return found


def _skipped(path: Path, reason: str) -> Problem:
    fix = "remove it or replace it by a TOML file"
    return Problem(str(path), None, "", f"{reason}; skipped", fix, "warning")


def _error(file: str, line: int | None, kind: str, message: str, fix: str, detail: str = "") -> TomlError:
    return TomlError(Problem(file, line, "", message, fix), kind, detail or message)


def _number_error(text: str, file: str) -> TomlError:
    line, token = _find_big_int(text)
    shown = token if len(token) <= 24 else f"{token[:10]}...{token[-4:]} ({len(token)} characters)"
    detail = f"integer {shown} is out of range" if token else "an integer is out of range"
    return _error(
        file,
        line,
        "number",
        f"{detail}: TOML integers are 64-bit (-9223372036854775808 to 9223372036854775807)",
        "use a smaller number",
        detail,
    )


def _depth_error(text: str, file: str) -> TomlError:
    return _error(file, _deepest_line(text), "depth", _DEPTH_DETAIL, _DEPTH_FIX)


def _long_dotted_key_line(text: str) -> int | None:
    """The line of a dotted key (or table name) with more than ``MAX_DEPTH`` parts, outside
    strings and comments."""
    for number, code in enumerate(code_lines(text), start=1):
        if _LONG_DOTTED.search(code):
            return number
    return None


# -- checks on the parsed data (no recursion: the data may be as deep as the text allows) ---


def _depth_exceeded(data: dict[str, Any]) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _has_big_int(data: dict[str, Any]) -> bool:
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append(child)
            elif isinstance(child, int) and not isinstance(child, bool) and not INT_MIN <= child <= INT_MAX:
                return True
    return False


# -- finding the line in the text (the parser gives lines only for syntax errors) ----------


class LineScan(Record, frozen=True):
    """One line of TOML text as the lexer sees it."""

    code: str
    """The line without its comment, string contents blanked (quotes kept)."""
    comment: int
    """Where the comment starts in the raw line (-1: none)."""
    in_string: bool
    """A multi-line string is still open at the end of the line."""
    string_start: bool
    """The line starts inside a multi-line string."""


def scan_lines(text: str) -> list[LineScan]:
    """Each line of ``text`` (split on \\n) with strings and comments told apart from code, so
    brackets, dots, digits and keys can be found without being fooled by strings."""
    out: list[LineScan] = []
    quote = ""  # the open multi-line string's delimiter, if any
    for line in text.split("\n"):
        started_inside = bool(quote)
        code: list[str] = []
        comment = -1
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if quote:
                if quote == '"""' and ch == "\\":
                    i += 2
                    continue
                if line.startswith(quote, i):
                    extra = 0
                    while extra < 2 and line.startswith(quote[0], i + 3):  # quotes ending the content
                        i += 1
                        extra += 1
                    code.append(quote)
                    i += 3
                    quote = ""
                    continue
                i += 1
                continue
            if ch == "#":
                comment = i
                break
            if line.startswith('"""', i) or line.startswith("'''", i):
                quote = line[i : i + 3]
                code.append(quote)
                i += 3
                continue
            if ch in "\"'":
                end = i + 1
                while end < n and line[end] != ch:
                    end += 2 if ch == '"' and line[end] == "\\" else 1
                code.append(ch + "_" + ch)
                i = end + 1
                continue
            code.append(ch)
            i += 1
        out.append(LineScan("".join(code), comment, bool(quote), started_inside))
    return out


def code_lines(text: str) -> list[str]:
    """The lines of ``text`` with comments removed and string contents blanked (quotes kept)."""
    return [scan.code for scan in scan_lines(text)]


def _find_big_int(text: str) -> tuple[int | None, str]:
    for number, code in enumerate(code_lines(text), start=1):
        for match in _INT_TOKEN.finditer(code):
            token = match.group(0)
            if _int_out_of_range(token):
                return number, token
    return None, ""


def _int_out_of_range(token: str) -> bool:
    digits = token.lstrip("+-").replace("_", "")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2], 10)
    body = digits[2:] if base != 10 else digits
    width = {16: 16, 8: 22, 2: 64, 10: 19}[base]
    if len(body.lstrip("0")) > width:
        return True
    value = int(body or "0", base)
    return not INT_MIN <= (-value if token.startswith("-") else value) <= INT_MAX


def _deepest_line(text: str) -> int | None:
    """The first line where the nesting, as far as the text shows it, passes ``MAX_DEPTH``;
    else the line where it is deepest."""
    best_line, best = None, 0
    table = 1  # depth of the current [table] header's content
    brackets = 0
    for number, code in enumerate(code_lines(text), start=1):
        stripped = code.strip()
        depth = 0
        if brackets == 0 and stripped.startswith("["):
            array = stripped.startswith("[[")
            name = stripped.strip("[]")
            table = 1 + name.count(".") + 1 + (1 if array else 0)
            depth = table
        else:
            key = code.split("=", 1)[0] if "=" in code and brackets == 0 else ""
            base = table + key.count(".")
            depth = base
            for ch in code:
                if ch in "[{":
                    brackets += 1
                    depth = max(depth, base + brackets)
                elif ch in "]}":
                    brackets = max(0, brackets - 1)
        if depth > MAX_DEPTH:
            return number
        if depth > best:
            best_line, best = number, depth
    return best_line


__all__ = [
    "MAX_DEPTH",
    "TomlError",
    "LineScan",
    "code_lines",
    "parse_toml",
    "read_text",
    "read_toml",
    "read_toml_text",
    "scan_lines",
    "toml_files",
]
