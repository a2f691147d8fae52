"""The exceptions parsers raise: a reason a person can read, shown next to the file name."""


class ImportFailed(Exception):
    """This file (or row) cannot be imported; the message says why."""


class ImportRefused(ImportFailed):
    """Refused unread past a size, ratio or count cap (``prehab.imports.limits``): a zip bomb,
    or something that is not an export. The CLI exits with status 2 when there is one.

    ``stops_zip``: the zip-wide cap was reached, so nothing more is read from that zip.
    """

    def __init__(self, message: str, stops_zip: bool = False) -> None:
        super().__init__(message)
        self.stops_zip = stops_zip


class LegSkipped(ImportFailed):
    """This activity (or leg of a multisport file) is not a session: too short, empty, a
    transition, a drive. On its own it refuses the file; beside other legs it is skipped with
    a note (``parsed.keep_legs``)."""
