import { Client, FilterParser } from "ldapts";
import type { LdapSettings } from "./access-rules.js";
import { LdapUnavailableError, PolicyError } from "./errors.js";

/**
 * A small pool of bound connections to one directory. Opening it binds `minPoolSize`
 * connections, so a wrong URL or password is an error when the access config is loaded.
 */
export class LdapPool {
  private readonly idle: Client[] = [];
  private readonly waiting: {
    resolve: (client: Client) => void;
    reject: (error: Error) => void;
  }[] = [];
  private open = 0;
  private closed = false;

  private constructor(
    readonly name: string,
    private readonly settings: LdapSettings,
  ) {}

  static async connect(name: string, settings: LdapSettings, source: string): Promise<LdapPool> {
    const pool = new LdapPool(name, settings);
    try {
      for (let i = 0; i < settings.minPoolSize; i += 1) pool.idle.push(await pool.newClient());
    } catch (error) {
      await pool.close();
      throw new PolicyError(
        source,
        `ldap.${name}: cannot connect and bind to ${settings.url} as "${settings.masterDn}": ${(error as Error).message}`,
      );
    }
    return pool;
  }

  /** Whether the filter finds at least one entry under the search base. */
  async exists(filter: string): Promise<boolean> {
    let parsed;
    try {
      parsed = FilterParser.parseString(filter);
    } catch (error) {
      throw new LdapUnavailableError(
        `ldap.${this.name}: bad filter ${filter}: ${(error as Error).message}`,
      );
    }
    const client = await this.acquire();
    try {
      const { searchEntries } = await client.search(this.settings.searchBase, {
        scope: "sub",
        filter: parsed,
        attributes: ["1.1"],
      });
      this.release(client);
      return searchEntries.length > 0;
    } catch (error) {
      this.discard(client);
      throw new LdapUnavailableError(
        `ldap.${this.name}: search at ${this.settings.url} failed: ${(error as Error).message}`,
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const clients = this.idle.splice(0);
    await Promise.all(clients.map((client) => client.unbind().catch(() => undefined)));
  }

  private async newClient(): Promise<Client> {
    const client = new Client({
      url: this.settings.url,
      connectTimeout: this.settings.connectionTO,
      timeout: this.settings.responseTO,
    });
    this.open += 1;
    try {
      await client.bind(this.settings.masterDn, this.settings.password);
    } catch (error) {
      this.open -= 1;
      await client.unbind().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async acquire(): Promise<Client> {
    if (this.closed)
      throw new LdapUnavailableError(`ldap.${this.name}: the connection pool is closed`);
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.open < this.settings.maxPoolSize) {
      try {
        return await this.newClient();
      } catch (error) {
        throw new LdapUnavailableError(
          `ldap.${this.name}: cannot connect to ${this.settings.url}: ${(error as Error).message}`,
        );
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(client: Client): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(client);
    else if (this.closed) void client.unbind().catch(() => undefined);
    else this.idle.push(client);
  }

  private discard(client: Client): void {
    this.open -= 1;
    void client.unbind().catch(() => undefined);
    // a waiter must not hang on a connection that will never come back
    const waiter = this.waiting.shift();
    if (waiter)
      this.newClient().then(waiter.resolve, (error: Error) =>
        waiter.reject(
          new LdapUnavailableError(
            `ldap.${this.name}: cannot connect to ${this.settings.url}: ${error.message}`,
          ),
        ),
      );
  }
}

/** Opens a pool per `ldap` block; closes what it opened if one fails. */
export async function connectLdapPools(
  ldap: Record<string, LdapSettings>,
  source: string,
): Promise<Map<string, LdapPool>> {
  const pools = new Map<string, LdapPool>();
  try {
    for (const [name, settings] of Object.entries(ldap))
      pools.set(name, await LdapPool.connect(name, settings, source));
  } catch (error) {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    throw error;
  }
  return pools;
}
