#!/usr/bin/env python3
"""Drive `agenthost mcp` with the official MCP Python client, as an LLM client or IDE would.

It starts `agenthost mcp` over stdio, lists the tools (each agent is one), runs the demo
campaign (Examples/blog-campaign.json) through the run_workflow tool while printing every
progress notification, then reads the article the writer produced as an MCP resource.
Exits 0 when all of that worked, 1 otherwise. Needs `pip install mcp` (written against mcp 2.3.0).

    python3 Examples/mcp_client.py [--agenthost PATH] [--request FILE] [--db PATH] [--workdir DIR]
"""

import argparse
import asyncio
import os
import shutil
import sys
import tempfile

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def find_agenthost(explicit):
    if explicit:
        return os.path.abspath(explicit)
    for candidate in (os.path.join(ROOT, ".build", "debug", "agenthost"), shutil.which("agenthost")):
        if candidate and os.path.exists(candidate):
            return candidate
    sys.exit("mcp_client.py: no agenthost binary; build with `swift build` or pass --agenthost")


def fail(message):
    print(f"mcp_client.py: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


async def run(args):
    workdir = args.workdir or tempfile.mkdtemp(prefix="agenthost-mcp-")
    db = args.db or os.path.join(workdir, "state.sqlite")
    server = StdioServerParameters(
        command=find_agenthost(args.agenthost),
        args=["mcp", "--db", db, "--manifests", os.path.join(ROOT, "AgentManifests")],
        cwd=workdir,
    )
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            print(f"initialized: {init.server_info.name} {init.server_info.version}, MCP {init.protocol_version}")

            tools = (await session.list_tools()).tools
            names = [tool.name for tool in tools]
            print(f"tools ({len(names)}): {', '.join(names)}")
            for wanted in ("plan_workflow", "run_workflow", "workflow_status", "workflow_result",
                           "cancel_workflow", "invoke_agent", "agent_writer"):
                if wanted not in names:
                    fail(f"tools/list has no {wanted}")
            writer = next(tool for tool in tools if tool.name == "agent_writer")
            campaign = writer.input_schema.get("properties", {}).get("campaign", {})
            if "title" not in campaign.get("properties", {}):
                fail("agent_writer's input schema does not declare campaign.title (from its manifest)")

            progress = []

            async def on_progress(value, total, message):
                progress.append(value)
                print(f"progress {value:g}/{total:g}: {message}")

            request_file = os.path.abspath(args.request)
            result = await session.call_tool(
                "run_workflow", {"request_file": request_file}, progress_callback=on_progress)
            print(result.content[0].text)
            if result.is_error:
                fail("run_workflow reported an error")
            state = (result.structured_content or {}).get("state")
            if state != "completed":
                fail(f"the workflow is {state}, expected completed")
            if not progress:
                fail("no progress notification arrived while the workflow ran")
            if progress != sorted(progress):
                fail(f"progress went backwards: {progress}")

            links = [block for block in result.content if block.type == "resource_link"]
            article = next((link for link in links if str(link.uri).endswith(".md")), None)
            if article is None:
                fail(f"run_workflow linked no Markdown artifact; links: {[str(link.uri) for link in links]}")
            contents = (await session.read_resource(str(article.uri))).contents
            text = getattr(contents[0], "text", "") if contents else ""
            if not text.strip():
                fail(f"resource {article.uri} is empty")
            first_line = text.strip().splitlines()[0]
            print(f"read {article.uri}: {len(text)} characters, first line: {first_line}")
            print(f"mcp_client.py: OK: {len(links)} resource links, {len(progress)} progress notifications")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agenthost", help="the agenthost binary (default .build/debug/agenthost)")
    parser.add_argument("--request", default=os.path.join(HERE, "blog-campaign.json"))
    parser.add_argument("--db", help="the SQLite store (default: in the work folder)")
    parser.add_argument("--workdir", help="the server's working folder (default: a new temporary one)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
