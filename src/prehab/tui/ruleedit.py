"""Which file to open when the runner edits a rule or an exercise (no Textual here).

Why copy: the shipped pack lives inside the installed package, where edits are lost on
upgrade (or not allowed). A user file with the same id replaces the shipped entry whole
(rules/README.md, Overrides), so editing a shipped rule starts from a copy of its TOML
block in the user's rules folder; the copy changes nothing until it is edited.
"""

from __future__ import annotations

from pathlib import Path

from prehab.paths import default_rules_dir, user_rules_dir


def is_shipped(path: str | Path) -> bool:
    try:
        Path(path).resolve().relative_to(default_rules_dir().resolve())
    except ValueError:
        return False
    return True


def extract_block(text: str, line: int, kind: str) -> str:
    """The TOML block starting at 1-based ``line``: a ``[[rule]]`` with its sub-tables and
    examples, or an ``[exercise.ID]`` table, up to the next entry of the file."""
    lines = text.splitlines()
    start = max(0, line - 1)
    out = [lines[start]] if start < len(lines) else []
    for raw in lines[start + 1 :]:
        stripped = raw.strip()
        if kind == "rule" and stripped.startswith("[[rule]]"):
            break
        if kind == "exercise" and stripped.startswith("[") and not stripped.startswith("[rule"):
            break
        out.append(raw)
    while out and (not out[-1].strip() or out[-1].lstrip().startswith("#")):
        out.pop()
    return "\n".join(out) + "\n"


def file_to_edit(kind: str, entry_id: str, file: str, line: int | None) -> tuple[Path, int | None, str]:
    """(path, line, what happened): the user's copy for a shipped entry, else its own file."""
    if not is_shipped(file):
        return Path(file), line, ""
    target = user_rules_dir() / f"{entry_id}.toml"
    if target.exists():
        return target, 1, f"opening your copy {target}"
    text = Path(file).read_text(encoding="utf-8")
    block = extract_block(text, line or 1, kind)
    header = (
        f"# Your copy of the shipped {kind} '{entry_id}' (from {Path(file).name}).\n"
        f"# It replaces the shipped one by id; delete this file to go back to the default.\n\n"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header + block, encoding="utf-8")
    return target, header.count("\n") + 1, f"copied the shipped {kind} to {target}"
