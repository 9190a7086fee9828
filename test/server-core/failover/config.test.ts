import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../../../src/server-core/config.js";

const base = { database: "server.db" };

describe("failover config", () => {
  it("resolves file paths and fills the defaults", () => {
    const config = parseServerConfig(
      {
        ...base,
        failover: {
          role: "backup",
          peer: "https://lic1:7070/",
          sync_secret_file: "pair.secret",
          peer_ca_file: "ca.pem",
        },
      },
      "backup.yaml",
      "/etc/lmkeeper",
    );
    expect(config.failover).toEqual({
      role: "backup",
      peer: "https://lic1:7070",
      syncSecretFile: "/etc/lmkeeper/pair.secret",
      peerCaFile: "/etc/lmkeeper/ca.pem",
      syncSeconds: 10,
      failoverAfterFailures: 2,
    });
  });

  it("names the key that is wrong", () => {
    const parse = (failover: unknown) => () =>
      parseServerConfig({ ...base, failover }, "main.yaml", "/etc/lmkeeper");
    expect(parse({ role: "main", peer: "lic2:7070", sync_secret: "x".repeat(16) })).toThrow(
      "main.yaml: failover.peer: must be an http:// or https:// URL",
    );
    expect(parse({ role: "main", peer: "http://lic2:7070", sync_secret: "short" })).toThrow(
      "main.yaml: failover.sync_secret: must be at least 16 characters",
    );
    expect(parse({ role: "main", peer: "http://lic2:7070" })).toThrow(
      "main.yaml: failover: give exactly one of sync_secret and sync_secret_file",
    );
    expect(
      parse({ role: "primary", peer: "http://lic2:7070", sync_secret: "x".repeat(16) }),
    ).toThrow(/main\.yaml: failover\.role: /);
  });

  it("refuses an access config of its own on a backup: it takes its main's", () => {
    expect(() =>
      parseServerConfig(
        {
          ...base,
          access_config: "access-config.json",
          failover: { role: "backup", peer: "http://lic1:7070", sync_secret: "x".repeat(16) },
        },
        "backup.yaml",
        "/etc/lmkeeper",
      ),
    ).toThrow(
      "backup.yaml: access_config: a backup takes its access config from its main (failover.peer); remove it here",
    );
  });
});
