"""Who the runner is, as facts for one day: the stored profile with the age worked out.

The profile is asked once (the profile screen) and changes only when the runner changes it.
Until it says otherwise the cautious defaults hold: strength experience ``beginner`` (a runner
who never lifted does not start on moderate dumbbell single-leg work), no age, no pregnancy.
The settings' ``experience`` (older installs) counts only where the profile has no answer.
"""

from __future__ import annotations

from datetime import date

from prehab.model import Fact
from prehab.store.records import Profile

PROFILE_SCREEN = "profile"
"""The id of the profile questionnaire (screens/profile.toml)."""
AGE_RANGE = (10, 100)
"""``athlete.age`` as rules/facts.toml bounds it: outside it no age is given."""


def profile_facts(profile: Profile | None, day: date) -> list[Fact]:
    """The profile's facts on ``day``: ``athlete`` fields (with ``age`` from the birth year)
    and the ``health`` screen, each only with what was answered."""
    if profile is None:
        return []
    out: list[Fact] = []
    for raw in profile.facts:
        fact = dict(raw)
        if fact.get("fact") == "athlete":
            born = fact.get("birth_year")
            if isinstance(born, int) and not isinstance(born, bool):
                age = day.year - born
                if AGE_RANGE[0] <= age <= AGE_RANGE[1]:
                    fact["age"] = age
        out.append(fact)
    return out


def needs_onboarding(profile: Profile | None) -> bool:
    """True until the runner has answered or skipped the profile once."""
    return profile is None
