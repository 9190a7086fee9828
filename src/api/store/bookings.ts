import { bookingFits, freeSeats } from "../booking-rules.js";
import { conflict, notFound, unprocessable } from "../errors.js";
import type { Database, SqlExecutor, SqlValue } from "./db.js";
import { selectFeatures } from "./features.js";
import { listClauses, placeholders, whereClause } from "./listing.js";
import type { Booking, BookingInput, ListQuery, Page } from "./types.js";

const COLUMNS = `id, job_id AS "jobId", feature_id AS "featureId", quantity, created_at AS "createdAt"`;

const LIST_SPEC = {
  searchColumns: [],
  sortColumns: {
    id: "id",
    job_id: "job_id",
    feature_id: "feature_id",
    quantity: "quantity",
    created_at: "created_at",
  },
  defaultSort: "id",
};

export function selectBookings(
  ex: SqlExecutor,
  condition: string,
  params: readonly SqlValue[],
): Promise<Booking[]> {
  return ex.all<Booking>(
    `SELECT ${COLUMNS} FROM bookings ${whereClause([condition])} ORDER BY id`,
    params,
  );
}

/**
 * Checks that every requested quantity fits its feature and writes the bookings, inside the
 * caller's transaction. The features' rows are locked first (in id order, so two
 * transactions cannot deadlock), which makes check-and-write atomic on PostgreSQL; the
 * SQLite driver runs one transaction at a time.
 */
export async function bookAtomically(
  tx: SqlExecutor,
  dialect: Database["dialect"],
  jobId: number,
  quantities: Map<number, number>,
  createdAt: string,
): Promise<Booking[]> {
  const featureIds = [...quantities.keys()].sort((a, b) => a - b);
  if (featureIds.length === 0) return [];
  if (dialect === "postgres") {
    await tx.all(
      `SELECT id FROM features WHERE id IN (${placeholders(featureIds.length)}) ORDER BY id FOR UPDATE`,
      featureIds,
    );
  }
  const features = await selectFeatures(
    tx,
    `f.id IN (${placeholders(featureIds.length)})`,
    featureIds,
  );
  for (const featureId of featureIds) {
    const feature = features.find((f) => f.id === featureId);
    if (feature === undefined) throw notFound("feature", featureId);
    const quantity = quantities.get(featureId) ?? 0;
    if (!bookingFits(feature, quantity)) {
      const free = freeSeats(feature);
      throw conflict(
        `not enough ${feature.product.name}.${feature.name} (feature ${feature.id}): asked for ${quantity}, ` +
          `${Math.max(free, 0)} free (total ${feature.total}, used ${feature.used}, reserved ${feature.reserved}, ` +
          `booked ${feature.bookedTotal})`,
        {
          feature_id: feature.id,
          product_name: feature.product.name,
          feature_name: feature.name,
          requested: quantity,
          total: feature.total,
          used: feature.used,
          reserved: feature.reserved,
          booked_total: feature.bookedTotal,
        },
      );
    }
  }
  const bookings: Booking[] = [];
  for (const featureId of featureIds) {
    const row = await tx.get<Booking>(
      `INSERT INTO bookings (job_id, feature_id, quantity, created_at) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`,
      [jobId, featureId, quantities.get(featureId) ?? 0, createdAt],
    );
    if (row !== undefined) bookings.push(row);
  }
  return bookings;
}

export class BookingStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  async list(query: ListQuery): Promise<Page<Booking>> {
    const { orderAndPage } = listClauses(query, LIST_SPEC);
    const items = await this.db.all<Booking>(`SELECT ${COLUMNS} FROM bookings ${orderAndPage}`);
    const count = await this.db.get<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM bookings`,
    );
    return { items, total: count?.n ?? 0 };
  }

  async get(id: number): Promise<Booking> {
    const [booking] = await selectBookings(this.db, "id = ?", [id]);
    if (booking === undefined) throw notFound("booking", id);
    return booking;
  }

  async create(input: BookingInput): Promise<Booking> {
    return this.db.transaction(async (tx) => {
      const job = await tx.get<{ cluster: string }>(
        `SELECT cluster_client_id AS cluster FROM jobs WHERE id = ?`,
        [input.jobId],
      );
      if (job === undefined) throw notFound("job", input.jobId);
      const [feature] = await selectFeatures(tx, "f.id = ?", [input.featureId], "");
      if (feature === undefined) throw notFound("feature", input.featureId);
      const owner = await tx.get<{ cluster: string }>(
        `SELECT cluster_client_id AS cluster FROM configurations WHERE id = ?`,
        [feature.configId],
      );
      if (owner?.cluster !== job.cluster) {
        throw unprocessable(
          `feature ${feature.id} belongs to cluster ${JSON.stringify(owner?.cluster)}, job ${input.jobId} to ${JSON.stringify(job.cluster)}`,
        );
      }
      const [booking] = await bookAtomically(
        tx,
        this.db.dialect,
        input.jobId,
        new Map([[input.featureId, input.quantity]]),
        this.now().toISOString(),
      );
      return booking as Booking;
    });
  }

  async delete(id: number): Promise<void> {
    const { changes } = await this.db.run(`DELETE FROM bookings WHERE id = ?`, [id]);
    if (changes === 0) throw notFound("booking", id);
  }
}
