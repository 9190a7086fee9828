import { describe, expect, it } from "vitest";
import {
  camelFromSnake,
  keysFromSnakeCase,
  snakeFromCamel,
} from "../../src/server-core/config-keys.js";

describe("server config key mapping", () => {
  it("maps snake_case to camelCase and back", () => {
    expect(camelFromSnake("failover_after_failures")).toBe("failoverAfterFailures");
    expect(snakeFromCamel("failoverAfterFailures")).toBe("failover_after_failures");
    expect(camelFromSnake("port")).toBe("port");
  });

  it("converts keys at every depth, inside arrays too, and leaves values alone", () => {
    expect(
      keysFromSnakeCase({
        license_files: ["a_b.lic"],
        failover: { sync_secret: "x_y" },
        list: [{ log_level: "info" }],
      }),
    ).toEqual({
      value: {
        licenseFiles: ["a_b.lic"],
        failover: { syncSecret: "x_y" },
        list: [{ logLevel: "info" }],
      },
      camelCaseKeys: [],
    });
  });

  it("reports camelCase keys with their path and the key to write", () => {
    expect(
      keysFromSnakeCase({ leaseSeconds: 5, tls: { cert: "c" }, failover: { peerCaFile: "ca" } })
        .camelCaseKeys,
    ).toEqual([
      { path: "leaseSeconds", use: "lease_seconds" },
      { path: "failover.peerCaFile", use: "failover.peer_ca_file" },
    ]);
  });
});
