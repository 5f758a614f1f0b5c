#!/usr/bin/env python3
"""The dashboard as a user sees it, in headless Chromium (Selenium + Debian's chromedriver).

Starts `agenthost serve --http 127.0.0.1:0` on a scratch store, then: starts the demo
campaign from the page and watches every agent complete through live updates (no reload);
checks the event log's first and last sequence against the API; moves the selection with
`j`; follows a run that `agenthost run` starts in another process; pauses, resumes and
cancels slow workflows from the page and retries one; opens a replay link (?at=SEQ); speaks JSON-RPC over
the /rpc WebSocket; saves screenshots into OUT. Stops everything it started.

    SE_OFFLINE=true python3 Tests/http/dashboard_browser_test.py AGENTHOST OUT
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AGENTHOST, OUT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.makedirs(OUT, exist_ok=True)
passed, failed = [], []


def check(name, condition, detail=""):
    (passed if condition else failed).append(name)
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""), flush=True)


def slow_manifests(folder):
    """The echo test agent (libTestEchoAgent.so), which sleeps campaign.sleep_ms before answering."""
    os.makedirs(folder, exist_ok=True)
    manifest = {"manifest_version": 1, "name": "echo", "version": "1.0.0", "description": "Echoes, slowly (test agent)",
                "library": "libTestEchoAgent.so", "kind": "agent-v1", "capabilities": ["echoing"],
                "outputs": ["echo"], "estimate_seconds": 3, "max_retries": 0}
    with open(os.path.join(folder, "echo.json"), "w") as f:
        json.dump(manifest, f)


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read())


def websocket_initialize(port):
    """One JSON-RPC round trip over /rpc with a hand-rolled WebSocket client."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        return None
    payload = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                          "params": {"protocol_version": "1.0"}}).encode()
    mask = os.urandom(4)
    frame = bytes([0x81, 0x80 | 126]) + len(payload).to_bytes(2, "big") + mask
    frame += bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(frame)
    first = sock.recv(2)
    length = first[1] & 0x7F
    if length == 126:
        length = int.from_bytes(sock.recv(2), "big")
    data = b""
    while len(data) < length:
        data += sock.recv(length - len(data))
    sock.close()
    return json.loads(data)


