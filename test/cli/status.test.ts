import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLicenseSpec, queryStatus } from "../../src/cli/status-client.js";
import { ServerError } from "../../src/parsers/errors.js";
import { flexlmParser } from "../../src/parsers/flexlm.js";
import { a9WithIdleFeatureSnapshot } from "../generators/example-snapshots.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const cliMain = `${repo}dist/cli/main.js`;
const shim = `${repo}deploy/shims/lmutil`;

const snapshot = a9WithIdleFeatureSnapshot();

/** A loopback server answering /api/1.0/status with a fixed body and status code. */
async function statusServer(
  status: number,
  body: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url !== "/api/1.0/status") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const { server, port } = await statusServer(200, "");
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let good: { server: Server; port: number };
let broken: { server: Server; port: number };
let garbage: { server: Server; port: number };
let deadPort: number;

beforeAll(async () => {
  good = await statusServer(200, JSON.stringify(snapshot));
  broken = await statusServer(500, "oops");
  garbage = await statusServer(200, JSON.stringify({ hello: "world" }));
  deadPort = await closedPort();
});

afterAll(async () => {
  for (const { server } of [good, broken, garbage])
    await new Promise((resolve) => server.close(resolve));
});

const now = new Date("2026-11-22T14:53:00Z");

describe("parseLicenseSpec", () => {
  it("reads port@host, @host, triads and search paths in order", () => {
    expect(parseLicenseSpec("27001@lic1")).toEqual([{ host: "lic1", port: 27001 }]);
    expect(parseLicenseSpec("@lic1")).toEqual([{ host: "lic1", port: 27000 }]);
    expect(parseLicenseSpec("1@a,2@b,3@c")).toEqual([
      { host: "a", port: 1 },
      { host: "b", port: 2 },
      { host: "c", port: 3 },
    ]);
    expect(parseLicenseSpec("1@a:2@b.example")).toEqual([
      { host: "a", port: 1 },
      { host: "b.example", port: 2 },
    ]);
  });

  it("names a bad entry", () => {
    expect(() => parseLicenseSpec("")).toThrow(/empty license spec/);
    expect(() => parseLicenseSpec("/opt/license.dat")).toThrow(
      /"\/opt\/license.dat" is not PORT@HOST/,
    );
    expect(() => parseLicenseSpec("99999@lic1")).toThrow(/port 99999/);
  });
});

describe("queryStatus against a loopback status server", () => {
  it("prints lmstat text that the flexlm parser reads with exact numbers", async () => {
    const spec = `${good.port}@127.0.0.1`;
    const output = await queryStatus({ licenseSpec: spec, format: "flexlm", now });
    expect(output.exitCode).toBe(0);
    expect(output.stdout).toContain(`License server status: ${spec}\n`);
    expect(output.stdout).toContain("Flexible License Manager status on Sun 11/22/2026 14:53\n");
    const report = flexlmParser.parse(output.stdout);
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "solver",
        total: 10,
        used: 6,
        reserved: 1,
        queued: 0,
        vendor: "acme",
        version: "2026.0",
        expires: "2026-12-31",
        uses: [
          { username: "alice", host: "node001", count: 3 },
          { username: "Bo Li", host: "node002", count: 2 },
        ],
      },
      { feature: "mesher", total: 4, used: 0, reserved: 0, queued: 0, vendor: "acme", uses: [] },
    ]);
  });

  it("prints one feature for -f", async () => {
    const output = await queryStatus({
      licenseSpec: `${good.port}@127.0.0.1`,
      format: "flexlm",
      features: ["MESHER"],
    });
    expect(flexlmParser.parse(output.stdout).features.map((f) => f.feature)).toEqual(["mesher"]);
  });

  it("prints one vendor daemon's features for -S", async () => {
    const output = await queryStatus({
      licenseSpec: `${good.port}@127.0.0.1`,
      format: "flexlm",
      vendor: "ACME",
    });
    expect(flexlmParser.parse(output.stdout).features).toHaveLength(2);
    const none = await queryStatus({
      licenseSpec: `${good.port}@127.0.0.1`,
      format: "flexlm",
      vendor: "other",
    });
    expect(flexlmParser.parse(none.stdout)).toEqual({
      type: "flexlm",
      features: [],
      warnings: ["the server reports no feature usage"],
    });
  });

  it("fails over in the spec's order to the first server that answers", async () => {
    const output = await queryStatus({
      licenseSpec: `${deadPort}@127.0.0.1,${broken.port}@127.0.0.1,${good.port}@127.0.0.1`,
      format: "flexlm",
      now,
    });
    expect(output.exitCode).toBe(0);
    expect(flexlmParser.parse(output.stdout).features[0]).toMatchObject({
      feature: "solver",
      used: 6,
    });
  });

  it("prints lmutil's connection error when nothing answers, which the parser reports as a ServerError", async () => {
    const output = await queryStatus({
      licenseSpec: `${deadPort}@127.0.0.1`,
      format: "flexlm",
      now,
    });
    expect(output).toEqual({
      exitCode: 1,
      stdout:
        "lmutil - Copyright (c) 1989-2026 Flexera. All Rights Reserved.\n" +
        "Flexible License Manager status on Sun 11/22/2026 14:53\n\n" +
        'Error getting status: Cannot connect to license server (-15,570:111 "Connection refused")\n',
    });
    expect(() => flexlmParser.parse(output.stdout)).toThrow(ServerError);
  });

  it("prints lmutil's read error for an HTTP error or a body that is not a snapshot", async () => {
    for (const port of [broken.port, garbage.port]) {
      const output = await queryStatus({ licenseSpec: `${port}@127.0.0.1`, format: "flexlm", now });
      expect(output.exitCode).toBe(1);
      expect(output.stdout).toContain(
        "Error getting status: Cannot read data from license server system. (-16,287)\n",
      );
    }
  });

  it("rejects an unknown format", async () => {
    await expect(
      queryStatus({ licenseSpec: `${good.port}@127.0.0.1`, format: "sentinel" }),
    ).rejects.toThrow(/unknown status format "sentinel"/);
  });
});

