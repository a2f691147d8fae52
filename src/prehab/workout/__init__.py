"""Doing the work: the dose really done (``actual``), loads in the runner's units, the load
that climbs within an exercise (``loading``), and the guided session (``player``).

Plain Python: no Textual, no engine. The app's session screen drives :class:`player.Player`,
``prehab done`` records the same :class:`actual.Actual`, and the day's facts read it back.
"""
