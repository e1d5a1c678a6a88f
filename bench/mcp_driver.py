#!/usr/bin/env python3
"""bench/run's driver for hb mcp: newline-delimited JSON-RPC over the server's stdio.

    bench/mcp_driver.py [--sessions N] [--calls N] [--properties N] -- HB [ARGS...] mcp

Each session starts `HB ARGS... mcp`, sends `initialize` at once and times its answer from
the spawn (the first request), then makes --calls `get_property_heartbeat` calls on that one
connection, one at a time, property ids spread over 1..--properties. It prints one JSON
object: the median over sessions of the first answer (ms since spawn), of each session's
median and p95 call (ms), and the server's peak RSS (kB, VmHWM).

Only the standard library: the benchmark measures hb, not a client SDK.
"""

import json
import statistics
import subprocess
import sys
import time


def percentile(values, p):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def session(command, calls, properties):
    started = time.perf_counter()
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def ask(message):
        child.stdin.write(json.dumps(message).encode() + b"\n")
        child.stdin.flush()
        line = child.stdout.readline()
        if not line:
            sys.exit(f"mcp_driver: hb mcp closed stdout (exit {child.wait()})")
        reply = json.loads(line)
        if "error" in reply or reply.get("result", {}).get("isError"):
            sys.exit(f"mcp_driver: {json.dumps(reply)[:500]}")
        return reply

    ask({
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
    })
    first = (time.perf_counter() - started) * 1000
    child.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    times = []
    step = max(1, properties // calls)
    for i in range(calls):
        request = {
            "jsonrpc": "2.0",
            "id": i + 1,
            "method": "tools/call",
            "params": {"name": "get_property_heartbeat", "arguments": {"property_id": 1 + (i * step) % properties}},
        }
        t = time.perf_counter()
        ask(request)
        times.append((time.perf_counter() - t) * 1000)
    rss = 0
    try:
        with open(f"/proc/{child.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    child.stdin.close()
    code = child.wait(timeout=30)
    if code != 0:
        sys.exit(f"mcp_driver: hb mcp exited {code} after stdin closed")
    return first, statistics.median(times), percentile(times, 95), rss


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    own, command = argv[1:split], argv[split + 1 :]
    options = {"--sessions": 5, "--calls": 200, "--properties": 1_000_000}
    for flag, value in zip(own[::2], own[1::2]):
        if flag not in options:
            sys.exit(__doc__)
        options[flag] = int(value)
    results = [session(command, options["--calls"], options["--properties"]) for _ in range(options["--sessions"])]
    print(json.dumps({
        "sessions": len(results),
        "calls": options["--calls"],
        "first_ms": statistics.median(r[0] for r in results),
        "call_median_ms": statistics.median(r[1] for r in results),
        "call_p95_ms": statistics.median(r[2] for r in results),
        "rss_kb": statistics.median(r[3] for r in results),
    }))


if __name__ == "__main__":
    main(sys.argv)