describe("lmkeeper lmstat / status and the lmutil shim as real processes", () => {
  it("needs the built CLI (npm run build)", () => {
    expect(existsSync(cliMain), `${cliMain} missing: run npm run build first`).toBe(true);
  });

  it("lmkeeper lmstat -a -c PORT@HOST prints what the parser reads", async () => {
    const { stdout } = await run(process.execPath, [
      cliMain,
      "lmstat",
      "-a",
      "-c",
      `${good.port}@127.0.0.1`,
    ]);
    expect(
      flexlmParser.parse(stdout).features.map((f) => [f.feature, f.total, f.used, f.reserved]),
    ).toEqual([
      ["solver", 10, 6, 1],
      ["mesher", 4, 0, 0],
    ]);
  });

  it("lmkeeper status --format flexlm -f prints one feature", async () => {
    const { stdout } = await run(process.execPath, [
      cliMain,
      "status",
      "--format",
      "flexlm",
      "-c",
      `${good.port}@127.0.0.1`,
      "-f",
      "solver",
    ]);
    expect(flexlmParser.parse(stdout).features.map((f) => f.feature)).toEqual(["solver"]);
  });

  it("accepts lmutil's -A, -s and -S spellings", async () => {
    const { stdout } = await run(process.execPath, [
      cliMain,
      "lmstat",
      "-A",
      "-s",
      "-S",
      "acme",
      `-c${good.port}@127.0.0.1`,
    ]);
    expect(flexlmParser.parse(stdout).features).toHaveLength(2);
  });

  it("exits 1 with lmutil's error text when the server is down", async () => {
    const failure = await run(process.execPath, [
      cliMain,
      "lmstat",
      "-a",
      "-c",
      `${deadPort}@127.0.0.1`,
    ]).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain(
      'Error getting status: Cannot connect to license server (-15,570:111 "Connection refused")',
    );
  });

  it("exits 2 naming a bad license spec", async () => {
    const failure = await run(process.execPath, [
      cliMain,
      "lmstat",
      "-a",
      "-c",
      "license.dat",
    ]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(
      'lmkeeper lmstat: license spec entry "license.dat" is not PORT@HOST',
    );
  });

  it("deploy/shims/lmutil runs lmkeeper lmstat from this checkout when lmkeeper is not on PATH", async () => {
    const nodeDir = dirname(process.execPath);
    const { stdout } = await run(shim, ["lmstat", "-c", `${good.port}@127.0.0.1`, "-a"], {
      env: { PATH: `/usr/bin:/bin:${nodeDir}` },
    });
    expect(flexlmParser.parse(stdout).features[0]).toMatchObject({
      feature: "solver",
      total: 10,
      used: 6,
      reserved: 1,
    });
  });

  it("deploy/shims/lmutil honours LMKEEPER_BIN and passes lmstat's arguments through", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmkeeper-shim-"));
    const fake = join(dir, "fake-lmkeeper");
    writeFileSync(fake, '#!/bin/sh\necho "args: $*"\n', { mode: 0o755 });
    try {
      const { stdout } = await run(shim, ["lmstat", "-a", "-c", "27000@lic1"], {
        env: { PATH: "/usr/bin:/bin", LMKEEPER_BIN: fake },
      });
      expect(stdout).toBe("args: lmstat -a -c 27000@lic1\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("deploy/shims/lmutil refuses other lmutil subcommands", async () => {
    const failure = await run(shim, ["lmdown", "-c", "27000@lic1"]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain("only 'lmutil lmstat' is supported");
  });
});
