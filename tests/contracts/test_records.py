"""Record types are ``prehab.record.Record`` classes (issue 21: Python 3.11 built each
dataclass's methods with ``exec`` at import, about 1 ms each, over 100 of them on the paths every
command takes; msgspec's Structs cost less to define but msgspec itself more to import).

A frozen record holding a table (a dose, the work done) hashes every field but the table
(``field(hash=False)``, as for the dataclass it replaced), and still compares the table.
"""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

from prehab.day.view import Item, Ref
from prehab.record import Record, field
from prehab.store.dayplans import Replan
from prehab.store.records import DoneItem

SRC = Path(__file__).resolve().parents[2] / "src" / "prehab"


def test_no_module_defines_a_dataclass() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "dataclasses":
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == [], "use prehab.record.Record (and its replace/fields): " + ", ".join(found)


def test_a_record_with_a_table_hashes_without_it_and_compares_with_it() -> None:
    one = Item(1, "calf-raise", "Calf raise", "strength", {"sets": 3}, 5.0)
    other_dose = Item(1, "calf-raise", "Calf raise", "strength", {"sets": 2}, 5.0)
    assert hash(one) == hash(other_dose) and one != other_dose
    assert one == Item(1, "calf-raise", "Calf raise", "strength", {"sets": 3}, 5.0)
    assert hash(one) != hash(Item(2, "calf-raise", "Calf raise", "strength", {"sets": 3}, 5.0))
    assert len({one, other_dose, one}) == 2  # usable in sets, as the dataclasses were
    ref = Ref("calf-raise", "Calf raise", {"sets": 3})
    assert hash(ref) == hash(Ref("calf-raise", "Calf raise")) and ref != Ref("calf-raise", "Calf raise")
    done = DoneItem(date(2026, 12, 7), "calf-raise", "strength", {"sets": 3}, actual={"sets": [1]})
    assert hash(done) == hash(DoneItem(date(2026, 12, 7), "calf-raise", "strength", {}))
    at = datetime(2026, 12, 7, 8, 0)
    assert hash(Replan(date(2026, 12, 7), at, "check-in", [{"added": "x"}])) == hash(
        Replan(date(2026, 12, 7), at, "check-in")
    )


def test_the_hash_leaves_out_only_what_is_declared_hash_false() -> None:
    class Pair(Record, frozen=True):
        a: int
        table: dict[str, int] = field(hash=False)

    assert hash(Pair(1, {"x": 1})) == hash((1,))
