"""Free answers a rule or a facts file names: each must be a question some screen asks.

``{ fact = "answer", question = "weak_glutes", value = true }`` is the one fact kind whose
vocabulary is not in facts.toml but in the questionnaires (a question with ``sets = { fact =
"answer" }`` gives its id as ``question``). A name no question has validates and does nothing,
silently: a typo (``numbness_tingling`` for a screening sign), or a rule waiting for a question
nobody asks. ``rules check``, ``recommend --facts`` and the form loader warn with a did-you-mean.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from prehab.model import Fact, Problem
from prehab.rulebook.model import Rulebook
from prehab.rulebook.suggest import did_you_mean


def answer_names(facts: Iterable[Fact]) -> list[str]:
    return [
        str(f["question"]) for f in facts if f.get("fact") == "answer" and isinstance(f.get("question"), str)
    ]


def rule_answer_problems(book: Rulebook, asked: Collection[str]) -> list[Problem]:
    """A warning for each question name a rule's condition or example uses that no screen asks."""
    out: list[Problem] = []
    for rule in book.rules.values():
        names: list[str] = []
        for cond in rule.when + rule.when_any + rule.unless:
            if cond.fact == "answer":
                names += [str(t.value) for t in cond.tests if t.field == "question" and t.op == "equals"]
        for example in rule.examples if _may_name_answers(rule.examples) else ():
            names += answer_names(example.given)
        for name in dict.fromkeys(names):
            if name not in asked:
                out.append(problem(rule.file, rule.line, f"rule.{rule.id}", name, asked))
    return out


def _may_name_answers(examples: object) -> bool:
    """Whether ``examples`` can hold an answer fact: examples read back from the pack cache stay
    undecoded when their text names none (most rules: start-up time, issue 21)."""
    from prehab.rulebook.packcache import Deferred

    return not isinstance(examples, Deferred) or examples.may_mention('"answer"')


def facts_answer_problems(facts: Iterable[Fact], asked: Collection[str], file: str | Path) -> list[Problem]:
    """A warning for each answer in a facts file that names no question."""
    return [
        problem(str(file), None, "answer", name, asked) for name in answer_names(facts) if name not in asked
    ]


def problem(file: str, line: int | None, path: str, name: str, asked: Collection[str]) -> Problem:
    return Problem(
        file,
        line,
        path,
        f"no questionnaire asks '{name}': an answer by that name never comes, so this does nothing",
        did_you_mean(name, sorted(asked))
        + ' (a screen question with sets = { fact = "answer" } gives its id)',
        "warning",
    )
