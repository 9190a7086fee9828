/**
 * `lmkeeper demo` as a newcomer runs it: the built CLI, real servers on loopback, the agent
 * reading the reference server through the lmutil shim. The output must show the API's used
 * counts equal to the server's, and nothing may be left listening or running afterwards.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { resolve } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";

const CLI = resolve("dist/cli/main.js");

beforeAll(async () => {
  if (!existsSync(CLI)) await execa("npm", ["run", "build"], { stdio: "inherit" });
}, 120_000);

interface Row {
  feature: string;
  total: number;
  usedOnServer: number;
  usedInApi: number;
}

/** Each cycle's table rows, in order. */
function cycles(stdout: string): Row[][] {
  const tables: Row[][] = [];
  for (const line of stdout.split("\n")) {
    if (/^cycle \d+ at /.test(line)) tables.push([]);
    const row = /^ {2}(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(in sync|catching up)$/.exec(line);
    if (row) {
      tables.at(-1)?.push({
        feature: row[1] as string,
        total: Number(row[2]),
        usedOnServer: Number(row[3]),
        usedInApi: Number(row[4]),
      });
    }
  }
  return tables;
}

/** Every loopback port the demo announced, and its state directory. */
function announced(stdout: string): { ports: number[]; stateDir: string } {
  const ports = [...stdout.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  const stateDir = /^ {2}state\s+(\S+)$/m.exec(stdout)?.[1] ?? "";
  return { ports: [...new Set(ports)], stateDir };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

/** Processes whose command line names the demo's license server (the shim and its lmstat). */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

async function expectNothingLeft(stdout: string): Promise<void> {
  const { ports, stateDir } = announced(stdout);
  expect(ports.length).toBe(4); // license server, API, OIDC provider, agent metrics
  for (const port of ports) expect(await accepts(port), `port ${port} still listening`).toBe(false);
  expect(stateDir).toMatch(/lmkeeper-demo-/);
  expect(existsSync(stateDir)).toBe(false);
  const serverPort = /license server\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
  expect(processesNaming(`${serverPort}@127.0.0.1`)).toEqual([]);
}

describe("lmkeeper demo (built CLI)", () => {
  it("--duration 8: usage flows into the API within seconds, then it exits 0 leaving nothing behind", async () => {
    const run = await execa(process.execPath, [CLI, "demo", "--duration", "8"], {
      reject: false,
      timeout: 40_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const tables = cycles(run.stdout);
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const table of tables) {
      expect(table.map((row) => [row.feature, row.total])).toEqual([
        ["solver", 15],
        ["mesher", 4],
      ]);
    }
    // the simulated users hold seats from the start, so a cycle in sync shows real usage
    const inSync = tables.filter((table) =>
      table.every((row) => row.usedInApi === row.usedOnServer),
    );
    expect(inSync.length).toBeGreaterThanOrEqual(1);
    expect(inSync.some((table) => table.reduce((sum, row) => sum + row.usedOnServer, 0) > 0)).toBe(
      true,
    );
    expect(run.stdout).toMatch(/lmkeeper demo: \d+ cycles, the API matched the server after [1-9]/);
    await expectNothingLeft(run.stdout);
  }, 60_000);

  it("--keep-running stays up until Ctrl-C, then cleans up and exits 0", async () => {
    const demo = execa(process.execPath, [CLI, "demo", "--keep-running"], {
      reject: false,
      timeout: 40_000,
    });
    let stdout = "";
    await new Promise<void>((done) => {
      demo.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^cycle 2 at /m.test(stdout)) done();
      });
      void demo.then(() => done());
    });
    expect(stdout).toContain("running until Ctrl-C");
    const { ports } = announced(stdout);
    for (const port of ports) expect(await accepts(port)).toBe(true);
    demo.kill("SIGINT");
    const result = await demo;
    expect(result.exitCode, result.stderr).toBe(0);
    await expectNothingLeft(result.stdout);
  }, 60_000);
});
