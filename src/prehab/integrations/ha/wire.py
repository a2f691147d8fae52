"""One-shot MQTT: connect, publish at QoS 1, wait for every acknowledgement, disconnect.

What ``prehab ha publish`` (cron, a systemd timer) and ``prehab ha remove`` send, on a plain
socket. Why not paho-mqtt, which ``ha run`` uses: importing it costs about 6.4x a bare Python
start by itself (it imports ssl, urllib.request with http.client and email, logging and uuid),
more than three quarters of the start-up budget of a command a timer runs every few minutes
(issue 21: at most 8x). A one-shot needs five packets of MQTT 3.1.1 (the OASIS standard of
2014, section numbers below): CONNECT, CONNACK, PUBLISH, PUBACK and DISCONNECT. ``ha run``
keeps paho for what a long connection needs: keep-alive pings, reconnects with back-off,
subscriptions and a persistent session.

What is sent is what paho sent for these commands: a clean session under a throw-away client
id, the last will (retained "offline" at QoS 1: if prehab dies while publishing, Home Assistant
shows the entities unavailable), the user name and password when set, a keep-alive of 30 s;
every message at QoS 1, at most ``WINDOW`` unacknowledged at once; then DISCONNECT, so the
broker drops the will. TLS checks the broker's certificate against the system's CAs and its
host name (``ssl.create_default_context``); ``ssl`` is imported only then.

Whatever the broker does, the caller gets a ``UserError`` of one line saying what and what to
change, never a traceback or a hang: a refusal (the CONNACK's return code, in the broker's
words), a packet that is not the answer asked for, a closed connection, or no answer within
the timeout. The broker's packets are read with a bounded size: a hostile or broken one cannot
make prehab read more than a few bytes per packet.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING

from prehab.errors import UserError

if TYPE_CHECKING:
    from prehab.integrations.ha.broker import Broker

CONNECT, CONNACK, PUBLISH, PUBACK, DISCONNECT = 1, 2, 3, 4, 14
"""Control packet types (2.2.1)."""
KEEPALIVE_S = 30
WINDOW = 16
"""At most this many messages unacknowledged: a broker that reads slowly is never flooded and
neither side's buffers fill while the other waits (both blocked would be a hang)."""
MAX_REMAINING = 268_435_455
"""The largest remaining length four bytes can say (2.2.3)."""
MAX_ANSWER = 4
"""CONNACK and PUBACK carry two bytes (3.2, 3.4): a longer answer is not one of them."""
CONNACK_REFUSALS = {
    1: "Unacceptable protocol version",
    2: "Identifier rejected",
    3: "Server unavailable",
    4: "Bad user name or password",
    5: "Not authorized",
}
"""The CONNACK return codes (3.2.2.3), in paho's words for them."""

Message = tuple[str, "str | bytes", bool]
"""(topic, payload, retain)."""


def refusal(reason: str) -> str:
    """A broker's refusal, with what to change."""
    lowered = reason.lower()
    if "password" in lowered or "authori" in lowered:
        return f"{reason} (check mqtt_username and mqtt_password_file: prehab settings)"
    return reason


def _length(n: int) -> bytes:
    """The remaining length (2.2.3): seven bits a byte, low first, the top bit says more."""
    out = bytearray()
    while True:
        n, digit = n >> 7, n & 0x7F
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(data: bytes) -> bytes:
    """A length-prefixed string or binary field (1.5.3, 3.1.3)."""
    if len(data) > 0xFFFF:
        raise ValueError(f"a field of {len(data)} bytes is over MQTT's 65,535")
    return len(data).to_bytes(2, "big") + data


def packet(kind: int, flags: int, body: bytes) -> bytes:
    """A control packet: the fixed header (2.2) and ``body``."""
    if len(body) > MAX_REMAINING:
        raise ValueError(f"a packet of {len(body)} bytes is over MQTT's {MAX_REMAINING:,}")
    return bytes([kind << 4 | flags]) + _length(len(body)) + body


