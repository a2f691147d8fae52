"""``prehab`` (no command) and ``prehab tui`` start the terminal app; ``prehab serve`` serves
it to a browser with textual-serve.

Textual is imported only inside the handlers, so registering these commands costs nothing
for ``prehab recommend --json``. ``serve`` binds to localhost by default: the app shows
health notes and edits files, so exposing it to a network is a choice to make knowingly.
Whatever the host, every request needs the per-run token and the websocket the served
Origin (``prehab.web.serve``); a bad --port or --host, or a port in use, is one ``prehab: error:`` line.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from prehab.commands.base import USAGE_ERROR, error_line


def register(sub: Any) -> None:
    tui = sub.add_parser(
        "tui",
        help="the terminal app (also what plain `prehab` starts)",
        description="Start the terminal app. Keys: 1-7 screens (Today, Week, Check-in, Sessions, "
        "Trends, Rules, Settings), ctrl+p commands, F1 help, q quit.",
    )
    _app_options(tui)
    tui.set_defaults(handler=run_app)

    serve = sub.add_parser(
        "serve",
        help="serve the app to a web browser (textual-serve), on localhost by default",
        description="Serve the terminal app in a browser. Binds to 127.0.0.1 unless --host says "
        "otherwise. Every request needs the secret token in the URL printed at start (a new one "
        "each run), and the browser's websocket must come from that address (its Origin).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", default=8000, help="port, 1-65535 (default 8000)")
    serve.add_argument(
        "--public-url", help="the URL the browser uses, when behind a reverse proxy (e.g. https://...)"
    )
    serve.add_argument(
        "--token",
        help="the access token (letters, digits, . _ ~ -) instead of a random one "
        "(env PREHAB_SERVE_TOKEN, which `ps` does not show)",
    )
    _app_options(serve)
    serve.set_defaults(handler=run_serve)


def _app_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-mouse", action="store_true", help="ignore the mouse (keyboard only)")
    from prehab.commands.common import day_arg

    parser.add_argument("--date", type=day_arg, help="pretend today is this day (YYYY-MM-DD)")


def run_app(args: argparse.Namespace) -> int:
    """Start the terminal app (the default when ``prehab`` gets no command)."""
    from prehab.store import StoreError

    try:
        from prehab.tui.app import run
    except ImportError as exc:  # pragma: no cover - textual is a dependency
        print(error_line(f"the terminal app needs Textual ({exc}); pip install textual"), file=sys.stderr)
        return 1
    try:
        return run(mouse=not getattr(args, "no_mouse", False), today=getattr(args, "date", None))
    except StoreError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return USAGE_ERROR


def serve_command(args: argparse.Namespace) -> str:
    """The command textual-serve runs for each browser session (same dirs and options)."""
    import shlex

    parts = [sys.executable, "-m", "prehab"]
    if getattr(args, "data_dir", None):
        parts += ["--data-dir", args.data_dir]
    if getattr(args, "config_dir", None):
        parts += ["--config-dir", args.config_dir]
    parts.append("tui")
    if getattr(args, "no_mouse", False):
        parts.append("--no-mouse")
    if getattr(args, "date", None):
        parts += ["--date", args.date.isoformat()]
    return shlex.join(parts)


def run_serve(args: argparse.Namespace) -> int:
    """Check the address and port, make the token, print the URL, serve until ctrl+c."""
    from prehab.collector import release
    from prehab.web.serve import (
        SHORT_TOKEN,
        TOKEN_ENV,
        WILDCARD_HOSTS,
        Guard,
        ServeError,
        bind_error,
        check_free,
        check_token,
        default_public_url,
        is_loopback,
        make_server,
        new_token,
        parse_origin,
        parse_port,
    )

    host = str(args.host).strip()
    from_env = os.environ.pop(TOKEN_ENV, None)  # not passed on to the app each session runs
    given = args.token if args.token is not None else from_env
    try:
        port = parse_port(args.port)
        if args.public_url and parse_origin(args.public_url) is None:
            raise ServeError(
                f"--public-url {args.public_url!r} is not an http(s) URL; e.g. https://example.org"
            )
        token = check_token(given) if given is not None else new_token()
        check_free(host, port)
    except ServeError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return USAGE_ERROR
    guard = Guard(
        token,
        host,
        port,
        args.public_url or default_public_url(host, port),
        public_url_given=bool(args.public_url),
    )
    if not is_loopback(host):
        print(
            f"warning: serving on {host}: anyone who can reach port {port} and has the token can use the "
            "app and read your training history, and over plain http the token crosses the network "
            "unencrypted. Prefer 127.0.0.1 with an SSH tunnel, or an HTTPS reverse proxy (--public-url). "
            "The token is required either way.",
            file=sys.stderr,
        )
        if host in WILDCARD_HOSTS and not args.public_url:
            print(
                f"warning: give --public-url http://THIS-MACHINE:{port} so browsers on other machines "
                "reach the app's websocket",
                file=sys.stderr,
            )
    if given is not None and len(token) < SHORT_TOKEN:
        print(f"warning: the token is short ({len(token)} characters); 16 or more is safer", file=sys.stderr)
    print(
        "serving prehab; open this URL in your browser (it holds this run's secret token; "
        f"ctrl+c to stop):\n\n    {guard.url()}\n",
        file=sys.stderr,
        flush=True,
    )
    server = make_server(serve_command(args), guard)
    release()  # a server runs on: collect garbage as usual (prehab.collector)
    try:
        server.serve()
    except OSError as exc:  # lost the port between the check and the bind
        print(error_line(str(bind_error(exc, host, port))), file=sys.stderr)
        return USAGE_ERROR
    return 0
