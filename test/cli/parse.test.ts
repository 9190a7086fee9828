import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CLI = join(ROOT, "dist/cli/main.js");

/** Newest modification time of the TypeScript sources the CLI is built from. */
function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestSource(path));
    return entry.name.endsWith(".ts") ? Math.max(newest, statSync(path).mtimeMs) : newest;
  }, 0);
}

beforeAll(() => {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(ROOT, "src"))) return;
  const build = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function lmkeeper(args: string[], input?: string): Run {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input: input ?? "",
    timeout: 20_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const fixture = (path: string): string => join(ROOT, "fixtures", path);

describe("lmkeeper parse", () => {
  it("prints the report of a file as JSON and exits 0", () => {
    const run = lmkeeper(["parse", "--type", "olicense", fixture("olicense/multi_license.txt")]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(["type", "features", "warnings"]);
    expect(report).toEqual({
      type: "olicense",
      warnings: [],
      features: [
        {
          feature: "ftire_adams",
          total: 10,
          used: 6,
          reserved: 0,
          product: "cosin",
          expires: "2026-03-31 23:59:59",
          uses: [
            { username: "martin", host: "cn0101", count: 1 },
            { username: "dubois", host: "cn0102", count: 1 },
            { username: "lefevre", host: "cn0207", count: 2 },
            { username: "martin", host: "cn0101", count: 1 },
            { username: "moreau", host: "cn0311", count: 1 },
          ],
        },
        {
          feature: "ftire_sim",
          total: 3,
          used: 1,
          reserved: 0,
          product: "cosin",
          expires: "2026-03-31 23:59:59",
          uses: [{ username: "moreau", host: "cn0311", count: 1 }],
        },
      ],
    });
  });

  it("reads standard input given -", () => {
    const run = lmkeeper(
      ["parse", "-t", "dsls", "-"],
      readFileSync(fixture("dsls/restricted_glued.txt"), "utf8"),
    );
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      type: string;
      features: Array<Record<string, unknown>>;
    };
    expect(report.type).toBe("dsls");
    expect(
      report.features.map(({ feature, total, used, reserved, uses }) => ({
        feature,
        total,
        used,
        reserved,
        uses,
      })),
    ).toEqual([
      {
        feature: "PAC",
        total: 1,
        used: 1,
        reserved: 0,
        uses: [{ username: "lee", host: "nid000101", count: 1 }],
      },
      {
        feature: "SRU",
        total: 2374,
        used: 1559,
        reserved: 0,
        uses: [{ username: "user_2", host: "nid001626", count: 1559 }],
      },
    ]);
  });

  it("keeps UTF-8 user names intact", () => {
    const run = lmkeeper(["parse", "--type", "olicense", fixture("olicense/usage.txt")]);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      features: Array<{ uses: Array<{ username: string }> }>;
    };
    expect(report.features[0]?.uses.map((use) => use.username)).toEqual([
      "sbhyma",
      "user22",
      "jürgen.weiß",
    ]);
  });

  it("reads standard input when no file is given", () => {
    const run = lmkeeper(
      ["parse", "--type", "olicense"],
      readFileSync(fixture("olicense/no_usage.txt"), "utf8"),
    );
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      features: Array<{ feature: string; total: number; used: number }>;
    };
    expect(report.features.map((f) => [f.feature, f.total, f.used])).toEqual([
      ["ftire_adams", 3, 0],
      ["ftire_sim", 5, 0],
      ["ftire_tools", 2, 0],
    ]);
  });

  it("reports a server that is down on stderr and exits 2", () => {
    const run = lmkeeper(["parse", "--type", "dsls", fixture("dsls/server_down.txt")]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `lmkeeper parse: ${fixture("dsls/server_down.txt")}: ServerError: DSLicSrv reports: Cannot connect to server localhost on port 1234 (line 2: "admin >Cannot connect to server localhost on port 1234")\n`,
    );
  });

  it("reports output it does not understand and exits 2", () => {
    const run = lmkeeper(
      ["parse", "--type", "olicense", "-"],
      "Segmentation fault (core dumped)\n",
    );
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'lmkeeper parse: stdin: ParseError: not olixtool output (line 1: "Segmentation fault (core dumped)")\n',
    );
  });

  it("reports empty input as not understood", () => {
    const run = lmkeeper(["parse", "--type", "dsls", "-"], "");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("ParseError: DSLicSrv output is empty");
  });

  it("names the known types for an unknown one and exits 2 without a stack trace", () => {
    const run = lmkeeper(["parse", "--type", "bogus", fixture("olicense/usage.txt")]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^lmkeeper parse: no parser for type "bogus" \(known: flexlm, rlm, lsdyna, lmx, olicense, dsls\)\n$/,
    );
  });

  it("names a missing file and exits 2 without a stack trace", () => {
    const missing = join(ROOT, "fixtures/olicense/does-not-exist.txt");
    const run = lmkeeper(["parse", "--type", "olicense", missing]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`lmkeeper parse: cannot read "${missing}": no such file\n`);
  });

  it("names a directory given as the file and exits 2", () => {
    const run = lmkeeper(["parse", "--type", "olicense", fixture("olicense")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `lmkeeper parse: cannot read "${fixture("olicense")}": is a directory\n`,
    );
  });
});
