/**
 * The whole status path against a live reference server: real checkouts over HTTP, then each
 * vendor-named shim in deploy/shims run as a child process with exactly the argv (and stdin)
 * its parser asks for, and the parser's report compared with the server's own numbers.
 * Needs the built CLI (`npm run build`), which the shims run.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getParser,
  ServerError,
  type FeatureUsage,
  type LicenseUse,
} from "../../src/parsers/index.js";
import {
  LicenseClient,
  parseServerConfig,
  startServer,
  type RunningServer,
  type StatusSnapshot,
} from "../../src/server-core/index.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const cliMain = join(repo, "dist/cli/main.js");
const LICENSE = join(repo, "fixtures/e2e/parsers.lic");

const SHIMS = {
  flexlm: "lmutil",
  rlm: "rlmutil",
  lsdyna: "lstc_qrun",
  lmx: "lmxendutil",
  olicense: "olixtool",
  dsls: "DSLicSrv",
} as const;
type ToolType = keyof typeof SHIMS;
const TYPES = Object.keys(SHIMS) as ToolType[];

/** Who holds what, checked out over HTTP before the shims run. */
const CHECKOUTS = [
  { feature: "solver", user: "alice", host: "node001", count: 3 },
  { feature: "solver", user: "bob", host: "node002", count: 2 },
  // only the 2027.0 INCREMENT pool can grant this one
  { feature: "solver", user: "carol", host: "node003", count: 4, version: "2027.0" },
  { feature: "solver", user: "alice", host: "node004", count: 1 },
  { feature: "mesher", user: "dave", host: "node002", count: 2 },
  { feature: "mesher", user: "alice", host: "node001", count: 1 },
];

/** What the test expects, written out: total, used and every holder per feature. */
const EXPECTED: Record<string, { total: number; used: number; uses: LicenseUse[] }> = {
  solver: {
    total: 15,
    used: 10,
    uses: [
      { username: "alice", host: "node001", count: 3 },
      { username: "alice", host: "node004", count: 1 },
      { username: "bob", host: "node002", count: 2 },
      { username: "carol", host: "node003", count: 4 },
    ],
  },
  mesher: {
    total: 4,
    used: 3,
    uses: [
      { username: "alice", host: "node001", count: 1 },
      { username: "dave", host: "node002", count: 2 },
    ],
  },
  viewer: { total: 20, used: 0, uses: [] },
};

function sortedUses(uses: readonly LicenseUse[]): LicenseUse[] {
  return uses
    .map(({ username, host, count }) => ({ username, host, count }))
    .sort((a, b) => `${a.username}@${a.host}`.localeCompare(`${b.username}@${b.host}`));
}

/** The server's own numbers, from its status snapshot (no reservations are configured). */
function serverNumbers(
  snapshot: StatusSnapshot,
): Record<string, { total: number; used: number; uses: LicenseUse[] }> {
  const numbers: Record<string, { total: number; used: number; uses: LicenseUse[] }> = {};
  for (const feature of snapshot.features) {
    let total = 0;
    const uses: LicenseUse[] = [];
    for (const pool of feature.pools) {
      if (pool.count !== "uncounted") total += pool.count;
      for (const lease of pool.leases) {
        uses.push({ username: lease.user, host: lease.host, count: lease.count });
      }
    }
    const used = uses.reduce((sum, use) => sum + use.count, 0);
    numbers[feature.name] = { total, used, uses: sortedUses(uses) };
  }
  return numbers;
}

function reportNumbers(
  features: readonly FeatureUsage[],
): Record<string, { total: number; used: number; uses: LicenseUse[] }> {
  const numbers: Record<string, { total: number; used: number; uses: LicenseUse[] }> = {};
  for (const feature of features) {
    numbers[feature.feature] = {
      total: feature.total,
      used: feature.used,
      uses: sortedUses(feature.uses),
    };
  }
  return numbers;
}

