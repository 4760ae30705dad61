"""The citizen path under load: ``POST /api/chat/messages`` through the API (and the
balancer, for the cluster), as the web chat sends it, with the worker running.

The load generator is ``wrk`` (Debian's package, C, a Lua script): it costs little CPU, so
the figures are the assistant's, not the client's; its own CPU share is reported. Each
request is a new message of one of 4,000 sessions, so the per-session limit is never what
is measured; the server under test must allow the rate per address (``CHAT_RATE_PER_IP``).

    trolyao bench citizen --url http://127.0.0.1:8000 --connections 20 --seconds 60
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.chat import QUESTIONS

SCRIPT = """
local questions = %(questions)s
local sessions = 4000
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
  math.randomseed(os.time() + id * 7919)
end

request = function()
  counter = counter + 1
  local session = string.format("wrk%%02d%%05d", thread_id, (counter * 7 + thread_id) %% sessions)
  local q = questions[(counter %% #questions) + 1]
  local body = string.format('{"session_id": "%%s", "text": "%%s"}', session, q)
  return wrk.format("POST", "/api/chat/messages", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local codes = 0
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status, summary.errors.timeout))
end
"""


def require_wrk(install: bool = True) -> str:
    """The path of ``wrk``; installed from Debian's archive as ``make bench`` does (as root, or
    with passwordless sudo) when missing, else a clear stop before anything slow has run."""
    wrk = shutil.which("wrk")
    if wrk is None and install:
        apt = ["apt-get", "install", "-y", "-q", "wrk"]
        for command in (apt, ["sudo", "-n", *apt]):
            if command[0] == "apt-get" and os.geteuid() != 0:
                continue
            if shutil.which(command[0]) is None:
                continue
            print("» installing Debian's wrk (the load generator)", flush=True)
            done = subprocess.run(
                command,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                capture_output=True,
                check=False,
            )
            if done.returncode == 0:
                break
        wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit(
            "wrk is missing and could not be installed here: "
            "sudo apt-get install wrk (make bench installs it), then run again"
        )
    return wrk


def run_citizen_benchmark(
    url: str, connections: int, seconds: int, threads: int = 2
) -> dict[str, float]:
    """Drive ``url`` with ``wrk``; return throughput, latency percentiles and wrk's CPU."""
    wrk = require_wrk()
    lua = SCRIPT % {
        "questions": "{" + ", ".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "}"
    }
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "citizen.lua"
        script.write_text(lua, "utf-8")
        started = time.monotonic()
        before = os.times()
        done = subprocess.run(
            [
                wrk,
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        after = os.times()
        wall = time.monotonic() - started
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", done.stdout)
    if not match:
        raise SystemExit(f"wrk failed: {done.stdout}\n{done.stderr}")
    requests, duration_us, p50, p95, p99, bad_status, timeouts = map(int, match.groups())
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return {
        "requests": requests,
        "msg_per_s": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "non_2xx": bad_status,
        "timeouts": timeouts,
        "wrk_cpu_share": cpu / (wall * (os.cpu_count() or 1)),
    }
