import type { Configuration, Job } from "../api-types.js";
import { groupBy } from "../group-by.js";
import type { ConfigurationQuery } from "../reconcile/plan.js";
import type {
  ClusterLicenseInput,
  ClusterLicenseReconciler,
  JobPresence,
} from "../reconcile/seams.js";
import { describe } from "../token.js";
import type { SlurmSettings } from "./config-section.js";
import { slurmLicenseName } from "./licenses-env.js";
import type { JobBooking, ServerFeature } from "./reconcile-plan.js";
import { runCommand, slurmArgv, type CommandRunner } from "./slurm-commands.js";
import { reconcileSlurm, SlurmReconciler } from "./slurm-reconciler.js";
import { parseJobs, SQUEUE_FORMAT } from "./squeue-parse.js";

/**
 * The features Slurm should mirror this cycle (only those a license server answered for),
 * and the Slurm names of the ones that could not be read: their blocked seats are held.
 */
export function slurmFeatures(
  configurations: readonly Configuration[],
  queries: readonly ConfigurationQuery[],
): { features: ServerFeature[]; heldLicenses: string[] } {
  const queryById = new Map(queries.map((query) => [query.configurationId, query]));
  const features: ServerFeature[] = [];
  const heldLicenses: string[] = [];
  for (const configuration of configurations) {
    const query = queryById.get(configuration.id);
    // once per configuration: a report may list thousands of features
    const reported =
      query?.ok === true
        ? groupBy(query.report.features, (found) => found.feature.toLowerCase())
        : undefined;
    for (const feature of configuration.features) {
      const usage = reported?.get(feature.name.toLowerCase()) ?? [];
      if (usage.length === 0) {
        heldLicenses.push(slurmLicenseName(feature.product.name, feature.name, configuration.type));
        continue;
      }
      features.push({
        productName: feature.product.name,
        featureName: feature.name,
        type: configuration.type,
        total: usage.reduce((sum, found) => sum + found.total, 0),
        used: usage.reduce((sum, found) => sum + found.used, 0),
        uses: usage.flatMap((found) => found.uses),
      });
    }
  }
  return { features, heldLicenses };
}

/** The API's bookings, named by product and feature as the Slurm plan matches them. */
export function slurmBookings(
  configurations: readonly Configuration[],
  jobs: readonly Job[],
): JobBooking[] {
  const featureById = new Map(
    configurations.flatMap((configuration) =>
      configuration.features.map((feature) => [feature.id, feature] as const),
    ),
  );
  const bookings: JobBooking[] = [];
  for (const job of jobs) {
    for (const booking of job.bookings) {
      const feature = featureById.get(booking.featureId);
      if (feature === undefined) continue;
      bookings.push({
        slurmJobId: job.slurmJobId,
        username: job.username,
        leadHost: job.leadHost,
        productName: feature.product.name,
        featureName: feature.name,
        quantity: booking.quantity,
      });
    }
  }
  return bookings;
}

export interface SlurmSeamLogger {
  info(fields: object, message: string): void;
}

/** Step 5 of a cycle on a Slurm cluster: license counts and blocked seats (`reconcileSlurm`). */
export class SlurmClusterLicenses implements ClusterLicenseReconciler {
  private readonly reconciler: SlurmReconciler;

  constructor(
    private readonly settings: SlurmSettings,
    private readonly logger: SlurmSeamLogger,
    run: CommandRunner = runCommand,
  ) {
    this.reconciler = new SlurmReconciler({
      binaries: settings.binaries,
      timeoutMs: settings.commandTimeoutMs,
      run,
    });
  }

  async reconcile(input: ClusterLicenseInput): Promise<string[]> {
    const { features, heldLicenses } = slurmFeatures(input.configurations, input.queries);
    if (input.jobs === undefined) {
      // without the bookings, seats booked by starting jobs would be handed out twice
      return ["Slurm licenses left as they are: the jobs and bookings could not be fetched"];
    }
    const { plan, report } = await reconcileSlurm(
      this.reconciler,
      features,
      slurmBookings(input.configurations, input.jobs),
      {
        ...(this.settings.clusterName === undefined ? {} : { cluster: this.settings.clusterName }),
        reservationName: this.settings.reservationName,
        reservationUser: this.settings.reservationUser,
        reservationMinutes: this.settings.reservationMinutes,
        heldLicenses,
      },
    );
    this.logger.info(
      {
        mode: plan.mode,
        features: plan.features,
        applied: report.applied.map((action) => action.kind),
        held: heldLicenses,
      },
      "Slurm licenses reconciled",
    );
    return report.failed.map(
      (failure) => `Slurm ${failure.action.kind} failed: ${describe(failure.error)}`,
    );
  }
}

/** A job is gone when squeue no longer lists it. */
export class SqueueJobPresence implements JobPresence {
  constructor(
    private readonly settings: Pick<SlurmSettings, "binaries" | "commandTimeoutMs">,
    private readonly run: CommandRunner = runCommand,
  ) {}

  async goneJobs(jobs: Job[]): Promise<Set<string>> {
    if (jobs.length === 0) return new Set();
    const { stdout } = await this.run(
      slurmArgv.listJobs(this.settings.binaries, SQUEUE_FORMAT),
      this.settings.commandTimeoutMs,
    );
    const listed = new Set(parseJobs(stdout).map((job) => job.jobId));
    return new Set(jobs.map((job) => job.slurmJobId).filter((id) => !listed.has(id)));
  }
}
