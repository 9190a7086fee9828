import { z } from "zod";
import { LICENSE_SERVER_TYPES } from "../parsers/types.js";
import { unprocessable } from "./errors.js";

/** Request bodies and queries as they arrive (snake_case). */

/** Both drivers store counts and ids as 32-bit integers (2147483647 is also "unlimited"). */
export const MAX_INT = 2_147_483_647;
const noNul = (text: string) => !text.includes("\u0000");
const count = z.number().int().min(0).max(MAX_INT);
const id = z.number().int().positive().max(MAX_INT);
const name = z.string().trim().min(1).max(255).refine(noNul, "must not contain NUL characters");
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

/** New counters of the caller's feature named product.feature. */
export const featureCountersBody = z.object({
  product_name: name,
  feature_name: name,
  total: count,
  used: count,
});

export const bulkBody = z.array(featureCountersBody);

const bookingByName = z.object({
  product_name: name,
  feature_name: name,
  quantity: z.number().int().positive().max(MAX_INT),
});
const bookingById = z.object({
  feature_id: id,
  quantity: z.number().int().positive().max(MAX_INT),
});

export const jobBody = z.object({
  slurm_job_id: z.union([
    name,
    z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).transform(String),
  ]),
  cluster_client_id: name.optional(),
  username: name,
  lead_host: name,
  bookings: z.array(z.union([bookingById, bookingByName])).default([]),
});

export const bookingBody = z.object({
  job_id: id,
  feature_id: id,
  quantity: z.number().int().positive().max(MAX_INT),
});

export const clusterStatusBody = z.object({
  interval: z.number().int().positive().max(MAX_INT),
  success: z.boolean(),
  errors: z.array(z.string().max(4000)).max(1000).default([]),
});

const booleanText = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const positiveIntText = z
  .string()
  .regex(/^\d+$/, "expected a positive integer")
  .transform(Number)
  .pipe(z.number().int().positive());

export const listQuery = z.object({
  search: z.string().max(255).refine(noNul, "must not contain NUL characters").optional(),
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
  if (!/^\d{1,10}$/.test(raw) || Number(raw) <= 0 || Number(raw) > MAX_INT) {
    throw unprocessable(
      `${what} must be a positive integer up to ${MAX_INT}, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

/** A slurm_job_id from the path: Slurm's job id text (array and het jobs look like 12_3, 12+1). */
export function parseSlurmJobId(raw: string): string {
  if (raw === "" || raw.length > 255 || !noNul(raw)) {
    throw unprocessable(
      `slurm_job_id must be 1 to 255 characters without NUL, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  }
  return raw;
}
