"""The one exception parsers raise: a reason a person can read, shown next to the file name."""


class ImportFailed(Exception):
    """This file (or row) cannot be imported; the message says why."""
