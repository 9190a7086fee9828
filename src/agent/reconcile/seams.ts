import type { Configuration, FeatureUpdate, Job } from "../api-types.js";

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
  reconcile(input: { configurations: Configuration[]; bulk: FeatureUpdate[] }): Promise<string[]>;
}

/** No scheduler to reconcile: the agent only keeps the API up to date. */
export const noClusterLicenseReconcile: ClusterLicenseReconciler = {
  reconcile: async () => [],
};
