import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../src/agent/api-client.js";
import { runCycle } from "../../src/agent/cycle.js";
import { invalidAddressReason } from "../../src/agent/failover.js";
import { DEFAULT_BINARIES, runCommand, slurmArgv } from "../../src/agent/slurm/slurm-commands.js";
import { runTool } from "../../src/agent/tool-runner.js";
import { BUILTIN_PARSERS, flexlmParser } from "../../src/parsers/index.js";
import { renderLmstat } from "../../src/server-core/status/flexlm.js";
import type { StatusSnapshot } from "../../src/server-core/status/snapshot.js";
import { flexlmConfiguration, startFakeApi } from "../generators/fake-lm-api.js";

/**
 * Feature names, hosts and user names full of shell metacharacters never reach a shell: the
 * agent rejects unfit hosts and ports before anything runs, and every tool gets its words as
 * an argument vector. Proof: a tool that records the argv it received, byte for byte, and a
 * canary file that any shell interpreting the words would create.
 */

let dir: string;
let canary: string;
let argvLog: string;
let toolOutput: string;
let recordingTool: string;

/** Words a shell would act on; each must arrive as one literal argument or be refused. */
const hostile = (): string[] => [
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `x; touch ${canary}`,
  `x | touch ${canary}`,
  `x && touch ${canary}`,
  `x > ${canary}`,
  `' ; touch ${canary} ; '`,
  `"; touch ${canary}; "`,
  `x\ntouch ${canary}`,
  `-c touch ${canary}`,
  "*",
  "$HOME",
  "~root",
  "%s%n",
];

const FIELD = "\u001f";
const RECORD = "\u001e";

/** Every run of the recording tool, as the argument vectors it received (argv[0] excluded). */
function recordedRuns(): string[][] {
  if (!existsSync(argvLog)) return [];
  return readFileSync(argvLog, "utf8")
    .split(RECORD)
    .filter((record) => record !== "")
    .map((record) => record.split(FIELD).slice(0, -1));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lmkeeper-injection-"));
  canary = join(dir, "canary");
  argvLog = join(dir, "argv.log");
  toolOutput = join(dir, "lmstat.txt");
  recordingTool = join(dir, "record-argv");
  writeFileSync(
    recordingTool,
    [
      "#!/bin/sh",
      `printf '%s\\037' "$@" >> '${argvLog}'`,
      `printf '\\036' >> '${argvLog}'`,
      `cat '${toolOutput}'`,
      "",
    ].join("\n"),
  );
  chmodSync(recordingTool, 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function clearLog(): void {
  rmSync(argvLog, { force: true });
}

describe("host and port validation", () => {
  it("refuses every hostile host and every port outside 1-65535", () => {
    for (const host of hostile())
      expect(invalidAddressReason({ host, port: 27000 }), host).toMatch(/is not a hostname/);
    for (const port of [0, -1, 65_536, 1.5, Number.NaN])
      expect(invalidAddressReason({ host: "lic1", port }), String(port)).toMatch(/not in 1-65535/);
    expect(invalidAddressReason({ host: "lic1.example.org", port: 27000 })).toBeUndefined();
    expect(invalidAddressReason({ host: "::1", port: 27000 })).toBeUndefined();
  });
});

describe("vendor tools get argument vectors", () => {
  it.each(BUILTIN_PARSERS.map((parser) => [parser.type, parser] as const))(
    "%s: hostile feature names arrive as the exact words the parser built",
    async (_type, parser) => {
      clearLog();
      writeFileSync(toolOutput, "");
      const command = parser.command(
        { host: "lic1.example.org", port: 27000 },
        { features: hostile(), binary: recordingTool },
      );
      const run = await runTool(command, { timeoutMs: 10_000 });
      expect(run.exitCode).toBe(0);
      expect(recordedRuns()).toEqual([command.argv.slice(1)]);
      expect(existsSync(canary)).toBe(false);
    },
  );

  it("Slurm commands carry hostile license and server names as single arguments", async () => {
    clearLog();
    writeFileSync(toolOutput, "");
    const binaries = { ...DEFAULT_BINARIES, sacctmgr: recordingTool };
    const argvs = hostile().map((word) =>
      slurmArgv.addResource(binaries, {
        name: word,
        server: word,
        serverType: "flexlm",
        count: 5,
        cluster: word,
      }),
    );
    for (const argv of argvs) await runCommand(argv, 10_000);
    expect(recordedRuns()).toEqual(argvs.map((argv) => argv.slice(1)));
    expect(existsSync(canary)).toBe(false);
  });
});

/** An lmstat output whose feature and user names carry metacharacters (no blanks in features). */
function hostileSnapshot(featureName: string, users: string[]): StatusSnapshot {
  return {
    generatedAt: "2026-11-23T12:00:00.000Z",
    server: {
      host: "lic1",
      port: 27001,
      version: "11.19.6",
      licenseFiles: ["/etc/license.dat"],
      role: "standalone",
      up: true,
    },
    vendors: [{ name: "acme", version: "11.19.6", up: true }],
    features: [
      {
        name: featureName,
        vendor: "acme",
        pools: [
          {
            version: "1.0",
            expires: "permanent",
            count: 50,
            reservations: [],
            leases: users.map((user, index) => ({
              user,
              host: `node${index}`,
              display: "/dev/tty",
              version: "1.0",
              handle: 100 + index,
              startedAt: "2026-11-23T11:00:00.000Z",
              count: 1,
            })),
          },
        ],
      },
    ],
  };
}

describe("a whole agent cycle", () => {
  it("skips hostile hosts, runs the tool once with clean argv and keeps hostile names as data", async () => {
    clearLog();
    const feature = `solver;touch$IFS${canary}`;
    const users = [`$(touch ${canary})`, `a;touch ${canary}`, `\`touch ${canary}\``];
    writeFileSync(toolOutput, renderLmstat(hostileSnapshot(feature, users), {}));
    const hosts = hostile();
    const configuration = flexlmConfiguration(1, "cluster", [], [["prod", feature]]);
    configuration.license_servers = [
      ...hosts.map((host, index) => ({ id: index + 1, config_id: 1, host, port: 27000 })),
      { id: 99, config_id: 1, host: "127.0.0.1", port: 27001 },
    ];
    const api = await startFakeApi({ configurations: [configuration] });
    try {
      const result = await runCycle({
        api: new ApiClient({ baseUrl: api.url, retries: 0 }),
        clusterClientId: "cluster",
        tools: { flexlm: recordingTool },
        toolTimeoutMs: 10_000,
        concurrency: 4,
        statusIntervalSeconds: 60,
        logger: pino({ level: "silent" }),
      });
      const expectedArgv = flexlmParser
        .command({ host: "127.0.0.1", port: 27001 }, { binary: recordingTool })
        .argv.slice(1);
      expect(recordedRuns()).toEqual([expectedArgv]);
      expect(result.success).toBe(true);
      expect(api.bulkPuts).toEqual([
        [{ product_name: "prod", feature_name: feature, total: 50, used: 3 }],
      ]);
      expect(result.outcomes.map((o) => [o.ok, o.server])).toEqual([
        [true, { host: "127.0.0.1", port: 27001 }],
      ]);
      const parsed = flexlmParser.parse(readFileSync(toolOutput, "utf8"));
      expect(parsed.features.flatMap((f) => f.uses.map((u) => u.username))).toEqual(users);
      expect(existsSync(canary)).toBe(false);
    } finally {
      await api.close();
    }
  });
});
