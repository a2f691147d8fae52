"""One ``prehab ha run`` per history: a lock file beside the history, held while it runs.

Two bridges on one history both answered every check-in (stored twice) and, when one stopped,
its "offline" made every entity unavailable while the other still ran. The lock is an
``flock`` on ``<history>.ha-run.lock``: the kernel releases it when the process dies however it
dies, so a crash never leaves a stale lock. The file says who holds it (pid, host, since), so
the second bridge can say so.
"""

from __future__ import annotations

import fcntl
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from prehab.model import UserError


class BridgeLock:
    """Held from ``__enter__`` to ``__exit__``; UserError naming the holder if another has it."""

    def __init__(self, history: Path) -> None:
        self.path = history.with_name(history.name + ".ha-run.lock")
        self._fd: int | None = None

    def __enter__(self) -> BridgeLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise UserError(
                f"cannot use the lock {self.path}: {exc.strerror or exc}; check the folder"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise UserError(
                f"another prehab ha run already serves this history ({holder}); stop it first "
                "(one bridge per history: two would answer every check-in twice)"
            ) from None
        since = datetime.now(UTC).replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {since}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None
