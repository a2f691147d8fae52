"""``prehab`` (no command) and ``prehab tui`` start the terminal app; ``prehab serve`` serves
it to a browser with textual-serve.

Textual is imported only inside the handlers, so registering these commands costs nothing
for ``prehab recommend --json``. ``serve`` binds to localhost by default: the app shows
health notes and edits files, so exposing it to a network is a choice to make knowingly.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import date
from typing import Any

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def register(sub: Any) -> None:
    tui = sub.add_parser(
        "tui",
        help="the terminal app (also what plain `prehab` starts)",
        description="Start the terminal app. Keys: 1-6 screens, ctrl+p commands, F1 help, q quit.",
    )
    _app_options(tui)
    tui.set_defaults(handler=run_app)

    serve = sub.add_parser(
        "serve",
        help="serve the app to a web browser (textual-serve), on localhost by default",
        description="Serve the terminal app in a browser. Binds to 127.0.0.1 unless --host says "
        "otherwise; anyone who can reach the port can use the app and read your history.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--public-url", help="the URL the browser uses, when behind a reverse proxy (e.g. https://...)"
    )
    _app_options(serve)
    serve.set_defaults(handler=run_serve)


def _app_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-mouse", action="store_true", help="ignore the mouse (keyboard only)")
    parser.add_argument("--date", type=date.fromisoformat, help="pretend today is this day (YYYY-MM-DD)")


def run_app(args: argparse.Namespace) -> int:
    """Start the terminal app (the default when ``prehab`` gets no command)."""
    from prehab.store import StoreError

    try:
        from prehab.tui.app import run
    except ImportError as exc:  # pragma: no cover - textual is a dependency
        print(f"error: the terminal app needs Textual ({exc}); pip install textual", file=sys.stderr)
        return 1
    try:
        return run(mouse=not getattr(args, "no_mouse", False), today=getattr(args, "date", None))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def serve_command(args: argparse.Namespace) -> str:
    """The command textual-serve runs for each browser session (same dirs and options)."""
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
    from textual_serve.server import Server

    if args.host not in LOCAL_HOSTS:
        print(
            f"warning: serving on {args.host}: anyone who can reach port {args.port} can use the app and "
            "read your training history. Prefer 127.0.0.1 behind an SSH tunnel or an authenticating "
            "reverse proxy.",
            file=sys.stderr,
        )
    server = Server(serve_command(args), host=args.host, port=args.port, public_url=args.public_url)
    print(f"serving prehab on http://{args.host}:{args.port} (ctrl+c to stop)", file=sys.stderr)
    server.serve()
    return 0
