"""prehab on a real Home Assistant core, by hand (not in CI): the MQTT entities, the prehab
integration (to-do list, calendar, check-in action, referral event) and the docs' dashboard in a
real browser.

    python3.13 -m venv /tmp/havenv && /tmp/havenv/bin/pip install homeassistant==2025.4.4
    .venv/bin/python scripts/ha_check.py --hass /tmp/havenv/bin/hass \
        --browser-python /tmp/pw/bin/python --screenshot docs/ha-dashboard.png

What it does, all on 127.0.0.1, in a fresh folder (kept with --keep):

1. starts an MQTT broker (mosquitto, else amqtt: tests/ha_broker.py) and a prehab history with
   two weeks of runs; copies custom_components/prehab into Home Assistant's configuration, with
   the docs' dashboard as a YAML dashboard and the docs' automation;
2. first start of Home Assistant (it installs what its default integrations need), onboards a
   user through the REST API and adds MQTT through the config-flow API; stops it;
3. starts it again with --skip-pip and runs ``prehab ha publish``: every MQTT entity appears with
   its value, Home Assistant offers prehab (discovered from the bridge's card), and adding it
   makes the to-do list and the calendar;
4. runs ``prehab ha run``: a tick through ``todo.update_item`` reaches prehab's history (timed,
   and shown by ``prehab history --done``), the calendar holds the week, a check-in saved in the
   app reaches Home Assistant, the referral it brings fires the event and the docs' automation
   once, and never again when ``prehab ha run`` restarts or the MQTT integration reloads; the
   ``prehab.check_in`` action answers, the button marks the rest, a bad check-in is refused;
5. (--browser-python) opens the docs' dashboard in Debian's chromium (scripts/ha_dashboard.py):
   the to-do list card shows today's plan; takes the screenshot; ticks an item by clicking it and
   times it until prehab's history has it;
6. stopping prehab makes the entities unavailable, ``prehab ha remove`` removes the MQTT ones,
   and Home Assistant's log has no rejected discovery payload and no error from prehab.

Prints what it checks, the timings and a summary; exit code 0 when everything passed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from ha_broker import free_port, make_broker  # noqa: E402

ENTITIES = [
    "sensor.prehab_today",
    "sensor.prehab_planned_minutes",
    "sensor.prehab_done_today",
    "binary_sensor.prehab_strength_due",
    "binary_sensor.prehab_warning",
    "sensor.prehab_weekly_distance",
    "sensor.prehab_single_run_spike",
    "sensor.prehab_days_since_strength",
    "sensor.prehab_last_check_in",
    "button.prehab_mark_today_done",
    "event.prehab_referral",
]
NATIVE = ["todo.prehab_today", "calendar.prehab"]
PASSWORD = "prehab-check-password"
AUTOMATION_ID = "prehab_see_a_professional"
results: list[tuple[bool, str]] = []


def check(ok: bool, what: str) -> bool:
    results.append((ok, what))
    print(f"{'PASS' if ok else 'FAIL'}  {what}", flush=True)
    return ok


def wait(test: Callable[[], Any], timeout: float, step: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = test()
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            value = None
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


class Hass:
    """One Home Assistant process and its REST API."""

    def __init__(self, hass: Path, config: Path, port: int) -> None:
        self.hass, self.config, self.port = hass, config, port
        self.base = f"http://127.0.0.1:{port}"
        self.token = self.refresh = ""
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, skip_pip: bool, timeout: float) -> bool:
        args = [str(self.hass), "-c", str(self.config)] + (["--skip-pip"] if skip_pip else [])
        out = open(self.config / ("run.out" if skip_pip else "first.out"), "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.config)
        return bool(wait(self.answers, timeout, 0.5))

    def answers(self) -> bool:
        """Whether the HTTP API is up: any answer counts (once onboarded, /api/ wants a token)."""
        try:
            with urllib.request.urlopen(self.base + "/api/", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)

    def request(self, method: str, path: str, body: Any = None, auth: bool = True, form: bool = False) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if auth else {}
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else {}

    def ws(self, command: dict[str, Any]) -> Any:
        """One command over the websocket API (what the frontend uses; some lists have no REST)."""
        import asyncio

        import aiohttp

        async def call() -> Any:
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(self.base + "/api/websocket") as ws,
            ):
                await ws.receive_json()  # auth_required
                await ws.send_json({"type": "auth", "access_token": self.token})
                if (await ws.receive_json()).get("type") != "auth_ok":
                    raise RuntimeError("websocket auth refused")
                await ws.send_json({"id": 1, **command})
                answer = await ws.receive_json()
                if not answer.get("success"):
                    raise RuntimeError(f"websocket {command['type']}: {answer.get('error')}")
                return answer.get("result")

        return asyncio.run(call())

    def onboard(self) -> None:
        client_id = self.base + "/"
        user = {
            "client_id": client_id,
            "name": "Check",
            "username": "check",
            "password": PASSWORD,
            "language": "en",
        }
        code = self.request("POST", "/api/onboarding/users", user, auth=False)["auth_code"]
        form = {"grant_type": "authorization_code", "code": code, "client_id": client_id}
        tokens = self.request("POST", "/auth/token", form, auth=False, form=True)
        self.token, self.refresh = tokens["access_token"], tokens["refresh_token"]

    def add_mqtt(self, broker_port: int) -> dict[str, Any]:
        flow = self.request(
            "POST", "/api/config/config_entries/flow", {"handler": "mqtt", "show_advanced_options": False}
        )
        if flow.get("type") == "menu":
            flow = self.request(
                "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", {"next_step_id": "broker"}
            )
        done: dict[str, Any] = self.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {"broker": "127.0.0.1", "port": broker_port},
        )
        return done

    def states(self) -> dict[str, dict[str, Any]]:
        return {s["entity_id"]: s for s in self.request("GET", "/api/states")}

    def state(self, entity: str) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = self.request("GET", f"/api/states/{entity}")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise
        return found


def automation_state(hass: Hass) -> dict[str, Any] | None:
    """The docs' automation (its entity id comes from its alias)."""
    return next((s for s in hass.states().values() if s["entity_id"].startswith("automation.prehab")), None)


