"""Lighthouse (mobile form factor) on Today, a guided session and Progress, signed in.

Run with `make bench`: it installs Lighthouse (pinned in bench/lighthouse/package-lock.json) with npm
and uses Debian's Chromium (CHROME_PATH=/usr/bin/chromium). Prints each page's performance,
accessibility and best-practices scores; the targets are 0.95, 1.0 and 1.0.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults import Client, Gunicorn, today_utc

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0}


def main():
    folder = Path(tempfile.mkdtemp(prefix="facereps-lighthouse-"))
    server = Gunicorn(folder / "lighthouse.db", workers=2).start()
    try:
        client = Client(server.port).register("lighthouse@example.com").start()
        status, _ = client.request("POST", "/sessions", {"day": today_utc(), "routine": "face-workout-5min"})
        assert status == 303, status
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        print(f"{'page':<16} " + " ".join(f"{name:>15}" for name in TARGETS))
        failed = False
        for label, path in [("Today", "/today"), ("guided session", "/sessions/1"), ("Progress", "/progress")]:
            report = folder / "report.json"
            subprocess.run(
                [
                    str(LIGHTHOUSE),
                    f"http://127.0.0.1:{server.port}{path}",
                    "--quiet",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    "--only-categories=" + ",".join(TARGETS),
                    f"--extra-headers={json.dumps({'Cookie': cookie})}",
                    "--output=json",
                    f"--output-path={report}",
                ],
                check=True,
                env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                timeout=240,
            )
            scores = {name: json.loads(report.read_text())["categories"][name]["score"] for name in TARGETS}
            failed |= any(scores[name] < target for name, target in TARGETS.items())
            print(f"{label:<16} " + " ".join(f"{scores[name]:>15.2f}" for name in TARGETS))
            time.sleep(0.5)
        print("targets (0.95, 1.0, 1.0):", "missed" if failed else "met")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
