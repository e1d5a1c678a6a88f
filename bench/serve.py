#!/usr/bin/env python3
"""hb serve's figures (bench/run): GET /health latency, 8 concurrent clients, idle RSS.

    bench/serve.py HB_COMMAND...     # e.g. hb --config C --db D --now T

Starts `HB_COMMAND serve --listen 127.0.0.1:0` (the port from its first line), measures,
sends SIGTERM, and prints one Markdown row per figure on stdout (and a line each on
stderr). Exits 1 when a figure missed its target.
"""
import http.client
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

SEQUENTIAL = 500
CLIENTS, TOTAL = 8, 2000


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return kb / 1024


def get(port, path, conn=None):
    """One GET on a new connection (as a load balancer's probe): (status, seconds)."""
    started = time.perf_counter()
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Connection": "close"} if own else {})
    response = conn.getresponse()
    response.read()
    if own:
        conn.close()
    return response.status, time.perf_counter() - started


def main():
    command = sys.argv[1:]
    server = subprocess.Popen(
        command + ["serve", "--listen", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = server.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        sys.exit(f"bench: hb serve did not start: {line}{server.stderr.read()}")
    port = int(match.group(1))
    # Request logs go to stderr: keep draining it so the server never blocks on the pipe.
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    time.sleep(1.0)
    idle_start = rss_mb(server.pid)

    for _ in range(20):  # warm the page cache, as a running server's would be
        get(port, "/health")
    times = []
    for _ in range(SEQUENTIAL):
        status, took = get(port, "/health")
        if status not in (200, 503):
            sys.exit(f"bench: GET /health answered {status}")
        times.append(took)
    median_ms = statistics.median(times) * 1000
    health_status = status

    results, lock = [], threading.Lock()

    def client(n):
        mine = []
        for _ in range(n):
            try:
                mine.append(get(port, "/health"))
            except OSError as err:
                mine.append((f"error: {err}", 0.0))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(TOTAL // CLIENTS,)) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    answered = sum(1 for s, _ in results if s in (200, 503))
    slowest_ms = max(t for _, t in results) * 1000
    p99_ms = sorted(t for _, t in results)[int(len(results) * 0.99) - 1] * 1000
    time.sleep(1.0)
    idle_after = rss_mb(server.pid)

    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=30)

    rows = [
        ("GET /health, median of %d (HTTP %d)" % (SEQUENTIAL, health_status), "%.1f ms" % median_ms, "<= 5 ms", median_ms <= 5),
        ("%d GET /health from %d clients: answered" % (TOTAL, CLIENTS), "%d of %d in %.2f s" % (answered, TOTAL, wall), "all", answered == TOTAL),
        ("  slowest (p99)", "%.1f ms (%.1f ms)" % (slowest_ms, p99_ms), "<= 100 ms", slowest_ms <= 100),
        ("hb serve idle RSS, at start / after the load", "%.1f MB / %.1f MB" % (idle_start, idle_after), "<= 10 MB", idle_start <= 10),
        ("SIGTERM", "exit %d" % code, "exit 0", code == 0),
    ]
    ok = True
    for name, value, target, met in rows:
        ok &= met
        print(f"| {name} | {value} | {target} | {'yes' if met else 'NO'} |")
        print(f"{name:<60} {value:>24}  ({target}: {'yes' if met else 'NO'})", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
