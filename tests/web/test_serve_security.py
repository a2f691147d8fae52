"""``prehab serve`` (issue 9, item 1): a per-run token on every request, the Origin checked on
the websocket, and one-line errors for a bad --port/--host or a port in use.

One real server runs in a subprocess on a free loopback port for the whole module (started
once, always stopped); aiohttp's client plays the browser and the hostile page.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from prehab.cli import main
from prehab.web.serve import Guard, ServeError, allowed_origins, check_token, parse_origin, parse_port

TOKEN = "test-token-0123456789abcdef"
START_SECONDS = 30
TIMEOUT = aiohttp.ClientTimeout(total=15)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.base


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("serve")
    port = free_port()
    log = root / "serve.log"
    env = dict(os.environ, PREHAB_SERVE_TOKEN=TOKEN, PREHAB_CONFIG_DIR=str(root / "config"))
    command = [sys.executable, "-m", "prehab", "--data-dir", str(root / "data"), "serve", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"no server after {START_SECONDS} s: {log.read_text()}"
                time.sleep(0.1)
        yield Served(port, log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and any app it started
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def status(url: str, **kwargs: Any) -> int:
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.request(kwargs.pop("method", "GET"), url, allow_redirects=False, **kwargs) as response,
    ):
        return response.status


async def ws_status(url: str, **headers: str) -> int:
    """101 once the websocket is open (then a ping answered by the server), else the refusal."""
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        try:
            async with session.ws_connect(url, headers=headers) as ws:
                await ws.send_json(["ping", "hello"])
                reply = await ws.receive_json(timeout=15)
                assert reply == ["pong", "hello"]
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


# -- the real server --------------------------------------------------------------------------


def test_start_message_prints_the_url_with_the_token(served: Served) -> None:
    text = served.log.read_text()
    assert f"http://127.0.0.1:{served.port}/?token={TOKEN}" in text
    assert "Traceback" not in text


def test_page_needs_the_token(served: Served) -> None:
    assert run(status(f"{served.base}/")) == 403
    assert run(status(f"{served.base}/?token=wrong")) == 403
    assert run(status(f"{served.base}/static/js/textual.js")) == 403
    assert run(status(f"{served.base}/", headers={"Authorization": f"token {TOKEN}"})) == 200


def test_good_token_serves_the_page_and_sets_a_strict_cookie(served: Served) -> None:
    async def go() -> tuple[int, str, str]:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.get(f"{served.base}/?token={TOKEN}") as page,
        ):
            body = await page.text()
            return page.status, page.headers.get("Set-Cookie", ""), body

    code, cookie, body = run(go())
    assert code == 200
    assert f"prehab-serve-{served.port}={cookie_value(served.port)}" in cookie and TOKEN not in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in body
    # no third-party request (a web font from Google), a title, and the splash names prehab, not
    # the interpreter that runs it
    assert "googleapis" not in body and "<title>prehab</title>" in body
    assert sys.executable not in body and ">prehab</div>" in body


def cookie_value(port: int) -> str:
    from prehab.web.serve import Guard

    return Guard(TOKEN, "127.0.0.1", port, f"http://127.0.0.1:{port}").cookie_value


def test_every_answer_says_no_referrer(served: Served) -> None:
    async def go(url: str) -> str:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session, session.get(url) as page:
            return page.headers.get("Referrer-Policy", "")

    assert run(go(f"{served.base}/?token={TOKEN}")) == "no-referrer"
    assert run(go(f"{served.base}/")) == "no-referrer"  # the refusal too


def test_a_hostile_request_is_one_log_line_without_a_traceback(served: Served) -> None:
    """A request line or header over 8 KB, from anyone who can reach the port (before any token
    check), and a websocket message that is not what the page sends: one line each."""
    for head in (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n"):  # fmt: skip
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as raw:
            raw.sendall(head)
            assert raw.recv(200).startswith(b"HTTP/1.")  # answered (400 or 431), still serving

    async def bad_messages() -> None:
        ws = f"ws://127.0.0.1:{served.port}/ws?token={TOKEN}"
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.ws_connect(ws, headers={"Origin": served.origin}) as socket_,
        ):
            await socket_.send_str("{not json")
            await socket_.send_str('["stdin"]')
            await socket_.send_bytes(b"\xff\xfe")
            await socket_.close()

    run(bad_messages())
    assert run(status(f"{served.base}/?token={TOKEN}")) == 200  # still serving
    text = served.log.read_text(errors="replace")
    assert "Traceback" not in text and "locals" not in text.lower()


def test_websocket_needs_the_token_and_the_served_origin(served: Served) -> None:
    ws = f"ws://127.0.0.1:{served.port}/ws"
    cookie = f"prehab-serve-{served.port}={cookie_value(served.port)}"
    assert run(ws_status(ws, Origin=served.origin)) == 403  # no token
    assert run(ws_status(ws, Origin=served.origin, Cookie=f"prehab-serve-{served.port}=wrong")) == 403
    for evil in ("http://evil.example", f"http://127.0.0.1:{served.port + 1}", "null", "https://127.0.0.1"):
        assert run(ws_status(ws, Origin=evil, Cookie=cookie)) == 403, evil
    assert run(ws_status(ws, Origin=f"http://localhost:{served.port}", Cookie=cookie)) == 101
    assert run(ws_status(ws, Origin=served.origin, Cookie=cookie)) == 101
    assert run(ws_status(ws, Origin=served.origin, Cookie=f"prehab-serve-{served.port}={TOKEN}")) == 403
    assert run(ws_status(f"{ws}?token={TOKEN}", Origin=served.origin)) == 101


def test_other_methods_need_the_served_origin(served: Served) -> None:
    url = f"{served.base}/?token={TOKEN}"
    assert run(status(url, method="POST", headers={"Origin": "http://evil.example"})) == 403
    assert run(status(url, method="POST", headers={"Origin": served.origin})) == 405  # allowed, no route


def test_the_token_is_never_logged(served: Served) -> None:
    run(status(f"{served.base}/?token={TOKEN}"))
    assert served.log.read_text().count(TOKEN) == 1  # the start message only, not the access log


def test_localhost_is_sent_to_the_served_name(served: Served) -> None:
    """The page's websocket and cookie live at 127.0.0.1: localhost:PORT redirects there."""
    assert run(status(f"http://localhost:{served.port}/?token={TOKEN}")) == 307
    assert run(status(f"http://localhost:{served.port}/")) == 403