def connect_packet(
    client_id: str, will: tuple[str, str] | None, username: str, password: str | None
) -> bytes:
    """CONNECT (3.1): protocol level 4, a clean session, the will retained at QoS 1. A password
    goes with a user name (3.1.2.9: an empty one when only a password is set)."""
    flags = 0x02
    payload = _string(client_id.encode())
    if will is not None:
        flags |= 0x04 | 0x08 | 0x20  # will, will QoS 1, will retain
        payload += _string(will[0].encode()) + _string(will[1].encode())
    if username or password is not None:
        flags |= 0x80
        payload += _string(username.encode())
    if password is not None:
        flags |= 0x40
        payload += _string(password.encode())
    header = _string(b"MQTT") + bytes([4, flags]) + KEEPALIVE_S.to_bytes(2, "big")
    return packet(CONNECT, 0, header + payload)


def publish_packet(topic: str, payload: str | bytes, retain: bool, packet_id: int) -> bytes:
    """PUBLISH at QoS 1 (3.3)."""
    data = payload.encode() if isinstance(payload, str) else payload
    body = _string(topic.encode()) + packet_id.to_bytes(2, "big") + data
    return packet(PUBLISH, 0x02 | int(retain), body)


class Connection:
    """One connection to the broker, for one batch or a few; ``open`` says why it cannot be."""

    def __init__(self, sock: socket.socket, broker: Broker) -> None:
        self.sock = sock
        self.broker = broker
        self._next_id = 1

    @classmethod
    def open(cls, broker: Broker, client_id: str, will: tuple[str, str] | None, timeout: float) -> Connection:
        """Connected and let in, or UserError saying why not."""
        deadline = time.monotonic() + timeout
        try:
            sock = socket.create_connection((broker.host, broker.port), timeout=timeout)
        except (OSError, UnicodeError, ValueError) as exc:  # a name IDNA refuses is a UnicodeError
            raise UserError(
                f"cannot reach the MQTT broker {broker}: {_reason(exc)} "
                "(is it running? check mqtt_host, mqtt_port and mqtt_tls: prehab settings)"
            ) from None
        if broker.tls:
            sock = _with_tls(sock, broker, deadline)
        connection = cls(sock, broker)
        try:
            connection._send(connect_packet(client_id, will, broker.username, broker.password), deadline)
            late = f"did not let prehab in: no answer in {timeout:g} s"
            kind, body = connection._answer(deadline, late, "let prehab in")
            if kind != CONNACK or len(body) != 2:
                raise connection._protocol(kind, "a CONNACK")
            if body[1]:
                why = refusal(CONNACK_REFUSALS.get(body[1], f"return code {body[1]}"))
                raise UserError(f"the MQTT broker {broker} did not let prehab in: {why}")
        except BaseException:
            connection.close(say_bye=False)
            raise
        return connection

    def publish(self, messages: Iterable[Message], timeout: float) -> int:
        """Publish ``messages`` in order at QoS 1 and wait until the broker acknowledged each;
        how many. UserError if it did not within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        waiting: set[int] = set()
        count = 0
        for topic, payload, retain in messages:
            packet_id = self._next_id
            self._next_id = packet_id % 0xFFFF + 1  # 1 to 65,535, never 0 (2.3.1)
            try:
                data = publish_packet(topic, payload, retain, packet_id)
            except (UnicodeEncodeError, ValueError) as exc:
                raise UserError(f"cannot publish on {topic}: {exc}") from None
            self._send(data, deadline)
            waiting.add(packet_id)
            count += 1
            while len(waiting) >= WINDOW:
                self._acknowledged(waiting, deadline, timeout)
        while waiting:
            self._acknowledged(waiting, deadline, timeout)
        return count

    def close(self, say_bye: bool = True) -> None:
        """DISCONNECT (3.14: the broker drops the will) and close; never raises."""
        try:
            if say_bye:
                self.sock.settimeout(1.0)
                self.sock.sendall(packet(DISCONNECT, 0, b""))
        except OSError:
            pass
        finally:
            self.sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- the socket ----------------------------------------------------------------------------

    def _acknowledged(self, waiting: set[int], deadline: float, timeout: float) -> None:
        kind, body = self._answer(deadline, f"did not acknowledge in {timeout:g} s", "acknowledge")
        packet_id = int.from_bytes(body, "big")
        if kind != PUBACK or len(body) != 2 or packet_id not in waiting:
            raise self._protocol(kind, "a PUBACK of a message in flight")
        waiting.discard(packet_id)

    def _send(self, data: bytes, deadline: float) -> None:
        try:
            self.sock.settimeout(max(0.001, deadline - time.monotonic()))
            self.sock.sendall(data)
        except TimeoutError:
            raise UserError(
                f"the MQTT broker {self.broker} took nothing more in time (is it overloaded?)"
            ) from None
        except OSError as exc:
            raise self._dropped(exc) from None

    def _answer(self, deadline: float, late: str, doing: str) -> tuple[int, bytes]:
        """The broker's next packet (type, body); UserError if late (``late`` says so), closed
        before it would do ``doing``, or too long."""
        first = self._read(1, deadline, late, doing)[0]
        length, shift = 0, 0
        while True:  # the remaining length, at most four bytes
            byte = self._read(1, deadline, late, doing)[0]
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
            if shift >= 28:
                raise self._protocol(first >> 4, "a length of at most four bytes")
        if length > MAX_ANSWER:
            raise self._protocol(first >> 4, f"an answer of at most {MAX_ANSWER} bytes")
        return first >> 4, self._read(length, deadline, late, doing) if length else b""

    def _read(self, size: int, deadline: float, late: str, doing: str) -> bytes:
        data = b""
        while len(data) < size:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                self.sock.settimeout(left)
                chunk = self.sock.recv(size - len(data))
            except TimeoutError:
                raise UserError(f"the MQTT broker {self.broker} {late}") from None
            except OSError as exc:
                raise self._dropped(exc) from None
            if not chunk:
                raise UserError(
                    f"the MQTT broker {self.broker} closed the connection before it would {doing} "
                    "(its log says why)"
                )
            data += chunk
        return data

    def _dropped(self, exc: OSError) -> UserError:
        return UserError(f"the MQTT broker {self.broker} dropped the connection: {_reason(exc)}")

    def _protocol(self, kind: int, wanted: str) -> UserError:
        return UserError(
            f"the MQTT broker {self.broker} answered with a packet of type {kind} where MQTT 3.1.1 "
            f"says {wanted} (is {self.broker.host}:{self.broker.port} an MQTT broker?)"
        )


def _reason(exc: Exception) -> object:
    """What went wrong, in the system's words when it has them ("Connection refused")."""
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else exc


def _with_tls(sock: socket.socket, broker: Broker, deadline: float) -> socket.socket:
    """``sock`` over TLS, the broker's certificate checked, the handshake within what is left
    of ``deadline``; UserError saying what to fix."""
    import ssl

    try:
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        return ssl.create_default_context().wrap_socket(sock, server_hostname=broker.host)
    except ssl.SSLCertVerificationError as exc:  # not trusted here, or names another host
        sock.close()
        raise UserError(
            f"cannot reach the MQTT broker {broker} over TLS: {exc} (its certificate must name "
            "mqtt_host and be signed by a CA this machine trusts; see docs/home-assistant.md, TLS)"
        ) from None
    except ssl.SSLError as exc:  # e.g. TLS to a plain MQTT port
        sock.close()
        raise UserError(
            f"cannot reach the MQTT broker {broker} over TLS: {exc} (does that port speak TLS? "
            "check mqtt_port and mqtt_tls: prehab settings)"
        ) from None
    except (OSError, ValueError) as exc:
        sock.close()
        raise UserError(f"cannot reach the MQTT broker {broker} over TLS: {_reason(exc)}") from None
