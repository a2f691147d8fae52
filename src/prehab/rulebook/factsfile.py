"""Facts files (``prehab recommend --facts FILE.toml``): read, located errors, checked facts."""

from __future__ import annotations

from pathlib import Path

from prehab.model import Fact, Problem
from prehab.rulebook.factcheck import facts_from_document
from prehab.rulebook.loader import read_toml
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema


def load_facts_file(path: Path, schema: FactSchema) -> tuple[list[Fact], list[Problem]]:
    """The facts of ``path``, checked against ``schema``, and every problem located by line.
    The line index is made only for a file with something to say (checked again with it): a
    clean file, the usual case, costs no index (start-up time)."""
    problems: list[Problem] = []
    read = read_toml(path, problems)
    if read is None:
        return [], problems
    text, data = read
    rep = Reporter(str(path), None)
    facts = facts_from_document(data, schema, rep)
    if rep.problems:
        from prehab.rulebook.locate import Locator

        rep = Reporter(str(path), Locator(text))
        facts = facts_from_document(data, schema, rep)
    return facts, problems + rep.problems