def doc_block(name: str) -> str:
    """The code block after ``<!-- ha:NAME -->`` in docs/home-assistant.md."""
    text = (ROOT / "docs" / "home-assistant.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- ha:{name} -->\n```\w*\n(.*?)\n```", text, re.S)
    assert match, f"docs/home-assistant.md has no ha:{name} block"
    return match.group(1)


def prehab(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prehab", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def start_run(env: dict[str, str]) -> subprocess.Popen[str]:
    """``prehab ha run``, its output appended to ha-run.out in the work folder (--keep keeps it)."""
    out = open(Path(env["PREHAB_DATA_DIR"]).parent / "ha-run.out", "a")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "prehab", "ha", "run", "--poll", "0.5"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )


def bridge_listening(port: int, timeout: float = 30) -> bool:
    """Whether ``ha run`` answers commands yet: a probe tick it refuses (an unknown item) comes
    back on the result topic. Until then a command is lost (it is not retained), so the checks
    that send commands wait for this rather than for the entities, which ``ha publish`` left."""
    import paho.mqtt.client as mqtt

    from prehab.integrations.ha.topics import Topics

    topics = Topics()  # the check's runner has no ha_name
    answered = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"prehab-check-{os.getpid()}")

    def on_message(client: Any, userdata: Any, message: Any) -> None:
        with contextlib.suppress(ValueError):
            if json.loads(message.payload).get("id") == "check-probe":
                answered.set()

    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.subscribe(topics.result, qos=1)
    client.loop_start()
    try:
        deadline = time.monotonic() + timeout
        while not answered.is_set() and time.monotonic() < deadline:
            client.publish(topics.item_command, json.dumps({"item": "probe", "id": "check-probe"}), qos=1)
            answered.wait(0.5)
    finally:
        client.loop_stop()
        client.disconnect()
    return answered.is_set()


