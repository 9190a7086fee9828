import type { Configuration, FeatureUpdate, Job } from "../api-types.js";
import type { ConfigurationQuery } from "./plan.js";

/**
 * Tells which of the API's jobs no longer exist on the cluster, so their bookings can go.
 * The Slurm-backed implementation (squeue) plugs in here.
 */
export interface JobPresence {
  /** slurm job ids among `jobs` that are gone */
  goneJobs(jobs: Job[]): Promise<Set<string>>;
}

/** Until the scheduler is asked, no job is ever considered gone. */
export const jobsNeverGone: JobPresence = {
  goneJobs: async () => new Set(),
};

/**
 * Step 5 of a cycle: bring the scheduler's license counts in line with what was pushed.
 * Returns the errors met (empty when all went well).
 */
export interface ClusterLicenseReconciler {
  reconcile(input: ClusterLicenseInput): Promise<string[]>;
}

export interface ClusterLicenseInput {
  configurations: Configuration[];
  /** what was pushed to the API this cycle */
  bulk: FeatureUpdate[];
  /** per configuration, what its license servers said (who holds which seats) */
  queries: ConfigurationQuery[];
  /** the cluster's jobs and bookings; undefined when they could not be fetched */
  jobs?: Job[];
}

/** No scheduler to reconcile: the agent only keeps the API up to date. */
export const noClusterLicenseReconcile: ClusterLicenseReconciler = {
  reconcile: async () => [],
};
