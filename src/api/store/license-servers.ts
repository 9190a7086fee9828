import { notFound } from "../errors.js";
import type { Database, SqlExecutor, SqlValue } from "./db.js";
import { assertExists } from "./features.js";
import { listClauses, whereClause } from "./listing.js";
import type { LicenseServer, LicenseServerInput, ListQuery, Page } from "./types.js";

const COLUMNS = `id, config_id AS "configId", host, port, position`;

const LIST_SPEC = {
  searchColumns: ["host"],
  sortColumns: {
    id: "id",
    config_id: "config_id",
    host: "host",
    port: "port",
    position: "position",
  },
  defaultSort: "id",
};

/** License servers matching a condition, in failover order. */
export function selectLicenseServers(
  ex: SqlExecutor,
  condition: string,
  params: readonly SqlValue[],
): Promise<LicenseServer[]> {
  return ex.all<LicenseServer>(
    `SELECT ${COLUMNS} FROM license_servers ${whereClause([condition])} ORDER BY config_id, position, id`,
    params,
  );
}

export class LicenseServerStore {
  constructor(private readonly db: Database) {}

  async list(query: ListQuery): Promise<Page<LicenseServer>> {
    const { search, searchParams, orderAndPage } = listClauses(query, LIST_SPEC);
    const where = whereClause([search]);
    const items = await this.db.all<LicenseServer>(
      `SELECT ${COLUMNS} FROM license_servers ${where} ${orderAndPage}`,
      searchParams,
    );
    const count = await this.db.get<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM license_servers ${where}`,
      searchParams,
    );
    return { items, total: count?.n ?? 0 };
  }

  async get(id: number): Promise<LicenseServer> {
    const [server] = await selectLicenseServers(this.db, "id = ?", [id]);
    if (server === undefined) throw notFound("license server", id);
    return server;
  }

  /** Adds a server; without a position it goes last in its configuration's failover order. */
  async create(configId: number, input: LicenseServerInput): Promise<LicenseServer> {
    return this.db.transaction(async (tx) => {
      await assertExists(tx, "configurations", "configuration", configId);
      const last = await tx.get<{ p: number | null }>(
        `SELECT MAX(position) AS p FROM license_servers WHERE config_id = ?`,
        [configId],
      );
      const position =
        input.position ?? (last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1);
      const row = await tx.get<LicenseServer>(
        `INSERT INTO license_servers (config_id, host, port, position) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`,
        [configId, input.host, input.port, position],
      );
      return row as LicenseServer;
    });
  }

  async update(
    id: number,
    changes: Partial<LicenseServerInput> & { configId?: number },
  ): Promise<LicenseServer> {
    return this.db.transaction(async (tx) => {
      const [current] = await selectLicenseServers(tx, "id = ?", [id]);
      if (current === undefined) throw notFound("license server", id);
      if (changes.configId !== undefined)
        await assertExists(tx, "configurations", "configuration", changes.configId);
      const row = await tx.get<LicenseServer>(
        `UPDATE license_servers SET config_id = ?, host = ?, port = ?, position = ? WHERE id = ? RETURNING ${COLUMNS}`,
        [
          changes.configId ?? current.configId,
          changes.host ?? current.host,
          changes.port ?? current.port,
          changes.position ?? current.position,
          id,
        ],
      );
      return row as LicenseServer;
    });
  }

  async delete(id: number): Promise<void> {
    const { changes } = await this.db.run(`DELETE FROM license_servers WHERE id = ?`, [id]);
    if (changes === 0) throw notFound("license server", id);
  }
}
