"""Re-importing unchanged files (issue 11, item 14): skipped by content hash before parsing, as
long as their sessions are still stored; a changed file, a file that failed in part, or one whose
session left the history is read again."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.import_support import FIX, fit_run

from prehab.imports import files, import_paths, summary, trees
from prehab.imports.ledger import Ledger, digest, kinds_decided
from prehab.store import Store

pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the activity files actually parsed (the slow part a hash skip saves)."""
    names: list[str] = []
    real: Callable[..., Any] = files.parse_activity_stream

    def counting(name: str, *args: Any, **kwargs: Any) -> Any:
        names.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(trees, "parse_activity_stream", counting)
    return names


def _fits(tmp_path: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        start = datetime(2024, 2, 1 + i, 6, 0, tzinfo=UTC)
        out.append(fit_run(tmp_path, f"run{i}.fit", start, 8000 + i, 2400))
    return out


def test_unchanged_files_are_skipped_before_parsing(store: Store, tmp_path: Path, parsed: list[str]) -> None:
    paths = [*_fits(tmp_path, 3), FIX / "run.gpx", FIX / "run.tcx"]
    first = import_paths(store, paths)
    assert (first.added, first.unchanged, first.failures) == (5, 0, [])
    assert len(parsed) == 5
    parsed.clear()
    again = import_paths(store, paths)
    assert (again.added, again.skipped, again.unchanged, again.failures) == (0, 5, 5, [])
    assert parsed == []
    assert again.bytes == first.bytes == sum(p.stat().st_size for p in paths)
    assert "5 unchanged since imported, not read again" in summary(again)[0]


def test_a_changed_file_is_read_again(store: Store, tmp_path: Path, parsed: list[str]) -> None:
    gpx = tmp_path / "loop.gpx"
    shutil.copy(FIX / "run.gpx", gpx)
    import_paths(store, [gpx])
    gpx.write_text(gpx.read_text().replace("Trail loop", "Trail loop (renamed)"))
    parsed.clear()
    again = import_paths(store, [gpx])
    assert parsed == ["loop.gpx"] and (again.skipped, again.unchanged) == (1, 0)


def test_a_file_whose_session_left_the_history_is_read_again(store: Store, parsed: list[str]) -> None:
    import_paths(store, [FIX / "run.gpx"])
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions")
    parsed.clear()
    again = import_paths(store, [FIX / "run.gpx"])
    assert parsed == ["run.gpx"] and again.added == 1


def test_a_file_that_failed_in_part_is_not_remembered(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "activities.csv"
    csv.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance\n"
        '1,"Jan 5, 2024, 7:12:03 AM",Good,Run,10\n'
        "2,sometime,Bad,Run,10\n"
    )
    first = import_paths(store, [csv])
    again = import_paths(store, [csv])
    assert (first.added, len(first.failures)) == (1, 1)
    assert (again.unchanged, again.failures) == (0, first.failures)  # told again, not hidden


def test_zip_members_and_the_csv_are_skipped_by_hash(store: Store, parsed: list[str]) -> None:
    first = import_paths(store, [FIX / "strava_export.zip"])
    parsed.clear()
    again = import_paths(store, [FIX / "strava_export.zip", FIX / "export"])
    # the CSV and the ride's GPX of the zip, then the same two in the folder: 4 unread; the
    # broken GPX is read again and still reported
    assert again.unchanged == 4
    assert parsed == ["activities/broken.gpx", "activities/broken.gpx"]
    assert (again.added, again.skipped) == (0, 2 * first.added)
    assert [name for name, _ in again.failures] == [
        "strava_export.zip:activities/broken.gpx",
        "export:activities/broken.gpx",
    ]


def test_the_ledger_and_kind_notes_live_in_the_store(store: Store, tmp_path: Path) -> None:
    assert kinds_decided(store, ["start:2024-01-15T07:00:00Z"]) == {}  # no tables yet: nothing
    with open(FIX / "run.gpx", "rb") as raw:
        content = digest(raw)
    assert content.size == (FIX / "run.gpx").stat().st_size
    assert Ledger(store).done(content) is None
    import_paths(store, [FIX / "run.gpx"])
    assert Ledger(store).done(content) == 1
    assert kinds_decided(store, ["start:2024-01-15T07:00:00Z", None]) == {
        "start:2024-01-15T07:00:00Z": "type trail_run"
    }
