import { conflict, notFound, unprocessable } from "../errors.js";
import { ConstraintViolation, type Database, type SqlExecutor } from "./db.js";
import { bookAtomically, selectBookings } from "./bookings.js";
import { byParent, listClauses, selectForIds, whereClause } from "./listing.js";
import type { BookingRequest, Job, JobInput, ListQuery, Page } from "./types.js";

type JobRow = Omit<Job, "bookings">;

const COLUMNS = `id, slurm_job_id AS "slurmJobId", cluster_client_id AS "clusterClientId", username, lead_host AS "leadHost"`;

const LIST_SPEC = {
  searchColumns: ["slurm_job_id", "username", "lead_host"],
  sortColumns: {
    id: "id",
    slurm_job_id: "slurm_job_id",
    cluster_client_id: "cluster_client_id",
    username: "username",
    lead_host: "lead_host",
  },
  defaultSort: "id",
};

async function withBookings(ex: SqlExecutor, rows: JobRow[]): Promise<Job[]> {
  if (rows.length === 0) return [];
  const bookings = byParent(
    await selectForIds(
      "job_id",
      rows.map((row) => row.id),
      (condition, params) => selectBookings(ex, condition, params),
    ),
    (booking) => booking.jobId,
  );
  return rows.map((row) => ({ ...row, bookings: bookings.get(row.id) ?? [] }));
}

/** The id of the cluster's feature a booking request names. */
async function resolveFeature(
  ex: SqlExecutor,
  cluster: string,
  request: BookingRequest,
): Promise<number> {
  if ("featureId" in request) {
    const row = await ex.get<{ cluster: string }>(
      `SELECT c.cluster_client_id AS cluster FROM features f JOIN configurations c ON c.id = f.config_id WHERE f.id = ?`,
      [request.featureId],
    );
    if (row === undefined) throw notFound("feature", request.featureId);
    if (row.cluster !== cluster) {
      throw unprocessable(
        `feature ${request.featureId} belongs to cluster ${JSON.stringify(row.cluster)}, not ${JSON.stringify(cluster)}`,
      );
    }
    return request.featureId;
  }
  const rows = await ex.all<{ id: number }>(
    `SELECT f.id FROM features f JOIN products p ON p.id = f.product_id JOIN configurations c ON c.id = f.config_id
     WHERE c.cluster_client_id = ? AND LOWER(p.name) = LOWER(?) AND LOWER(f.name) = LOWER(?) ORDER BY f.id`,
    [cluster, request.productName, request.featureName],
  );
  const name = `${request.productName}.${request.featureName}`;
  if (rows.length === 0) throw notFound(`feature for cluster ${JSON.stringify(cluster)}:`, name);
  if (rows.length > 1) {
    throw unprocessable(
      `feature ${JSON.stringify(name)} is ambiguous in cluster ${JSON.stringify(cluster)} (ids ${rows.map((r) => r.id).join(", ")}); book by feature_id`,
    );
  }
  return (rows[0] as { id: number }).id;
}

export class JobStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  async list(query: ListQuery, clusterClientId?: string): Promise<Page<Job>> {
    const { search, searchParams, orderAndPage } = listClauses(query, LIST_SPEC);
    const cluster = clusterClientId === undefined ? "" : "cluster_client_id = ?";
    const params = [...(clusterClientId === undefined ? [] : [clusterClientId]), ...searchParams];
    const where = whereClause([cluster, search]);
    const rows = await this.db.all<JobRow>(
      `SELECT ${COLUMNS} FROM jobs ${where} ${orderAndPage}`,
      params,
    );
    const count = await this.db.get<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM jobs ${where}`,
      params,
    );
    return { items: await withBookings(this.db, rows), total: count?.n ?? 0 };
  }

  async get(id: number): Promise<Job> {
    const [job] = await withBookings(
      this.db,
      await this.db.all<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`, [id]),
    );
    if (job === undefined) throw notFound("job", id);
    return job;
  }

  async getBySlurmJobId(clusterClientId: string, slurmJobId: string): Promise<Job> {
    const rows = await this.db.all<JobRow>(
      `SELECT ${COLUMNS} FROM jobs WHERE cluster_client_id = ? AND slurm_job_id = ?`,
      [clusterClientId, slurmJobId],
    );
    const [job] = await withBookings(this.db, rows);
    if (job === undefined)
      throw notFound(
        `job of cluster ${JSON.stringify(clusterClientId)} with slurm_job_id`,
        slurmJobId,
      );
    return job;
  }

  /** Creates the job with all its bookings, or nothing when one booking does not fit. */
  async create(input: JobInput): Promise<Job> {
    try {
      return await this.db.transaction(async (tx) => {
        const existing = await tx.get(
          `SELECT id FROM jobs WHERE cluster_client_id = ? AND slurm_job_id = ?`,
          [input.clusterClientId, input.slurmJobId],
        );
        if (existing !== undefined) throw duplicate(input);
        const quantities = new Map<number, number>();
        for (const request of input.bookings) {
          const featureId = await resolveFeature(tx, input.clusterClientId, request);
          quantities.set(featureId, (quantities.get(featureId) ?? 0) + request.quantity);
        }
        const row = await tx.get<JobRow>(
          `INSERT INTO jobs (slurm_job_id, cluster_client_id, username, lead_host) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`,
          [input.slurmJobId, input.clusterClientId, input.username, input.leadHost],
        );
        const job = row as JobRow;
        const bookings = await bookAtomically(
          tx,
          this.db.dialect,
          job.id,
          quantities,
          this.now().toISOString(),
        );
        return { ...job, bookings };
      });
    } catch (error) {
      if (error instanceof ConstraintViolation && error.kind === "unique") throw duplicate(input);
      throw error;
    }
  }

  async delete(id: number): Promise<void> {
    const { changes } = await this.db.run(`DELETE FROM jobs WHERE id = ?`, [id]);
    if (changes === 0) throw notFound("job", id);
  }

  async deleteBySlurmJobId(clusterClientId: string, slurmJobId: string): Promise<void> {
    const { changes } = await this.db.run(
      `DELETE FROM jobs WHERE cluster_client_id = ? AND slurm_job_id = ?`,
      [clusterClientId, slurmJobId],
    );
    if (changes === 0)
      throw notFound(
        `job of cluster ${JSON.stringify(clusterClientId)} with slurm_job_id`,
        slurmJobId,
      );
  }
}

function duplicate(input: JobInput) {
  return conflict(
    `job with slurm_job_id ${JSON.stringify(input.slurmJobId)} already exists for cluster ${JSON.stringify(input.clusterClientId)}`,
  );
}
