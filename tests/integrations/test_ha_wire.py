"""The one-shot MQTT publisher (``prehab.integrations.ha.wire``): against the standard's own
examples, a real broker (mosquitto, else amqtt), and scripted brokers that misbehave on
purpose. Whatever a broker does, ``ha publish`` ends in one line saying why, never a traceback
or a hang: every wait in here is the publisher's own timeout."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ha_broker import listening, make_broker
from prehab.errors import UserError
from prehab.integrations.ha import wire
from prehab.integrations.ha.broker import Broker
from prehab.integrations.ha.wire import CONNACK, PUBACK, PUBLISH, Connection, connect_packet, packet

WAIT_S = 10.0


def test_the_remaining_length_is_the_standards() -> None:
    """MQTT 3.1.1, table 2.4: the smallest and largest length of one to four bytes."""
    examples = {
        0: "00", 127: "7f", 128: "8001", 16_383: "ff7f", 16_384: "808001", 2_097_151: "ffff7f",
        2_097_152: "80808001", 268_435_455: "ffffff7f",
    }  # fmt: skip
    for length, encoded in examples.items():
        assert wire._length(length).hex() == encoded, length
    with pytest.raises(ValueError, match="over MQTT"):
        packet(PUBLISH, 0, bytes(268_435_456))


def test_connect_says_who_and_how() -> None:
    """CONNECT (3.1): protocol MQTT level 4, a clean session, the will retained at QoS 1, and a
    password only with a user name (an empty one when only a password is set)."""
    plain = connect_packet("prehab-1", None, "", None)
    assert plain[0] == 0x10 and plain[2:9] == b"\x00\x04MQTT\x04"
    assert plain[9] == 0x02  # clean session only
    assert plain[10:12] == (30).to_bytes(2, "big") and plain.endswith(b"\x00\x08prehab-1")
    willed = connect_packet("c", ("prehab/availability", "offline"), "runner", "pw")
    flags = willed[9]
    assert flags == 0x02 | 0x04 | 0x08 | 0x20 | 0x80 | 0x40
    assert willed.endswith(b"\x00\x13prehab/availability\x00\x07offline\x00\x06runner\x00\x02pw")
    only_password = connect_packet("c", None, "", "pw")
    assert only_password[9] == 0x02 | 0x80 | 0x40 and only_password.endswith(b"\x00\x00\x00\x02pw")


# -- a real broker --------------------------------------------------------------------------------


def test_a_real_broker_keeps_what_is_sent(tmp_path: Path) -> None:
    """Retained and not, text in any script, an empty payload, and one large enough for a
    three-byte length: a listener receives each exactly as sent."""
    big = "x" * 300_000
    messages: list[wire.Message] = [
        ("prehab-test/a", "ütf 日本 🏃", True),
        ("prehab-test/big", big, True),
        ("prehab-test/event", '{"event_type":"physio"}', False),
        ("prehab-test/empty", b"", True),
    ]
    with make_broker(tmp_path / "broker") as b:
        broker = Broker("127.0.0.1", b.port)
        with listening(b.port, ("prehab-test/#",)) as listener:
            with Connection.open(broker, "wire-test", ("prehab-test/will", "offline"), WAIT_S) as c:
                assert c.publish(messages * 3, WAIT_S) == 12  # more than WINDOW in flight
            assert listener.wait_for(lambda m: "prehab-test/event" in m and "prehab-test/empty" in m, WAIT_S)
            got = {(t, p, r) for _, t, p, r in listener.history}
        assert ("prehab-test/a", "ütf 日本 🏃".encode(), False) in got  # live delivery: retain off
        assert ("prehab-test/big", big.encode(), False) in got
        with listening(b.port, ("prehab-test/#",)) as late:  # a late subscriber gets the retained
            assert late.wait_for(lambda m: "prehab-test/big" in m, WAIT_S)
            assert late.messages["prehab-test/a"] == "ütf 日本 🏃".encode()
            assert late.messages["prehab-test/big"] == big.encode()
            assert "prehab-test/event" not in late.messages  # not retained
            assert "prehab-test/will" not in late.messages  # a clean DISCONNECT drops the will


def test_nothing_listens_on_the_port() -> None:
    with socket.socket() as s:  # a port that was free a moment ago: nothing accepts on it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(UserError, match=r"cannot reach the MQTT broker .*is it running"):
        Connection.open(Broker("127.0.0.1", port), "c", None, WAIT_S)


@pytest.mark.parametrize("host", ["a..b", "x" * 64 + ".example"])
def test_a_host_name_the_resolver_refuses_is_one_line(host: str) -> None:
    """The settings take these (letters, digits, dots); IDNA refuses them with a UnicodeError,
    not an OSError: still one line."""
    with pytest.raises(UserError, match=r"cannot reach the MQTT broker .*check mqtt_host"):
        Connection.open(Broker(host, 1883), "c", None, WAIT_S)


# -- brokers that misbehave -----------------------------------------------------------------------


Script = Callable[[socket.socket], None]


@contextmanager
def scripted(script: Script) -> Iterator[Broker]:
    """A broker on a free port that runs ``script`` on the first connection, then closes it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            with contextlib.suppress(OSError):
                script(conn)
            stop.wait(WAIT_S)  # hold the connection open until the test is done with it

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield Broker("127.0.0.1", server.getsockname()[1])
    finally:
        stop.set()
        server.close()
        thread.join(WAIT_S)


