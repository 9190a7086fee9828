import { Gauge, Registry } from "prom-client";
import { isClusterHealthy } from "./health.js";
import type { Store } from "./store/index.js";

/** Prometheus gauges read fresh from the store on every scrape. */
export function createMetrics(
  store: Store,
  now: () => Date,
): { registry: Registry; render(): Promise<string> } {
  const registry = new Registry();
  const labelNames = ["cluster", "product", "feature"] as const;
  const total = new Gauge({
    name: "lmkeeper_feature_total",
    help: "licenses of the feature",
    labelNames,
    registers: [registry],
  });
  const used = new Gauge({
    name: "lmkeeper_feature_used",
    help: "licenses in use per the license server",
    labelNames,
    registers: [registry],
  });
  const booked = new Gauge({
    name: "lmkeeper_feature_booked",
    help: "licenses booked by running jobs",
    labelNames,
    registers: [registry],
  });
  const healthy = new Gauge({
    name: "lmkeeper_cluster_healthy",
    help: "1 while the cluster's agent reported within two intervals",
    labelNames: ["cluster"] as const,
    registers: [registry],
  });
  return {
    registry,
    async render() {
      const rows = await store.clusterStatuses.featureUsage();
      const statuses = await store.clusterStatuses.list();
      for (const gauge of [total, used, booked, healthy]) gauge.reset();
      for (const row of rows) {
        const labels = { cluster: row.clusterClientId, product: row.product, feature: row.feature };
        total.set(labels, row.total);
        used.set(labels, row.used);
        booked.set(labels, Number(row.booked));
      }
      const at = now();
      for (const s of statuses)
        healthy.set(
          { cluster: s.clusterClientId },
          isClusterHealthy(s.lastReported, s.interval, at) ? 1 : 0,
        );
      return registry.metrics();
    },
  };
}
