import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadServerConfig, parseServerConfig } from "../../src/server-core/config.js";
import { FIXTURES } from "./helpers.js";

describe("server config", () => {
  it("loads the sample config, resolving paths against its directory and filling defaults", () => {
    const config = loadServerConfig(join(FIXTURES, "server.yaml"));
    expect(config).toEqual({
      port: 7070,
      bind: "127.0.0.1",
      hostname: "lic1",
      licenseFiles: [join(FIXTURES, "acme.lic")],
      entitlementsFile: join(FIXTURES, "entitlements.yaml"),
      database: join(FIXTURES, "..", "..", ".tmp", "server", "server.db"),
      leaseSeconds: 300,
      sweepSeconds: 30,
      usageSampleSeconds: 60,
      tls: undefined,
      logLevel: "info",
    });
  });

  it("defaults the port to 7070 and binds every interface", () => {
    const config = parseServerConfig({ database: "s.db" }, "x.yaml", "/etc/lmkeeper");
    expect(config).toMatchObject({
      port: 7070,
      bind: "0.0.0.0",
      database: "/etc/lmkeeper/s.db",
      leaseSeconds: 300,
    });
  });

  it("names the key that is wrong", () => {
    expect(() => parseServerConfig({ database: "s.db", port: 70000 }, "server.yaml", "/")).toThrow(
      /^server\.yaml: port: Too big/,
    );
    expect(() =>
      parseServerConfig({ database: "s.db", lease_seconds: "5m" }, "server.yaml", "/"),
    ).toThrow(/server\.yaml: lease_seconds: Invalid input: expected number, received string/);
    expect(() =>
      parseServerConfig({ database: "s.db", tls: { cert: "c.pem" } }, "server.yaml", "/"),
    ).toThrow(/server\.yaml: tls\.key: /);
    expect(() =>
      parseServerConfig({ database: "s.db", licence_files: [] }, "server.yaml", "/"),
    ).toThrow(/^server\.yaml: \(top level\): unknown key licence_files$/);
    expect(() => parseServerConfig({}, "server.yaml", "/")).toThrow(ConfigError);
    expect(() => loadServerConfig("/nonexistent/server.yaml")).toThrow(
      /\/nonexistent\/server\.yaml: cannot read/,
    );
  });

  it("reads snake_case keys, nested ones too, into the camelCase config", () => {
    const config = parseServerConfig(
      {
        database: "s.db",
        license_files: ["a.lic"],
        lease_seconds: 60,
        log_file: "logs/server.log",
        failover: {
          role: "backup",
          peer: "http://lic1:7070",
          sync_secret_file: "pair.secret",
          failover_after_failures: 3,
        },
        offline: { public_key_file: "bo.pub" },
      },
      "server.yaml",
      "/etc/lmkeeper",
    );
    expect(config).toMatchObject({
      licenseFiles: ["/etc/lmkeeper/a.lic"],
      leaseSeconds: 60,
      logFile: "/etc/lmkeeper/logs/server.log",
      failover: {
        syncSecretFile: "/etc/lmkeeper/pair.secret",
        failoverAfterFailures: 3,
        syncSeconds: 10,
      },
      offline: { publicKeyFile: "/etc/lmkeeper/bo.pub" },
    });
  });

  it("refuses camelCase keys, naming every one and the snake_case key to write", () => {
    expect(() =>
      parseServerConfig(
        {
          database: "s.db",
          leaseSeconds: 60,
          failover: { role: "main", peer: "http://lic2:7070", syncSecretFile: "pair.secret" },
        },
        "server.yaml",
        "/",
      ),
    ).toThrow(
      new ConfigError(
        "server.yaml: leaseSeconds: keys are snake_case: write lease_seconds; failover.syncSecretFile: keys are snake_case: write failover.sync_secret_file",
      ),
    );
  });

  it("reads the file's keys in snake_case and refuses camelCase ones there too", () => {
    const dir = mkdtempSync(join(tmpdir(), "lmkeeper-config-"));
    try {
      const path = join(dir, "server.yaml");
      writeFileSync(path, "database: s.db\nlogLevel: debug\n");
      expect(() => loadServerConfig(path)).toThrow(
        `${path}: logLevel: keys are snake_case: write log_level`,
      );
      writeFileSync(path, "database: s.db\nlog_level: debug\n");
      expect(loadServerConfig(path).logLevel).toBe("debug");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
