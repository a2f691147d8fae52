"""Reading and replacing the user's files without surprises.

Reading: only regular files are opened. A FIFO would block ``open`` until a writer came, a
device could stream for ever, a folder or a dangling symlink named ``*.toml`` is not a file:
each is refused with a reason that names it, before anything is opened.

Writing (``atomic_write``): the new contents go to a synced temp file next to the *real*
file, then replace it in one rename, so a crash leaves the old file or the new one, never
half. A symlink is followed (the link stays, its target is replaced), the existing file's
permissions are kept, and a target that is not a regular file (a device, a FIFO, a folder)
is refused instead of being replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from prehab.model import UserError

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class FileRefused(UserError, OSError):
    """A path prehab will not read or replace; the message says what it is and what to do.

    Both a UserError (one line, exit code 2) and an OSError, so code that already turns
    OSError into a message for the user (the app's save handlers) shows it too.
    """

    def __init__(self, path: Path | str, message: str, fix: str = "") -> None:
        text = f"{path}: {message}" + (f" ({fix})" if fix else "")
        super().__init__(errno.EINVAL, text, str(path))
        self.message = message
        self.fix = fix
        self.text = text

    def __str__(self) -> str:
        return self.text


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(path: Path) -> str | None:
    """Why ``path`` is not a regular file to read (None if it is one). Never opens it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"is a dangling symlink (to {os.readlink(path)})"
        return "no such file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(st.st_mode):
        return None
    return f"is {kind_of(st.st_mode)}, not a file"


def read_bytes(path: Path) -> bytes:
    """The contents of the regular file ``path``; FileRefused for anything else.

    The file is checked with ``stat`` before it is opened, and opened non-blocking and checked
    again, so a FIFO swapped in between cannot hang the read either.
    """
    reason = not_regular(path)
    if reason is not None:
        raise FileRefused(path, reason, "give the path of a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(path, f"cannot be read ({exc.strerror or exc})", "check its permissions") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(path, f"is {kind_of(mode)}, not a file", "give the path of a regular file")
        if _NONBLOCK:
            os.set_blocking(fd, True)
        try:
            return handle.read()
        except OSError as exc:
            raise FileRefused(path, f"cannot be read ({exc.strerror or exc})", "check the file") from None


def write_target(path: Path) -> tuple[Path, os.stat_result | None]:
    """The real file a write to ``path`` should replace (symlinks followed) and its stat
    (None if it does not exist yet); FileRefused if it is not a regular file."""
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real, None
    except OSError as exc:
        raise FileRefused(path, f"cannot be written ({exc.strerror or exc})", "check the path") from None
    if not stat.S_ISREG(st.st_mode):
        where = path if real == Path(path).absolute() else f"{path} (-> {real})"
        raise FileRefused(
            where,
            f"is {kind_of(st.st_mode)}, not a file; prehab only replaces regular files",
            "give the path of a regular file, or one that does not exist yet",
        )
    return real, st


def atomic_write(path: Path, data: bytes, make_parents: bool = True, *, durable: bool = True) -> None:
    """Replace the file at ``path`` with ``data``: all of it or none of it.

    Writes through a symlink to its target (the link is kept), keeps the existing file's
    mode (and owner where allowed), creates a new file with the usual mode (0666 less the
    umask), and refuses a target that is not a regular file (FileRefused). OSError if the
    folder cannot be written; the old file is then untouched and no temp file is left.
    ``durable=False`` (a cache, rebuilt if lost) skips the two fsyncs: a crash may lose the
    new file, never leave half of one.
    """
    real, st = write_target(Path(path))
    if make_parents:
        real.parent.mkdir(parents=True, exist_ok=True)
    tmp = real.parent / f".{real.name}.{os.urandom(4).hex()}.tmp"  # os.urandom: no random import
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600 if st is not None else 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            if st is not None:
                _keep_mode_and_owner(handle.fileno(), tmp, st)
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    try:
        dir_fd = os.open(real.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)  # make the rename itself durable where the OS allows
    finally:
        os.close(dir_fd)


def _keep_mode_and_owner(fd: int, tmp: Path, st: os.stat_result) -> None:
    """Give the temp file the replaced file's permissions (and owner, where allowed)."""
    if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # first: a change of owner clears set-id bits
            os.fchown(fd, st.st_uid, st.st_gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(st.st_mode))
    else:  # pragma: no cover - Windows
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