async function runShim(
  type: ToolType,
  port: number,
): Promise<{ stdout: string; exitCode: number }> {
  const parser = getParser(type);
  const command = parser.command(
    { host: "127.0.0.1", port },
    { binary: join(repo, "deploy/shims", SHIMS[type]) },
  );
  const [binary, ...args] = command.argv;
  const result = await execa(binary as string, args, {
    ...(command.stdin === undefined ? { stdin: "ignore" as const } : { input: command.stdin }),
    reject: false,
    timeout: 20_000,
    env: { LMKEEPER_BIN: cliMain },
  });
  expect(result.stderr, `${SHIMS[type]} stderr`).toBe("");
  return { stdout: result.stdout, exitCode: result.exitCode ?? -1 };
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  expect(existsSync(cliMain), `${cliMain} missing: run npm run build first`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), "lmkeeper-e2e-parsers-"));
  server = await startServer(
    parseServerConfig(
      {
        port: 0,
        bind: "127.0.0.1",
        hostname: "lic1",
        license_files: [LICENSE],
        database: join(dir, "server.db"),
        lease_seconds: 600,
        log_level: "silent",
      },
      "live-server-parsers test",
      dir,
    ),
  );
  const client = new LicenseClient({ baseUrl: server.url });
  for (const checkout of CHECKOUTS) await client.checkout(checkout);
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("vendor shims against a live reference server", () => {
  it("the server holds exactly the checkouts made, over two solver pools", () => {
    const snapshot = server.snapshot();
    expect(serverNumbers(snapshot)).toEqual(EXPECTED);
    const solver = snapshot.features.find((feature) => feature.name === "solver");
    expect(solver?.pools.map((pool) => pool.count)).toEqual([10, 5]);
    expect(solver?.pools[1]?.leases.some((lease) => lease.user === "carol")).toBe(true);
  });

  for (const type of TYPES) {
    it(`${SHIMS[type]} output parsed by the ${type} parser gives the server's numbers`, async () => {
      const { stdout, exitCode } = await runShim(type, server.port);
      expect(exitCode).toBe(0);
      const report = getParser(type).parse(stdout);
      expect(report.type).toBe(type);
      expect(reportNumbers(report.features)).toEqual(EXPECTED);
      expect(reportNumbers(report.features)).toEqual(serverNumbers(server.snapshot()));
      for (const feature of report.features) expect(feature.reserved).toBe(0);
    });
  }

  it("lmxendutil -licstatxml and DSLicSrv -admin -run give the same numbers", async () => {
    const shims = join(repo, "deploy/shims");
    const env = { LMKEEPER_BIN: cliMain };
    const xml = await execa(
      join(shims, "lmxendutil"),
      ["-licstatxml", "-host", "127.0.0.1", "-port", String(server.port)],
      { env },
    );
    expect(xml.stdout).toContain("<LM-X");
    expect(reportNumbers(getParser("lmx").parse(xml.stdout).features)).toEqual(EXPECTED);
    const run = await execa(
      join(shims, "DSLicSrv"),
      ["-admin", "-run", `connect 127.0.0.1 ${server.port};getLicenseUsage -csv;quit;`],
      { env, stdin: "ignore" },
    );
    expect(reportNumbers(getParser("dsls").parse(run.stdout).features)).toEqual(EXPECTED);
  });

  it("a shim refuses what it does not support, saying so, with exit status 2", async () => {
    const result = await execa(
      join(repo, "deploy/shims/rlmutil"),
      ["rlmstat", "-c", `${server.port}@127.0.0.1`, "-z", "secret"],
      { env: { LMKEEPER_BIN: cliMain }, reject: false },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("option '-z' is not supported");
  });

  for (const type of TYPES) {
    it(`${SHIMS[type]} prints its tool's server-down text when nothing listens`, async () => {
      const port = await closedPort();
      const { stdout, exitCode } = await runShim(type, port);
      expect(exitCode).not.toBe(0);
      expect(() => getParser(type).parse(stdout)).toThrow(ServerError);
    });
  }
});