def read_packet(conn: socket.socket) -> tuple[int, bytes]:
    first = conn.recv(1)[0]
    length, shift = 0, 0
    while True:
        byte = conn.recv(1)[0]
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    body = b""
    while len(body) < length:
        body += conn.recv(length - len(body))
    return first >> 4, body


def connack(code: int) -> Script:
    def script(conn: socket.socket) -> None:
        read_packet(conn)
        conn.sendall(bytes([CONNACK << 4, 2, 0, code]))

    return script


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (4, r"Bad user name or password \(check mqtt_username and mqtt_password_file"),
        (5, r"Not authorized \(check mqtt_username"),
        (3, "Server unavailable$"),
        (99, "return code 99$"),
    ],
)
def test_a_refusal_says_why_and_what_to_change(code: int, words: str) -> None:
    with scripted(connack(code)) as broker, pytest.raises(UserError, match="did not let prehab in: " + words):
        Connection.open(broker, "c", None, WAIT_S)


@pytest.mark.parametrize(
    ("name", "script", "words"),
    [
        ("silent", lambda conn: None, r"did not let prehab in: no answer in 0.3 s"),
        ("hangs up", lambda conn: conn.shutdown(socket.SHUT_WR), "closed the connection before it would let"),
        ("http", lambda conn: conn.sendall(b"HTTP/1.1 400 Bad\r\n\r\n"), "127.0.0.1:.* an MQTT broker"),
        ("huge", lambda conn: conn.sendall(b"\x20\xff\xff\xff\xff\x7f"), "a length of at most four bytes"),
        ("long", lambda conn: conn.sendall(b"\x20\x7f" + bytes(127)), "an answer of at most 4 bytes"),
        ("puback", lambda conn: conn.sendall(bytes([PUBACK << 4, 2, 0, 1])), "MQTT 3.1.1 says a CONNACK"),
    ],
)  # fmt: skip
def test_a_broker_that_does_not_answer_as_mqtt_is_one_line(name: str, script: Script, words: str) -> None:
    """Silence is the timeout; anything else is read no further than an answer can be long."""
    with scripted(script) as broker, pytest.raises(UserError, match=words):
        Connection.open(broker, "c", None, 0.3 if name == "silent" else WAIT_S)


def accept_then(after: Script) -> Script:
    def script(conn: socket.socket) -> None:
        connack(0)(conn)
        after(conn)

    return script


def test_an_acknowledgement_for_nothing_in_flight_is_refused() -> None:
    def wrong_id(conn: socket.socket) -> None:
        read_packet(conn)
        conn.sendall(bytes([PUBACK << 4, 2, 0x12, 0x34]))

    with (
        scripted(accept_then(wrong_id)) as broker,
        Connection.open(broker, "c", None, WAIT_S) as c,
        pytest.raises(UserError, match="PUBACK of a message in flight"),
    ):
        c.publish([("t", "x", True)], WAIT_S)


