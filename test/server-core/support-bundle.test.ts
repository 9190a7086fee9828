import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadServerConfig } from "../../src/server-core/config.js";
import { startServer, type RunningServer } from "../../src/server-core/server.js";
import {
  redactConfigText,
  scrubSecrets,
  writeSupportBundle,
} from "../../src/server-core/support-bundle.js";
import { ACME_LICENSE, ENTITLEMENTS, tempDir } from "./helpers.js";

const SECRET = "pair-secret-never-shipped-77";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let configPath: string;

beforeEach(async () => {
  dir = tempDir();
  configPath = join(dir.path, "server.yaml");
  writeFileSync(
    configPath,
    [
      "# site server",
      "port: 0",
      "bind: 127.0.0.1",
      "hostname: lic1",
      `license_files: [${JSON.stringify(ACME_LICENSE)}]`,
      `entitlements_file: ${JSON.stringify(ENTITLEMENTS)}`,
      "database: state/server.db",
      "log_file: logs/server.log",
      "log_level: silent",
      "failover:",
      "  role: main",
      "  peer: http://127.0.0.1:9",
      `  sync_secret: ${SECRET}  # shared with the backup`,
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir.path, "logs"));
  writeFileSync(
    join(dir.path, "logs", "server.log"),
    `{"msg":"license server listening"}\n{"msg":"peer said ${SECRET}"}\n`,
  );
  writeFileSync(join(dir.path, "logs", "server.log.1"), `{"msg":"older"}\n`);
  writeFileSync(join(dir.path, "logs", "other.log"), "not ours\n");
  server = await startServer(loadServerConfig(configPath));
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

describe("redactConfigText", () => {
  it("replaces secret values, keeps comments, layout and file names", () => {
    const text = [
      "port: 7070 # public",
      "failover:",
      "  sync_secret: abcdefabcdefabcdef",
      "  sync_secret_file: /etc/lmkeeper/pair.secret",
      "oidc:",
      "  clientPassword: hunter2hunter2",
      "",
    ].join("\n");
    expect(redactConfigText(text)).toEqual({
      text: [
        "port: 7070 # public",
        "failover:",
        '  sync_secret: "[REDACTED]"',
        "  sync_secret_file: /etc/lmkeeper/pair.secret",
        "oidc:",
        '  clientPassword: "[REDACTED]"',
        "",
      ].join("\n"),
      secrets: ["abcdefabcdefabcdef", "hunter2hunter2"],
    });
  });

  it("scrubs the longest secret first", () => {
    expect(scrubSecrets("a abc abcd", ["abc", "abcd"])).toBe("a [REDACTED] [REDACTED]");
  });
});

describe("writeSupportBundle", () => {
  it("writes a tar.gz with version, redacted config, logs and live status", async () => {
    const out = join(dir.path, "out");
    const bundle = await writeSupportBundle({
      configPath,
      url: server.url,
      outputDir: out,
      now: new Date(Date.UTC(2026, 10, 23, 12, 0, 0)),
    });
    const name = "lmkeeper-server-support-bundle-20261123T120000Z";
    expect(bundle).toBe(join(out, `${name}.tar.gz`));
    const listing = execFileSync("tar", ["-tzf", bundle], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line !== "" && !line.endsWith("/"))
      .sort();
    const files = [
      "config/acme.lic",
      "config/entitlements.yaml",
      "config/server.yaml",
      "logs/server.log",
      "logs/server.log.1",
      "status.json",
      "version.txt",
    ];
    const expected = files.map((file) =>
      file === "config/acme.lic" ? `${name}/config/license-files/acme.lic` : `${name}/${file}`,
    );
    // /etc/os-release exists on Linux; the bundle includes it when it does
    expect(listing.filter((line) => !line.endsWith("system/os-release"))).toEqual(expected.sort());
    expect(listing.some((line) => line.includes("server.db"))).toBe(false);

    execFileSync("tar", ["-xzf", bundle, "-C", out]);
    const read = (path: string) => readFileSync(join(out, name, path), "utf8");
    const config = read("config/server.yaml");
    expect(config).toContain('sync_secret: "[REDACTED]" # shared with the backup');
    expect(config).toContain("# site server");
    expect(config).not.toContain(SECRET);
    expect(read("logs/server.log")).toBe(
      '{"msg":"license server listening"}\n{"msg":"peer said [REDACTED]"}\n',
    );
    expect(read("version.txt")).toMatch(/^lmkeeper 0\.1\.0\nnode v\d+/);
    const status = JSON.parse(read("status.json")) as {
      server: { role: string; pair: { backup: string } };
    };
    expect(status.server.role).toBe("main");
    expect(status.server.pair.backup).toBe("http://127.0.0.1:9");
    expect(read("config/license-files/acme.lic")).toBe(readFileSync(ACME_LICENSE, "utf8"));
  });

  it("notes an unreachable server instead of failing", async () => {
    const out = join(dir.path, "out");
    const bundle = await writeSupportBundle({
      configPath,
      url: "http://127.0.0.1:9",
      outputDir: out,
    });
    const listing = execFileSync("tar", ["-tzf", bundle], { encoding: "utf8" });
    expect(listing).toMatch(/status-error\.txt/);
    expect(listing).not.toMatch(/status\.json/);
  });
});
