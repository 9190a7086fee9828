import { createServer, type Socket } from "node:net";
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

  it("gives up on a directory that accepts connections but never answers, after responseTO", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const config = parseAccessConfig(
        {
          ldap: {
            mute: {
              url: `ldap://127.0.0.1:${port}`,
              masterDn: LDAP_ADMIN_DN,
              password: LDAP_ADMIN_PASSWORD,
              connectionTO: 300,
              responseTO: 300,
            },
          },
        },
        "access-config.json",
      );
      const error = await connectLdapPools(config.ldap, "access-config.json").catch(
        (caught: unknown) => caught as Error,
      );
      expect(error).toBeInstanceOf(PolicyError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^access-config.json: ldap.mute: cannot connect and bind to ldap://127.0.0.1:${port} as "${LDAP_ADMIN_DN}": .*time`,
          "i",
        ),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
