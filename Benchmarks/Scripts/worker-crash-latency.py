# How long a warm `agenthost worker` takes from receiving a run frame whose plugin segfaults
# to closing its stdout (the moment the host sees the crash), with Swift's backtracer off (as the
# host starts workers) and on. Usage: python3 Benchmarks/Scripts/worker-crash-latency.py .build/debug [runs]
import json, os, struct, subprocess, sys, time, statistics
build = sys.argv[1]; runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
def manifest(name, config):
    return {"manifest_version": 1, "name": name, "version": "1.0.0", "description": "x",
            "library": "libTestExecAgent.so", "entry": "exec_entry_" + name, "kind": "agent-v1",
            "capabilities": [], "dependencies": [], "outputs": ["o"], "estimate_seconds": 1,
            "parallel_safe": True, "max_retries": 0, "timeout_seconds": 30, "resources": {},
            "alternatives": [], "isolation": "process", "config": config}
def frame(i, name, config):
    body = json.dumps({"type": "run", "id": i, "manifest": manifest(name, config), "source_file": "/tmp/x.json",
                       "search": {"plugin_folders": [build]},
                       "input": {"workflow_id": "bench-%d-%d" % (os.getpid(), i), "agent": name, "attempt": 1}}).encode()
    return struct.pack("<I", len(body)) + body
def read_frame(f):
    header = f.read(4)
    if len(header) < 4: return None
    return f.read(struct.unpack("<I", header)[0])
def once(backtrace):
    env = dict(os.environ); env.pop("SWIFT_BACKTRACE", None); env.pop("AGENTHOST_WORKER_PARENT", None)
    if not backtrace: env["SWIFT_BACKTRACE"] = "enable=no"
    p = subprocess.Popen([build + "/agenthost", "worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    p.stdin.write(frame(1, "steady", {})); p.stdin.flush()
    while True:
        got = read_frame(p.stdout)
        if got is None or json.loads(got).get("type") == "result": break
    start = time.perf_counter()
    p.stdin.write(frame(2, "crashy", {"segv_until": 9})); p.stdin.flush()
    while read_frame(p.stdout) is not None: pass
    elapsed = time.perf_counter() - start
    p.wait()
    return elapsed * 1000
for backtrace in (False, True):
    times = sorted(once(backtrace) for _ in range(runs))
    print("backtracer %-3s: crash seen after median %.1f ms (min %.1f, max %.1f) over %d runs"
          % ("on" if backtrace else "off", statistics.median(times), times[0], times[-1], runs))