def main():
    scratch = tempfile.mkdtemp(prefix="dashboard-test-")
    shutil.copytree(os.path.join(ROOT, "Examples", "sources"), os.path.join(scratch, "sources"))
    slow_manifests(os.path.join(scratch, "slow"))
    db = os.path.join(scratch, "state.sqlite")
    server = subprocess.Popen(
        [AGENTHOST, "serve", "--http", "127.0.0.1:0", "--db", db, "--manifests", os.path.join(ROOT, "AgentManifests"),
         "--manifests", os.path.join(scratch, "slow")],
        cwd=scratch, stdout=subprocess.PIPE, stderr=open(os.path.join(OUT, "server.log"), "w"), text=True)
    others = []
    driver = None
    try:
        line = server.stdout.readline()
        check("the server prints the page's URL", "http://127.0.0.1:" in line, line)
        base = line.strip().split(" at ")[-1].rstrip("/")
        port = int(base.rsplit(":", 1)[1])
        check("GET /api/v1/health answers", get(base, "/api/v1/health")["status"] == "ok")
        reply = websocket_initialize(port)
        check("/rpc speaks JSON-RPC over a WebSocket",
              reply is not None and reply.get("result", {}).get("protocol_version") == "1.0", str(reply))

        options = Options()
        options.binary_location = shutil.which("chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,900"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        # The page redraws parts of itself many times a second: look elements up afresh each time.
        wait = WebDriverWait(driver, 60, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        driver.get(base + "/")
        wait.until(lambda d: d.find_element(By.ID, "conn").get_attribute("data-conn") == "live")

        # 1. The demo campaign, started from the page.
        with open(os.path.join(ROOT, "Examples", "blog-campaign.json")) as f:
            request_text = f.read()
        driver.find_element(By.ID, "new-run").click()
        driver.execute_script("document.getElementById('start-request').value = arguments[0]", request_text)
        driver.find_element(By.ID, "start-submit").click()
        wait.until(lambda d: "/runs/wf-" in d.current_url)
        workflow = driver.current_url.rsplit("/runs/", 1)[1].split("?")[0].split("/")[0]
        wait.until(lambda d: d.find_element(By.ID, "run-state").text == "completed")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#agents [data-agent][data-state='completed']")) == 9)
        counts = driver.execute_script(
            "const c = document.getElementById('counts'); return [c.dataset.completed, c.dataset.total]")
        check("the demo's 9 agents completed on the page, live", counts == ["9", "9"], str(counts))
        check("the page was never reloaded", driver.execute_script("return performance.getEntriesByType('navigation').length") == 1
              and driver.execute_script("return window.__agenthost.applied") > 0)
        driver.save_screenshot(os.path.join(OUT, "run-graph.png"))
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys("t")
        time.sleep(0.3)
        bars = int(driver.find_element(By.CSS_SELECTOR, "#timeline canvas").get_attribute("data-bars") or 0)
        check("the timeline has one bar per attempt", bars >= 9, str(bars))
        driver.save_screenshot(os.path.join(OUT, "run-timeline.png"))
        body.send_keys("e")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#events [data-seq]"))
        driver.execute_script("document.getElementById('events').scrollTop = 0")
        time.sleep(0.2)
        seqs = "return [...document.querySelectorAll('#events [data-seq]')].map(e => e.dataset.seq)"
        first = driver.execute_script(seqs)[0]
        driver.execute_script("const e = document.getElementById('events'); e.scrollTop = e.scrollHeight")
        time.sleep(0.2)
        last = driver.execute_script(seqs)[-1]
        stored = get(base, f"/api/v1/workflows/{workflow}")["execution_info"]["last_sequence"]
        check("the event log runs from sequence 1 to the store's last", first == "1" and int(last) == stored,
              f"{first}..{last} vs {stored}")
        driver.save_screenshot(os.path.join(OUT, "run-events.png"))
        body.send_keys("g")
        selected = lambda d: d.execute_script(
            "return document.querySelector(\"#agents [aria-selected='true']\").dataset.agent")
        before = selected(driver)
        body.send_keys("j")
        time.sleep(0.2)
        check("j moves the selection to the next agent", selected(driver) != before, before)
        body.send_keys(u"\ue007")  # Enter opens the drawer
        wait.until(lambda d: d.find_element(By.ID, "drawer").is_displayed())
        wait.until(lambda d: d.find_element(By.ID, "drawer-output").text not in ("", "…"))
        check("the agent drawer shows the agent's output", "{" in driver.find_element(By.ID, "drawer-output").text)
        driver.save_screenshot(os.path.join(OUT, "run-drawer.png"))

        # 2. Replay link: the state at sequence 5, executing nothing.
        driver.get(f"{base}/runs/{workflow}?at=5")
        wait.until(lambda d: d.find_element(By.ID, "scrubber-label").text.startswith("#5 of"))
        replayed = driver.execute_script(
            "return [document.getElementById('run-state').textContent, document.getElementById('last-seq').textContent]")
        check("?at=5 replays the run up to sequence 5", replayed == ["running", "#5"], str(replayed))
        driver.save_screenshot(os.path.join(OUT, "run-replay.png"))

        # 3. A run started by `agenthost run` in another process shows up and is followed live.
        driver.get(base + "/")
        wait.until(lambda d: d.find_element(By.ID, "conn").get_attribute("data-conn") == "live")
        run_ids = lambda d: set(d.execute_script(
            "return [...document.querySelectorAll('#runs [data-workflow]')].map(e => e.dataset.workflow)"))
        wait.until(lambda d: len(run_ids(d)) >= 1)
        known = run_ids(driver)
        other = subprocess.Popen([AGENTHOST, "run", os.path.join(ROOT, "Examples", "blog-campaign.json"), "--db", db,
                                  "--manifests", os.path.join(ROOT, "AgentManifests")],
                                 cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        others.append(other)
        wait.until(lambda d: run_ids(d) - known)
        new = (run_ids(driver) - known).pop()
        check("the runs list shows the other process's run without a reload", new.startswith("wf-"), new)
        driver.save_screenshot(os.path.join(OUT, "runs.png"))
        # The list redraws every second; click through the page's own script, not a held element.
        driver.execute_script("document.querySelector(arguments[0]).click()", f"#runs [data-workflow='{new}'] a")
        wait.until(lambda d: d.find_element(By.ID, "run-state").text == "completed")
        wait.until(lambda d: d.find_element(By.ID, "counts").get_attribute("data-completed") == "9")
        check("the other process's run is followed to its end", True)
        other.wait(timeout=60)

        # 4. Pause, resume and cancel slow workflows from the page.
        slow = json.dumps({"campaign": {"title": "Slow", "sleep_ms": 3000}, "goal": {"agents": ["echo"]}})
        def start_slow():
            driver.find_element(By.ID, "new-run").click()
            driver.execute_script("document.getElementById('start-request').value = arguments[0]", slow)
            driver.find_element(By.ID, "start-submit").click()
            wait.until(lambda d: d.find_element(By.ID, "run-state").text == "running")
        start_slow()
        driver.find_element(By.ID, "pause").click()
        wait.until(lambda d: d.find_element(By.ID, "run-state").text == "paused")
        check("Pause on the page pauses the workflow", True)
        driver.find_element(By.ID, "resume").click()
        wait.until(lambda d: d.find_element(By.ID, "run-state").text in ("running", "completed"))
        wait.until(lambda d: d.find_element(By.ID, "run-state").text == "completed")
        check("Resume on the page lets it finish", True)
        start_slow()
        slow_id = driver.current_url.rsplit("/runs/", 1)[1].split("?")[0].split("/")[0]
        driver.find_element(By.ID, "cancel").click()
        wait.until(lambda d: d.find_element(By.ID, "confirm-dialog").is_displayed())
        check("the cancel confirmation names the workflow", slow_id in driver.find_element(By.ID, "confirm-title").text)
        driver.find_element(By.ID, "confirm-yes").click()
        wait.until(lambda d: d.find_element(By.ID, "run-state").text == "cancelled")
        check("Cancel on the page cancels the workflow", get(base, f"/api/v1/workflows/{slow_id}")["state"] == "cancelled")
        driver.save_screenshot(os.path.join(OUT, "run-cancelled.png"))
        # 5. Retry the cancelled workflow from the page: the same workflow runs its agent again
        # and the page follows it past its first end to the new one, live.
        check("Retry is offered for a cancelled workflow", driver.find_element(By.ID, "retry").is_enabled())
        driver.find_element(By.ID, "retry").click()
        wait.until(lambda d: d.find_element(By.ID, "run-state").text == "completed")
        check("Retry on the page re-runs the workflow to completed",
              get(base, f"/api/v1/workflows/{slow_id}")["state"] == "completed")
        check("Retry is not offered for a completed workflow", not driver.find_element(By.ID, "retry").is_enabled())
    except Exception as error:  # a wait that timed out, an element that is missing
        check("the browser test ran to its end", False, repr(error))
        if driver is not None:
            driver.save_screenshot(os.path.join(OUT, "failure.png"))
    finally:
        if driver is not None:
            driver.quit()
        for process in others:
            if process.poll() is None:
                process.kill()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"dashboard browser test: {len(passed)} passed, {len(failed)} failed; screenshots in {OUT}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
