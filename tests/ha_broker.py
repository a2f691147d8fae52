"""Real MQTT brokers for the Home Assistant tests (never a mock) and a listening client.

``MosquittoBroker`` runs Debian's mosquitto (``.ci/run`` installs it) with a generated
config: one listener on 127.0.0.1 and a free port, anonymous clients, no persistence.
``AmqttBroker`` runs amqtt, a pure-Python broker in the ``test`` extra, for a fresh machine
without mosquitto. ``start_broker()`` picks mosquitto when it is installed, else amqtt; with
neither it fails loudly (a skipped broker test would hide a missing install).
``PREHAB_TEST_BROKER=amqtt`` (or ``mosquitto``) forces one. Each broker can be killed and
started again on the same port, and is always stopped by its context manager.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

START_TIMEOUT_S = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mosquitto_path() -> str | None:
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)), None
    )


def amqtt_available() -> bool:
    try:
        import amqtt  # noqa: F401
    except ImportError:
        return False
    return True


class Broker:
    kind = ""

    def __init__(
        self,
        folder: Path,
        port: int | None = None,
        users: dict[str, str] | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.tls = tls
        """(certificate, key) in PEM: the listener speaks TLS only."""
        self.users = dict(users or {})
        """User name: password. None: anonymous clients are let in; some: only these."""
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = folder / f"{self.kind}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        assert self.proc is None, "already running"
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.kind} exited at start: {self.log.read_text(errors='replace')[-2000:]}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.kind} did not listen on {self.port} in {START_TIMEOUT_S} s")

    def stop(self, kill: bool = False) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def __enter__(self) -> Broker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop(kill=True)


class MosquittoBroker(Broker):
    kind = "mosquitto"

    def command(self) -> list[str]:
        conf = self.folder / "mosquitto.conf"
        exe = mosquitto_path()
        assert exe is not None
        auth = "allow_anonymous true\n"
        if self.users:
            passwords = self.folder / "passwords"
            passwords.unlink(missing_ok=True)
            tool = str(Path(exe).parent.parent / "bin" / "mosquitto_passwd")
            tool = shutil.which("mosquitto_passwd") or tool
            for user, password in self.users.items():
                create = [] if passwords.exists() else ["-c"]
                subprocess.run([tool, *create, "-b", str(passwords), user, password], check=True, timeout=30)
            passwords.chmod(0o600)
            auth = f"allow_anonymous false\npassword_file {passwords}\n"
        if self.tls:
            auth += f"certfile {self.tls[0]}\nkeyfile {self.tls[1]}\n"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\n{auth}persistence false\n"
            f"user {getpass.getuser()}\n"  # as root it would switch to 'mosquitto', who cannot read tmp
            "log_dest stdout\nlog_type error\nlog_type warning\n",
            encoding="utf-8",
        )
        return [exe, "-c", str(conf)]


class AmqttBroker(Broker):
    kind = "amqtt"

    def command(self) -> list[str]:
        conf = self.folder / "amqtt.yaml"
        auth = "  amqtt.plugins.authentication.AnonymousAuthPlugin:\n    allow_anonymous: true\n"
        if self.users:
            from pwdlib import PasswordHash
            from pwdlib.hashers.argon2 import Argon2Hasher

            hasher = PasswordHash((Argon2Hasher(),))
            passwords = self.folder / "passwords"
            lines = [f"{user}:{hasher.hash(password)}\n" for user, password in self.users.items()]
            passwords.write_text("".join(lines), encoding="utf-8")
            auth = f"  amqtt.plugins.authentication.FileAuthPlugin:\n    password_file: {passwords}\n"
        tls = f"    ssl: true\n    certfile: {self.tls[0]}\n    keyfile: {self.tls[1]}\n" if self.tls else ""
        conf.write_text(
            f"listeners:\n  default:\n    type: tcp\n    bind: 127.0.0.1:{self.port}\n{tls}plugins:\n{auth}",
            encoding="utf-8",
        )
        code = "import sys; from amqtt.scripts.broker_script import main; sys.argv[0] = 'amqtt'; main()"
        return [sys.executable, "-c", code, "-c", str(conf)]


def broker_kind() -> str:
    """The broker these tests use: PREHAB_TEST_BROKER, else mosquitto if installed, else amqtt."""
    forced = os.environ.get("PREHAB_TEST_BROKER", "")
    if forced:
        return forced
    if mosquitto_path():
        return "mosquitto"
    if amqtt_available():
        return "amqtt"
    raise RuntimeError(
        "no MQTT broker for the Home Assistant tests: install mosquitto (apt-get install mosquitto) "
        "or the test extra (pip install -e '.[test]', which brings amqtt)"
    )


def make_broker(
    folder: Path,
    kind: str | None = None,
    port: int | None = None,
    users: dict[str, str] | None = None,
    tls: tuple[Path, Path] | None = None,
) -> Broker:
    kind = kind or broker_kind()
    if kind == "mosquitto":
        if not mosquitto_path():
            raise RuntimeError("PREHAB_TEST_BROKER=mosquitto but mosquitto is not installed")
        return MosquittoBroker(folder, port, users, tls)
    if kind == "amqtt":
        if not amqtt_available():
            raise RuntimeError("amqtt is not installed: pip install -e '.[test]'")
        return AmqttBroker(folder, port, users, tls)
    raise RuntimeError(f"unknown PREHAB_TEST_BROKER {kind!r}: mosquitto or amqtt")


class Listener:
    """A client that records every message on ``topics`` (retained ones included)."""

    def __init__(
        self, port: int, topics: tuple[str, ...] = ("#",), auth: tuple[str, str] | None = None
    ) -> None:
        self.messages: dict[str, bytes] = {}
        self.history: list[tuple[float, str, bytes, bool]] = []
        self._cond = threading.Condition()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"listener-{os.getpid()}-{id(self)}")
        self.subscribed = threading.Event()
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe([(t, 1) for t in topics])
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.subscribed.set()
        self.client.reconnect_delay_set(1, 2)
        if auth is not None:
            self.client.username_pw_set(*auth)
        self.client.connect("127.0.0.1", port, 30)
        self.client.loop_start()
        if not self.subscribed.wait(START_TIMEOUT_S):
            self.close()
            raise RuntimeError(f"the test listener could not subscribe on port {port}")

    def _on_message(self, client: Any, userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self._cond:
            self.messages[message.topic] = bytes(message.payload)
            self.history.append(
                (time.monotonic(), message.topic, bytes(message.payload), bool(message.retain))
            )
            self._cond.notify_all()

    def wait_for(self, check: Callable[[dict[str, bytes]], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not check(self.messages):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def json(self, topic: str) -> Any:
        return json.loads(self.messages[topic])

    def publish(self, topic: str, payload: str | bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@contextmanager
def listening(
    port: int, topics: tuple[str, ...] = ("#",), auth: tuple[str, str] | None = None
) -> Iterator[Listener]:
    listener = Listener(port, topics, auth)
    try:
        yield listener
    finally:
        listener.close()


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for localhost and 127.0.0.1 (openssl):
    (CA certificate, server certificate, server key)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    cert, key, csr = folder / "server.pem", folder / "server.key", folder / "server.csr"
    ext = folder / "san.cnf"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n", encoding="utf-8")
    steps = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
         "-subj", "/CN=prehab test CA"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
         "-days", "2", "-extfile", ext],
    ]  # fmt: skip
    for step in steps:
        subprocess.run(["openssl", *map(str, step)], check=True, capture_output=True, timeout=60)
    return ca, cert, key
