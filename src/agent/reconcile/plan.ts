/**
 * Pure planning of a reconcile cycle: configurations + what each configuration's license
 * server said → the bulk feature update, the outcome per configuration, and the bookings to
 * delete. No I/O here; cycle.ts does the fetching and pushing.
 */
import type { FeatureUsage, ParsedReport, ServerAddress } from "../../parsers/index.js";
import type { Configuration, ConfigurationFeature, FeatureUpdate, Job } from "../api-types.js";
import { Holders } from "./holders.js";

/** What querying one configuration's license servers gave. */
export type ConfigurationQuery =
  | { configurationId: number; ok: true; report: ParsedReport; server: ServerAddress }
  | { configurationId: number; ok: false; errors: string[] };

export interface ConfigurationOutcome {
  configurationId: number;
  name: string;
  type: string;
  /** every configured feature was read from a license server */
  ok: boolean;
  /** the server that answered, when one did */
  server?: ServerAddress;
  /** configured features that were read and go into the bulk update */
  updated: number;
  errors: string[];
}

export type BookingDeletionReason = "usage-visible" | "job-gone";

export interface BookingDeletion {
  bookingId: number;
  jobId: number;
  slurmJobId: string;
  featureId: number;
  reason: BookingDeletionReason;
}

export interface ReconcilePlan {
  bulk: FeatureUpdate[];
  outcomes: ConfigurationOutcome[];
  bookingsToDelete: BookingDeletion[];
}

export interface PlanInput {
  configurations: Configuration[];
  queries: ConfigurationQuery[];
  /** undefined when the jobs could not be fetched: no booking is touched then */
  jobs?: Job[];
  /** slurm job ids of jobs that no longer exist on the cluster */
  goneSlurmJobIds?: ReadonlySet<string>;
  now: Date;
}

export function planReconcile(input: PlanInput): ReconcilePlan {
  const queryById = new Map(input.queries.map((query) => [query.configurationId, query]));
  const bulk: FeatureUpdate[] = [];
  const outcomes: ConfigurationOutcome[] = [];
  const usageByConfiguration = new Map<number, Map<string, FeatureUsage>>();

  for (const configuration of input.configurations) {
    const query = queryById.get(configuration.id);
    const base = {
      configurationId: configuration.id,
      name: configuration.name,
      type: configuration.type,
    };
    if (!query) {
      outcomes.push({
        ...base,
        ok: false,
        updated: 0,
        errors: ["license servers were not queried"],
      });
      continue;
    }
    if (!query.ok) {
      outcomes.push({ ...base, ok: false, updated: 0, errors: query.errors });
      continue;
    }
    const usage = usageByFeatureName(query.report.features);
    usageByConfiguration.set(configuration.id, usage);
    const errors: string[] = [];
    let updated = 0;
    for (const feature of configuration.features) {
      const found = usage.get(feature.name.toLowerCase());
      if (!found) {
        errors.push(
          `feature "${feature.name}" is not in the report of ${query.server.host}:${query.server.port}`,
        );
        continue;
      }
      bulk.push({
        productName: feature.product.name,
        featureName: feature.name,
        total: found.total,
        used: found.used,
      });
      updated += 1;
    }
    outcomes.push({ ...base, ok: errors.length === 0, server: query.server, updated, errors });
  }

  const bookingsToDelete = input.jobs
    ? planBookingDeletions(
        input.configurations,
        usageByConfiguration,
        input.jobs,
        input.goneSlurmJobIds ?? new Set(),
        input.now,
      )
    : [];
  return { bulk, outcomes, bookingsToDelete };
}

/**
 * Usage keyed by lower-cased feature name. Names that differ only in case are summed (with
 * their uses), as the API keys features case-insensitively. The map is only read, so a
 * feature seen once is the parser's own object; a sum is a new one.
 */
function usageByFeatureName(features: FeatureUsage[]): Map<string, FeatureUsage> {
  const byName = new Map<string, FeatureUsage>();
  for (const feature of features) {
    const key = feature.feature.toLowerCase();
    const seen = byName.get(key);
    if (!seen) {
      byName.set(key, feature);
      continue;
    }
    byName.set(key, {
      ...seen,
      total: seen.total + feature.total,
      used: seen.used + feature.used,
      reserved: seen.reserved + feature.reserved,
      uses: [...seen.uses, ...feature.uses],
    });
  }
  return byName;
}

/**
 * A booking holds seats for a job until the license server shows the job's own usage. Past
 * the configuration's grace time it is deleted when that usage is visible (same feature, the
 * job's user on its lead host) or when the job is gone.
 */
function planBookingDeletions(
  configurations: Configuration[],
  usageByConfiguration: Map<number, Map<string, FeatureUsage>>,
  jobs: Job[],
  goneSlurmJobIds: ReadonlySet<string>,
  now: Date,
): BookingDeletion[] {
  const featureById = new Map<
    number,
    { feature: ConfigurationFeature; configuration: Configuration }
  >();
  for (const configuration of configurations) {
    for (const feature of configuration.features)
      featureById.set(feature.id, { feature, configuration });
  }
  const deletions: BookingDeletion[] = [];
  /** built for the features bookings are checked against, once each */
  const holdersOf = new Map<FeatureUsage, Holders>();
  for (const job of jobs) {
    for (const booking of job.bookings) {
      const owner = featureById.get(booking.featureId);
      if (!owner) continue;
      const createdAt = Date.parse(booking.createdAt);
      if (Number.isNaN(createdAt)) continue;
      const ageSeconds = (now.getTime() - createdAt) / 1000;
      if (ageSeconds <= owner.configuration.graceTimeSeconds) continue;
      const base = {
        bookingId: booking.id,
        jobId: job.id,
        slurmJobId: job.slurmJobId,
        featureId: booking.featureId,
      };
      if (goneSlurmJobIds.has(job.slurmJobId)) {
        deletions.push({ ...base, reason: "job-gone" });
        continue;
      }
      const usage = usageByConfiguration
        .get(owner.configuration.id)
        ?.get(owner.feature.name.toLowerCase());
      if (usage === undefined) continue;
      let holders = holdersOf.get(usage);
      if (holders === undefined) {
        holders = new Holders(usage.uses);
        holdersOf.set(usage, holders);
      }
      if (holders.holds(job.username, job.leadHost)) {
        deletions.push({ ...base, reason: "usage-visible" });
      }
    }
  }
  return deletions;
}
