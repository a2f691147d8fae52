"""prehab ha against a real Home Assistant core, by hand (not in CI): issue 12, item 6.

    python3.13 -m venv /tmp/havenv && /tmp/havenv/bin/pip install homeassistant
    .venv/bin/python scripts/ha_check.py --hass /tmp/havenv/bin/hass

What it does, all on 127.0.0.1, in a fresh folder (kept with --keep):

1. starts an MQTT broker (mosquitto, else amqtt: tests/ha_broker.py) and a prehab profile with
   two weeks of history;
2. first start of Home Assistant (it installs what its default integrations need), onboards a
   user through the REST API (/api/onboarding/users -> /auth/token) and adds MQTT through the
   config-flow API (handler mqtt), loads the automation from docs/home-assistant.md; stops it;
3. starts it again headless with --skip-pip and runs ``prehab ha publish``: every entity must
   appear in /api/states with its value, and every entity the docs' card uses must exist;
4. runs ``prehab ha run``: a check-in saved as the app saves it must reach Home Assistant within
   2 s, the docs' automation must fire on the referral it brings, the button must mark today
   done, a bad check-in sent through Home Assistant's mqtt.publish must be answered on the
   result topic and store nothing; stopping prehab must make the entities unavailable;
5. ``prehab ha remove`` must remove them; Home Assistant's log must show no rejected discovery
   payload (it logs one for each payload it refuses).

Prints what it checks and a summary; exit code 0 when everything passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
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

from ha_broker import free_port, listening, make_broker  # noqa: E402

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
]
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
        self.token = ""
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, skip_pip: bool, timeout: float) -> bool:
        args = [str(self.hass), "-c", str(self.config)] + (["--skip-pip"] if skip_pip else [])
        out = open(self.config / ("run.out" if skip_pip else "first.out"), "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.config)
        return bool(
            wait(lambda: self.request("GET", "/api/onboarding", auth=False) is not None, timeout, 0.5)
        )

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
        self.token = self.request("POST", "/auth/token", form, auth=False, form=True)["access_token"]

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
        app.save_checkin("body-map", checked)
        return started
    finally:
        app.close()


def write_ha_config(folder: Path, port: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "configuration.yaml").write_text(
        "homeassistant:\n  name: prehab check\n  latitude: 52.37\n  longitude: 4.89\n  elevation: 0\n"
        "  unit_system: metric\n  time_zone: UTC\n  country: NL\n  currency: EUR\n"
        f"http:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
        "api:\nconfig:\nonboarding:\nautomation: !include automations.yaml\n"
        "logger:\n  default: info\n",
        encoding="utf-8",
    )
    automation = doc_block("automation")
    indented = "\n".join(("  " + line) if line else line for line in automation.splitlines())
    (folder / "automations.yaml").write_text(f"- id: {AUTOMATION_ID}\n{indented}\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hass", type=Path, default=Path("/tmp/havenv/bin/hass"), help="the hass executable")
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--broker", choices=["mosquitto", "amqtt"], help="default: mosquitto if installed")
    parser.add_argument(
        "--start-timeout", type=float, default=900, help="seconds for Home Assistant to start"
    )
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
            from prehab.store import Settings, save_settings

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

            started = time.monotonic()
            if not check(
                hass.start(skip_pip=True, timeout=args.start_timeout), "second start with --skip-pip answers"
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

            # -- publish -------------------------------------------------------------------
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
                s = states.get(entity)
                if s is None:
                    check(False, f"{entity} exists")
                    continue
                attrs = s["attributes"]
                shown = str(s["state"])[:38]
                print(
                    f"      {entity:<36} {shown:<38} {attrs.get('unit_of_measurement', ''):<5} "
                    f"{attrs.get('device_class', '')}",
                    flush=True,
                )
            print(flush=True)
            for entity in ENTITIES:
                s = states.get(entity)
                ok = (
                    s is not None
                    and s["state"] not in ("unavailable",)
                    and (
                        s["state"] != "unknown"
                        or entity in ("sensor.prehab_last_check_in", "button.prehab_mark_today_done")
                    )
                )
                check(ok, f"{entity} appears with a value ({s['state'] if s else 'missing'})")
            today_attrs = states.get("sensor.prehab_today", {}).get("attributes", {})
            check(
                bool(today_attrs.get("items"))
                and all(i.get("dose") and i.get("why") for i in today_attrs["items"]),
                f"sensor.prehab_today has {len(today_attrs.get('items', []))} items with doses and reasons",
            )
            card_ids = set(re.findall(r"\b(?:sensor|binary_sensor|button)\.prehab_\w+", doc_block("card")))
            check(card_ids <= set(states), f"every entity of the docs' card exists ({len(card_ids)})")

            # -- run: a check-in in the app, the automation, the button, a bad command ------
            run = subprocess.Popen(
                [sys.executable, "-m", "prehab", "ha", "run", "--poll", "0.5"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            with listening(broker.port, ("prehab/result", "prehab/state")) as listener:
                wait(lambda: b"prehab/state" in {t.encode() for t in listener.messages}, 30)
                time.sleep(1.0)  # ha run has published its first states
                started = app_checkin()
                today = date.today().isoformat()
                seen = wait(
                    lambda: (hass.state("sensor.prehab_last_check_in") or {}).get("state") == today, 10, 0.02
                )
                latency = time.monotonic() - started
                check(
                    bool(seen) and latency < 2.0,
                    f"a check-in in the app reaches Home Assistant in {latency:.2f} s (< 2 s)",
                )
                warning = hass.state("binary_sensor.prehab_warning") or {}
                check(
                    warning.get("state") == "on" and bool(warning["attributes"].get("referrals")),
                    f"the referral shows: {str(warning.get('attributes', {}).get('text', ''))[:70]}...",
                )
                fired = wait(
                    lambda: (automation_state(hass) or {}).get("attributes", {}).get("last_triggered"),
                    10,
                    0.2,
                )
                check(bool(fired), "the docs' automation fired on the referral")
                planned = int(json.loads(listener.messages["prehab/state"])["planned_items"])
                started = time.monotonic()
                hass.request(
                    "POST", "/api/services/button/press", {"entity_id": "button.prehab_mark_today_done"}
                )
                done = wait(
                    lambda: (hass.state("sensor.prehab_done_today") or {}).get("state") == str(planned),
                    10,
                    0.02,
                )
                check(
                    bool(done), f"the button marks {planned} items done ({time.monotonic() - started:.2f} s)"
                )
                listener.messages.pop("prehab/result", None)
                bad = '{"screen": "body-map", "answers": {"tight_calves": 11}}'
                hass.request(
                    "POST", "/api/services/mqtt/publish", {"topic": "prehab/checkin/set", "payload": bad}
                )
                answer = wait(lambda: listener.messages.get("prehab/result"), 10)
                result = json.loads(answer) if answer else {}
                check(
                    result.get("ok") is False and "out of range" in result.get("error", ""),
                    f"a bad check-in from Home Assistant is answered: {result.get('error')}",
                )
                from prehab.store import Store

                with Store.open() as store:
                    check(len(store.checkins()) == 1, "... and nothing was stored")
            run.send_signal(signal.SIGTERM)
            code = run.wait(timeout=30)
            check(code == 0, f"prehab ha run stops cleanly on SIGTERM (exit {code})")
            gone = wait(
                lambda: all((hass.state(e) or {}).get("state") == "unavailable" for e in ENTITIES), 10, 0.1
            )
            check(bool(gone), "every entity is unavailable once prehab stops")

            # -- remove ------------------------------------------------------------------
            out = prehab(env, "ha", "remove")
            check(out.returncode == 0, f"prehab ha remove: {out.stdout.strip() or out.stderr.strip()}")
            removed = wait(lambda: not any(hass.state(e) for e in ENTITIES), 15, 0.2)
            check(bool(removed), "every entity is removed from Home Assistant")

            hass.stop()
            log = (config / "home-assistant.log").read_text(encoding="utf-8", errors="replace")
            lines = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)]
            mqtt = [line for line in lines if "mqtt" in line.lower() or "prehab" in line.lower()]
            rejected = [line for line in mqtt if "discovery" in line.lower() or "Invalid" in line]
            expected = [line for line in mqtt if "mobile_app_your_phone" in line]
            for line in mqtt:
                print(f"      log: {line[:240]}", flush=True)
            check(rejected == [], f"no rejected discovery payload in Home Assistant's log ({len(rejected)})")
            check(
                len(mqtt) == len(expected),
                f"no other MQTT warning ({len(mqtt) - len(expected)}; "
                "the automation's placeholder phone is expected)",
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
