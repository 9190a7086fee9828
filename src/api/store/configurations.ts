import { notFound } from "../errors.js";
import type { Database, SqlExecutor } from "./db.js";
import { assertExists, explainFeatureConstraint, selectFeatures } from "./features.js";
import { selectLicenseServers } from "./license-servers.js";
import { byParent, listClauses, selectForIds, whereClause } from "./listing.js";
import type {
  Configuration,
  ConfigurationFeatureInput,
  ConfigurationInput,
  LicenseServerInput,
  ListQuery,
  Page,
} from "./types.js";

type ConfigurationRow = Omit<Configuration, "features" | "licenseServers">;

const COLUMNS = `id, name, cluster_client_id AS "clusterClientId", grace_time AS "graceTime", type`;

const LIST_SPEC = {
  searchColumns: ["name"],
  sortColumns: {
    id: "id",
    name: "name",
    cluster_client_id: "cluster_client_id",
    grace_time: "grace_time",
    type: "type",
  },
  defaultSort: "id",
};

async function withChildren(ex: SqlExecutor, rows: ConfigurationRow[]): Promise<Configuration[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const features = byParent(
    await selectForIds("f.config_id", ids, (condition, params) =>
      selectFeatures(ex, condition, params),
    ),
    (feature) => feature.configId,
  );
  const servers = byParent(
    await selectForIds("config_id", ids, (condition, params) =>
      selectLicenseServers(ex, condition, params),
    ),
    (server) => server.configId,
  );
  return rows.map((row) => ({
    ...row,
    features: features.get(row.id) ?? [],
    licenseServers: servers.get(row.id) ?? [],
  }));
}

async function readOne(ex: SqlExecutor, id: number): Promise<Configuration> {
  const rows = await ex.all<ConfigurationRow>(
    `SELECT ${COLUMNS} FROM configurations WHERE id = ?`,
    [id],
  );
  const [configuration] = await withChildren(ex, rows);
  if (configuration === undefined) throw notFound("configuration", id);
  return configuration;
}

async function insertServers(
  ex: SqlExecutor,
  configId: number,
  servers: LicenseServerInput[],
): Promise<void> {
  for (const [index, server] of servers.entries()) {
    await ex.run(
      `INSERT INTO license_servers (config_id, host, port, position) VALUES (?, ?, ?, ?)`,
      [configId, server.host, server.port, server.position ?? index],
    );
  }
}

async function insertFeature(
  ex: SqlExecutor,
  configId: number,
  feature: ConfigurationFeatureInput,
): Promise<void> {
  await assertExists(ex, "products", "product", feature.productId);
  try {
    await ex.run(
      `INSERT INTO features (name, product_id, config_id, reserved) VALUES (?, ?, ?, ?)`,
      [feature.name, feature.productId, configId, feature.reserved ?? 0],
    );
  } catch (error) {
    throw explainFeatureConstraint(error, feature.name);
  }
}

/**
 * Makes the configuration's features match `wanted` by (product, name): matching ones keep
 * their id, counters and bookings; new ones are added; the others are deleted.
 */
async function syncFeatures(
  ex: SqlExecutor,
  configId: number,
  wanted: ConfigurationFeatureInput[],
): Promise<void> {
  const current = await selectFeatures(ex, "f.config_id = ?", [configId]);
  const key = (productId: number, name: string) => `${productId}\u0000${name.toLowerCase()}`;
  const keep = new Set<number>();
  for (const feature of wanted) {
    const existing = current.find(
      (f) => key(f.product.id, f.name) === key(feature.productId, feature.name),
    );
    if (existing === undefined) {
      await insertFeature(ex, configId, feature);
      continue;
    }
    keep.add(existing.id);
    await ex.run(`UPDATE features SET name = ?, reserved = ? WHERE id = ?`, [
      feature.name,
      feature.reserved ?? existing.reserved,
      existing.id,
    ]);
  }
  for (const feature of current) {
    if (!keep.has(feature.id)) await ex.run(`DELETE FROM features WHERE id = ?`, [feature.id]);
  }
}

export class ConfigurationStore {
  constructor(private readonly db: Database) {}

  async list(query: ListQuery, clusterClientId?: string): Promise<Page<Configuration>> {
    const { search, searchParams, orderAndPage } = listClauses(query, LIST_SPEC);
    const cluster = clusterClientId === undefined ? "" : "cluster_client_id = ?";
    const params = [...(clusterClientId === undefined ? [] : [clusterClientId]), ...searchParams];
    const where = whereClause([cluster, search]);
    const rows = await this.db.all<ConfigurationRow>(
      `SELECT ${COLUMNS} FROM configurations ${where} ${orderAndPage}`,
      params,
    );
    const count = await this.db.get<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM configurations ${where}`,
      params,
    );
    return { items: await withChildren(this.db, rows), total: count?.n ?? 0 };
  }

  get(id: number): Promise<Configuration> {
    return readOne(this.db, id);
  }

  async create(input: ConfigurationInput): Promise<Configuration> {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<{ id: number }>(
        `INSERT INTO configurations (name, cluster_client_id, grace_time, type) VALUES (?, ?, ?, ?) RETURNING id`,
        [input.name, input.clusterClientId, input.graceTime, input.type],
      );
      const id = row?.id ?? -1;
      await insertServers(tx, id, input.licenseServers ?? []);
      for (const feature of input.features ?? []) await insertFeature(tx, id, feature);
      return readOne(tx, id);
    });
  }

  /** Changes the given fields; `license_servers` replaces the list, `features` is synced. */
  async update(id: number, changes: Partial<ConfigurationInput>): Promise<Configuration> {
    return this.db.transaction(async (tx) => {
      const current = await readOne(tx, id);
      await tx.run(
        `UPDATE configurations SET name = ?, cluster_client_id = ?, grace_time = ?, type = ? WHERE id = ?`,
        [
          changes.name ?? current.name,
          changes.clusterClientId ?? current.clusterClientId,
          changes.graceTime ?? current.graceTime,
          changes.type ?? current.type,
          id,
        ],
      );
      if (changes.licenseServers !== undefined) {
        await tx.run(`DELETE FROM license_servers WHERE config_id = ?`, [id]);
        await insertServers(tx, id, changes.licenseServers);
      }
      if (changes.features !== undefined) await syncFeatures(tx, id, changes.features);
      return readOne(tx, id);
    });
  }

  /** Deletes the configuration with its license servers, features and their bookings. */
  async delete(id: number): Promise<void> {
    const { changes } = await this.db.run(`DELETE FROM configurations WHERE id = ?`, [id]);
    if (changes === 0) throw notFound("configuration", id);
  }
}
