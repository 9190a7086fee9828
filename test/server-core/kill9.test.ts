import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusSnapshot } from "../../src/server-core/status/snapshot.js";
import { ACME_LICENSE, tempDir } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(ROOT, "dist", "cli", "main.js");

let dir: ReturnType<typeof tempDir>;
let configPath: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(MAIN)) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe" });
  dir = tempDir();
  configPath = join(dir.path, "server.yaml");
  writeFileSync(
    configPath,
    [
      "port: 0",
      "bind: 127.0.0.1",
      "hostname: lic1",
      `license_files: [${JSON.stringify(ACME_LICENSE)}]`,
      "database: state/server.db",
      "lease_seconds: 3600",
      "log_level: info",
    ].join("\n"),
  );
});

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  dir.remove();
});

/** Starts `lmkeeper server` as a child process; resolves with its URL once it listens. */
function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN, "server", "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "license server listening" && entry.url) resolve({ child, url: entry.url });
    });
    child.on("exit", (code, signal) =>
      reject(new Error(`server exited early (${code ?? signal}): ${stderr}`)),
    );
  });
}

interface PostResult {
  status: number;
  body: { lease: { id: string } };
}

async function post(url: string, body: unknown): Promise<PostResult> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as PostResult["body"] };
}

describe("kill -9 durability", () => {
  it("keeps every acknowledged lease and never over-grants after a hard kill", async () => {
    const first = await startChild();
    const acknowledged = new Set<string>();
    const checkinSent = new Set<string>();
    let stop = false;
    let granted = 0;

    const worker = async (index: number) => {
      const feature = ["solver", "mesher", "post", "post"][index % 4];
      while (!stop) {
        try {
          const result = await post(`${first.url}/api/1.0/leases`, {
            feature,
            user: `u${index}`,
            host: `n${index}`,
          });
          if (result.status !== 201) continue;
          granted += 1;
          const id = result.body.lease.id;
          acknowledged.add(id);
          if (granted % 2 === 0) {
            checkinSent.add(id); // from here on the lease may or may not survive
            await fetch(`${first.url}/api/1.0/leases/${id}`, { method: "DELETE" });
          }
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 64 }, (_, index) => worker(index));
    while (granted < 400) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    stop = true;
    await Promise.all(workers);
    expect(first.child.signalCode).toBe("SIGKILL");

    const second = await startChild();
    const mustSurvive = [...acknowledged].filter((id) => !checkinSent.has(id));
    expect(mustSurvive.length).toBeGreaterThan(100);
    const renewed = await Promise.all(
      mustSurvive.map((id) => post(`${second.url}/api/1.0/leases/${id}/heartbeat`, {})),
    );
    expect(renewed.filter((result) => result.status !== 200)).toEqual([]);

    const snapshot = (await (await fetch(`${second.url}/api/1.0/status`)).json()) as StatusSnapshot;
    for (const feature of snapshot.features) {
      for (const pool of feature.pools) {
        const leased = pool.leases.reduce((sum, lease) => sum + lease.count, 0);
        if (pool.count !== "uncounted")
          expect(leased, `${feature.name} v${pool.version}`).toBeLessThanOrEqual(pool.count);
      }
    }
    const handles = snapshot.features.flatMap((feature) =>
      feature.pools.flatMap((pool) => pool.leases.map((lease) => lease.handle)),
    );
    expect(new Set(handles).size).toBe(handles.length);
    // and the restarted server goes on granting without exceeding: fill solver to the brim
    const more = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(`${second.url}/api/1.0/leases`, { feature: "solver", user: "x", host: "y" }),
      ),
    );
    const solverAfter = (await (
      await fetch(`${second.url}/api/1.0/status`)
    ).json()) as StatusSnapshot;
    const solverLeased = solverAfter.features
      .find((feature) => feature.name === "solver")!
      .pools.reduce(
        (sum, pool) => sum + pool.leases.reduce((inner, lease) => inner + lease.count, 0),
        0,
      );
    expect(solverLeased).toBe(15);
    expect(more.some((result) => result.status === 409)).toBe(true);

    second.child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) =>
      second.child.once("exit", (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(0);
  });
});
