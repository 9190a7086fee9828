import type { LicenseServerType } from "../../parsers/types.js";

export interface LicenseServer {
  id: number;
  configId: number;
  host: string;
  port: number;
  /** failover order within the configuration (ascending, then id) */
  position: number;
}

export interface Product {
  id: number;
  name: string;
}

export interface Feature {
  id: number;
  name: string;
  product: Product;
  configId: number;
  reserved: number;
  total: number;
  used: number;
  /** the sum of the quantities of the feature's bookings */
  bookedTotal: number;
}

export interface Configuration {
  id: number;
  name: string;
  clusterClientId: string;
  graceTime: number;
  type: LicenseServerType;
  features: Feature[];
  licenseServers: LicenseServer[];
}

export interface Booking {
  id: number;
  jobId: number;
  featureId: number;
  quantity: number;
  /** ISO 8601 */
  createdAt: string;
}

export interface Job {
  id: number;
  slurmJobId: string;
  clusterClientId: string;
  username: string;
  leadHost: string;
  bookings: Booking[];
}

export interface ClusterStatus {
  clusterClientId: string;
  /** seconds between the agent's cycles */
  interval: number;
  lastReported: string;
  lastSuccess: string | null;
  errors: string[];
}

export interface ConfigurationFeatureInput {
  name: string;
  productId: number;
  reserved?: number;
}

export interface LicenseServerInput {
  host: string;
  port: number;
  position?: number;
}

export interface ConfigurationInput {
  name: string;
  clusterClientId: string;
  graceTime: number;
  type: LicenseServerType;
  features?: ConfigurationFeatureInput[];
  licenseServers?: LicenseServerInput[];
}

export interface FeatureInput {
  name: string;
  productId: number;
  configId: number;
  reserved?: number;
  total?: number;
  used?: number;
}

export interface BulkFeatureUpdate {
  productName: string;
  featureName: string;
  total: number;
  used: number;
}

export interface BulkResult {
  updated: number;
  missing: Array<{ productName: string; featureName: string }>;
}

export type BookingRequest =
  | { featureId: number; quantity: number }
  | { productName: string; featureName: string; quantity: number };

export interface JobInput {
  slurmJobId: string;
  clusterClientId: string;
  username: string;
  leadHost: string;
  bookings: BookingRequest[];
}

export interface BookingInput {
  jobId: number;
  featureId: number;
  quantity: number;
}

export interface ClusterReport {
  interval: number;
  success: boolean;
  errors: string[];
}

/** One feature's counters for the metrics endpoint. */
export interface FeatureUsageRow {
  clusterClientId: string;
  product: string;
  feature: string;
  total: number;
  used: number;
  booked: number;
}

export interface ListQuery {
  /** case-insensitive substring over the resource's names */
  search?: string;
  sortField?: string;
  sortAscending: boolean;
  /** 1-based; with `size` */
  page?: number;
  size?: number;
}

export interface Page<T> {
  items: T[];
  /** matches before paging */
  total: number;
}
