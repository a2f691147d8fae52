"""Browser mode: the app served over HTTP (textual-serve), with a token and an Origin check."""
