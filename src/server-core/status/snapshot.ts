/**
 * A point-in-time view of a license server's state: what the status renderers turn into each
 * vendor tool's output format, and what `GET /api/1.0/status` returns as JSON.
 * Pure data, no behaviour, so renderers stay pure functions of it.
 */
export interface StatusSnapshot {
  /** ISO 8601 time the snapshot was taken */
  generatedAt: string;
  server: {
    host: string;
    port: number;
    version: string;
    licenseFiles: string[];
    /** "standalone", or this server's role in a failover pair */
    role: "standalone" | "main" | "backup";
    /** true while a backup serves because its main is down */
    inFailover?: boolean;
    /** set when this server is one of a failover pair */
    pair?: StatusPair;
    up: boolean;
  };
  vendors: StatusVendor[];
  features: StatusFeature[];
}

export interface StatusPair {
  main: string;
  backup: string;
  /** whether the other server of the pair is in touch (a backup: its last pull worked) */
  peerUp: boolean;
  /** ISO 8601 time of the last sync between the two */
  lastSyncAt?: string;
}

export interface StatusVendor {
  name: string;
  version: string;
  up: boolean;
}

export interface StatusFeature {
  name: string;
  vendor: string;
  /** one per FEATURE/INCREMENT pool, in license-file order */
  pools: StatusPool[];
}

export type ReservationKind =
  "USER" | "HOST" | "GROUP" | "HOST_GROUP" | "DISPLAY" | "INTERNET" | "PROJECT";

export interface StatusReservation {
  kind: ReservationKind;
  name: string;
  /** seats held for that entity and not consumed by a checkout */
  count: number;
}

export interface StatusPool {
  version: string;
  /** "permanent" or dd-mmm-yyyy */
  expires: string;
  /** seats in this pool, or "uncounted" for node-locked uncounted licenses */
  count: number | "uncounted";
  vendorString?: string;
  /** HOSTID the pool is locked to, for node-locked pools */
  nodeLockedTo?: string;
  reservations: StatusReservation[];
  leases: StatusLease[];
}

export interface StatusLease {
  user: string;
  host: string;
  display: string;
  /** version the client asked for */
  version: string;
  handle: number;
  /** ISO 8601 */
  startedAt: string;
  count: number;
  pid?: number;
}
