"""Asking about what is still open: a follow-up question per stale episode.

An open episode not reported or answered about for ``STALE_DAYS`` or more is asked about
("Your knees pain (7/10, swollen), reported Mon 23 Nov: still there?") on Today, in
``prehab recommend`` and in Home Assistant, and the plan keeps holding it until it is answered.
The questions are a questionnaire screen made here (id ``follow-up``), so the app's form, the
CLI's ``prehab checkin --screen follow-up`` and Home Assistant's check-in topic all answer them
the same way: ``episode_<id>`` = same, worse, better or resolved.
"""

from __future__ import annotations

import re
from datetime import date

from prehab.questionnaire import Question, Screen
from prehab.record import Record
from prehab.store.episodes import ANSWERS
from prehab.store.records import PAIN_SIGNS, Episode

FOLLOW_UP_SCREEN = "follow-up"
STALE_DAYS = 2
"""An open episode is asked about once it has not been updated for this many days."""
QUESTION_ID = re.compile(r"^episode_(\d{1,9})$")
SIGN_WORDS = {
    "swelling": "swollen",
    "changes_stride": "limping",
    "at_rest": "hurts at rest",
    "at_night": "wakes you at night",
    "numbness": "numb or tingling",
    "bone_tenderness": "tender on the bone",
    "worse_next_morning": "worse next morning",
}
HELP = (
    "same: still there, no change. worse: it is worse (see a professional). better: improving; "
    "answered twice in a row it closes. resolved: gone, prehab stops holding it."
)


class FollowUp(Record, frozen=True):
    """One question about one open episode."""

    episode: Episode
    question: str
    days: int
    """Days since it was last reported or answered about."""

    @property
    def question_id(self) -> str:
        return f"episode_{self.episode.id}"


def describe(episode: Episode) -> str:
    """``knees pain (7/10, swollen, limping)``: the episode as last reported."""
    fact = episode.fact
    bits: list[str] = []
    level = fact.get("level")
    if isinstance(level, int | float) and not isinstance(level, bool):
        bits.append(f"{level:g}/10")
    bits += [SIGN_WORDS[s] for s in PAIN_SIGNS if fact.get(s) is True]
    status = fact.get("status")
    if episode.kind == "injury" and isinstance(status, str):
        bits.append(status)
    return episode.label + (f" ({', '.join(bits)})" if bits else "")


def asks(episode: Episode) -> bool:
    """Whether an open episode is ever asked about: a past injury the runner names as history
    is part of who they are, not something to get over."""
    return not (episode.kind == "injury" and episode.fact.get("status") == "history")


def follow_ups(open_episodes: list[Episode], day: date) -> list[FollowUp]:
    """The stale open episodes on ``day``, oldest update first."""
    out = []
    for e in sorted(open_episodes, key=lambda e: (e.updated_on, e.id)):
        days = (day - e.updated_on).days
        if days >= STALE_DAYS and asks(e):
            when = e.updated_on.strftime("%a %d %b")
            out.append(FollowUp(e, f"Your {describe(e)}, last reported {when}: still there?", days))
    return out


def follow_up_screen(found: list[FollowUp]) -> Screen | None:
    """The questionnaire asking ``found`` (None when nothing is due)."""
    if not found:
        return None
    questions = tuple(
        Question(
            id=f.question_id,
            prompt=f.question,
            kind="choice",
            unit="",
            min=None,
            max=None,
            choices=ANSWERS,
            target=None,
            help=HELP,
            required=False,
            section="Still there?" if i == 0 else "",
            whole=False,
            line=None,
        )
        for i, f in enumerate(found)
    )
    intro = "prehab keeps holding what you reported until you say it is gone. Blank: ask again later."
    return Screen(FOLLOW_UP_SCREEN, "Follow-up", questions, intro, 1, "checkin", "", None, ())


def episode_answers(answers: dict[str, object]) -> dict[int, str]:
    """``{"episode_3": "same"}`` as ``{3: "same"}`` (answers already validated)."""
    out: dict[int, str] = {}
    for qid, value in answers.items():
        match = QUESTION_ID.match(qid)
        if match and isinstance(value, str) and value in ANSWERS:
            out[int(match.group(1))] = value
    return out
