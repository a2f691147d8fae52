"""``prehab ha``: prehab's advice on a Home Assistant dashboard, through MQTT discovery.

``publish`` once (cron, a systemd timer), ``run`` to stay connected and follow every change,
``remove`` to take the entities away. The broker is in the settings (mqtt_host, mqtt_port,
mqtt_tls, mqtt_username, mqtt_password_file; ha_name when several runners share a broker).
Only ``run`` imports paho; ``publish`` and ``remove`` speak MQTT themselves
(``prehab.integrations.ha.wire``). See docs/home-assistant.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    ha = sub.add_parser(
        "ha",
        help="Home Assistant: publish today's advice and load over MQTT discovery",
        description="Publish today's advice, load metrics and a check-in command to the MQTT "
        "broker Home Assistant uses; its MQTT discovery creates the entities. The broker is in "
        "your settings: prehab settings set mqtt_host HOST (and mqtt_port, mqtt_tls, "
        "mqtt_username, mqtt_password_file). See docs/home-assistant.md.",
    )
    ha.add_argument(
        "--discovery-prefix",
        default="homeassistant",
        metavar="PREFIX",
        help="Home Assistant's discovery prefix (default: homeassistant)",
    )
    ha.add_argument("-v", "--verbose", action="store_true", help="log every publish and message")
    hsub = ha.add_subparsers(dest="ha_command", metavar="ACTION", required=True)
    pub = hsub.add_parser("publish", help="publish everything once and exit (for cron or a timer)")
    pub.set_defaults(handler=cmd_publish)
    run = hsub.add_parser(
        "run",
        help="stay connected: republish on every change, take check-ins and the button",
        description="Stay connected to the broker: republish when the history, a check-in, the "
        "settings or the rules change and after midnight; store check-ins and 'mark today done' "
        "sent from Home Assistant. Reconnects with back-off; Home Assistant shows the entities "
        "unavailable while prehab is stopped. Stop with ctrl+c or SIGTERM.",
    )
    run.add_argument(
        "--poll", type=float, default=0.5, metavar="SECONDS", help="how often to look for changes (0.1-10)"
    )
    run.set_defaults(handler=cmd_run)
    rm = hsub.add_parser("remove", help="clear the retained discovery and states: the entities go away")
    rm.set_defaults(handler=cmd_remove)


def _setup(args: argparse.Namespace, quiet: bool = False) -> None:
    """Log to stderr: what ``run`` does (INFO); only warnings for the one-shot commands."""
    import logging

    level = logging.DEBUG if args.verbose else (logging.WARNING if quiet else logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=level, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("prehab.ha").setLevel(level)


def _topics(args: argparse.Namespace, name: str) -> Any:
    from prehab.integrations.ha.topics import Topics
    from prehab.model import UserError

    try:
        return Topics(name, args.discovery_prefix)
    except ValueError as exc:
        fix = "letters, digits, - and _ in /-separated parts, e.g. homeassistant"
        raise UserError(f"{exc} ({fix})") from None


def _settings_and_topics(args: argparse.Namespace) -> tuple[Any, Any]:
    """The settings, read now (their problems printed), and this runner's topics: where a
    one-shot command sends, never taken from a cache."""
    from prehab.commands.common import print_problems
    from prehab.settings import load_settings

    settings, problems = load_settings()
    print_problems(problems)
    return settings, _topics(args, settings.ha_name)


def _source(args: argparse.Namespace) -> Any:
    from prehab.commands.common import print_problems
    from prehab.integrations.ha.source import Source

    source = Source.open()
    print_problems(source.problems)
    return source


def cmd_publish(args: argparse.Namespace) -> int:
    """Send today's messages once. A day unchanged since the last publish is sent again as it
    was kept (``prehab.integrations.ha.publish``): neither the rules nor paho are imported. The
    broker, its password and the topics come from the settings every time."""
    _setup(args, quiet=True)
    from prehab.integrations.ha import publish
    from prehab.integrations.ha.announce import Announcements
    from prehab.integrations.ha.broker import broker_from_settings
    from prehab.integrations.ha.lock import BridgeLock
    from prehab.model import UserError
    from prehab.paths import database_file

    settings, topics = _settings_and_topics(args)
    sent, found = publish.recall(topics)
    if sent is not None:
        sys.stderr.write(sent.stderr)
    else:
        sent = _read_day(topics, found)
    broker = broker_from_settings(settings)
    lock = BridgeLock(database_file())
    try:
        lock.__enter__()
        announcements: Announcements | None = Announcements.beside(database_file())
    except UserError:  # ha run serves this history: it announces the new referrals
        announcements = None
    try:
        count = publish.send(sent, broker, topics, announcements)
    finally:
        lock.__exit__(None, None, None)
    print(f"published {count} messages to {broker} for device {topics.device_id} ({topics.base}/...)")
    return 0


def _read_day(topics: Any, found: Any) -> Any:
    """Today's messages from the day service (``found``: what the quick read found the day
    depends on), kept beside the day's read for the next publish."""
    import io

    from prehab.commands.common import print_problems
    from prehab.integrations.ha.publish import Sent, memo_name, retained_messages
    from prehab.integrations.ha.source import Source

    source = Source.once(found)
    try:
        errors = io.StringIO()
        print_problems(source.service.problems, errors)  # the settings' are printed already
        sys.stderr.write(errors.getvalue())
        sent = Sent(source.clock(), retained_messages(source, topics), source.referrals(), errors.getvalue())
        source.service.keep_beside(memo_name(topics.discovery_prefix), sent)
        return sent
    finally:
        source.close()


def cmd_run(args: argparse.Namespace) -> int:
    _setup(args)
    import signal

    from prehab.collector import release
    from prehab.integrations.ha.bridge import Runner
    from prehab.integrations.ha.broker import broker_from_settings
    from prehab.model import UserError

    if not 0.1 <= args.poll <= 10:
        raise UserError(f"--poll {args.poll:g} is out of range (give seconds from 0.1 to 10)")
    from prehab.integrations.ha.lock import BridgeLock

    source = _source(args)
    try:
        lock = BridgeLock(source.store.path).__enter__()
    except UserError:
        source.close()
        raise
    try:
        topics = _topics(args, source.settings.ha_name)
        runner = Runner(source, broker_from_settings(source.settings), topics, poll_s=args.poll)
        signal.signal(signal.SIGTERM, lambda *_: runner.stop())
        import logging

        logging.getLogger("prehab.ha").info(
            "prehab ha run: device %s on %s (%s/...); ctrl+c to stop",
            topics.device_id,
            runner.broker,
            topics.base,
        )
        release()  # the bridge runs on: collect garbage as usual (prehab.collector)
        try:
            runner.run()
        except KeyboardInterrupt:
            runner.stop()
    finally:
        lock.__exit__(None, None, None)
        source.close()
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    _setup(args, quiet=True)
    from prehab.integrations.ha.broker import broker_from_settings
    from prehab.integrations.ha.publish import remove

    settings, topics = _settings_and_topics(args)
    broker = broker_from_settings(settings)
    count = remove(broker, topics)
    print(f"cleared {count} retained topics on {broker}: Home Assistant removes device {topics.device_id}")
    return 0
