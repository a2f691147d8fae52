"""Facts for the engine: load metrics derived from the history, and the history's facts."""
