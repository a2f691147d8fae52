"""One runner, one day: the headless service every surface reads (``prehab.day.service``).

The profile and the open episodes, the history, done work and responses become the day's
facts (``facts``); the rules and the planner turn them into a plan that is committed once, with
stable item numbers, and re-planned only when an input changes (``commit``); the app, the CLI,
``serve`` and Home Assistant all render the same typed view of it (``view``). The service's
commands are written in two parts: answering the questionnaires (``checkins``) and done work,
sessions and deletes (``history``).
"""
