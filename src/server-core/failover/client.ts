import {
  LicenseClient,
  LicenseServerError,
  ServerUnreachableError,
  type CheckoutParams,
  type ClientOptions,
  type LeaseView,
} from "../client.js";

export interface ServedLease {
  /** the server that answered */
  server: string;
  lease: LeaseView;
}

/** A backup that stands by behaves, for a client, like a server that is not there. */
function isPassOn(error: unknown): boolean {
  return (
    error instanceof ServerUnreachableError ||
    (error instanceof LicenseServerError && error.code === "BACKUP_STANDBY")
  );
}

/**
 * Talks to a failover pair (or any list of servers) in order: the first server that serves
 * answers. Every call starts again at the first server, so clients return to the main as
 * soon as it is back. A lease the first server does not know (granted by the backup during
 * an outage and not handed over yet) is looked for on the next.
 */
export class FailoverLicenseClient {
  private readonly clients: Array<{ url: string; client: LicenseClient }>;

  constructor(servers: readonly string[], options: Omit<ClientOptions, "baseUrl"> = {}) {
    if (servers.length === 0) throw new Error("no license server given");
    this.clients = servers.map((url) => ({
      url,
      client: new LicenseClient({ ...options, baseUrl: url }),
    }));
  }

  checkout(params: CheckoutParams): Promise<ServedLease> {
    return this.firstServing((client) => client.checkout(params), false);
  }

  heartbeat(leaseId: string): Promise<ServedLease> {
    return this.firstServing((client) => client.heartbeat(leaseId), true);
  }

  checkin(leaseId: string): Promise<ServedLease> {
    return this.firstServing((client) => client.checkin(leaseId), true);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map(({ client }) => client.close()));
  }

  private async firstServing(
    attempt: (client: LicenseClient) => Promise<LeaseView>,
    leaseMayBeElsewhere: boolean,
  ): Promise<ServedLease> {
    let unreachable: unknown;
    let answered: unknown;
    for (const { url, client } of this.clients) {
      try {
        return { server: url, lease: await attempt(client) };
      } catch (error) {
        if (isPassOn(error)) {
          unreachable ??= error;
          continue;
        }
        const elsewhere =
          leaseMayBeElsewhere &&
          error instanceof LicenseServerError &&
          error.code === "LEASE_NOT_FOUND";
        if (!elsewhere) throw error;
        answered ??= error;
      }
    }
    // a serving server that does not know the lease outranks one that could not be asked
    throw answered ?? unreachable;
  }
}

/** The lease calls scripts make, against one server or a failover list. */
export interface LeaseCalls {
  checkout(params: CheckoutParams): Promise<LeaseView>;
  heartbeat(leaseId: string): Promise<LeaseView>;
  checkin(leaseId: string): Promise<LeaseView>;
  close(): Promise<void>;
}

/**
 * `servers` is one URL or several separated by commas, in failover order (main first); the
 * same string is what a remembered lease keeps, so renewals follow the same order.
 */
export function leaseClientFor(
  servers: string,
  options: Omit<ClientOptions, "baseUrl"> = {},
): LeaseCalls {
  const urls = servers
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "");
  if (urls.length <= 1) return new LicenseClient({ ...options, baseUrl: urls[0] ?? servers });
  const pair = new FailoverLicenseClient(urls, options);
  return {
    checkout: async (params) => (await pair.checkout(params)).lease,
    heartbeat: async (leaseId) => (await pair.heartbeat(leaseId)).lease,
    checkin: async (leaseId) => (await pair.checkin(leaseId)).lease,
    close: () => pair.close(),
  };
}
