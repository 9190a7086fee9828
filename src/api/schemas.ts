import { z } from "zod";
import { LICENSE_SERVER_TYPES } from "../parsers/types.js";
import { unprocessable } from "./errors.js";

/** Request bodies and queries as they arrive (snake_case). */

const count = z.number().int().min(0);
const id = z.number().int().positive();
const name = z.string().trim().min(1).max(255);
const port = z.number().int().min(1).max(65535);

export const licenseServerBody = z.object({
  config_id: id,
  host: name,
  port,
  position: count.optional(),
});

const nestedLicenseServer = licenseServerBody.omit({ config_id: true });
const nestedFeature = z.object({ name, product_id: id, reserved: count.optional() });

export const configurationBody = z.object({
  name,
  cluster_client_id: name,
  grace_time: count,
  type: z.enum(LICENSE_SERVER_TYPES),
  features: z.array(nestedFeature).optional(),
  license_servers: z.array(nestedLicenseServer).optional(),
});

export const productBody = z.object({ name });

export const featureBody = z.object({
  name,
  product_id: id,
  config_id: id,
  reserved: count.optional(),
  total: count.optional(),
  used: count.optional(),
});

export const bulkBody = z.array(
  z.object({ product_name: name, feature_name: name, total: count, used: count }),
);

const bookingByName = z.object({
  product_name: name,
  feature_name: name,
  quantity: z.number().int().positive(),
});
const bookingById = z.object({ feature_id: id, quantity: z.number().int().positive() });

export const jobBody = z.object({
  slurm_job_id: z.union([name, z.number().int().min(0).transform(String)]),
  cluster_client_id: name.optional(),
  username: name,
  lead_host: name,
  bookings: z.array(z.union([bookingById, bookingByName])).default([]),
});

export const bookingBody = z.object({
  job_id: id,
  feature_id: id,
  quantity: z.number().int().positive(),
});

export const clusterStatusBody = z.object({
  interval: z.number().int().positive(),
  success: z.boolean(),
  errors: z.array(z.string()).default([]),
});

const booleanText = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const positiveIntText = z
  .string()
  .regex(/^\d+$/, "expected a positive integer")
  .transform(Number)
  .pipe(z.number().int().positive());

export const listQuery = z.object({
  search: z.string().optional(),
  sort_field: z.string().optional(),
  sort_ascending: booleanText.default(true),
  page: positiveIntText.optional(),
  size: positiveIntText.pipe(z.number().max(1000)).optional(),
});

/** Parses or throws a 422 that names each offending field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].join(".");
    return `${path}: ${issue.message}`;
  });
  throw unprocessable(problems.join("; "), { errors: problems });
}

/** A path id: a positive integer, or a 422 saying what came instead. */
export function parseId(raw: string, what: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
    throw unprocessable(`${what} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
