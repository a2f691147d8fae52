"""``prehab serve``: the terminal app in a browser, behind a per-run token and an Origin check.

textual-serve alone answers anyone who reaches the port, and its websocket (``/ws``) takes
keys and returns the screen for any Origin: a web page open in the same browser could drive
the app and read the history. Two locks, both on every request (an aiohttp middleware on the
application textual-serve builds):

* **Token.** A secret made per run (``secrets.token_urlsafe``; or ``--token`` /
  ``PREHAB_SERVE_TOKEN``) is required on every request, as ``?token=...`` (the URL printed at
  start, like Jupyter's), ``Authorization: token ...``, or the cookie set when the page is first
  loaded with a good token. The cookie is HttpOnly and SameSite=Strict, so the page's own
  websocket request carries it and no other site's request does.
* **Origin.** The websocket handshake and any request that could change something (not GET or
  HEAD) must come from the served origin: ``http://HOST:PORT`` (for a loopback host also its
  other loopback names), the ``--public-url``'s origin, and for a wildcard bind (0.0.0.0, ::)
  the origin the browser itself addressed (its Host header). Anything else is 403. A request
  without an Origin header (not a browser) still needs the token.

The token is compared in constant time and never written to the access log.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import logging
import re
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from prehab.record import Record, field

if TYPE_CHECKING:
    from aiohttp import web

TOKEN_ENV = "PREHAB_SERVE_TOKEN"
TOKEN_CHARS = re.compile(r"^[A-Za-z0-9._~-]+$")
SHORT_TOKEN = 16
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

Origin = tuple[str, str, int]
"""(scheme, host, port): scheme lower case, host lower case without brackets, port explicit."""


class ServeError(Exception):
    """A value ``prehab serve`` cannot use; the message says what to give instead."""


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_port(text: str | int) -> int:
    try:
        port = int(str(text).strip())
    except ValueError:
        raise ServeError(
            f"--port {text!r} is not a port number; give a whole number from 1 to 65535"
        ) from None
    if not 1 <= port <= 65535:
        raise ServeError(f"--port {port} is out of range; give a whole number from 1 to 65535")
    return port


def check_token(token: str) -> str:
    """A token given with --token or PREHAB_SERVE_TOKEN, checked: it has to go in a URL."""
    token = token.strip()
    if not token:
        raise ServeError(f"the token is empty; give one with --token or {TOKEN_ENV}, or leave both unset")
    if not TOKEN_CHARS.match(token):
        raise ServeError(
            "the token may hold only letters, digits and . _ ~ - (it goes in a URL); "
            "or leave --token unset for a random one"
        )
    return token


def new_token() -> str:
    return secrets.token_urlsafe(24)


def host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def default_public_url(host: str, port: int) -> str:
    return f"http://{host_in_url(host)}:{port}"


def parse_origin(url: str) -> Origin | None:
    """The origin of a URL or an Origin header; None when it is not a usable http(s) origin."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number or out of range
        return None
    if scheme not in ("http", "https") or not host or port is None:
        return None
    return scheme, host, port


def allowed_origins(host: str, port: int, public_url: str | None) -> set[Origin]:
    """The origins the websocket accepts (besides the Host-header rule of wildcard binds)."""
    names = [host.lower().strip("[]")]
    if is_loopback(host):
        names += ["127.0.0.1", "localhost", "::1"]
    found = {("http", name, port) for name in names if name not in WILDCARD_HOSTS}
    if public_url:
        origin = parse_origin(public_url)
        if origin is not None:
            found.add(origin)
    return found


