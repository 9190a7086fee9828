/**
 * One load-generating worker thread: `connections` keep-alive clients (an undici Pool), each
 * looping checkout (POST /api/1.0/leases) then checkin (DELETE of the lease) for a warm-up
 * and then a measured window. Posts back the round trips done in the window and each round
 * trip's latency in microseconds.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Pool } from "undici";

export interface LoadWorkerInput {
  url: string;
  connections: number;
  warmUpMs: number;
  measureMs: number;
}

export interface LoadWorkerResult {
  roundTrips: number;
  errors: number;
  firstError?: string;
  latenciesMicros: Float64Array;
}

const input = workerData as LoadWorkerInput;
const pool = new Pool(input.url, { connections: input.connections, pipelining: 1 });
const body = JSON.stringify({ feature: "post", user: "bench", host: "node001" });
const headers = { "content-type": "application/json" };

async function roundTrip(): Promise<void> {
  const checkout = await pool.request({ path: "/api/1.0/leases", method: "POST", headers, body });
  const text = await checkout.body.text();
  if (checkout.statusCode !== 201)
    throw new Error(`checkout answered ${checkout.statusCode}: ${text}`);
  const id = (JSON.parse(text) as { lease: { id: string } }).lease.id;
  const checkin = await pool.request({ path: `/api/1.0/leases/${id}`, method: "DELETE" });
  const released = await checkin.body.text();
  if (checkin.statusCode !== 200)
    throw new Error(`checkin answered ${checkin.statusCode}: ${released}`);
}

const started = performance.now();
const measureFrom = started + input.warmUpMs;
const measureUntil = measureFrom + input.measureMs;
const latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;

await Promise.all(
  Array.from({ length: input.connections }, async () => {
    for (;;) {
      const begin = performance.now();
      if (begin >= measureUntil) return;
      try {
        await roundTrip();
      } catch (error) {
        errors += 1;
        firstError ??= String(error);
        continue;
      }
      // only round trips that started and ended inside the window count
      const end = performance.now();
      if (begin >= measureFrom && end <= measureUntil) latencies.push((end - begin) * 1000);
    }
  }),
);
await pool.close();
const result: LoadWorkerResult = {
  roundTrips: latencies.length,
  errors,
  ...(firstError === undefined ? {} : { firstError }),
  latenciesMicros: Float64Array.from(latencies),
};
parentPort?.postMessage(result);
