"""Words for people: the day as plain text and JSON, the rules in plain words, their examples run.

Why a package: the CLI, ``serve``, Home Assistant and the app's Rules screen all show the same
day and the same rules, so the words are made once, here, from typed data (a
:class:`prehab.day.view.DayView`, a :class:`prehab.rulebook.model.Rule`) and never planned again.

- ``render``: the day's committed plan as text (``prehab recommend``) and JSON (``--json``, Home
  Assistant's attributes), and the small text helpers the app shares (doses, wrapping);
- ``explain``: a rule in plain words, why it did not fire (per condition), what an override changes;
- ``examples``: the rule pack's embedded examples run, each failure in words (``prehab rules test``).

Nothing here imports Textual; the app draws its own widgets from the same helpers.
"""
