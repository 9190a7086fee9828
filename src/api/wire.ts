import { isClusterHealthy } from "./health.js";
import type {
  Booking,
  ClusterStatus,
  Configuration,
  Feature,
  Job,
  LicenseServer,
  Product,
} from "./store/types.js";

/** The JSON shapes on the wire (snake_case), converted from the store's camelCase types. */

export const productToWire = (p: Product) => ({ id: p.id, name: p.name });

export const licenseServerToWire = (s: LicenseServer) => ({
  id: s.id,
  config_id: s.configId,
  host: s.host,
  port: s.port,
  position: s.position,
});

export const featureToWire = (f: Feature) => ({
  id: f.id,
  name: f.name,
  product: productToWire(f.product),
  config_id: f.configId,
  reserved: f.reserved,
  total: f.total,
  used: f.used,
  booked_total: f.bookedTotal,
});

export const configurationToWire = (c: Configuration) => ({
  id: c.id,
  name: c.name,
  cluster_client_id: c.clusterClientId,
  grace_time: c.graceTime,
  type: c.type,
  features: c.features.map(featureToWire),
  license_servers: c.licenseServers.map(licenseServerToWire),
});

export const bookingToWire = (b: Booking) => ({
  id: b.id,
  job_id: b.jobId,
  feature_id: b.featureId,
  quantity: b.quantity,
  created_at: b.createdAt,
});

export const jobToWire = (j: Job) => ({
  id: j.id,
  slurm_job_id: j.slurmJobId,
  cluster_client_id: j.clusterClientId,
  username: j.username,
  lead_host: j.leadHost,
  bookings: j.bookings.map(bookingToWire),
});

export const clusterStatusToWire = (s: ClusterStatus, now: Date) => ({
  cluster_client_id: s.clusterClientId,
  interval: s.interval,
  last_reported: s.lastReported,
  last_success: s.lastSuccess,
  errors: s.errors,
  is_healthy: isClusterHealthy(s.lastReported, s.interval, now),
});