def stop_run(run: subprocess.Popen[str]) -> int:
    run.send_signal(signal.SIGTERM)
    return run.wait(timeout=30)


def make_history() -> None:
    from prehab.store import Session, Store

    today = date.today()
    with Store.open() as store:
        for days_ago in (13, 11, 9, 6, 4, 2):
            store.add_session(Session(date=today - timedelta(days=days_ago), kind="easy", distance_km=8))
        store.add_session(Session(date=today - timedelta(days=1), kind="long", distance_km=21))
        store.add_session(Session(date=today - timedelta(days=3), kind="strength", duration_min=30))


def app_checkin() -> float:
    """A body-map check-in saved exactly as the app's Check-in screen saves it; when."""
    from prehab.questionnaire import validate
    from prehab.tui.state import AppState

    app = AppState()
    app.open()
    try:
        screen = app.screens.screens["body-map"]
        answers = {
            "tight_calves": "6",
            "pain_region": "shins",
            "pain_level": "6",
            "pain_bone_tenderness": "yes",
        }
        checked = validate(screen, answers, today=app.today)
        assert checked.ok, checked.errors
        started = time.monotonic()
        app.save({"body-map": checked})
        return started
    finally:
        app.close()


def done_today() -> set[str]:
    from prehab.store import Store

    with Store.open() as store:
        return set(store.done_on(date.today()))


