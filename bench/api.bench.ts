/**
 * License Manager API (`lmkeeper api` as a child process, SQLite, real OIDC tokens from the
 * development provider): one bulk update of 5,000 features (the agent's per-cycle push), and
 * the booking creation rate under 32 concurrent keep-alive clients with p50/p99 latency.
 * BENCH_SECONDS sets the booking window (default 5).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { startDevOidcProvider } from "../src/api/dev-oidc.js";
import { ADMIN_PERMISSION } from "../src/api/permissions.js";
import { ensureBuilt, MAIN, startListeningChild } from "../test/generators/server-process.js";
import { reportJson } from "./report.js";

const FEATURES = 5_000;
const BULK_RUNS = 5;
const CLIENTS = 32;
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const WARM_UP_MS = 1_000;
const BOOKED_FEATURES = 100;
const TOTAL = 2_000_000_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), "lmkeeper-api-bench-"));
const oidc = await startDevOidcProvider({
  clients: [{ clientId: "bench", secret: "bench-secret", permissions: [ADMIN_PERMISSION] }],
});
const configPath = join(dir, "api.yaml");
writeFileSync(
  configPath,
  [
    "port: 0",
    "bind: 127.0.0.1",
    `database: ${JSON.stringify(join(dir, "lm.sqlite"))}`,
    "log_level: info",
    "oidc:",
    `  issuer: ${JSON.stringify(oidc.issuer)}`,
    `  audience: ${JSON.stringify(oidc.audience)}`,
    "",
  ].join("\n"),
);
const api = await startListeningChild(
  [MAIN, "api", "--config", configPath],
  "License Manager API listening",
);
const pool = new Pool(api.url, { connections: CLIENTS, pipelining: 1 });
try {
  const authorization = `Bearer ${await oidc.fetchToken("bench", "bench-secret")}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await pool.request({
      method,
      path,
      headers: { authorization, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300)
      throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  };

  const product = (await call("POST", "/lm/products", { name: "bench" })) as { id: number };
  const configuration = (await call("POST", "/lm/configurations", {
    name: "bench licenses",
    cluster_client_id: "bench",
    grace_time: 300,
    type: "flexlm",
    features: Array.from({ length: FEATURES }, (_, i) => ({
      name: `f${i}`,
      product_id: product.id,
    })),
    license_servers: [{ host: "lic1", port: 27000 }],
  })) as { features: Array<{ id: number; name: string }> };

  const bulkMs: number[] = [];
  for (let run = 0; run < BULK_RUNS; run++) {
    const updates = Array.from({ length: FEATURES }, (_, i) => ({
      product_name: "bench",
      feature_name: `f${i}`,
      total: TOTAL,
      used: (i * 7 + run) % 1000,
    }));
    const started = performance.now();
    const answer = (await call("PUT", "/lm/features/bulk", updates)) as { updated?: number };
    bulkMs.push(performance.now() - started);
    if (answer.updated !== undefined && answer.updated !== FEATURES)
      throw new Error(`bulk updated ${answer.updated} of ${FEATURES} features`);
  }
  const sortedBulk = [...bulkMs].sort((a, b) => a - b);
  const bulkMedianMs = percentile(sortedBulk, 50);
  process.stdout.write(
    `bulk update of ${FEATURES} features: median ${bulkMedianMs.toFixed(0)} ms, best ${sortedBulk[0]!.toFixed(0)} ms ` +
      `(${((FEATURES / bulkMedianMs) * 1000).toFixed(0)} features/s)\n`,
  );

  const job = (await call("POST", "/lm/jobs", {
    slurm_job_id: "1000",
    username: "alice",
    lead_host: "node001",
  })) as { id: number };
  const featureIds = configuration.features.slice(0, BOOKED_FEATURES).map((f) => f.id);
  const latencies: number[] = [];
  const measureFrom = performance.now() + WARM_UP_MS;
  const measureUntil = measureFrom + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; ; n++) {
        const begin = performance.now();
        if (begin >= measureUntil) return;
        await call("POST", "/lm/bookings", {
          job_id: job.id,
          feature_id: featureIds[(client + n * CLIENTS) % featureIds.length],
          quantity: 1,
        });
        const end = performance.now();
        if (begin >= measureFrom && end <= measureUntil) latencies.push(end - begin);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const bookingsPerSecond = latencies.length / SECONDS;
  const p50Ms = percentile(latencies, 50);
  const p99Ms = percentile(latencies, 99);
  process.stdout.write(
    `booking creation, ${CLIENTS} clients: ${bookingsPerSecond.toFixed(0)} bookings/s, p50 ${p50Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms\n`,
  );
  reportJson({
    bulk: {
      features: FEATURES,
      runs: bulkMs.map((ms) => Math.round(ms)),
      medianMs: Math.round(bulkMedianMs),
      featuresPerSecond: Math.round((FEATURES / bulkMedianMs) * 1000),
    },
    bookings: {
      clients: CLIENTS,
      seconds: SECONDS,
      perSecond: Math.round(bookingsPerSecond),
      p50Ms: Number(p50Ms.toFixed(2)),
      p99Ms: Number(p99Ms.toFixed(2)),
    },
    cpus: availableParallelism(),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  });
} finally {
  await pool.close();
  const exited = new Promise((resolve) => api.child.once("exit", resolve));
  api.child.kill("SIGTERM");
  await exited;
  await oidc.close();
  rmSync(dir, { recursive: true, force: true });
}
