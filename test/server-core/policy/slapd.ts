import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const LDAP_SUFFIX = "dc=example,dc=org";
export const LDAP_ADMIN_DN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ADMIN_PASSWORD = "directory-secret";

/** People and groups the LDAP tests look up. */
const SEED = `dn: ${LDAP_SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,${LDAP_SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,${LDAP_SUFFIX}
objectClass: organizationalUnit
ou: groups
${["alice", "bob", "carol"]
  .map(
    (uid) => `
dn: uid=${uid},ou=people,${LDAP_SUFFIX}
objectClass: inetOrgPerson
uid: ${uid}
cn: ${uid}
sn: ${uid}
`,
  )
  .join("")}
dn: cn=engineers,ou=groups,${LDAP_SUFFIX}
objectClass: posixGroup
cn: engineers
gidNumber: 5000
memberUid: alice
memberUid: carol
`;

export interface Slapd {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A private OpenLDAP: its own slapd.conf and mdb database in a temp dir, seeded offline with
 * slapadd, listening on a free loopback port, run in the foreground as our child.
 */
export async function startSlapd(): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), "lmkeeper-slapd-"));
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const conf = join(dir, "slapd.conf");
  const hashed = execFileSync("slappasswd", ["-s", LDAP_ADMIN_PASSWORD], {
    encoding: "utf8",
  }).trim();
  writeFileSync(
    conf,
    [
      "include /etc/ldap/schema/core.schema",
      "include /etc/ldap/schema/cosine.schema",
      "include /etc/ldap/schema/inetorgperson.schema",
      "include /etc/ldap/schema/nis.schema",
      `pidfile ${join(dir, "slapd.pid")}`,
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      "database mdb",
      "maxsize 10485760",
      `suffix "${LDAP_SUFFIX}"`,
      `rootdn "${LDAP_ADMIN_DN}"`,
      `rootpw ${hashed}`,
      `directory ${dataDir}`,
      "access to * by * read",
      "",
    ].join("\n"),
  );
  const seed = join(dir, "seed.ldif");
  writeFileSync(seed, SEED);
  execFileSync("slapadd", ["-f", conf, "-l", seed], { stdio: "pipe" });
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const child: ChildProcess = spawn("slapd", ["-f", conf, "-h", `${url}/`, "-d", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) break;
    if (await accepts(port)) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`slapd did not start on ${url}: ${stderr}`);
}
