"""Demo data and the README screenshot: ``python -m prehab.tui.demo [OUT.svg]``.

Why a module: the screenshot in docs/ should be reproducible from realistic data (eight
weeks of running with a jump this week, tight calves and hip flexors), not staged by hand.
It writes into a temporary data/config folder, never the runner's own.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

DEMO_DAY = date(2026, 11, 26)  # a Thursday


def seed_demo(today: date = DEMO_DAY) -> None:
    """Eight weeks of a 3-4 runs/week plan, this week 35 % up, a profile, an Achilles niggle
    reported three days ago (still open) and today's check-in."""
    from prehab.settings import Settings, save_settings
    from prehab.store import Session, Store

    save_settings(
        Settings(
            units="km",
            time_budget_min=45,
            equipment=["step", "band", "dumbbell"],
            experience="intermediate",
            key_run_days=["tuesday", "sunday"],
            strength_weeks=3,
        )
    )
    with Store.open() as store:
        for week in range(8, 0, -1):
            monday = today - timedelta(days=today.weekday(), weeks=week)
            base = 30 + week % 3
            plan = [
                (1, "intervals", 8.0, 8, "track"),
                (3, "easy", base * 0.25, 4, "road"),
                (4, "strength", 0.0, 6, None),
                (6, "long", base * 0.45, 6, "trail"),
            ]
            for offset, kind, km, rpe, surface in plan:
                minutes = km * 5.6 if km else 30.0
                store.add_session(
                    Session(monday + timedelta(days=offset), kind, round(km, 1), minutes, rpe, surface)
                )
        monday = today - timedelta(days=today.weekday())
        this_week = [
            (0, "easy", 10.0, 4, "road"),
            (1, "intervals", 12.0, 8, "track"),
            (2, "easy", 14.0, 5, "road"),
        ]
        for offset, kind, km, rpe, surface in this_week:
            store.add_session(Session(monday + timedelta(days=offset), kind, km, km * 5.5, rpe, surface))
        from prehab.store.profile import save_profile

        profile = {"birth_year": 1984, "sex": "female", "experience": "intermediate", "running_years": 6}
        save_profile(store, profile, [{"fact": "athlete", **profile}])
        store.add_checkin(  # an Achilles niggle three days ago: still open, so Today asks about it
            {"body-map": {"pain_region": "achilles", "pain_level": 3}},
            [{"fact": "pain", "region": "achilles", "level": 3}],
            taken_at=datetime.combine(today - timedelta(days=3), datetime.min.time()) + timedelta(hours=7),
        )
        answers = {"body-map": {"tight_calves": 6, "tight_hip_flexors": 5}}
        facts = [
            {"fact": "tightness", "region": "calves", "level": 6},
            {"fact": "tightness", "region": "hip_flexors", "level": 5},
        ]
        store.add_checkin(
            answers, facts, taken_at=datetime.combine(today, datetime.min.time()) + timedelta(hours=7)
        )


async def _shoot(out: Path, size: tuple[int, int]) -> None:
    from prehab.tui.app import PrehabApp

    app = PrehabApp(today=DEMO_DAY, watch=False)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot(filename=out.name, path=str(out.parent))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshot.svg").resolve()
    with tempfile.TemporaryDirectory(prefix="prehab-demo-") as tmp:
        os.environ["PREHAB_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["PREHAB_CONFIG_DIR"] = str(Path(tmp) / "config")
        seed_demo()
        asyncio.run(_shoot(out, (110, 40)))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
