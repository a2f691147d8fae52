"""What the tests share to make a file system misbehave for one command: a read-only mount or
a full disk, in a mount namespace of the command's own (``unshare``), so no test needs another
user, and root (whom permissions do not bind) meets them too."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def unshare() -> list[str]:
    """``unshare`` with a mount namespace this user may make (as root, or mapped to root in a user
    namespace of its own); skips the test where the machine allows neither."""
    tool = shutil.which("unshare")
    if tool is None:
        pytest.skip("no unshare (util-linux): cannot mount a read-only history for the test")
    for flags in (["-rm"], ["-m"]):
        probe = subprocess.run([tool, *flags, "true"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return [tool, *flags]
    pytest.skip("this machine allows no mount namespace: cannot mount a read-only history for the test")
