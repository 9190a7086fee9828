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
      parseServerConfig({ database: "s.db", leaseSeconds: "5m" }, "server.yaml", "/"),
    ).toThrow(/server\.yaml: leaseSeconds: Invalid input: expected number, received string/);
    expect(() =>
      parseServerConfig({ database: "s.db", tls: { cert: "c.pem" } }, "server.yaml", "/"),
    ).toThrow(/server\.yaml: tls\.key: /);
    expect(() =>
      parseServerConfig({ database: "s.db", licenceFiles: [] }, "server.yaml", "/"),
    ).toThrow(/server\.yaml: \(top level\): Unrecognized key: "licenceFiles"/);
    expect(() => parseServerConfig({}, "server.yaml", "/")).toThrow(ConfigError);
    expect(() => loadServerConfig("/nonexistent/server.yaml")).toThrow(
      /\/nonexistent\/server\.yaml: cannot read/,
    );
  });
});
