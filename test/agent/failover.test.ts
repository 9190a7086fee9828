import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { invalidAddressReason, queryServers } from "../../src/agent/failover.js";
import { runTool, type ToolRunner } from "../../src/agent/tool-runner.js";
import { flexlmParser } from "../../src/parsers/index.js";
import { eventually, FAKE_TOOL, fakeToolWorkspace, FIXTURE, isAlive } from "./helpers.js";

const host = "127.0.0.1";
/** Long enough for node to start the fake tool (and write its pid file) on a loaded machine. */
const HANG_TIMEOUT_MS = 3_000;

function query(ports: number[], env: NodeJS.ProcessEnv, timeoutMs = 10_000, binary = FAKE_TOOL) {
  return queryServers(
    ports.map((port) => ({ host, port })),
    { parser: flexlmParser, binary, timeoutMs, runTool, env },
  );
}

describe("license server failover with real tool processes", () => {
  it("moves to server 2 when server 1 is down, and runs no further server", async () => {
    const tool = fakeToolWorkspace({
      27002: { fixture: FIXTURE("lmstat_app2.txt") },
      27003: { fixture: FIXTURE("lmstat_app1.txt") },
    });
    const outcome = await query([27001, 27002, 27003], tool.env);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.server).toEqual({ host, port: 27002 });
    const feature2 = outcome.report.features.find((feature) => feature.feature === "feature2");
    expect([feature2?.total, feature2?.used]).toEqual([144, 22]);
    expect(outcome.attempts.map((attempt) => [attempt.server.port, attempt.ok])).toEqual([
      [27001, false],
      [27002, true],
    ]);
    expect(outcome.attempts[0]?.error).toMatch(
      /^127\.0\.0\.1:27001: ServerError: .*\(exit status 1\)$/,
    );
    expect(tool.runs().map((run) => run.argv)).toEqual([
      ["lmstat", "-c", "27001@127.0.0.1", "-a"],
      ["lmstat", "-c", "27002@127.0.0.1", "-a"],
    ]);
  });

  it("fails over when the tool prints the server-down text with exit status 0", async () => {
    const tool = fakeToolWorkspace({
      27001: { fixture: FIXTURE("lmstat_whole_run_down.txt"), exit: 0 },
      27002: { fixture: FIXTURE("lmstat_app2.txt") },
    });
    const outcome = await query([27001, 27002], tool.env);
    expect(outcome.ok && outcome.server.port).toBe(27002);
    expect(outcome.attempts[0]?.error).toMatch(/ServerError/);
  });

  it("accepts a usable answer even with a non-zero exit status", async () => {
    const tool = fakeToolWorkspace({ 27001: { fixture: FIXTURE("lmstat_app2.txt"), exit: 1 } });
    const outcome = await query([27001], tool.env);
    expect(outcome.ok && outcome.server.port).toBe(27001);
  });

  it("reports the configuration failed with every server's reason when all are down", async () => {
    const tool = fakeToolWorkspace({
      27002: { stdout: "Segmentation fault in license routine\n", exit: 0 },
      27003: { stdout: "", exit: 3 },
    });
    const outcome = await query([27001, 27002, 27003], tool.env);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toHaveLength(3);
    expect(outcome.errors[0]).toMatch(/^127\.0\.0\.1:27001: ServerError/);
    expect(outcome.errors[1]).toMatch(/^127\.0\.0\.1:27002: ParseError/);
    expect(outcome.errors[2]).toBe("127.0.0.1:27003: no output (exit status 3)");
  });

  it("kills a hanging tool and the process it started at the timeout, then asks the next server", async () => {
    const tool = fakeToolWorkspace({});
    const pidFile = join(tool.dir, "hang-pids.json");
    const hanging = fakeToolWorkspace({
      27004: { hang: true, pidFile },
      27002: { fixture: FIXTURE("lmstat_app2.txt") },
    });
    const outcome = await query([27004, 27002], hanging.env, HANG_TIMEOUT_MS);
    expect(outcome.ok && outcome.server.port).toBe(27002);
    expect(outcome.attempts[0]?.error).toBe(
      `127.0.0.1:27004: no answer within ${HANG_TIMEOUT_MS} ms; the tool was killed`,
    );
    const pids = JSON.parse(readFileSync(pidFile, "utf8")) as { child: number; grandchild: number };
    expect(pids.grandchild).toBeGreaterThan(0);
    expect(await eventually(() => !isAlive(pids.child) && !isAlive(pids.grandchild))).toBe(true);
  });

  it("stops waiting for a descendant that escaped the process group and still holds the output", async () => {
    const tool = fakeToolWorkspace({});
    const pidFile = join(tool.dir, "escape-pids.json");
    const escaping = fakeToolWorkspace({ 27004: { hang: true, escape: true, pidFile } });
    const outcome = await query([27004], escaping.env, HANG_TIMEOUT_MS);
    const pids = JSON.parse(readFileSync(pidFile, "utf8")) as { child: number; grandchild: number };
    process.kill(pids.grandchild, "SIGKILL"); // our own leftover: a setsid process is out of the tool runner's reach
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.errors).toEqual([
        `127.0.0.1:27004: no answer within ${HANG_TIMEOUT_MS} ms; the tool was killed`,
      ]);
    expect(await eventually(() => !isAlive(pids.child))).toBe(true);
  });

  it("skips a server whose tool cannot be started", async () => {
    const tool = fakeToolWorkspace({});
    const outcome = await query([27001], tool.env, 5_000, join(tool.dir, "no-such-lmutil"));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.errors[0]).toMatch(
        /^127\.0\.0\.1:27001: cannot run .*no-such-lmutil \(ENOENT\)$/,
      );
  });

  it("never puts an unsafe host or port on a command line", async () => {
    const tool = fakeToolWorkspace({ 27002: { fixture: FIXTURE("lmstat_app2.txt") } });
    const outcome = await queryServers(
      [
        { host: "-oProxyCommand=touch /tmp/x", port: 27001 },
        { host: "lic1", port: 70_000 },
        { host, port: 27002 },
      ],
      { parser: flexlmParser, binary: FAKE_TOOL, timeoutMs: 5_000, runTool, env: tool.env },
    );
    expect(outcome.ok && outcome.server.port).toBe(27002);
    expect(tool.runs()).toHaveLength(1);
    expect(invalidAddressReason({ host: "lic1.example.org", port: 27000 })).toBeUndefined();
    expect(invalidAddressReason({ host: "::1", port: 1 })).toBeUndefined();
    expect(invalidAddressReason({ host: "a b", port: 1 })).toMatch(/not a hostname/);
  });

  it("fails over past a server whose output passes the configured limit", async () => {
    const tool = fakeToolWorkspace({
      27001: { fixture: FIXTURE("lmstat_app1.txt") },
      27002: { fixture: FIXTURE("lmstat_app2.txt") },
    });
    const limit = readFileSync(FIXTURE("lmstat_app2.txt")).length;
    expect(readFileSync(FIXTURE("lmstat_app1.txt")).length).toBeGreaterThan(limit);
    const outcome = await queryServers(
      [27001, 27002].map((port) => ({ host, port })),
      {
        parser: flexlmParser,
        binary: FAKE_TOOL,
        timeoutMs: 10_000,
        maxOutputBytes: limit,
        runTool,
        env: tool.env,
      },
    );
    expect(outcome.ok && outcome.server.port).toBe(27002);
    expect(outcome.attempts[0]?.error).toBe(`127.0.0.1:27001: output larger than ${limit} bytes`);
  });

  it("never uses output that overflowed the buffer", async () => {
    const run = await runTool(
      { argv: [process.execPath, "-e", "process.stdout.write('x'.repeat(4096))"] },
      { timeoutMs: 10_000, maxBuffer: 1024 },
    );
    expect(run).toMatchObject({ stdout: "", failure: "output larger than 1024 bytes" });
  });

  it("reads output made only of blanks, of any kind, as no output", async () => {
    const outputs = [" \t\r\n", "\u00a0\ufeff\u2028\u3000\n", "\n\u00a0x\n"];
    const stub: ToolRunner = () =>
      Promise.resolve({
        stdout: outputs.shift() ?? "",
        stderr: "",
        exitCode: 0,
        timedOut: false,
        durationMs: 1,
      });
    const outcome = await queryServers(
      [27001, 27002, 27003].map((port) => ({ host, port })),
      { parser: flexlmParser, timeoutMs: 5_000, runTool: stub },
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors[0]).toBe("127.0.0.1:27001: no output");
    expect(outcome.errors[1]).toBe("127.0.0.1:27002: no output");
    expect(outcome.errors[2]).toMatch(/^127\.0\.0\.1:27003: ParseError: /);
  });

  it("feeds stdin to tools that read their commands from it", async () => {
    const run = await runTool(
      {
        argv: [process.execPath, "-e", "process.stdin.pipe(process.stdout)"],
        stdin: "connect lic1 4085\ngetLicenseUsage -csv\n",
      },
      { timeoutMs: 10_000 },
    );
    expect(run).toMatchObject({
      stdout: "connect lic1 4085\ngetLicenseUsage -csv\n",
      exitCode: 0,
      timedOut: false,
    });
  });
});
