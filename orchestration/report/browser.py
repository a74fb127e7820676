"""Open the report in headless Chromium with the network off: does every chart draw, without errors?

Drives Debian's ``chromium`` over the DevTools protocol (a websocket): the page is loaded from disk
with the browser offline (and a dead proxy, in case), console errors and uncaught exceptions are
collected, every ``.chart`` is checked for drawn marks, and a screenshot is saved. Used by
``tests/test_report_browser.py``; ``python -m orchestration.report.browser <index.html>`` does the
same for a publication at hand and writes ``screenshot.png`` beside it.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from websockets.sync.client import connect

# marks Vega drew into each chart's SVG (axes and legends are not marks)
CHARTS_JS = """
Array.from(document.querySelectorAll('.chart')).map(el => ({
  id: el.id,
  svg: el.querySelectorAll('svg').length,
  marks: el.querySelectorAll('svg g.role-mark path, svg g.role-mark line, svg g.role-mark text').length,
}))
"""
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "devtools:")


@dataclass
class PageCheck:
    charts: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # any URL the page asked for that is not local


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def check_page(page: Path, screenshot: Path, timeout: float = 120.0) -> PageCheck:
    """Load ``page`` offline, wait until every chart has drawn (or ``timeout``), screenshot it."""
    with tempfile.TemporaryDirectory() as profile:
        process = subprocess.Popen(
            [
                chromium(),
                "--headless",
                "--no-sandbox",  # root in a container
                "--disable-gpu",
                "--proxy-server=127.0.0.1:9",  # nothing listens: any network request fails
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            return _drive(_browser_url(Path(profile), process), Path(page), Path(screenshot), timeout)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _browser_url(profile: Path, process: subprocess.Popen) -> str:
    """Chromium writes its DevTools port and path to DevToolsActivePort once it listens."""
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode} before it listened")
        if active.is_file() and len(lines := active.read_text().split()) == 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.1)
    raise RuntimeError("chromium did not open its DevTools port within 60 s")


def _drive(url: str, page: Path, screenshot: Path, timeout: float) -> PageCheck:
    result = PageCheck()
    ids = itertools.count(1)
    with connect(url, max_size=None, open_timeout=30) as ws:

        def send(method: str, session: str | None = None, **params) -> dict:
            """One command; events that arrive meanwhile are recorded."""
            message_id = next(ids)
            message = {"id": message_id, "method": method, "params": params}
            ws.send(json.dumps(message | ({"sessionId": session} if session else {})))
            while True:
                message = json.loads(ws.recv(timeout=timeout))
                if message.get("id") == message_id:
                    if "error" in message:
                        raise RuntimeError(f"{method}: {message['error']}")
                    return message.get("result", {})
                _record(message, result)

        target = send("Target.createTarget", url="about:blank")["targetId"]
        session = send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            send(f"{domain}.enable", session)
        send(
            "Network.emulateNetworkConditions",
            session,
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=1280,
            height=2200,
            deviceScaleFactor=1,
            mobile=False,
        )
        send("Page.navigate", session, url=page.resolve().as_uri())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            evaluated = send("Runtime.evaluate", session, expression=CHARTS_JS, returnByValue=True)
            result.charts = evaluated["result"].get("value") or []
            if result.charts and all(chart["marks"] for chart in result.charts):
                break
            time.sleep(0.5)
        time.sleep(0.5)  # late console messages
        send("Runtime.evaluate", session, expression="1")
        shot = send("Page.captureScreenshot", session, format="png")
        screenshot.write_bytes(base64.b64decode(shot["data"]))
    return result


def _record(message: dict, result: PageCheck) -> None:
    method, params = message.get("method"), message.get("params", {})
    if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        result.errors.append(
            "console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
        )
    elif method == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        result.errors.append(
            "exception: " + details.get("exception", {}).get("description", details.get("text"))
        )
    elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
        result.errors.append("log: " + params["entry"]["text"])
    elif method == "Network.requestWillBeSent" and not params["request"]["url"].startswith(LOCAL_SCHEMES):
        result.requests.append(params["request"]["url"])


def main(argv: list[str]) -> int:
    page = Path(argv[0])
    check = check_page(page, page.with_name("screenshot.png"))
    blank = [chart["id"] for chart in check.charts if not chart["marks"]]
    print(
        f"{len(check.charts)} charts, {len(blank)} without marks {blank}; errors {check.errors}; "
        f"network requests {check.requests}; screenshot {page.with_name('screenshot.png')}"
    )
    return 1 if blank or check.errors or check.requests else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
