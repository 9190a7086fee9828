import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicenseClient, ServerUnreachableError } from "../../src/server-core/client.js";
import type { RunningServer } from "../../src/server-core/server.js";
import { startTestServer, tempDir } from "./helpers.js";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: "pipe" });
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it. */
function makeCertificates(cwd: string): void {
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=lmkeeper test CA",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
    ],
    cwd,
  );
  openssl(
    [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=lic1.test",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
    ],
    cwd,
  );
  writeSanExtension(cwd);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      "san.ext",
      "-out",
      "server.crt",
    ],
    cwd,
  );
}

function writeSanExtension(cwd: string): void {
  writeFileSync(join(cwd, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:lic1.test\n");
}

beforeAll(async () => {
  dir = tempDir();
  makeCertificates(dir.path);
  ({ server } = await startTestServer(dir.path, {
    tls: { cert: "server.crt", key: "server.key" },
  }));
});

afterAll(async () => {
  await server.close();
  dir.remove();
});

describe("HTTPS", () => {
  it("serves https with the configured certificate", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const certificate = await new Promise<PeerCertificate>((resolve, reject) => {
      const socket = connect(
        { host: "127.0.0.1", port: server.port, rejectUnauthorized: false },
        () => {
          resolve(socket.getPeerCertificate());
          socket.end();
        },
      );
      socket.on("error", reject);
    });
    expect(certificate.subject.CN).toBe("lic1.test");
    expect(certificate.issuer.CN).toBe("lmkeeper test CA");
    expect(certificate.subjectaltname).toBe("IP Address:127.0.0.1, DNS:lic1.test");
  });

  it("is trusted with the test CA, and refused without it", async () => {
    const trusting = new LicenseClient({
      baseUrl: server.url,
      ca: readFileSync(join(dir.path, "ca.crt")),
    });
    expect(await trusting.health()).toEqual({ status: "ok" });
    const lease = await trusting.checkout({ feature: "mesher", user: "alice", host: "node001" });
    expect(lease.count).toBe(1);
    await trusting.close();

    const untrusting = new LicenseClient({ baseUrl: server.url });
    await expect(untrusting.health()).rejects.toBeInstanceOf(ServerUnreachableError);
    await untrusting.close();

    const insecure = new LicenseClient({ baseUrl: server.url, insecure: true });
    expect(await insecure.health()).toEqual({ status: "ok" });
    await insecure.close();
  });
});
