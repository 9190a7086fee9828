import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The agent's Prometheus metrics, in a registry of its own. */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly featureTotal: Gauge;
  private readonly featureUsed: Gauge;
  private readonly featureBooked: Gauge;
  private readonly serverUp: Gauge;
  private readonly serverQuerySeconds: Histogram;
  private readonly cycleSeconds: Histogram;
  private readonly cycles: Counter;
  private readonly cycleFailures: Counter;
  private readonly configurationFailures: Counter;

  constructor() {
    const registers = [this.registry];
    const featureLabels = ["configuration", "product", "feature"];
    this.featureTotal = new Gauge({
      name: "lmkeeper_feature_total",
      help: "Licenses of the feature on its license server",
      labelNames: featureLabels,
      registers,
    });
    this.featureUsed = new Gauge({
      name: "lmkeeper_feature_used",
      help: "Licenses of the feature in use on its license server",
      labelNames: featureLabels,
      registers,
    });
    this.featureBooked = new Gauge({
      name: "lmkeeper_feature_booked",
      help: "Licenses of the feature booked by cluster jobs",
      labelNames: featureLabels,
      registers,
    });
    this.serverUp = new Gauge({
      name: "lmkeeper_license_server_up",
      help: "1 when the last query of the license server gave a usable answer, 0 when it failed",
      labelNames: ["configuration", "type", "server"],
      registers,
    });
    this.serverQuerySeconds = new Histogram({
      name: "lmkeeper_license_server_query_seconds",
      help: "Time the vendor tool took to answer for one license server",
      labelNames: ["type", "server"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.cycleSeconds = new Histogram({
      name: "lmkeeper_agent_cycle_seconds",
      help: "Duration of a reconcile cycle",
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.cycles = new Counter({
      name: "lmkeeper_agent_cycles_total",
      help: "Reconcile cycles run",
      registers,
    });
    this.cycleFailures = new Counter({
      name: "lmkeeper_agent_cycle_failures_total",
      help: "Reconcile cycles in which something failed",
      registers,
    });
    this.configurationFailures = new Counter({
      name: "lmkeeper_configuration_failures_total",
      help: "Cycles in which a configuration could not be read from any of its license servers",
      labelNames: ["configuration"],
      registers,
    });
  }

  setFeature(
    labels: { configuration: string; product: string; feature: string },
    values: { total?: number; used?: number; booked: number },
  ): void {
    if (values.total !== undefined) this.featureTotal.set(labels, values.total);
    if (values.used !== undefined) this.featureUsed.set(labels, values.used);
    this.featureBooked.set(labels, values.booked);
  }

  recordServerQuery(
    labels: { configuration: string; type: string; server: string },
    up: boolean,
    seconds: number,
  ): void {
    this.serverUp.set(labels, up ? 1 : 0);
    this.serverQuerySeconds.observe({ type: labels.type, server: labels.server }, seconds);
  }

  recordConfigurationFailure(configuration: string): void {
    this.configurationFailures.inc({ configuration });
  }

  recordCycle(seconds: number, success: boolean): void {
    this.cycles.inc();
    this.cycleSeconds.observe(seconds);
    if (!success) this.cycleFailures.inc();
  }
}

/** Serves `GET /metrics` on its own port; anything else is 404. */
export async function startMetricsServer(
  metrics: AgentMetrics,
  options: { host: string; port: number },
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    metrics.registry
      .metrics()
      .then((body) =>
        response.writeHead(200, { "content-type": metrics.registry.contentType }).end(body),
      )
      .catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
