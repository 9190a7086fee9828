import { describe, expect, it } from "vitest";
import {
  decideAccess,
  escapeFilterValue,
  parseAccessConfig,
  parseAccessConfigText,
  type AccessRequest,
  type LdapLookup,
} from "../../../src/server-core/policy/access-rules.js";

const noLdap: LdapLookup = () => Promise.reject(new Error("no LDAP in this test"));

const req = (
  userName: string,
  feature: string,
  version: string,
  extra: Partial<AccessRequest> = {},
): AccessRequest => ({
  feature,
  version,
  userName,
  hostName: `${userName}.itdept.company.net`,
  ip: "10.0.0.7",
  ...extra,
});

async function allowed(config: unknown, request: AccessRequest): Promise<boolean> {
  return (await decideAccess(parseAccessConfig(config, "access-config.json"), request, noLdap))
    .allowed;
}

describe("access rules: the seed's cases", () => {
  it("case 1: a blacklist entry refuses only the exact user, product and release on an empty host name", async () => {
    const config = {
      blacklist: [{ product: "RS 2017.3", userName: "(username1|username3|katya)", hostName: "" }],
    };
    expect(await allowed(config, req("katya", "RS", "2017.3", { hostName: "" }))).toBe(false);
    expect(await allowed(config, req("username1", "RS", "2017.3", { hostName: "" }))).toBe(false);
    expect(await allowed(config, req("katya", "RS", "2017.3"))).toBe(true); // host name is not empty
    expect(await allowed(config, req("olga", "RS", "2017.3", { hostName: "" }))).toBe(true); // not listed
    expect(await allowed(config, req("katya123", "RS", "2017.3", { hostName: "" }))).toBe(true);
    expect(await allowed(config, req("username333", "RS", "2017.3", { hostName: "" }))).toBe(true);
    expect(await allowed(config, req("katya", "II", "2017.3", { hostName: "" }))).toBe(true); // not ReSharper
    expect(await allowed(config, req("katya", "RS", "2017.2", { hostName: "" }))).toBe(true);
    expect(await allowed(config, req("katya", "RS", "2016.1", { hostName: "" }))).toBe(true);
  });

  it("case 2: a whitelist entry admits only the listed users with that host name, product and release", async () => {
    const config = {
      whitelist: [{ product: "RS 2017.3", userName: "(username1|username3|katya)", hostName: "" }],
    };
    expect(await allowed(config, req("katya", "RS", "2017.3", { hostName: "" }))).toBe(true);
    expect(await allowed(config, req("katya", "RS", "2017.3"))).toBe(false); // host name differs
    expect(await allowed(config, req("katya", "GO", "2017.3", { hostName: "" }))).toBe(false);
    expect(await allowed(config, req("katya", "RS", "2017.2", { hostName: "" }))).toBe(false);
    expect(await allowed(config, req("olga", "RS", "2017.3", { hostName: "" }))).toBe(false);
  });

  it("case 3: with a non-empty whitelist, users it does not list get nothing; a negative lookahead blacklists everyone else", async () => {
    const both = {
      blacklist: [{ product: "II 2017.2", userName: "(username1|username2)" }],
      whitelist: [{ product: "GO 2017.3", userName: "(username3|username4|katya)" }],
    };
    expect(await allowed(both, req("username1", "II", "2017.2"))).toBe(false);
    expect(await allowed(both, req("username1", "GO", "2017.3"))).toBe(false);
    expect(await allowed(both, req("stranger", "PS", "2017.3"))).toBe(false);
    expect(await allowed(both, req("katya", "GO", "2017.3"))).toBe(true);
    expect(await allowed(both, req("katya", "II", "2017.2"))).toBe(false);
    const onlyBlacklist = {
      blacklist: [
        { product: "II 2017.2", userName: "(username1|username2)" },
        { product: "GO 2017.3", userName: "((?!username3|username4|katya).)*" },
      ],
    };
    expect(await allowed(onlyBlacklist, req("katya", "GO", "2017.3"))).toBe(true);
    expect(await allowed(onlyBlacklist, req("username4", "GO", "2017.3"))).toBe(true);
    expect(await allowed(onlyBlacklist, req("stranger", "GO", "2017.3"))).toBe(false);
    expect(await allowed(onlyBlacklist, req("stranger", "PS", "2017.3"))).toBe(true);
    expect(await allowed(onlyBlacklist, req("username2", "II", "2017.2"))).toBe(false);
  });

  it("case 4: checkLicenseOnly matches the license itself, not the products a pack covers", async () => {
    const config = {
      whitelist: [
        { product: "RSU", userName: "user" },
        { product: "RS0", userName: "user2", checkLicenseOnly: "true" },
      ],
    };
    expect(await allowed(config, req("user2", "RS0", "2019.1", { product: "RS0" }))).toBe(true);
    expect(await allowed(config, req("user2", "RSU", "2019.1", { product: "RS0" }))).toBe(false);
    expect(await allowed(config, req("user2", "ALL", "2019.1", { product: "RS0" }))).toBe(false);
    expect(await allowed(config, req("user2", "RSU", "2019.1", { product: "DC" }))).toBe(false);
    expect(await allowed(config, req("user", "RSU", "2019.1", { product: "DC" }))).toBe(true);
    const covered = { whitelist: [{ product: "RS0", userName: "user2" }] };
    expect(await allowed(covered, req("user2", "RSU", "2019.1", { product: "RS0" }))).toBe(true);
  });
});