# -- one-line errors, no server started ------------------------------------------------------


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("the server should not start")

    monkeypatch.setattr("prehab.web.serve.make_server", refuse)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--port", "abc"], "is not a port number"),
        (["--port", "0"], "out of range"),
        (["--port", "65536"], "out of range"),
        (["--port", "-1"], "out of range"),
        (["--host", "no-such-host.invalid"], "cannot be resolved"),
        (["--host", "192.0.2.1"], "not an address of this machine"),
        (["--token", "two words"], "the token may hold only"),
        (["--token", " "], "the token is empty"),
        (["--public-url", "javascript:alert(1)"], "not an http(s) URL"),
    ],
)
def test_bad_values_are_one_line_errors(
    argv: list[str], says: str, no_server: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *argv]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("prehab: error: ") and says in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_port_in_use_is_a_one_line_error(no_server: None, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"prehab: error: port {port} is in use on 127.0.0.1 (another prehab serve?); choose another --port\n"
    )


def test_non_loopback_host_still_requires_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[Guard] = []

    class Dummy:
        def serve(self) -> None:
            pass

    def fake(command: str, guard: Guard) -> Dummy:
        started.append(guard)
        return Dummy()

    monkeypatch.setattr("prehab.web.serve.make_server", fake)
    monkeypatch.delenv("PREHAB_SERVE_TOKEN", raising=False)
    port = free_port()
    assert main(["serve", "--host", "0.0.0.0", "--port", str(port)]) == 0
    err = capsys.readouterr().err
    [guard] = started
    assert "The token is required either way" in err and "--public-url" in err
    assert f"http://0.0.0.0:{port}/?token={guard.token}" in err
    assert len(guard.token) >= 32  # secrets.token_urlsafe(24)


def test_token_from_the_environment_is_not_passed_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    class Dummy:
        def serve(self) -> None:
            pass

    def fake(command: str, guard: Guard) -> Dummy:
        seen.append(guard.token)
        return Dummy()

    monkeypatch.setattr("prehab.web.serve.make_server", fake)
    monkeypatch.setenv("PREHAB_SERVE_TOKEN", "short")
    assert main(["serve", "--port", str(free_port())]) == 0
    assert seen == ["short"]
    assert "PREHAB_SERVE_TOKEN" not in os.environ  # the app each browser tab runs never sees it
    assert "the token is short" in capsys.readouterr().err


# -- the pieces -------------------------------------------------------------------------------


def test_origin_rules() -> None:
    assert parse_origin("http://LocalHost:8000") == ("http", "localhost", 8000)
    assert parse_origin("https://example.org/prehab") == ("https", "example.org", 443)
    assert parse_origin("http://[::1]:8000") == ("http", "::1", 8000)
    assert parse_origin("null") is None and parse_origin("http://x:99999") is None
    assert allowed_origins("127.0.0.1", 8000, None) == {
        ("http", "127.0.0.1", 8000),
        ("http", "localhost", 8000),
        ("http", "::1", 8000),
    }
    assert ("https", "example.org", 443) in allowed_origins("127.0.0.1", 8000, "https://example.org/")
    wild = Guard("t" * 20, "0.0.0.0", 8000, "http://0.0.0.0:8000")
    assert wild.origin_ok("http://192.168.1.5:8000", "192.168.1.5:8000")  # the address it was reached at
    assert not wild.origin_ok("http://evil.example:8000", "192.168.1.5:8000")
    local = Guard("t" * 20, "127.0.0.1", 8000, "http://127.0.0.1:8000")
    assert not local.origin_ok("http://evil.example:8000", "evil.example:8000")  # DNS rebinding
    assert local.token_ok("t" * 20) and not local.token_ok("t" * 19) and not local.token_ok(None)


def test_value_checks() -> None:
    assert parse_port(" 8080 ") == 8080
    with pytest.raises(ServeError):
        parse_port("8080.5")
    assert check_token(" abc-DEF_1.2~ ") == "abc-DEF_1.2~"
