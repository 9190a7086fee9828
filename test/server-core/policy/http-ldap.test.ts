import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, tempDir } from "../helpers.js";
import { admin, checkout, startPolicyServer } from "./setup.js";
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, startSlapd, type Slapd } from "./slapd.js";

let slapd: Slapd;
let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeAll(async () => {
  slapd = await startSlapd();
});

afterAll(async () => {
  await slapd.stop();
});

beforeEach(async () => {
  dir = tempDir();
  ({ server } = await startPolicyServer(dir.path));
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

const directory = (url: string, password = LDAP_ADMIN_PASSWORD) => ({
  url,
  masterDn: LDAP_ADMIN_DN,
  password,
  useSSL: false,
  connectionTO: 2000,
  responseTO: 2000,
  minPoolSize: 1,
  maxPoolSize: 3,
});

const ENGINEERS = "(&(objectClass=posixGroup)(cn=engineers)(memberUid=${userName}))";

describe("LDAP rules through HTTP against a real slapd", () => {
  it("admits only directory users to a product, and keeps group members off another", async () => {
    const put = await admin(server, "PUT", "/access", {
      ldap: { openLdap1: directory(slapd.url) },
      whitelist: [
        {
          product: "mesher",
          ldap: "openLdap1",
          matchCondition: "(&(objectClass=inetOrgPerson)(uid=${userName}))",
        },
        { product: "solver" },
      ],
      blacklist: [{ product: "solver", ldap: "openLdap1", matchCondition: ENGINEERS }],
    });
    expect(put.status).toBe(200);
    expect(put.body.config.ldap.openLdap1.password).toBe("********");
    expect((await checkout(server, { feature: "mesher", user: "bob" })).status).toBe(201);
    const stranger = await checkout(server, { feature: "mesher", user: "mallory" });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.message).toBe(
      'mallory@mallory-ws matches no whitelist rule for "mesher" 0',
    );
    // a user name that tries to widen the filter finds nobody
    expect((await checkout(server, { feature: "mesher", user: "*" })).status).toBe(403);
    expect((await checkout(server, { feature: "solver", user: "bob" })).status).toBe(201);
    const engineer = await checkout(server, { feature: "solver", user: "carol" });
    expect(engineer.status).toBe(403);
    expect(engineer.body.error.message).toBe("carol@carol-ws is refused by blacklist[0]");
  });

  it("makes a prioritylist of directory group members", async () => {
    await admin(server, "PUT", "/access", {
      ldap: { corp: directory(slapd.url) },
      prioritylist: [{ ldap: "corp", matchCondition: ENGINEERS }],
    });
    await checkout(server, { feature: "mesher", user: "bob" });
    await checkout(server, { feature: "mesher", user: "dan" });
    expect((await checkout(server, { feature: "mesher", user: "eve" })).status).toBe(409);
    expect((await checkout(server, { feature: "mesher", user: "alice" })).status).toBe(201);
  });

  it("refuses at load time a wrong password or an unreachable directory, over HTTP and at start", async () => {
    const wrong = await admin(server, "PUT", "/access", {
      ldap: { corp: directory(slapd.url, "not-it") },
      whitelist: [{ ldap: "corp", matchCondition: ENGINEERS }],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(
      new RegExp(
        `^access config \\(admin API\\): ldap.corp: cannot connect and bind to ${slapd.url} as "${LDAP_ADMIN_DN}": `,
      ),
    );
    expect((await admin(server, "GET", "/access")).body.config).toEqual({});
    await server.close();
    const file = join(dir.path, "access-config.json");
    writeFileSync(
      file,
      JSON.stringify({
        ldap: { corp: directory("ldap://127.0.0.1:9") },
        whitelist: [{ ldap: "corp", matchCondition: ENGINEERS }],
      }),
    );
    await expect(startPolicyServer(dir.path, { access_config: file })).rejects.toThrow(
      `${file}: ldap.corp: cannot connect and bind to ldap://127.0.0.1:9 as "${LDAP_ADMIN_DN}": `,
    );
    ({ server } = await startPolicyServer(dir.path));
  });
});

describe("a directory that goes away after loading", () => {
  it("answers checkouts with LDAP_UNAVAILABLE instead of failing", async () => {
    const own = await startSlapd();
    try {
      await admin(server, "PUT", "/access", {
        ldap: { corp: directory(own.url) },
        whitelist: [{ ldap: "corp", matchCondition: ENGINEERS }],
      });
      expect((await checkout(server, { feature: "mesher", user: "alice" })).status).toBe(201);
      await own.stop();
      const down = await checkout(server, { feature: "mesher", user: "carol" });
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe("LDAP_UNAVAILABLE");
      expect(down.body.error.message).toMatch(/^ldap.corp: /);
      expect((await api(server, "GET", "/api/1.0/health")).status).toBe(200);
    } finally {
      await own.stop();
    }
  });
});
