#!/usr/bin/env python3
"""The browser and SSE half of dashboard-bench: python3 measure.py BASE WORKFLOW EVENTS."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

base, workflow, events = sys.argv[1], sys.argv[2], int(sys.argv[3])
options = Options()
options.binary_location = shutil.which("chromium")
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
try:
    paints = []
    for _ in range(3):
        driver.get(f"{base}/runs/{workflow}")
        WebDriverWait(driver, 60).until(lambda d: d.execute_script("return window.__agenthost.firstPaint") is not None)
        paints.append(driver.execute_script("return window.__agenthost.firstPaint"))
        fetches = driver.execute_script(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/workflows/'))"
            ".map(e => [e.name.split('/').pop(), Math.round(e.responseEnd - e.startTime), Math.round(e.responseEnd)])")
        started = time.perf_counter()
        driver.execute_script("return 1")
        responsive = (time.perf_counter() - started) * 1000
    print(f"first full paint, 10,000-agent run view ({events} events replayed), headless Chromium: "
          f"median {statistics.median(paints):.0f} ms of {', '.join(f'{p:.0f}' for p in paints)} (target <= 1000 ms); "
          f"a script round trip after it: {responsive:.0f} ms")
    print(f"  of which the API calls (name, ms, ms since navigation): {fetches}")
    shot = os.environ.get("DASHBOARD_BENCH_SHOT", os.path.join(tempfile.gettempdir(), "dashboard-bench-10k.png"))
    time.sleep(1.5)
    driver.save_screenshot(shot)
    print(f"  screenshot of the 10,000-agent view: {shot}")

    request = json.dumps({"request": {"campaign": {}, "goal": {"agents": [f"p{i}" for i in range(3000)]},
                                      "max_concurrency": 4}}).encode()
    post = urllib.request.Request(base + "/api/v1/workflows", data=request, headers={"Content-Type": "application/json"})
    paced = json.loads(urllib.request.urlopen(post, timeout=30).read())["workflow_id"]
    driver.get(f"{base}/runs/{paced}?view=events")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return window.__agenthost.applied") > 0)
    time.sleep(1.0)
    driver.execute_script("window.__agenthost.latencies = []; window.__agenthost.mark = [Date.now(), window.__agenthost.applied]")
    WebDriverWait(driver, 120).until(lambda d: d.find_element("id", "run-state").text == "completed")
    latencies, mark, applied = driver.execute_script(
        "return [window.__agenthost.latencies, window.__agenthost.mark, window.__agenthost.applied]")
    rate = (applied - mark[1]) / max(0.001, (time.time() * 1000 - mark[0]) / 1000)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"event to screen while ~{rate:.0f} events/s arrive ({len(latencies)} samples): "
          f"p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms (target p95 <= 250 ms)")
finally:
    driver.quit()

started = time.perf_counter()
readers = [subprocess.Popen(["curl", "-s", "-N", f"{base}/api/v1/workflows/{workflow}/events"], stdout=subprocess.PIPE)
           for _ in range(10)]
counts = [out.count(b"\nid: ") + out.startswith(b"id: ") for out in (r.communicate()[0] for r in readers)]
elapsed = time.perf_counter() - started
print(f"SSE to 10 subscribers at once: {sum(counts)} events in {elapsed:.2f} s = {sum(counts) / elapsed:,.0f} events/s "
      f"({min(counts)}..{max(counts)} each)")