describe("access rules: other fields and the prioritylist", () => {
  it("match ip and buildNumber; a rule naming a field the client did not send does not match", async () => {
    const config = {
      whitelist: [{ product: "RC", buildNumber: "2011\\.2\\..+" }, { ip: "10\\.0\\.0\\..*" }],
    };
    expect(
      await allowed(config, req("a", "RC", "1.0", { ip: "192.168.1.1", buildNumber: "2011.2.7" })),
    ).toBe(true);
    expect(
      await allowed(config, req("a", "RC", "1.0", { ip: "192.168.1.1", buildNumber: "2011.3.1" })),
    ).toBe(false);
    expect(await allowed(config, req("a", "RC", "1.0", { ip: "192.168.1.1" }))).toBe(false);
    expect(await allowed(config, req("a", "XX", "1.0"))).toBe(true);
  });

  it("flag prioritylist users, matching user and host as a pair", async () => {
    const config = parseAccessConfig(
      { prioritylist: [{ userName: "kate", hostName: "ws1" }] },
      "a.json",
    );
    expect(
      await decideAccess(config, req("kate", "II", "1.0", { hostName: "ws1" }), noLdap),
    ).toEqual({
      allowed: true,
      priority: true,
    });
    expect(
      await decideAccess(config, req("kate", "II", "1.0", { hostName: "ws2" }), noLdap),
    ).toEqual({
      allowed: true,
      priority: false,
    });
  });

  it("ask the directory for LDAP rules with the user name escaped into the filter", async () => {
    const asked: string[] = [];
    const lookup: LdapLookup = (connection, filter) => {
      asked.push(`${connection} ${filter}`);
      return Promise.resolve(filter.includes("alice"));
    };
    const config = parseAccessConfig(
      {
        ldap: {
          corp: {
            url: "ldap://127.0.0.1:389",
            masterDn: "cn=admin,dc=example,dc=org",
            password: "p",
          },
        },
        whitelist: [
          {
            product: "IDEA",
            ldap: "corp",
            matchCondition: "(&(objectClass=inetOrgPerson)(uid=${userName}))",
          },
        ],
      },
      "a.json",
    );
    expect(config.ldap.corp?.searchBase).toBe("dc=example,dc=org");
    expect((await decideAccess(config, req("alice", "IDEA", "1.0"), lookup)).allowed).toBe(true);
    expect((await decideAccess(config, req("b*)(uid=x", "IDEA", "1.0"), lookup)).allowed).toBe(
      false,
    );
    expect((await decideAccess(config, req("alice", "GO", "1.0"), lookup)).allowed).toBe(false);
    expect(asked).toEqual([
      "corp (&(objectClass=inetOrgPerson)(uid=alice))",
      "corp (&(objectClass=inetOrgPerson)(uid=b\\2a\\29\\28uid=x))",
    ]);
    expect(escapeFilterValue("a\\b")).toBe("a\\5cb");
  });
});

