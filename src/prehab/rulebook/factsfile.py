"""Facts files (``prehab recommend --facts FILE.toml``): read, located errors, checked facts."""

from __future__ import annotations

from pathlib import Path

from prehab.model import Fact, Problem
from prehab.rulebook.factcheck import facts_from_document
from prehab.rulebook.loader import read_toml
from prehab.rulebook.locate import Locator
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema


def load_facts_file(path: Path, schema: FactSchema) -> tuple[list[Fact], list[Problem]]:
    problems: list[Problem] = []
    read = read_toml(path, problems)
    if read is None:
        return [], problems
    text, data = read
    rep = Reporter(str(path), Locator(text))
    facts = facts_from_document(data, schema, rep)
    return facts, problems + rep.problems
