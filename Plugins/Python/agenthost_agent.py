"""Turn a Python function into an AgentHost command agent (standard library only).

An agent is a function ``handle(agent_input: dict, host: Host) -> dict``. Call
``serve(handle)`` from the script's ``__main__``; the manifest names the script as a
``"kind": "command"`` agent (docs/MANIFEST.md, "Command agents"). The same script serves
both ways, chosen by the ``AGENTHOST_COMMAND_MODE`` variable the host sets:

- ``oneshot``: read one agent input object from stdin, write the output object to stdout,
  exit 0. ``RetryableError`` exits 75 (EX_TEMPFAIL: the host may retry); any other
  exception prints its traceback to stderr and exits 1.
- ``persistent`` (``"persistent": true``): read one input object per line, answer one line
  per call, ``{"output": {...}}`` or ``{"error": "...", "retryable": bool}``, until stdin
  closes. Expensive set-up done at import time (a model, a tokenizer) is paid once.

Logs and progress go to stderr as JSON lines (``host.log``, ``host.progress``). While the
function runs, ``print`` and ``sys.stdout`` write to stderr too, so a stray print can never
corrupt the answer.
"""

import json
import os
import sys
import traceback

__all__ = ["Host", "RetryableError", "serve"]

EX_TEMPFAIL = 75


class RetryableError(Exception):
    """Raise to fail this attempt in a way the host may retry (a busy service, a flaky source)."""


class Host:
    """What an agent may reach on the host side during one call."""

    def __init__(self, stream):
        self._stream = stream

    def log(self, message, level="info"):
        """Writes a log line attributed to this agent; level is debug, info, warning or error."""
        self._write({"level": level, "message": str(message)})

    def progress(self, fraction, message=None):
        """Reports progress of the current call; fraction in [0, 1]."""
        line = {"progress": float(fraction)}
        if message is not None:
            line["message"] = str(message)
        self._write(line)

    def _write(self, line):
        self._stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._stream.flush()


def _call(handle, agent_input, host):
    """Runs handle with stdout pointed at stderr; returns its output object."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        output = handle(agent_input, host)
    finally:
        sys.stdout = saved
    if not isinstance(output, dict):
        raise TypeError(f"the agent function returned {type(output).__name__}; expected a dict (a JSON object)")
    return output


def _oneshot(handle, host, answers):
    agent_input = json.load(sys.stdin)
    try:
        output = _call(handle, agent_input, host)
    except RetryableError as error:
        host.log(f"retryable: {error}", level="error")
        return EX_TEMPFAIL
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return 1
    answers.write(json.dumps(output, ensure_ascii=False))
    answers.flush()
    return 0


def _persistent(handle, host, answers):
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = {"output": _call(handle, json.loads(line), host)}
        except RetryableError as error:
            answer = {"error": str(error), "retryable": True}
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            answer = {"error": f"{type(error).__name__}: {error}", "retryable": False}
        # ensure_ascii keeps U+2028 and friends escaped: one answer is exactly one line.
        answers.write(json.dumps(answer, ensure_ascii=True) + "\n")
        answers.flush()
    return 0


def serve(handle, mode=None):
    """Serves ``handle`` as an agent until the host is done with it, then exits.

    ``mode`` is "oneshot" or "persistent"; by default the host's ``AGENTHOST_COMMAND_MODE``.
    """
    mode = mode or os.environ.get("AGENTHOST_COMMAND_MODE", "oneshot")
    # The answer stream is the real stdout; everything else the process prints goes to stderr.
    answers = sys.stdout
    host = Host(sys.stderr)
    run = _persistent if mode == "persistent" else _oneshot
    sys.exit(run(handle, host, answers))
