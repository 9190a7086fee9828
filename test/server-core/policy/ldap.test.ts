import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAccessConfig } from "../../../src/server-core/policy/access-rules.js";
import { PolicyError } from "../../../src/server-core/policy/errors.js";
import { connectLdapPools, LdapPool } from "../../../src/server-core/policy/ldap.js";
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, startSlapd, type Slapd } from "./slapd.js";

let slapd: Slapd;

beforeAll(async () => {
  slapd = await startSlapd();
});

afterAll(async () => {
  await slapd.stop();
});

const settings = (url: string, password = LDAP_ADMIN_PASSWORD) =>
  parseAccessConfig(
    {
      ldap: {
        directory: {
          url,
          masterDn: LDAP_ADMIN_DN,
          password,
          connectionTO: 2000,
          responseTO: 2000,
          minPoolSize: 1,
          maxPoolSize: 2,
        },
      },
    },
    "access-config.json",
  ).ldap;

describe("LDAP connection pool against a real slapd", () => {
  it("finds users and group members, and nobody else", async () => {
    const pools = await connectLdapPools(settings(slapd.url), "access-config.json");
    const pool = pools.get("directory") as LdapPool;
    expect(await pool.exists("(&(objectClass=inetOrgPerson)(uid=alice))")).toBe(true);
    expect(await pool.exists("(&(objectClass=inetOrgPerson)(uid=mallory))")).toBe(false);
    expect(await pool.exists("(&(objectClass=posixGroup)(cn=engineers)(memberUid=carol))")).toBe(
      true,
    );
    expect(await pool.exists("(&(objectClass=posixGroup)(cn=engineers)(memberUid=bob))")).toBe(
      false,
    );
    const many = await Promise.all(
      Array.from({ length: 10 }, (_, i) => pool.exists(`(uid=${["alice", "bob", "zed"][i % 3]})`)),
    );
    expect(many.filter(Boolean)).toHaveLength(7);
    await pool.close();
  });

  it("refuses a wrong password or an unreachable directory at load, naming the block", async () => {
    await expect(
      connectLdapPools(settings(slapd.url, "wrong"), "access-config.json"),
    ).rejects.toThrow(
      new RegExp(
        `^access-config.json: ldap.directory: cannot connect and bind to ${slapd.url} as "${LDAP_ADMIN_DN}": `,
      ),
    );
    const closed = await connectLdapPools(
      settings("ldap://127.0.0.1:1"),
      "access-config.json",
    ).catch((error: unknown) => error);
    expect(closed).toBeInstanceOf(PolicyError);
    expect((closed as Error).message).toMatch(
      /ldap.directory: cannot connect and bind to ldap:\/\/127.0.0.1:1/,
    );
  });
});