def resolve(host: str, port: int) -> list[tuple[int, Any]]:
    """(family, socket address) for each address ``host`` binds to; ServeError if none."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise ServeError(
            f"--host {host!r} cannot be resolved ({reason}); "
            "give 127.0.0.1 (this machine only) or 0.0.0.0 (every network)"
        ) from None
    return [(family, address) for family, _, _, _, address in infos]


def check_free(host: str, port: int) -> None:
    """Bind each address of ``host`` the way the server will (SO_REUSEADDR, v6-only), then let
    go: a port in use or an address that is not this machine's is a ServeError now, not a
    traceback from inside the server."""
    for family, address in resolve(host, port):
        probe = socket.socket(family, socket.SOCK_STREAM)
        try:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            probe.bind(address)
        except OSError as exc:
            raise bind_error(exc, host, port) from None
        finally:
            probe.close()


def bind_error(exc: OSError, host: str, port: int) -> ServeError:
    where = f"{host_in_url(host)}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return ServeError(f"port {port} is in use on {host} (another prehab serve?); choose another --port")
    if exc.errno == errno.EACCES:
        return ServeError(f"no permission to listen on {where}; ports below 1024 need root, use --port 8000")
    if exc.errno == errno.EADDRNOTAVAIL:
        return ServeError(f"--host {host} is not an address of this machine; give 127.0.0.1 or 0.0.0.0")
    return ServeError(f"cannot listen on {where}: {exc.strerror or exc}")


class Guard(Record):
    """The token and Origin checks for one served app (see the module docstring)."""

    token: str
    host: str
    port: int
    public_url: str
    public_url_given: bool = False
    origins: set[Origin] = field(default_factory=set)
    cookie: str = ""
    secure_cookie: bool = False
    served: Origin | None = None
    """The last four are worked out from the first four (``__post_init__``)."""

    def __post_init__(self) -> None:
        self.origins = allowed_origins(self.host, self.port, self.public_url)
        self.cookie = f"prehab-serve-{self.port}"
        self.secure_cookie = self.public_url.lower().startswith("https:")
        self.served = parse_origin(self.public_url)

    def url(self) -> str:
        """The address to open: the public URL with the token."""
        return f"{self.public_url.rstrip('/')}/?token={self.token}"

    def origin_ok(self, origin: str, host_header: str | None) -> bool:
        found = parse_origin(origin)
        if found is None:
            return False  # "null" (sandboxed frames, file: pages) and other non-web origins
        if found in self.origins:
            return True
        if self.host in WILDCARD_HOSTS and host_header:
            addressed = parse_origin(f"{found[0]}://{host_header}")
            return addressed == found
        return False

    def token_ok(self, supplied: str | None) -> bool:
        return supplied is not None and hmac.compare_digest(supplied.encode(), self.token.encode())

    @property
    def cookie_value(self) -> str:
        """What the cookie holds: derived from the token, never the token. Cookies ignore ports,
        so every other service on this host name receives it; what they get opens nothing but
        this run of prehab serve (and is not the URL's token)."""
        return hmac.new(
            self.token.encode(), f"prehab-serve-cookie:{self.port}".encode(), "sha256"
        ).hexdigest()

    def cookie_ok(self, supplied: str | None) -> bool:
        return supplied is not None and hmac.compare_digest(supplied.encode(), self.cookie_value.encode())

    def allowed(self, request: web.Request) -> tuple[bool, bool]:
        """(the request carries this run's token or cookie, the token came in the URL)."""
        in_url = request.query.get("token")
        if in_url is not None:
            return self.token_ok(in_url), True
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "token" and value:
            return self.token_ok(value.strip()), False
        return self.cookie_ok(request.cookies.get(self.cookie)), False

    def middleware(self) -> Callable[..., Awaitable[web.StreamResponse]]:
        from aiohttp import web

        @web.middleware
        async def guard(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            websocket = request.headers.get("Upgrade", "").lower() == "websocket"
            origin = request.headers.get("Origin")
            checked = websocket or request.method not in SAFE_METHODS
            if checked and origin is not None and not self.origin_ok(origin, request.headers.get("Host")):
                return web.Response(status=403, text="prehab serve: requests from other sites are refused\n")
            ok, in_url = self.allowed(request)
            if not ok:
                return web.Response(
                    status=403,
                    text="prehab serve: open the URL printed by `prehab serve` (it ends in ?token=...)\n",
                    headers=HEADERS,
                )
            if in_url and request.method == "GET" and not websocket and request.path == "/":
                moved = self._moved(request)
                if moved is not None:
                    raise web.HTTPTemporaryRedirect(moved)
            response = await handler(request)
            if not response.prepared:
                response.headers.update(HEADERS)
                if request.path == "/" and isinstance(response, web.Response) and response.text:
                    response.text = own_page(response.text)
            if in_url and not response.prepared:
                response.set_cookie(
                    self.cookie,
                    self.cookie_value,
                    httponly=True,
                    samesite="Strict",
                    secure=self.secure_cookie,
                    path="/",
                )
            return response

        return guard

    def _moved(self, request: web.Request) -> str | None:
        """For the default loopback URL, the page asked for under another name of this machine
        (localhost for 127.0.0.1): the same page at the served name, where the websocket goes
        and where the cookie must be set."""
        if self.public_url_given or not is_loopback(self.host) or self.served is None:
            return None
        asked = parse_origin(f"http://{request.headers.get('Host', '')}")
        if asked is None or asked == self.served or asked[2] != self.port or not is_loopback(asked[1]):
            return None  # a tunnel or proxy on another port: --public-url is the way to say so
        return f"{self.public_url.rstrip('/')}{request.path_qs}"


HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}
"""On every response: the token in the URL never leaves in a Referer header."""

_WEB_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)


def own_page(html: str) -> str:
    """textual-serve's page as prehab serves it: no third-party request (it loads a web font
    from Google, which fails offline and tells a third party that a health app was opened: the
    browser's own monospace font is used instead) and a title."""
    html = _WEB_FONT.sub("", html)
    if "<title>" not in html:
        html = html.replace("<head>", "<head>\n    <title>prehab</title>", 1)
    return html


class OneLine(logging.Filter):
    """Every log line of the server on one line: an error handling a request (a request line
    over 8 KB, a malformed websocket message) is its name and message, never a traceback with
    local variables, whoever sent it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {str(error)[:200]}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def make_server(command: str, guard: Guard) -> Any:
    """A textual-serve Server running ``command`` per browser session, behind ``guard``."""
    import asyncio
    import signal

    from aiohttp import web
    from aiohttp.abc import AbstractAccessLogger
    from textual_serve.server import Server

    class AccessLog(AbstractAccessLogger):
        """Method, path and status: never the query, where the token travels."""

        def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
            self.logger.info("%s %s %s", request.method, request.path, response.status)

    class GuardedServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(guard.middleware())
            return app

        def initialize_logging(self) -> None:
            """Plain one-line logging (textual-serve's shows tracebacks with their locals)."""
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            handler.addFilter(OneLine())
            logging.basicConfig(level="DEBUG" if self.debug else "INFO", handlers=[handler], force=True)

        async def on_startup(self, app: web.Application) -> None:
            """textual-serve prints its logo and a URL without the token here; prehab printed
            its own line (with the token) already."""

        def serve(self, debug: bool = False) -> None:
            """textual-serve's serve(), with the token kept out of the access log and a
            short shutdown (open websockets do not hold ctrl+c for a minute)."""
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            except NotImplementedError:  # pragma: no cover - Windows
                pass
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=lambda *args: None,
                access_log_class=AccessLog,
                shutdown_timeout=3.0,
            )

    return GuardedServer(
        command, host=guard.host, port=guard.port, public_url=guard.public_url, title="prehab"
    )
