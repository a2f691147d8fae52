"""The one error a user can cause and fix, apart from ``model`` so that ``prehab --help`` and
the argument parsing of every command load no record type (``prehab.model`` costs more to
import than the parser itself)."""


class UserError(Exception):
    """A problem the user caused and can fix; the message says how. Shown, never a traceback."""
