#!/usr/bin/env python3
"""hb mcp driven by a real MCP client, the Python SDK (`mcp` on PyPI), for tests/cli/mcp.rs.

    mcp_client.py session MODE PLAN OUT -- HB [ARGS...]
    mcp_client.py raw PLAN OUT -- HB [ARGS...]

session: mcp.Client starts `HB ARGS` over stdio and connects in MODE: `auto` (the SDK's
default: server/discover, the handshake-less 2026-07-28 revision), `legacy` (the
initialize handshake at the SDK's newest handshake revision, 2025-11-25) or a handshake
revision such as `2025-06-18` (the initialize handshake offering that revision). It lists
the tools, makes each call of PLAN (a JSON list of {"name", "arguments"}) and writes OUT:
{"protocol_version", "server_name", "tools": [{"name", "annotations", "input_schema",
"output_schema"}], "calls": [{"name", "is_error", "structured", "texts", "client_error"}]}.
The SDK checks each result's structured content against the tool's output schema; a
mismatch is recorded as the call's client_error.

raw: speaks newline-delimited JSON-RPC itself, for what no SDK sends: PLAN is a list of
{"send": LINE, "reply": true|false}; after each line that expects a reply it reads one
line of stdout (10 s at most). Then it closes stdin and writes OUT: {"replies": [...],
"stdout": [every stdout line], "exit_code", "stderr"}.

The environment is passed on to hb as it is (HB_CONFIG, HB_DB, HB_NOW).
"""

import asyncio
import json
import os
import queue
import subprocess
import sys
import threading


async def session(mode, plan, out, command):
    import mcp.client.session
    from mcp import StdioServerParameters
    from mcp.client.client import Client

    if mode not in ("auto", "legacy"):
        # The SDK offers its newest handshake revision; an older client offers an older one.
        mcp.client.session.LATEST_HANDSHAKE_VERSION = mode
        mode = "legacy"
    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    report = {"calls": []}
    async with Client(params, mode=mode, cache=None) as client:
        report["protocol_version"] = client.protocol_version
        info = client.server_info
        report["server_name"] = info.name if info is not None else None
        listed = await client.list_tools()
        report["tools"] = [
            {
                "name": tool.name,
                "annotations": tool.annotations.model_dump(by_alias=True, exclude_none=True)
                if tool.annotations
                else None,
                "input_schema": tool.input_schema,
                "output_schema": tool.output_schema,
            }
            for tool in listed.tools
        ]
        for call in plan:
            entry = {"name": call["name"], "arguments": call.get("arguments")}
            try:
                result = await client.call_tool(call["name"], call.get("arguments"))
                entry["is_error"] = bool(result.is_error)
                entry["structured"] = result.structured_content
                entry["texts"] = [block.text for block in result.content if block.type == "text"]
            except Exception as err:  # the SDK refused the result: the test says why
                entry["client_error"] = f"{type(err).__name__}: {err}"
            report["calls"].append(entry)
    with open(out, "w") as f:
        json.dump(report, f)


def raw(plan, out, command):
    child = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines = queue.Queue()

    def read_stdout():
        for line in child.stdout:
            lines.put(line.decode("utf-8", "replace").rstrip("\n"))
        lines.put(None)

    errors = []
    threading.Thread(target=read_stdout, daemon=True).start()
    # Joined before the report is written: the child exiting does not mean this thread
    # has read its stderr to the end yet.
    stderr_reader = threading.Thread(
        target=lambda: errors.append(child.stderr.read()), daemon=True
    )
    stderr_reader.start()
    stdout, replies = [], []
    for step in plan:
        child.stdin.write(step["send"].encode() + b"\n")
        child.stdin.flush()
        if step.get("reply", True):
            try:
                line = lines.get(timeout=10)
            except queue.Empty:
                line = None
            replies.append(line)
            if line is not None:
                stdout.append(line)
    child.stdin.close()
    try:
        code = child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        code = "did not exit within 10 s of stdin closing"
    while True:
        try:
            line = lines.get(timeout=5)
        except queue.Empty:
            break
        if line is None:
            break
        stdout.append(line)
    stderr_reader.join(timeout=5)
    with open(out, "w") as f:
        json.dump(
            {
                "replies": replies,
                "stdout": stdout,
                "exit_code": code,
                "stderr": (errors[0] if errors else b"").decode("utf-8", "replace"),
            },
            f,
        )


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    own, command = argv[1:split], argv[split + 1 :]
    if own[:1] == ["session"] and len(own) == 4:
        with open(own[2]) as f:
            plan = json.load(f)
        asyncio.run(session(own[1], plan, own[3], command))
    elif own[:1] == ["raw"] and len(own) == 3:
        with open(own[1]) as f:
            plan = json.load(f)
        raw(plan, own[2], command)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
