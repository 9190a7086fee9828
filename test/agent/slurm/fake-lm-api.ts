import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeBookingRequest {
  slurm_job_id: string;
  username: string;
  lead_host: string;
  bookings: { product_name: string; feature_name: string; quantity: number }[];
}

/**
 * A tiny License Manager API on loopback: POST /lm/jobs books seats from a fixed pool per
 * feature (409 when they run out), DELETE /lm/jobs/slurm_job_id/{id} frees them.
 */
export class FakeLmApi {
  readonly jobs = new Map<string, FakeBookingRequest>();
  readonly authorizations: (string | undefined)[] = [];
  /** Slurm job ids whose booking was refused with 409 */
  readonly refused: string[] = [];
  /** when set, requests are accepted but never answered */
  hang = false;
  private server: Server | undefined;

  constructor(private readonly seats: Record<string, number>) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        if (this.hang) return;
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  booked(feature: string): number {
    let total = 0;
    for (const job of this.jobs.values()) {
      for (const booking of job.bookings)
        if (`${booking.product_name}.${booking.feature_name}` === feature)
          total += booking.quantity;
    }
    return total;
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    this.authorizations.push(request.headers.authorization);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.headers.authorization !== "Bearer test-token")
      return { status: 401, body: { detail: "unauthorised" } };
    if (request.method === "POST" && request.url === "/lm/jobs") {
      const job = JSON.parse(Buffer.concat(chunks).toString("utf8")) as FakeBookingRequest;
      for (const booking of job.bookings) {
        const feature = `${booking.product_name}.${booking.feature_name}`;
        const available = (this.seats[feature] ?? 0) - this.booked(feature);
        if (booking.quantity > available) {
          this.refused.push(job.slurm_job_id);
          return { status: 409, body: { detail: `not enough licenses for ${feature}` } };
        }
      }
      this.jobs.set(job.slurm_job_id, job);
      return { status: 201, body: { id: this.jobs.size, ...job } };
    }
    const match = /^\/lm\/jobs\/slurm_job_id\/([^/]+)$/.exec(request.url ?? "");
    if (request.method === "DELETE" && match) {
      const id = decodeURIComponent(match[1]!);
      if (!this.jobs.delete(id)) return { status: 404, body: { detail: "job not found" } };
      return { status: 200, body: { message: "deleted" } };
    }
    return { status: 404, body: { detail: "no route" } };
  }
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function collectingLogger() {
  const entries: { level: string; fields: object; message: string }[] = [];
  const add = (level: string) => (fields: object, message: string) =>
    entries.push({ level, fields, message });
  return { entries, log: { info: add("info"), warn: add("warn"), error: add("error") } };
}
