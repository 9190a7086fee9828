import { conflict, notFound } from "../errors.js";
import { ConstraintViolation, type Database, type SqlExecutor, type SqlValue } from "./db.js";
import { listClauses, whereClause } from "./listing.js";
import type {
  BulkFeatureUpdate,
  BulkResult,
  Feature,
  FeatureInput,
  ListQuery,
  Page,
} from "./types.js";

interface FeatureRow {
  id: number;
  name: string;
  product_id: number;
  product_name: string;
  config_id: number;
  reserved: number;
  total: number;
  used: number;
  booked_total: number;
}

const FROM = `FROM features f JOIN products p ON p.id = f.product_id JOIN configurations c ON c.id = f.config_id`;
const SELECT = `SELECT f.id, f.name, f.product_id, p.name AS product_name, f.config_id, f.reserved, f.total, f.used,
  CAST(COALESCE((SELECT SUM(b.quantity) FROM bookings b WHERE b.feature_id = f.id), 0) AS INTEGER) AS booked_total
  ${FROM}`;

const LIST_SPEC = {
  searchColumns: ["f.name", "p.name"],
  sortColumns: {
    id: "f.id",
    name: "f.name",
    product: "p.name",
    product_id: "f.product_id",
    config_id: "f.config_id",
    reserved: "f.reserved",
    total: "f.total",
    used: "f.used",
    booked_total: "booked_total",
  },
  defaultSort: "id",
};

function toFeature(row: FeatureRow): Feature {
  return {
    id: row.id,
    name: row.name,
    product: { id: row.product_id, name: row.product_name },
    configId: row.config_id,
    reserved: row.reserved,
    total: row.total,
    used: row.used,
    bookedTotal: Number(row.booked_total),
  };
}

/** Features matching a condition over `f` (features), `p` (products), `c` (configurations). */
export async function selectFeatures(
  ex: SqlExecutor,
  condition: string,
  params: readonly SqlValue[],
  order = "ORDER BY f.id",
): Promise<Feature[]> {
  const rows = await ex.all<FeatureRow>(`${SELECT} ${whereClause([condition])} ${order}`, params);
  return rows.map(toFeature);
}

export async function assertExists(
  ex: SqlExecutor,
  table: string,
  what: string,
  id: number,
): Promise<void> {
  const row = await ex.get(`SELECT id FROM ${table} WHERE id = ?`, [id]);
  if (row === undefined) throw notFound(what, id);
}

export function explainFeatureConstraint(error: unknown, name: string): unknown {
  if (error instanceof ConstraintViolation && error.kind === "unique") {
    return conflict(
      `feature ${JSON.stringify(name)} already exists for that product in that configuration`,
    );
  }
  return error;
}

export class FeatureStore {
  constructor(private readonly db: Database) {}

