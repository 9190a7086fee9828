import { BookingStore } from "./bookings.js";
import { ClusterStatusStore } from "./cluster-statuses.js";
import { ConfigurationStore } from "./configurations.js";
import type { Database } from "./db.js";
import { FeatureStore } from "./features.js";
import { JobStore } from "./jobs.js";
import { LicenseServerStore } from "./license-servers.js";
import { ProductStore } from "./products.js";

/** The API's repository: one object per resource, all over one database driver. */
export interface Store {
  readonly db: Database;
  readonly configurations: ConfigurationStore;
  readonly licenseServers: LicenseServerStore;
  readonly products: ProductStore;
  readonly features: FeatureStore;
  readonly jobs: JobStore;
  readonly bookings: BookingStore;
  readonly clusterStatuses: ClusterStatusStore;
}

export function createStore(db: Database, now: () => Date = () => new Date()): Store {
  return {
    db,
    configurations: new ConfigurationStore(db),
    licenseServers: new LicenseServerStore(db),
    products: new ProductStore(db),
    features: new FeatureStore(db),
    jobs: new JobStore(db, now),
    bookings: new BookingStore(db, now),
    clusterStatuses: new ClusterStatusStore(db, now),
  };
}

export type { Database } from "./db.js";
export * from "./types.js";
