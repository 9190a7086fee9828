#!/usr/bin/env node
// A stand-in for a vendor status tool (lmutil, rlmutil, …). What it does is read from the
// JSON plan named by FAKE_TOOL_PLAN, keyed by the port found in its argv:
//   { "servers": { "<port>": { "fixture": "/abs/file" | "stdout": "text",
//                              "exit": 0, "delayMs": 50, "hang": false, "escape": false, "pidFile": "/abs/file" } } }
// A server missing from the plan answers like an unreachable FlexLM server. Every run is
// appended as one JSON line to FAKE_TOOL_LOG when it is set.
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const argv = process.argv.slice(2);
const plan = JSON.parse(readFileSync(process.env.FAKE_TOOL_PLAN ?? "", "utf8"));
const servers = plan.servers ?? {};
const port = argv.flatMap((arg) => arg.match(/\d+/g) ?? []).find((digits) => digits in servers);
const entry = port === undefined ? undefined : servers[port];

if (process.env.FAKE_TOOL_LOG) {
  appendFileSync(
    process.env.FAKE_TOOL_LOG,
    `${JSON.stringify({ argv, port: port ?? null, pid: process.pid })}\n`,
  );
}

if (entry === undefined) {
  process.stdout.write(
    "lmutil - Copyright (c) 1989-2024 Flexera. All Rights Reserved.\n" +
      "Flexible License Manager status on Mon 11/23/2026 11:00\n\n" +
      'Error getting status: Cannot connect to license server system. (-15,570:111 "Connection refused")\n',
  );
  process.exit(1);
}

if (entry.hang) {
  // A grandchild in the same process group that also holds stdout open, like a tool that
  // forks a helper: only killing the whole group ends it.
  // With "escape", the grandchild starts its own session, out of reach of a group kill.
  const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
    stdio: "inherit",
    detached: Boolean(entry.escape),
  });
  if (entry.pidFile) {
    writeFileSync(
      entry.pidFile,
      JSON.stringify({ child: process.pid, grandchild: grandchild.pid }),
    );
  }
  process.stdout.write("lmutil - Copyright (c) 1989-2024 Flexera. All Rights Reserved.\n");
  await sleep(3_600_000);
}

if (entry.delayMs) await sleep(entry.delayMs);
process.stdout.write(entry.fixture ? readFileSync(entry.fixture, "utf8") : (entry.stdout ?? ""));
process.exitCode = entry.exit ?? 0;
