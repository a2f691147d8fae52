"""Which file to open when the runner edits a rule or an exercise (no Textual here).

Why copy: the shipped pack lives inside the installed package, where edits are lost on
upgrade (or not allowed). A user file with the same id replaces the shipped entry whole
(rules/README.md, Overrides), so editing a shipped rule starts from a draft copy of its TOML
block; the draft becomes the user's copy only when the edit changed it (quitting the editor
unchanged, or a browser where no editor can open, copies nothing: a silent copy would replace
the shipped rule and miss its later fixes).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from prehab.paths import default_rules_dir, user_rules_dir
from prehab.record import Record


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


class Edit(Record):
    """What the editor opens, and what happens to it after."""

    path: Path
    line: int | None
    note: str
    keep: Path | None = None
    """For a shipped entry: where the draft goes if it was changed (the user's rules folder)."""
    draft: str = ""
    """The draft as written before the editor opened (unchanged: nothing is kept)."""

    def finish(self) -> str:
        """After the editor: a changed draft becomes the user's copy; an unchanged one goes."""
        if self.keep is None:
            return ""
        try:
            text = self.path.read_text(encoding="utf-8")
        finally:
            shutil.rmtree(self.path.parent, ignore_errors=True)
        if text == self.draft:
            return "unchanged: no copy kept, the shipped one stays"
        from prehab.safe.files import atomic_write

        atomic_write(self.keep, text.encode("utf-8"))
        return f"saved your copy {self.keep}: it replaces the shipped one by id"


def file_to_edit(kind: str, entry_id: str, file: str, line: int | None) -> Edit:
    """The file to open: the entry's own file, the user's copy of a shipped entry, or a draft
    copy of a shipped entry (kept only if the edit changes it: ``Edit.finish``)."""
    if not is_shipped(file):
        return Edit(Path(file), line, "")
    target = user_rules_dir() / f"{entry_id}.toml"
    if target.exists():
        return Edit(target, 1, f"opening your copy {target}")
    text = Path(file).read_text(encoding="utf-8")
    block = extract_block(text, line or 1, kind)
    header = (
        f"# Your copy of the shipped {kind} '{entry_id}' (from {Path(file).name}).\n"
        f"# It replaces the shipped one by id; delete this file to go back to the default.\n\n"
    )
    draft = Path(tempfile.mkdtemp(prefix="prehab-edit-")) / f"{entry_id}.toml"
    draft.write_text(header + block, encoding="utf-8")
    return Edit(draft, header.count("\n") + 1, "", keep=target, draft=header + block)
