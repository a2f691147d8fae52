"""The docs' dashboard in a real browser: open it, look at the to-do list, tick an item.

Run by scripts/ha_check.py with Playwright's Python (Playwright is not one of prehab's
dependencies) and Debian's chromium; never downloads a browser:

    PYTHON_WITH_PLAYWRIGHT scripts/ha_dashboard.py --url http://127.0.0.1:PORT/DASHBOARD \\
        --tokens tokens.json --out docs/ha-dashboard.png --expect "Calf raise" --tick "Calf raise"

Logs in with the tokens the check got from onboarding (put where Home Assistant's frontend keeps
them), waits until the to-do list card shows every expected item, takes the screenshot, then
ticks the item named by --tick by clicking its checkbox, and waits until the list shows it done.
Prints one JSON object per step on stdout; exit code 0 when each step worked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

CARD = "hui-todo-list-card"


def report(**values: Any) -> None:
    print(json.dumps(values), flush=True)


def items(page: Page) -> list[dict[str, Any]]:
    """The to-do list card's items as shown: summary, description, ticked."""
    found: list[dict[str, Any]] = page.evaluate(
        """() => {
        const out = [];
        const walk = (root) => {
          for (const el of root.querySelectorAll('*')) {
            if (el.tagName === 'HA-CHECK-LIST-ITEM') {
              const summary = el.querySelector('.summary')?.textContent?.trim()
                ?? el.textContent.trim();
              const description = el.querySelector('.description')?.textContent?.trim() ?? '';
              out.push({summary, description, checked: !!el.selected || el.hasAttribute('selected')
                        || !!el.querySelector('ha-checkbox[checked], mwc-checkbox[checked]')});
            }
            if (el.shadowRoot) walk(el.shadowRoot);
          }
        };
        walk(document);
        return out;
    }"""
    )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument(
        "--tokens", type=Path, required=True, help="JSON: hassUrl, access_token, refresh_token"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--expect", action="append", default=[], help="an item summary the card must show")
    parser.add_argument("--tick", default="", help="the item summary to tick")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    tokens = json.loads(args.tokens.read_text(encoding="utf-8"))
    stored = {
        "access_token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
        "token_type": "Bearer",
        "expires_in": 1800,
        "expires": int(time.time() * 1000) + 1_800_000,
        "hassUrl": tokens["hassUrl"],
        "clientId": tokens["hassUrl"] + "/",
    }
    ok = True
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1600}, device_scale_factor=1)
        page.add_init_script(f"window.localStorage.setItem('hassTokens', {json.dumps(json.dumps(stored))});")
        started = time.monotonic()
        page.goto(args.url)
        deadline = time.monotonic() + args.timeout
        shown: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            shown = items(page)
            if shown and all(any(e in i["summary"] for i in shown) for e in args.expect):
                break
            page.wait_for_timeout(200)
        seen = bool(shown) and all(any(e in i["summary"] for i in shown) for e in args.expect)
        ok &= seen
        report(step="dashboard", ok=seen, seconds=round(time.monotonic() - started, 2), items=shown)
        page.wait_for_timeout(1500)  # the calendar card fetches its events
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out), full_page=True)
        report(step="screenshot", ok=True, path=str(args.out))
        if args.tick:
            row = page.locator(f"{CARD} ha-check-list-item", has_text=args.tick).first
            box = row.locator("ha-checkbox, mwc-checkbox").first
            clicked = time.time()
            (box if box.count() else row).click()
            done = False
            while time.monotonic() < deadline + 30 and not done:
                done = any(args.tick in i["summary"] and i["checked"] for i in items(page))
                if not done:
                    page.wait_for_timeout(20)
            ok &= done
            report(
                step="tick",
                ok=done,
                clicked=clicked,
                seconds=round(time.time() - clicked, 3),
                items=items(page),
            )
            page.screenshot(path=str(Path(args.tokens).with_name("dashboard-ticked.png")), full_page=True)
        browser.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
