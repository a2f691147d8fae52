"""prehab ha run: publish latency and memory over simulated updates (run by hand).

    .venv/bin/python bench/ha.py [--updates 1200] [--broker mosquitto|amqtt]

Starts a real broker (tests/ha_broker.py) and ``prehab ha run`` as its own process on a fresh
profile with two weeks of history, then sends ``--updates`` updates, taking turns:

- history: a session edited through another connection, as the app or ``prehab log`` would
  (``ha run`` notices it by polling SQLite's data_version), timed until the new weekly distance
  is in the retained state;
- check-in: a check-in command over MQTT, timed until its answer (sent after the new states);
- button: "mark today done" over MQTT, timed until its answer.

1200 updates are an hour at one every 3 s, sent back to back. It samples the process's resident
memory (VmRSS) every 100 updates and measures its CPU while idle. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from ha_broker import listening, make_broker  # noqa: E402


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1200)
    parser.add_argument("--broker", choices=["mosquitto", "amqtt"])
    parser.add_argument("--idle", type=float, default=30, help="seconds of idle CPU measurement")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="prehab-ha-bench-"))
    env = dict(os.environ, PREHAB_DATA_DIR=str(work / "data"), PREHAB_CONFIG_DIR=str(work / "config"))
    os.environ.update(PREHAB_DATA_DIR=env["PREHAB_DATA_DIR"], PREHAB_CONFIG_DIR=env["PREHAB_CONFIG_DIR"])
    from prehab.store import Session, Settings, Store, save_settings

    today = date.today()
    with make_broker(work / "broker", args.broker) as broker:
        save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=broker.port))
        with Store.open() as store:
            for days_ago in (13, 11, 9, 6, 4, 2):
                store.add_session(Session(date=today - timedelta(days=days_ago), kind="easy", distance_km=8))
            edited = Session(date=today, kind="easy", distance_km=5)
            store.add_session(edited)
        proc = subprocess.Popen(
            [sys.executable, "-m", "prehab", "ha", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        latencies: dict[str, list[float]] = {"history": [], "checkin": [], "button": []}
        memory: list[tuple[int, int]] = []
        try:
            with listening(broker.port, ("prehab/state", "prehab/result", "prehab/availability")) as listener:
                if not listener.wait_for(lambda m: m.get("prehab/availability") == b"online", 60):
                    print("ha run never came online", file=sys.stderr)
                    return 1
                listener.wait_for(lambda m: "prehab/state" in m, 30)
                time.sleep(2)
                print(f"ha run up: pid {proc.pid}, {rss_kib(proc.pid) / 1024:.1f} MiB resident")
                memory.append((0, rss_kib(proc.pid)))
                idle_from = cpu_s(proc.pid)
                time.sleep(args.idle)
                idle_cpu = (cpu_s(proc.pid) - idle_from) / args.idle
                print(f"idle: {idle_cpu * 100:.2f} % of one core (polling every 0.5 s)")
                writer = Store.open()
                wall = time.monotonic()
                for i in range(1, args.updates + 1):
                    kind = ("history", "checkin", "button")[i % 3]
                    if kind == "history":
                        edited.distance_km = round(5 + (i % 50) * 0.2, 1)
                        want = round(8 * 3 + edited.distance_km, 1)
                        started = time.monotonic()
                        writer.update_session(edited)
                        ok = listener.wait_for(
                            lambda m, w=want: json.loads(m["prehab/state"])["weekly_distance"] == w, 10
                        )
                    else:
                        listener.messages.pop("prehab/result", None)
                        topic = "prehab/checkin/set" if kind == "checkin" else "prehab/done/set"
                        payload = (
                            json.dumps({"screen": "body-map", "answers": {"tight_calves": i % 11}})
                            if kind == "checkin"
                            else "PRESS"
                        )
                        started = time.monotonic()
                        listener.publish(topic, payload)
                        ok = listener.wait_for(lambda m: "prehab/result" in m, 10)
                    if not ok:
                        print(f"update {i} ({kind}) got no answer in 10 s", file=sys.stderr)
                        return 1
                    latencies[kind].append(time.monotonic() - started)
                    if i % 100 == 0:
                        memory.append((i, rss_kib(proc.pid)))
                elapsed = time.monotonic() - wall
                writer.close()
                print(f"{args.updates} updates in {elapsed:.0f} s ({args.updates / elapsed:.1f} a second)")
                for kind, values in latencies.items():
                    ms = [v * 1000 for v in values]
                    print(
                        f"  {kind:<8} n={len(ms):<5} median {statistics.median(ms):6.1f} ms  "
                        f"p95 {pct(ms, 0.95):6.1f} ms  max {max(ms):6.1f} ms"
                    )
                print("resident memory (MiB) by updates done:")
                print("  " + "  ".join(f"{n}: {kib / 1024:.1f}" for n, kib in memory))
                first_kib = memory[1][1] if len(memory) > 1 else memory[0][1]
                print(f"  growth after the first 100 updates: {(memory[-1][1] - first_kib) / 1024:+.1f} MiB")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
