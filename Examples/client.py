#!/usr/bin/env python3
"""Drive `agenthost serve` from another program: run the demo campaign and watch it live.

Python standard library only. It starts `agenthost serve` as a child process, speaks
JSON-RPC 2.0 to it one message per line (docs/PROTOCOL.md), runs Examples/blog-campaign.json
with workflow/execute, prints every workflow/event notification as it arrives, then the
final status. Exits 0 when the workflow completed, 1 when it did not, 2 on a protocol or
usage error.

    python3 Examples/client.py [--agenthost PATH] [--request FILE] [--db PATH] [--manifests DIR]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import queue

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class ProtocolError(Exception):
    """An error response from the server."""

    def __init__(self, method, error):
        super().__init__(f"{method} failed: {error.get('code')} {error.get('message')}")
        self.error = error


class Client:
    """A minimal JSON-RPC client over a child's stdin/stdout."""

    def __init__(self, command, cwd):
        self.child = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
            bufsize=0)
        self.next_id = 0
        self.responses = {}
        self.events = queue.Queue()
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.child.stdout:
            message = json.loads(raw)  # every stdout line is one JSON message
            if "id" in message and ("result" in message or "error" in message):
                with self.lock:
                    self.responses[message["id"]] = message
                    self.lock.notify_all()
            elif message.get("method") == "workflow/event":
                self.events.put(message["params"])
        with self.lock:
            self.responses[None] = {"error": {"code": -1, "message": "the server closed its output"}}
            self.lock.notify_all()
        self.events.put(None)

    def call(self, method, params=None, timeout=120):
        self.next_id += 1
        request_id = self.next_id
        line = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}},
                          separators=(",", ":"))
        self.child.stdin.write(line.encode() + b"\n")
        self.child.stdin.flush()
        with self.lock:
            if not self.lock.wait_for(lambda: request_id in self.responses or None in self.responses, timeout):
                raise ProtocolError(method, {"code": -1, "message": f"no response in {timeout} s"})
            response = self.responses.pop(request_id, None) or self.responses[None]
        if "error" in response:
            raise ProtocolError(method, response["error"])
        return response["result"]

    def close(self):
        self.child.stdin.close()
        return self.child.wait(timeout=60)


def describe(event):
    """One line for an event."""
    parts = [f"#{event['sequence']:<3}", f"{event['type']:<20}"]
    if "agent" in event:
        parts.append(event["agent"])
    if "attempt" in event and event["type"].startswith("agent.") and event["attempt"] > 1:
        parts.append(f"(attempt {event['attempt']})")
    if "progress" in event:
        parts.append(f"{event['progress'] * 100:.0f}%")
    if "message" in event:
        parts.append(f"- {event['message']}")
    return " ".join(parts)


def find_agenthost(explicit):
    candidates = [explicit] if explicit else [
        os.path.join(ROOT, ".build", "debug", "agenthost"),
        os.path.join(ROOT, ".build", "release", "agenthost"),
        shutil.which("agenthost"),
    ]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("client.py: cannot find the agenthost binary; build it (swift build) or pass --agenthost PATH")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agenthost", help="the agenthost binary (default: .build/debug/agenthost)")
    parser.add_argument("--request", default=os.path.join(HERE, "blog-campaign.json"), help="the request file")
    parser.add_argument("--db", help="the SQLite store (default: the server's default)")
    parser.add_argument("--manifests", default=os.path.join(ROOT, "AgentManifests"), help="a folder of manifests")
    args = parser.parse_args()

    with open(args.request) as handle:
        request = json.load(handle)
    command = [find_agenthost(args.agenthost), "serve", "--manifests", args.manifests]
    if args.db:
        command += ["--db", args.db]
    client = Client(command, cwd=ROOT)
    try:
        info = client.call("initialize", {"protocol_version": "1.0", "client_info": {"name": "client.py"}})
        print(f"connected to {info['server_info']['name']} {info['server_info']['version']} "
              f"(protocol {info['protocol_version']})")
        agents = client.call("agents/list")["agents"]
        print(f"{len(agents)} agents: {', '.join(agent['name'] for agent in agents)}")
        started = client.call("workflow/execute", {
            "request": request, "base_directory": os.path.dirname(os.path.abspath(args.request))})
        workflow_id = started["workflow_id"]
        plan = started["plan"]
        print(f"workflow {workflow_id}: {len(plan['order'])} agents, estimated {plan['estimated_seconds']:.2f} s")
        client.call("workflow/subscribe", {"workflow_id": workflow_id, "from_sequence": 1})
        expected = 1
        while True:
            event = client.events.get(timeout=600)
            if event is None:
                raise ProtocolError("workflow/event", {"code": -1, "message": "the server closed its output"})
            if event["workflow_id"] != workflow_id:
                continue
            if event["sequence"] != expected:
                raise ProtocolError("workflow/event", {
                    "code": -1, "message": f"expected event #{expected}, got #{event['sequence']}"})
            expected += 1
            print(describe(event), flush=True)
            if event["type"] in ("workflow.completed", "workflow.failed", "workflow.cancelled"):
                break
        status = client.call("workflow/status", {"workflow_id": workflow_id})
        print("\nfinal status:")
        print(json.dumps({key: status[key] for key in (
            "workflow_id", "state", "progress_percentage", "agents_status", "counts", "execution_info")}, indent=2))
        client.call("shutdown")
        exit_status = client.close()
        if exit_status != 0:
            print(f"client.py: agenthost serve exited with {exit_status}", file=sys.stderr)
            return 2
        return 0 if status["state"] == "completed" else 1
    except ProtocolError as error:
        print(f"client.py: {error}", file=sys.stderr)
        client.child.kill()
        return 2


if __name__ == "__main__":
    sys.exit(main())
