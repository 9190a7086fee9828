import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { loadApiConfig } from "../../src/api/config.js";

const dir = mkdtempSync(join(tmpdir(), "lmkeeper-api-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test("reads the YAML file and fills defaults", () => {
  const path = file(
    "ok.yaml",
    "port: 9000\ndatabase: /srv/lm.sqlite\noidc:\n  issuer: https://idp.example/realms/hpc\n",
  );
  expect(loadApiConfig({ file: path, env: {} })).toEqual({
    port: 9000,
    bind: "127.0.0.1",
    database: "/srv/lm.sqlite",
    log_level: "info",
    oidc: { issuer: "https://idp.example/realms/hpc", permissions_claim: "permissions" },
  });
});

test("LMKEEPER_API_* variables override the file", () => {
  const path = file("env.yaml", "port: 9000\noidc:\n  issuer: https://idp.example\n");
  const config = loadApiConfig({
    file: path,
    env: {
      LMKEEPER_API_PORT: "9100",
      LMKEEPER_API_DATABASE: "postgres://lm@db/lm",
      LMKEEPER_API_OIDC_AUDIENCE: "https://lm.example",
      LMKEEPER_API_OIDC_PERMISSIONS_CLAIM: "scope",
    },
  });
  expect(config.port).toBe(9100);
  expect(config.database).toBe("postgres://lm@db/lm");
  expect(config.oidc).toEqual({
    issuer: "https://idp.example",
    audience: "https://lm.example",
    permissions_claim: "scope",
  });
});

test("the environment alone is enough", () => {
  expect(
    loadApiConfig({
      file: file("empty.yaml", ""),
      env: { LMKEEPER_API_OIDC_ISSUER: "http://127.0.0.1:9" },
    }).oidc.issuer,
  ).toBe("http://127.0.0.1:9");
});

test("errors name the file and every bad key", () => {
  const path = file("bad.yaml", "port: seventy\nbindd: 0.0.0.0\noidc:\n  issuer: not a url\n");
  let message = "";
  try {
    loadApiConfig({ file: path, env: {} });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain(path);
  expect(message).toContain("port:");
  expect(message).toContain("oidc.issuer:");
  expect(message).toContain("unknown key(s) bindd");
});

test("a missing issuer, bad YAML and a missing file are reported", () => {
  expect(() => loadApiConfig({ file: file("noissuer.yaml", "port: 1\n"), env: {} })).toThrow(
    /oidc: /,
  );
  expect(() => loadApiConfig({ file: file("broken.yaml", "port: [1\n"), env: {} })).toThrow(
    /not valid YAML/,
  );
  expect(() => loadApiConfig({ file: join(dir, "absent.yaml"), env: {} })).toThrow(
    /cannot read .*absent\.yaml/,
  );
});

test("the shipped example configuration is valid", () => {
  const example = new URL("../../deploy/api.example.yaml", import.meta.url).pathname;
  expect(loadApiConfig({ file: example, env: {} })).toMatchObject({
    port: 8000,
    database: "/var/lib/lmkeeper/api.sqlite",
    oidc: { issuer: "https://idp.example.org/realms/hpc", permissions_claim: "permissions" },
  });
});
