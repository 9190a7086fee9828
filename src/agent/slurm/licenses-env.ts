import { SlurmInputError } from "./errors.js";

/** One entry of a Slurm license request: `name[@server][:count]`. */
export interface LicenseRequest {
  /** lower-cased, without the server part, e.g. "abaqus.abaqus" */
  name: string;
  /** lower-cased server part, e.g. "flexlm"; undefined for local licenses */
  server?: string;
  count: number;
}

/** A request for seats of one tracked feature, as the License Manager API books it. */
export interface FeatureBooking {
  productName: string;
  featureName: string;
  quantity: number;
}

const NULL_VALUE = "(null)";

/**
 * Reads a Slurm license request string (SLURM_JOB_LICENSES, squeue %W). Entries are
 * separated by `,`, `;` or `|`; the count defaults to 1; `(null)` and an unset or empty
 * value mean no licenses. Names are lower-cased, as Slurm stores them.
 */
export function parseLicenseRequests(
  value: string | undefined,
  field = "SLURM_JOB_LICENSES",
): LicenseRequest[] {
  if (value === undefined) return [];
  const requests: LicenseRequest[] = [];
  for (const rawEntry of value.split(/[,;|]/)) {
    const entry = rawEntry.trim();
    if (entry === "" || entry === NULL_VALUE) continue;
    requests.push(parseLicenseEntry(entry, value, field));
  }
  return requests;
}

function parseLicenseEntry(entry: string, whole: string, field: string): LicenseRequest {
  const colon = entry.lastIndexOf(":");
  const spec = colon === -1 ? entry : entry.slice(0, colon);
  const countText = colon === -1 ? "1" : entry.slice(colon + 1).trim();
  if (!/^\d{1,9}$/.test(countText)) {
    throw new SlurmInputError(
      field,
      whole,
      `license count "${countText}" in "${entry}" is not a whole number`,
    );
  }
  const at = spec.lastIndexOf("@");
  const name = (at === -1 ? spec : spec.slice(0, at)).trim().toLowerCase();
  const server =
    at === -1
      ? undefined
      : spec
          .slice(at + 1)
          .trim()
          .toLowerCase();
  if (name === "" || server === "") {
    throw new SlurmInputError(field, whole, `license "${entry}" has an empty name or server`);
  }
  const request: LicenseRequest = { name, count: Number(countText) };
  if (server !== undefined) request.server = server;
  return request;
}

/** The Slurm license name of a feature: `product.feature@type`, lower-cased. */
export function slurmLicenseName(productName: string, featureName: string, type: string): string {
  return `${productName}.${featureName}@${type}`.toLowerCase();
}

/**
 * Keeps the requests lmkeeper tracks (`product.feature@type` with a configured type) and
 * turns them into bookings, summing repeated features.
 */
export function trackedBookings(
  requests: readonly LicenseRequest[],
  trackedTypes: readonly string[],
): FeatureBooking[] {
  const types = new Set(trackedTypes.map((type) => type.toLowerCase()));
  const byFeature = new Map<string, FeatureBooking>();
  for (const request of requests) {
    if (request.server === undefined || !types.has(request.server)) continue;
    const dot = request.name.indexOf(".");
    if (dot <= 0 || dot === request.name.length - 1) continue;
    const productName = request.name.slice(0, dot);
    const featureName = request.name.slice(dot + 1);
    const key = `${productName}.${featureName}`;
    const existing = byFeature.get(key);
    if (existing) existing.quantity += request.count;
    else byFeature.set(key, { productName, featureName, quantity: request.count });
  }
  return [...byFeature.values()].filter((booking) => booking.quantity > 0);
}
