import { z } from "zod";

/*
 * The License Manager API speaks snake_case JSON. These schemas validate what arrives
 * (unknown fields are tolerated and dropped) and convert it to the camelCase types the
 * agent uses; the `to*Wire` functions convert the other way.
 */

const id = z.number().int();
const count = z.number().int();

const productSchema = z
  .object({ id, name: z.string() })
  .transform((p) => ({ id: p.id, name: p.name }));

const featureSchema = z
  .object({
    id,
    name: z.string(),
    product: productSchema,
    config_id: id,
    reserved: count.default(0),
    total: count.default(0),
    used: count.default(0),
    booked_total: count.default(0),
  })
  .transform((f) => ({
    id: f.id,
    name: f.name,
    product: f.product,
    configId: f.config_id,
    reserved: f.reserved,
    total: f.total,
    used: f.used,
    bookedTotal: f.booked_total,
  }));

const licenseServerSchema = z
  .object({ id, config_id: id, host: z.string(), port: z.number().int() })
  .transform((s) => ({ id: s.id, configId: s.config_id, host: s.host, port: s.port }));

export const configurationSchema = z
  .object({
    id,
    name: z.string(),
    cluster_client_id: z.string(),
    grace_time: z.number().int().nonnegative(),
    type: z.string(),
    features: z.array(featureSchema),
    license_servers: z.array(licenseServerSchema),
  })
  .transform((c) => ({
    id: c.id,
    name: c.name,
    clusterClientId: c.cluster_client_id,
    graceTimeSeconds: c.grace_time,
    type: c.type,
    features: c.features,
    licenseServers: c.license_servers,
  }));

const bookingSchema = z
  .object({ id, job_id: id, feature_id: id, quantity: count, created_at: z.string() })
  .transform((b) => ({
    id: b.id,
    jobId: b.job_id,
    featureId: b.feature_id,
    quantity: b.quantity,
    createdAt: b.created_at,
  }));

export const jobSchema = z
  .object({
    id,
    slurm_job_id: z.string(),
    cluster_client_id: z.string(),
    username: z.string(),
    lead_host: z.string(),
    bookings: z.array(bookingSchema).default([]),
  })
  .transform((j) => ({
    id: j.id,
    slurmJobId: j.slurm_job_id,
    clusterClientId: j.cluster_client_id,
    username: j.username,
    leadHost: j.lead_host,
    bookings: j.bookings,
  }));

export const bulkResultSchema = z.object({
  updated: z.number().int(),
  missing: z.array(z.unknown()).or(z.number().int()).default([]),
});

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  token_type: z.string().optional(),
});

export type Configuration = z.output<typeof configurationSchema>;
export type ConfigurationFeature = Configuration["features"][number];
export type LicenseServer = Configuration["licenseServers"][number];
export type Job = z.output<typeof jobSchema>;
export type Booking = Job["bookings"][number];
export type BulkResult = z.output<typeof bulkResultSchema>;

export interface FeatureUpdate {
  productName: string;
  featureName: string;
  total: number;
  used: number;
}

export interface ClusterStatus {
  intervalSeconds: number;
  success: boolean;
  errors: string[];
}

export function toFeatureUpdateWire(update: FeatureUpdate): Record<string, unknown> {
  return {
    product_name: update.productName,
    feature_name: update.featureName,
    total: update.total,
    used: update.used,
  };
}

export function toClusterStatusWire(status: ClusterStatus): Record<string, unknown> {
  return { interval: status.intervalSeconds, success: status.success, errors: status.errors };
}

/** A Slurm job and the seats it books, as the prolog creates it. */
export interface NewJobRequest {
  slurmJobId: string;
  username: string;
  leadHost: string;
  bookings: Array<{ productName: string; featureName: string; quantity: number }>;
}

export function toNewJobWire(job: NewJobRequest): Record<string, unknown> {
  return {
    slurm_job_id: job.slurmJobId,
    username: job.username,
    lead_host: job.leadHost,
    bookings: job.bookings.map((booking) => ({
      product_name: booking.productName,
      feature_name: booking.featureName,
      quantity: booking.quantity,
    })),
  };
}