  async list(query: ListQuery, clusterClientId?: string): Promise<Page<Feature>> {
    const { search, searchParams, orderAndPage } = listClauses(query, LIST_SPEC);
    const cluster = clusterClientId === undefined ? "" : "c.cluster_client_id = ?";
    const params = [...(clusterClientId === undefined ? [] : [clusterClientId]), ...searchParams];
    const condition = [cluster, search].filter((c) => c !== "").join(" AND ");
    const items = await selectFeatures(this.db, condition, params, orderAndPage);
    const count = await this.db.get<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n ${FROM} ${whereClause([condition])}`,
      params,
    );
    return { items, total: count?.n ?? 0 };
  }

  async get(id: number): Promise<Feature> {
    const [feature] = await selectFeatures(this.db, "f.id = ?", [id]);
    if (feature === undefined) throw notFound("feature", id);
    return feature;
  }

  async create(input: FeatureInput): Promise<Feature> {
    return this.db.transaction(async (tx) => {
      await assertExists(tx, "products", "product", input.productId);
      await assertExists(tx, "configurations", "configuration", input.configId);
      try {
        const row = await tx.get<{ id: number }>(
          `INSERT INTO features (name, product_id, config_id, reserved, total, used) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
          [
            input.name,
            input.productId,
            input.configId,
            input.reserved ?? 0,
            input.total ?? 0,
            input.used ?? 0,
          ],
        );
        const [feature] = await selectFeatures(tx, "f.id = ?", [row?.id ?? -1]);
        return feature as Feature;
      } catch (error) {
        throw explainFeatureConstraint(error, input.name);
      }
    });
  }

  async update(id: number, changes: Partial<FeatureInput>): Promise<Feature> {
    return this.db.transaction(async (tx) => {
      const [current] = await selectFeatures(tx, "f.id = ?", [id]);
      if (current === undefined) throw notFound("feature", id);
      if (changes.productId !== undefined)
        await assertExists(tx, "products", "product", changes.productId);
      if (changes.configId !== undefined)
        await assertExists(tx, "configurations", "configuration", changes.configId);
      const next = {
        name: changes.name ?? current.name,
        productId: changes.productId ?? current.product.id,
        configId: changes.configId ?? current.configId,
        reserved: changes.reserved ?? current.reserved,
        total: changes.total ?? current.total,
        used: changes.used ?? current.used,
      };
      try {
        await tx.run(
          `UPDATE features SET name = ?, product_id = ?, config_id = ?, reserved = ?, total = ?, used = ? WHERE id = ?`,
          [next.name, next.productId, next.configId, next.reserved, next.total, next.used, id],
        );
      } catch (error) {
        throw explainFeatureConstraint(error, next.name);
      }
      const [feature] = await selectFeatures(tx, "f.id = ?", [id]);
      return feature as Feature;
    });
  }

  async delete(id: number): Promise<void> {
    const { changes } = await this.db.run(`DELETE FROM features WHERE id = ?`, [id]);
    if (changes === 0) throw notFound("feature", id);
  }

  /** Sets total/used of the cluster's feature(s) named product.feature; 404 when there is none. */
  async updateCountersByName(
    clusterClientId: string,
    update: BulkFeatureUpdate,
  ): Promise<Feature[]> {
    const result = await this.bulkUpdate(clusterClientId, [update]);
    if (result.updated === 0) {
      throw notFound(
        `feature of cluster ${JSON.stringify(clusterClientId)}:`,
        `${update.productName}.${update.featureName}`,
      );
    }
    return selectFeatures(
      this.db,
      "c.cluster_client_id = ? AND LOWER(p.name) = LOWER(?) AND LOWER(f.name) = LOWER(?)",
      [clusterClientId, update.productName, update.featureName],
    );
  }

  /**
   * Sets total/used of the cluster's features named in the batch, all in one transaction.
   * Names compare case-insensitively; entries naming no feature of the cluster are returned
   * in `missing`, not dropped silently.
   */
  async bulkUpdate(clusterClientId: string, updates: BulkFeatureUpdate[]): Promise<BulkResult> {
    return this.db.transaction(async (tx) => {
      if (this.db.dialect === "postgres") {
        // lock in id order, as bookings do, so the two never deadlock
        await tx.all(
          `SELECT id FROM features WHERE config_id IN (SELECT id FROM configurations WHERE cluster_client_id = ?)
           ORDER BY id FOR UPDATE`,
          [clusterClientId],
        );
      }
      const result: BulkResult = { updated: 0, missing: [] };
      for (const update of updates) {
        const { changes } = await tx.run(
          `UPDATE features SET total = ?, used = ? WHERE id IN (
             SELECT f.id ${FROM}
             WHERE c.cluster_client_id = ? AND LOWER(p.name) = LOWER(?) AND LOWER(f.name) = LOWER(?))`,
          [update.total, update.used, clusterClientId, update.productName, update.featureName],
        );
        if (changes === 0) {
          result.missing.push({ productName: update.productName, featureName: update.featureName });
        }
        result.updated += changes;
      }
      return result;
    });
  }
}
