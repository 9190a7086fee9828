// The Slurm side of the agent: what the reconcile cycle and the CLI import.
export { SlurmCommandError, SlurmInputError } from "./errors.js";
export { expandHostlist, firstHost } from "./hostlist.js";
export { parseLicenseRequests, slurmLicenseName, trackedBookings } from "./licenses-env.js";
export type { FeatureBooking, LicenseRequest } from "./licenses-env.js";
export { parseResources } from "./sacctmgr-parse.js";
export type { SlurmResource } from "./sacctmgr-parse.js";
export {
  parseConfigValue,
  parseLicenses,
  parseReservation,
  parseSlurmVersion,
  supportsLastConsumed,
} from "./scontrol-parse.js";
export type { SlurmLicense, SlurmReservation, SlurmVersion } from "./scontrol-parse.js";
export { holdsLicenses, parseJobs } from "./squeue-parse.js";
export type { SlurmJob } from "./squeue-parse.js";
export { planReconcile } from "./reconcile-plan.js";
export type {
  BlockingMode,
  FeatureDecision,
  JobBooking,
  PlanOptions,
  ReconcilePlan,
  ServerFeature,
  SlurmAction,
  SlurmState,
} from "./reconcile-plan.js";
export { runCommand, slurmArgv } from "./slurm-commands.js";
export type { CommandRunner, SlurmBinaries } from "./slurm-commands.js";
export { reconcileSlurm, SlurmReconciler } from "./slurm-reconciler.js";
export type { ExecutionReport, SlurmReconcileResult } from "./slurm-reconciler.js";
export { JobsApiRefusedError, JobsApiUnavailableError } from "./jobs-api.js";
export type { JobsApi, NewJob } from "./jobs-api.js";
export { AgentJobsApi } from "./api-jobs.js";
export { runProlog } from "./prolog.js";
export { runEpilog } from "./epilog.js";
export { SLURM_SECTION_KEYS, slurmSectionSchema, toSlurmSettings } from "./config-section.js";
export type { SlurmSettings } from "./config-section.js";