def test_a_broker_that_never_acknowledges_times_out() -> None:
    with (
        scripted(accept_then(read_packet)) as broker,
        Connection.open(broker, "c", None, WAIT_S) as c,
        pytest.raises(UserError, match=r"did not acknowledge in 0.3 s"),
    ):
        c.publish([("t", "x", True)], 0.3)


def test_tls_to_a_port_that_does_not_speak_it_says_so() -> None:
    def plain(conn: socket.socket) -> None:
        conn.recv(1024)  # the TLS hello
        conn.sendall(b"HTTP/1.1 400 Bad\r\n\r\n")

    with scripted(plain) as broker, pytest.raises(UserError, match="over TLS: .*does that port speak TLS"):
        Connection.open(Broker(broker.host, broker.port, tls=True), "c", None, WAIT_S)


def test_a_tls_handshake_that_never_ends_is_the_timeout() -> None:
    with scripted(lambda conn: None) as broker, pytest.raises(UserError, match="over TLS: .*timed out"):
        Connection.open(Broker(broker.host, broker.port, tls=True), "c", None, 0.3)


def test_a_broker_that_hangs_up_while_publishing() -> None:
    with (
        scripted(accept_then(lambda conn: conn.shutdown(socket.SHUT_WR))) as broker,
        Connection.open(broker, "c", None, WAIT_S) as c,
        pytest.raises(UserError, match="closed the connection before it would acknowledge"),
    ):
        c.publish([("t", "x", True)], WAIT_S)


class Recorder:
    """A socket that records what is sent and acknowledges only when read from: how many
    messages were unacknowledged each time the publisher waited."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.in_flight: list[int] = []
        self.answers = b""
        self.waits: list[int] = []

    def settimeout(self, seconds: float) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        assert data[0] >> 4 == PUBLISH and data[0] & 0x06 == 0x02  # QoS 1
        length, shift, at = 0, 0, 1
        while True:
            length |= (data[at] & 0x7F) << shift
            shift += 7
            at += 1
            if not data[at - 1] & 0x80:
                break
        topic_length = int.from_bytes(data[at : at + 2], "big")
        packet_id = int.from_bytes(data[at + 2 + topic_length : at + 4 + topic_length], "big")
        self.in_flight.append(packet_id)
        self.sent.append(packet_id)

    def recv(self, size: int) -> bytes:
        if not self.answers:
            self.waits.append(len(self.in_flight))
            self.answers = b"".join(bytes([PUBACK << 4, 2]) + p.to_bytes(2, "big") for p in self.in_flight)
            self.in_flight.clear()
        out, self.answers = self.answers[:size], self.answers[size:]
        return out

    def close(self) -> None:
        pass


def test_at_most_a_window_of_messages_is_unacknowledged() -> None:
    """The publisher waits for acknowledgements before the 17th message in flight, so neither
    side's buffers can fill while the other waits; packet ids run 1 up and never 0."""
    sock = Recorder()
    c = Connection(sock, Broker())  # type: ignore[arg-type]
    assert c.publish([(f"t/{i}", "x", True) for i in range(40)], WAIT_S) == 40
    assert sock.waits == [wire.WINDOW, wire.WINDOW, 40 - 2 * wire.WINDOW]
    assert sock.sent == list(range(1, 41))
    c._next_id = 0xFFFF
    sock.sent.clear()
    assert c.publish([("t/a", "x", True), ("t/b", "x", True)], WAIT_S) == 2
    assert sock.sent == [0xFFFF, 1]  # the id wraps past 0


def test_a_payload_that_is_not_text_is_a_refusal_not_a_traceback() -> None:
    c = Connection(Recorder(), Broker())  # type: ignore[arg-type]
    with pytest.raises(UserError, match="cannot publish on t/x: .*surrogates not allowed"):
        c.publish([("t/x", "\udc80", True)], WAIT_S)