def write_ha_config(folder: Path, port: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "configuration.yaml").write_text(
        "homeassistant:\n  name: prehab check\n  latitude: 52.37\n  longitude: 4.89\n  elevation: 0\n"
        "  unit_system: metric\n  time_zone: UTC\n  country: NL\n  currency: EUR\n"
        f"http:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
        "frontend:\napi:\nconfig:\nonboarding:\n"
        "automation: !include automations.yaml\n"
        "lovelace:\n  dashboards:\n    dashboard-prehab:\n      mode: yaml\n      title: prehab\n"
        "      icon: mdi:run\n      show_in_sidebar: true\n      filename: prehab-dashboard.yaml\n"
        "logger:\n  default: info\n  logs:\n"
        "    homeassistant.components.mqtt.discovery: debug\n"
        "    custom_components.prehab: debug\n",
        encoding="utf-8",
    )
    automation = doc_block("automation")
    indented = "\n".join(("  " + line) if line else line for line in automation.splitlines())
    (folder / "automations.yaml").write_text(f"- id: {AUTOMATION_ID}\n{indented}\n", encoding="utf-8")
    card = "\n".join(("        " + line) if line else line for line in doc_block("dashboard").splitlines())
    (folder / "prehab-dashboard.yaml").write_text(
        f"title: prehab\nviews:\n  - title: Today\n    path: today\n    cards:\n      - {card.lstrip()}\n",
        encoding="utf-8",
    )
    target = folder / "custom_components" / "prehab"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(
        ROOT / "custom_components" / "prehab", target, ignore=shutil.ignore_patterns("__pycache__")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hass", type=Path, default=Path("/tmp/havenv/bin/hass"), help="the hass executable")
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--broker", choices=["mosquitto", "amqtt"], help="default: mosquitto if installed")
    parser.add_argument(
        "--start-timeout", type=float, default=900, help="seconds for Home Assistant to start"
    )
    parser.add_argument("--browser-python", type=Path, help="a Python with Playwright: check the dashboard")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--screenshot", type=Path, default=ROOT / "docs" / "ha-dashboard.png")
    args = parser.parse_args()
    if not args.hass.exists():
        print(f"no Home Assistant at {args.hass}: see this script's docstring", file=sys.stderr)
        return 2
    work = args.dir or Path(tempfile.mkdtemp(prefix="prehab-ha-check-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ, PREHAB_DATA_DIR=str(work / "prehab-data"), PREHAB_CONFIG_DIR=str(work / "prehab-config")
    )
    os.environ.update(PREHAB_DATA_DIR=env["PREHAB_DATA_DIR"], PREHAB_CONFIG_DIR=env["PREHAB_CONFIG_DIR"])
    config = work / "ha-config"
    hass = Hass(args.hass, config, free_port())
    run: subprocess.Popen[str] | None = None
    print(f"work folder: {work}", flush=True)
    try:
        with make_broker(work / "broker", args.broker) as broker:
            print(
                f"broker: {broker.kind} on 127.0.0.1:{broker.port}; Home Assistant on {hass.base}", flush=True
            )
            from prehab.settings import Settings, save_settings

            save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=broker.port))
            make_history()
            write_ha_config(config, hass.port)

            started = time.monotonic()
            if not check(hass.start(skip_pip=False, timeout=args.start_timeout), "first start answers"):
                return 1
            print(f"      first start: {time.monotonic() - started:.1f} s", flush=True)
            hass.onboard()
            check(bool(hass.token), "onboarded a user: /api/onboarding/users -> /auth/token")
            entry = hass.add_mqtt(broker.port)
            check(
                entry.get("type") == "create_entry",
                f"MQTT added through the config flow: {entry.get('type')}",
            )
            hass.stop()
            # the rest of onboarding marked done, or the frontend opens on its "Home location"
            # step (finishing it through the API sets up default integrations that want the
            # network: weather, radio, text-to-speech)
            steps = ["user", "core_config", "analytics", "integration"]
            (config / ".storage" / "onboarding").write_text(
                json.dumps({"version": 4, "minor_version": 1, "key": "onboarding", "data": {"done": steps}}),
                encoding="utf-8",
            )

            started = time.monotonic()
            if not check(
                hass.start(skip_pip=True, timeout=args.start_timeout), "second start with --skip-pip"
            ):
                return 1
            print(f"      start: {time.monotonic() - started:.1f} s", flush=True)
            loaded = wait(
                lambda: any(
                    e["domain"] == "mqtt" and e["state"] == "loaded"
                    for e in hass.request("GET", "/api/config/config_entries/entry")
                ),
                60,
                0.5,
            )
            check(bool(loaded), "MQTT config entry loaded")
            automation = wait(lambda: automation_state(hass), 30, 0.5)
            check(bool(automation), "the automation from docs/home-assistant.md loads")

            # -- MQTT discovery: publish once --------------------------------------------
            out = prehab(env, "ha", "publish")
            check(out.returncode == 0, f"prehab ha publish: {out.stdout.strip() or out.stderr.strip()}")

            def all_available() -> dict[str, dict[str, Any]] | None:
                states = hass.states()
                shown = [states.get(e, {}).get("state") for e in ENTITIES]
                return states if all(v not in (None, "unavailable") for v in shown) else None

            started = time.monotonic()
            found = wait(all_available, 30, 0.1)
            print(
                f"      all {len(ENTITIES)} entities available after {time.monotonic() - started:.2f} s",
                flush=True,
            )
            states = found or hass.states()
            print(f"\n      {'entity':<36} {'state':<38} {'unit':<5} class", flush=True)
            for entity in ENTITIES:
                st = states.get(entity)
                if st is None:
                    check(False, f"{entity} exists")
                    continue
                attrs = st["attributes"]
                print(
                    f"      {entity:<36} {str(st['state'])[:38]:<38} "
                    f"{attrs.get('unit_of_measurement', ''):<5} "
                    f"{attrs.get('device_class', '')}",
                    flush=True,
                )
            print(flush=True)
            unknown_ok = (
                "sensor.prehab_last_check_in",
                "button.prehab_mark_today_done",
                "event.prehab_referral",
            )
            for entity in ENTITIES:
                st = states.get(entity)
                ok = (
                    st is not None
                    and st["state"] != "unavailable"
                    and (st["state"] != "unknown" or entity in unknown_ok)
                )
                check(ok, f"{entity} appears with a value ({st['state'] if st else 'missing'})")
            distance = states.get("sensor.prehab_weekly_distance", {}).get("attributes", {})
            check(
                distance.get("unit_of_measurement") == "km",
                f"the weekly distance is in Home Assistant's unit system, as the docs say "
                f"({distance.get('unit_of_measurement')})",
            )

            # -- the integration: discovered from the bridge's card, added ----------------
            flows = wait(
                lambda: [
                    f for f in hass.ws({"type": "config_entries/flow/progress"}) if f["handler"] == "prehab"
                ],
                20,
                0.2,
            )
            check(
                bool(flows) and flows[0]["context"].get("source") == "mqtt",
                "Home Assistant offers prehab (discovered)",
            )
            if flows:
                done = hass.request("POST", f"/api/config/config_entries/flow/{flows[0]['flow_id']}", {})
            else:
                flow = hass.request("POST", "/api/config/config_entries/flow", {"handler": "prehab"})
                done = hass.request(
                    "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", {"name": ""}
                )
            check(done.get("type") == "create_entry", f"prehab added: {done.get('title')}")
            native = wait(lambda: all(hass.state(e) for e in NATIVE), 30, 0.2)
            check(bool(native), f"the integration makes {', '.join(NATIVE)}")

            # -- ha run: the to-do list, ticks, the calendar -------------------------------
            run = start_run(env)
            check(bridge_listening(broker.port), "prehab ha run answers commands")
            todo = wait(
                lambda: (
                    (hass.state("todo.prehab_today") or {}).get("state")
                    not in (None, "unavailable", "unknown")
                ),
                30,
                0.1,
            )
            check(bool(todo), "todo.prehab_today is available once prehab ha run runs")
            listed = hass.request(
                "POST", "/api/services/todo/get_items?return_response", {"entity_id": "todo.prehab_today"}
            )["service_response"]["todo.prehab_today"]["items"]
            print("      to-do list:", flush=True)
            for item in listed:
                print(
                    f"        [{'x' if item['status'] == 'completed' else ' '}] {item['summary']} | "
                    f"{item.get('description', '')[:60]}",
                    flush=True,
                )
            check(
                len(listed) > 0 and all(" · " in i["summary"] for i in listed),
                f"{len(listed)} items with doses",
            )
            ticks = []
            for item in listed[:3]:
                started = time.monotonic()
                hass.request(
                    "POST", "/api/services/todo/update_item",
                    {"entity_id": "todo.prehab_today", "item": item["uid"], "status": "completed"},
                )  # fmt: skip
                want = len(ticks) + 1
                seen = wait(lambda want=want: len(done_today()) >= want, 5, 0.005)
                ticks.append(time.monotonic() - started)
                check(bool(seen), f"tick {item['summary']!r}: in prehab's history after {ticks[-1]:.3f} s")
            history = prehab(env, "history", "--done")
            names = [re.sub(r"[^a-z0-9]+", "-", i["summary"].split(" · ")[0].lower()) for i in listed[:3]]
            check(
                all(n in history.stdout for n in names),
                f"prehab history --done shows the ticked items ({', '.join(names)})",
            )
            hass.request(
                "POST", "/api/services/todo/update_item",
                {"entity_id": "todo.prehab_today", "item": listed[0]["uid"], "status": "needs_action"},
            )  # fmt: skip
            unticked = wait(lambda: len(done_today()) == len(ticks) - 1, 5, 0.005)
            check(bool(unticked), "unticking undoes it in prehab's history")
            print(f"      tick -> history: {', '.join(f'{t * 1000:.0f} ms' for t in ticks)}", flush=True)
            start = date.today().isoformat() + "T00:00:00"
            end = (date.today() + timedelta(days=7)).isoformat() + "T00:00:00"
            events = hass.request("GET", f"/api/calendars/calendar.prehab?start={start}&end={end}")
            print("      calendar:", flush=True)
            for e in events:
                print(f"        {e['start'].get('date')}: {e['summary']}", flush=True)
            check(
                bool(events) and events[0]["start"].get("date") == date.today().isoformat(),
                f"calendar.prehab holds the week: {len(events)} days with sessions, today first",
            )

            # -- a check-in in the app: the state, the referral event, the automation ------
            before = (automation_state(hass) or {}).get("attributes", {}).get("last_triggered")
            started = app_checkin()
            today = date.today().isoformat()
            seen = wait(
                lambda: (hass.state("sensor.prehab_last_check_in") or {}).get("state") == today, 10, 0.02
            )
            latency = time.monotonic() - started
            check(
                bool(seen) and latency < 2.0,
                f"a check-in in the app reaches Home Assistant in {latency:.2f} s",
            )
            event = wait(
                lambda: (hass.state("event.prehab_referral") or {}).get("attributes", {}).get("text"),
                10,
                0.05,
            )
            check(bool(event), f"the referral event fired: {str(event)[:70]}...")
            fired = wait(
                lambda: (
                    (automation_state(hass) or {}).get("attributes", {}).get("last_triggered")
                    not in (None, before)
                ),
                10,
                0.1,
            )
            check(bool(fired), "the docs' automation fired on the referral")
            first_fire = (automation_state(hass) or {}).get("attributes", {}).get("last_triggered")
            check(stop_run(run) == 0, "prehab ha run stops cleanly on SIGTERM")
            offline = wait(
                lambda: (hass.state("todo.prehab_today") or {}).get("state") == "unavailable", 10, 0.1
            )
            check(bool(offline), "the to-do list is unavailable while prehab is stopped")
            run = start_run(env)
            check(bridge_listening(broker.port), "prehab ha run answers commands again")
            back = wait(
                lambda: (hass.state("event.prehab_referral") or {}).get("state") != "unavailable", 30, 0.1
            )
            mqtt_entry = next(
                e for e in hass.request("GET", "/api/config/config_entries/entry") if e["domain"] == "mqtt"
            )
            hass.request("POST", f"/api/config/config_entries/entry/{mqtt_entry['entry_id']}/reload")
            wait(
                lambda: (hass.state("event.prehab_referral") or {}).get("state") not in (None, "unavailable"),
                30,
                0.2,
            )
            time.sleep(2.0)  # anything (wrongly) fired would show by now
            again = (automation_state(hass) or {}).get("attributes", {}).get("last_triggered")
            check(
                bool(back) and again == first_fire,
                "no second notification after a restart and an MQTT reload",
            )

            # -- the check-in action, the button, a bad check-in ---------------------------
            answer = hass.request(
                "POST", "/api/services/prehab/check_in?return_response",
                {"screen": "weekly-checkin", "answers": {"hard_sessions": 2}, "id": "check"},
            )["service_response"]  # fmt: skip
            check(
                answer.get("ok") is True and answer.get("id") == "check", f"prehab.check_in answers: {answer}"
            )
            bad = hass.request(
                "POST", "/api/services/prehab/check_in?return_response",
                {"screen": "body-map", "answers": {"tight_calves": 11}},
            )["service_response"]  # fmt: skip
            check(
                bad.get("ok") is False and "out of range" in bad.get("error", ""),
                f"refused: {bad.get('error')}",
            )
            planned = int(
                (hass.state("sensor.prehab_done_today") or {}).get("attributes", {}).get("planned", 0)
            )
            hass.request("POST", "/api/services/button/press", {"entity_id": "button.prehab_mark_today_done"})
            marked = wait(
                lambda: (hass.state("sensor.prehab_done_today") or {}).get("state") == str(planned), 10, 0.05
            )
            check(bool(marked), f"the button marks the rest: {planned} of {planned} done")
            # the check-in re-planned the day (a referral holds loaded work): untick one of the
            # items the list holds now, so the dashboard shows an item still to do
            now_listed = hass.request(
                "POST", "/api/services/todo/get_items?return_response", {"entity_id": "todo.prehab_today"}
            )["service_response"]["todo.prehab_today"]["items"]  # fmt: skip
            if now_listed:
                hass.request(
                    "POST",
                    "/api/services/todo/update_item",
                    {
                        "entity_id": "todo.prehab_today",
                        "item": now_listed[0]["uid"],
                        "status": "needs_action",
                    },
                )
                wait(lambda: len(done_today()) == planned - 1, 5, 0.01)

            # -- the dashboard in a real browser ------------------------------------------
            if args.browser_python and now_listed:
                tokens = work / "tokens.json"
                tokens.write_text(
                    json.dumps(
                        {"hassUrl": hass.base, "access_token": hass.token, "refresh_token": hass.refresh}
                    ),
                    encoding="utf-8",
                )
                expect = [i["summary"] for i in now_listed]  # the day as re-planned by the check-in
                cmd = [
                    str(args.browser_python), str(ROOT / "scripts" / "ha_dashboard.py"),
                    "--url", f"{hass.base}/dashboard-prehab/today", "--tokens", str(tokens),
                    "--out", str(args.screenshot), "--chromium", args.chromium,
                    "--tick", now_listed[0]["summary"],
                    *(a for e in expect for a in ("--expect", e)),
                ]  # fmt: skip
                shown = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
                steps = {}
                for line in shown.stdout.splitlines():
                    with contextlib.suppress(ValueError):
                        step = json.loads(line)
                        steps[step["step"]] = step
                dash = steps.get("dashboard", {})
                check(
                    bool(dash.get("ok")),
                    f"the dashboard shows the to-do list in chromium "
                    f"({len(dash.get('items', []))} items, {dash.get('seconds')} s)",
                )
                for item in dash.get("items", []):
                    print(
                        f"        {'[x]' if item['checked'] else '[ ]'} {item['summary']} | "
                        f"{item['description'][:60]}",
                        flush=True,
                    )
                check("screenshot" in steps, f"screenshot: {args.screenshot}")
                tick = steps.get("tick", {})
                in_history = wait(lambda: len(done_today()) == planned, 10, 0.005)
                check(
                    bool(tick.get("ok")) and bool(in_history),
                    f"a click on the card ticks it: shown done {tick.get('seconds')} s after the click",
                )
                if not steps:
                    print(shown.stderr[-3000:], flush=True)

            # -- stop, remove --------------------------------------------------------------
            code = stop_run(run)
            run = None
            check(code == 0, f"prehab ha run stops cleanly on SIGTERM (exit {code})")
            gone = wait(
                lambda: all((hass.state(e) or {}).get("state") == "unavailable" for e in ENTITIES + NATIVE),
                10,
                0.1,
            )
            check(bool(gone), "every entity is unavailable once prehab stops")
            out = prehab(env, "ha", "remove")
            check(out.returncode == 0, f"prehab ha remove: {out.stdout.strip() or out.stderr.strip()}")
            removed = wait(lambda: not any(hass.state(e) for e in ENTITIES), 15, 0.2)
            check(bool(removed), "every MQTT entity is removed from Home Assistant")

            hass.stop()
            log = (config / "home-assistant.log").read_text(encoding="utf-8", errors="replace")
            lines = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)]
            ours = [line for line in lines if "mqtt" in line.lower() or "prehab" in line.lower()]
            rejected = [line for line in ours if "discovery" in line.lower() or "Invalid" in line]
            expected = [
                line for line in ours
                if "mobile_app_your_phone" in line or "custom integration prehab" in line
                or "prehab refused" in line
            ]  # fmt: skip
            for line in ours:
                print(f"      log: {line[:240]}", flush=True)
            check(rejected == [], f"no rejected discovery payload in Home Assistant's log ({len(rejected)})")
            check(
                len(ours) == len(expected),
                f"no other MQTT or prehab warning ({len(ours) - len(expected)}; the automation's placeholder "
                "phone and Home Assistant's note on custom integrations are expected)",
            )
    finally:
        if run is not None and run.poll() is None:
            run.kill()
            run.wait(timeout=30)
        hass.stop()
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    failed = [what for ok, what in results if not ok]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