describe("access config errors name the field", () => {
  const fails = (data: unknown) => () => parseAccessConfig(data, "access-config.json");
  it("at load time, for every kind of mistake", () => {
    expect(fails({ whitelist: [{ userName: "(" }] })).toThrow(
      /^access-config.json: whitelist\[0\].userName: invalid regular expression "\(": /,
    );
    expect(fails({ greylist: [] })).toThrow("access-config.json: greylist: unknown section");
    expect(fails({ blacklist: [{ user: "x" }] })).toThrow(/blacklist\[0\].user: unknown field/);
    expect(fails({ prioritylist: [{ product: "II" }] })).toThrow(
      "access-config.json: prioritylist[0]: a priority rule must name userName, hostName or both",
    );
    expect(fails({ whitelist: [{ ldap: "nope", matchCondition: "(uid=${userName})" }] })).toThrow(
      "access-config.json: whitelist[0].ldap: must name a connection of the ldap section (none defined)",
    );
    const ldap = { corp: { url: "ldap://127.0.0.1:389", masterDn: "cn=a,dc=x", password: "p" } };
    expect(fails({ ldap, whitelist: [{ ldap: "corp", matchCondition: "(uid=bob)" }] })).toThrow(
      /matchCondition: an LDAP rule needs a filter string containing \$\{userName\}/,
    );
    expect(
      fails({
        ldap,
        whitelist: [{ ldap: "corp", matchCondition: "(uid=${userName})", userName: "x" }],
      }),
    ).toThrow(
      "access-config.json: whitelist[0].userName: not allowed in an LDAP rule (only product and buildNumber)",
    );
    expect(fails({ ldap: { corp: { url: "http://x", masterDn: "a", password: "p" } } })).toThrow(
      'access-config.json: ldap.corp.url: "http://x" is not an ldap:// or ldaps:// URL with a host',
    );
    expect(fails({ ldap: { corp: { ...ldap.corp, maxPoolSize: 0 } } })).toThrow(
      "access-config.json: ldap.corp.maxPoolSize: must be a positive whole number",
    );
    expect(fails({ whitelist: [{ checkLicenseOnly: "yes" }] })).toThrow(
      /checkLicenseOnly: must be true or false/,
    );
    expect(() => parseAccessConfigText("{ whitelist: [] }", "access-config.json")).toThrow(
      /^access-config.json: not valid JSON: /,
    );
  });

  it("accepts the seed's first example as written", () => {
    const config = parseAccessConfigText(
      '{ "whitelist": [ { "product": "(II|RSU|CL)", "userName": "windowsuser.*", "hostName": ".*.itdept.company.net" }, { "product": "RC", "buildNumber": "2011\\\\.2\\\\..+" } ], "blacklist": [ { "product": "RSU", "userName": "windowsuser12", "hostName": ".*user12.itdept.company.net" } ] }',
      "access-config.json",
    );
    expect(config.whitelist.map((rule) => rule.at)).toEqual(["whitelist[0]", "whitelist[1]"]);
    expect(config.blacklist).toHaveLength(1);
  });
});

describe("server config", () => {
  it("resolves accessConfig against the config file's directory", async () => {
    const { parseServerConfig } = await import("../../../src/server-core/config.js");
    const config = parseServerConfig(
      { database: "server.db", access_config: "policy/access-config.json" },
      "/etc/lmkeeper/server.yaml",
      "/etc/lmkeeper",
    );
    expect(config.accessConfig).toBe("/etc/lmkeeper/policy/access-config.json");
    expect(() =>
      parseServerConfig({ database: "x.db", access_config: "" }, "server.yaml", "/etc"),
    ).toThrow(/^server.yaml: access_config: /);
  });
});
