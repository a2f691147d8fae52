"""Where and how to reach the MQTT broker: the settings' ``mqtt_*`` and the password file.

Apart from the clients (``wire`` for the one-shot commands, paho in ``bridge`` for ``ha run``)
so both read the settings and the password the same way, and ``ha publish`` imports no paho.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from prehab.errors import UserError
from prehab.record import Record

if TYPE_CHECKING:
    from prehab.settings import Settings

log = logging.getLogger("prehab.ha")

MAX_PASSWORD_BYTES = 4096


class Broker(Record, frozen=True):
    """Where and how to reach the MQTT broker (from the settings)."""

    host: str = "localhost"
    port: int = 1883
    tls: bool = False
    username: str = ""
    password: str | None = None

    def __str__(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def broker_from_settings(settings: Settings) -> Broker:
    """The broker in the settings, the password read from ``mqtt_password_file`` now."""
    password = read_password(settings.mqtt_password_file) if settings.mqtt_password_file else None
    return Broker(settings.mqtt_host, settings.mqtt_port, settings.mqtt_tls, settings.mqtt_username, password)


def read_password(name: str) -> str:
    """The first line of the password file. UserError if it cannot be used; a warning if
    others may read it."""
    path = Path(name).expanduser()
    fix = "put the broker password alone in it, readable only by you (chmod 600)"
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise UserError(f"mqtt_password_file {path} is not a regular file ({fix})")
        if st.st_size > MAX_PASSWORD_BYTES:
            raise UserError(f"mqtt_password_file {path} is over {MAX_PASSWORD_BYTES} bytes ({fix})")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"mqtt_password_file {path} does not exist ({fix})") from None
    except UnicodeDecodeError:
        raise UserError(f"mqtt_password_file {path} is not UTF-8 text ({fix})") from None
    except OSError as exc:
        raise UserError(f"cannot read mqtt_password_file {path}: {exc.strerror or exc} ({fix})") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise UserError(f"mqtt_password_file {path} is empty ({fix})")
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("warning: others may read %s: chmod 600 %s", path, path)
    return lines[0]
