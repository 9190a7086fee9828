import type { Database } from "./db.js";
import type { ClusterReport, ClusterStatus, FeatureUsageRow } from "./types.js";

interface StatusRow {
  cluster_client_id: string;
  interval_seconds: number;
  last_reported: string;
  last_success: string | null;
  errors: string;
}

function parseErrors(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [String(value)];
  } catch {
    return [text];
  }
}

export class ClusterStatusStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  /** Records one agent cycle; a failed cycle keeps the previous last success. */
  async report(clusterClientId: string, report: ClusterReport): Promise<ClusterStatus> {
    const at = this.now().toISOString();
    await this.db.run(
      `INSERT INTO cluster_statuses (cluster_client_id, interval_seconds, last_reported, last_success, errors)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (cluster_client_id) DO UPDATE SET
         interval_seconds = excluded.interval_seconds,
         last_reported = excluded.last_reported,
         last_success = COALESCE(excluded.last_success, cluster_statuses.last_success),
         errors = excluded.errors`,
      [
        clusterClientId,
        report.interval,
        at,
        report.success ? at : null,
        JSON.stringify(report.errors),
      ],
    );
    const [status] = await this.list(clusterClientId);
    return status as ClusterStatus;
  }

  async list(clusterClientId?: string): Promise<ClusterStatus[]> {
    const rows = await this.db.all<StatusRow>(
      `SELECT * FROM cluster_statuses ${clusterClientId === undefined ? "" : "WHERE cluster_client_id = ?"} ORDER BY cluster_client_id`,
      clusterClientId === undefined ? [] : [clusterClientId],
    );
    return rows.map((row) => ({
      clusterClientId: row.cluster_client_id,
      interval: row.interval_seconds,
      lastReported: row.last_reported,
      lastSuccess: row.last_success,
      errors: parseErrors(row.errors),
    }));
  }

  /** Every feature's counters with its cluster, for the metrics endpoint. */
  featureUsage(): Promise<FeatureUsageRow[]> {
    return this.db.all<FeatureUsageRow>(
      `SELECT c.cluster_client_id AS "clusterClientId", p.name AS product, f.name AS feature, f.total, f.used,
         CAST(COALESCE((SELECT SUM(b.quantity) FROM bookings b WHERE b.feature_id = f.id), 0) AS INTEGER) AS booked
       FROM features f JOIN products p ON p.id = f.product_id JOIN configurations c ON c.id = f.config_id
       ORDER BY c.cluster_client_id, p.name, f.name`,
    );
  }
}
