"""The runner's profile: one row, the profile screen's answers and the facts they set.

Written only when the runner answers (or skips) the profile screen; read every day. See
``prehab.store.records.Profile``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prehab.model import Fact
from prehab.store import rows
from prehab.store.records import Profile

if TYPE_CHECKING:
    from prehab.store.db import Store

ATHLETE_ID = 1


def load_profile(store: Store) -> Profile | None:
    """The stored profile, or None before the runner answered or skipped it. A row whose JSON
    cannot be read is a profile with no answers (the cautious defaults), never an error."""
    found = store.query(
        "SELECT answers, facts, skipped, updated_at FROM profile WHERE athlete_id = ?", (ATHLETE_ID,)
    )
    if not found:
        return None
    answers, facts = rows.loads_as(found[0][0], dict), rows.loads_as(found[0][1], list)
    return Profile(
        answers=answers,
        facts=[f for f in facts if isinstance(f, dict) and isinstance(f.get("fact"), str)],
        skipped=bool(found[0][2]),
        updated_at=rows.when(found[0][3]),
    )


def save_profile(store: Store, answers: dict[str, Any], facts: list[Fact], *, skipped: bool = False) -> None:
    """Keep the profile (replacing the last one): what was answered and the facts it set."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO profile (athlete_id, answers, facts, skipped, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (athlete_id) DO UPDATE SET answers = excluded.answers, facts = excluded.facts, "
            "skipped = excluded.skipped, updated_at = excluded.updated_at",
            (ATHLETE_ID, rows.dumps(answers), rows.dumps(facts), int(skipped), datetime.now(UTC).isoformat()),
        )
