import { SlurmCommandError } from "./errors.js";
import { ParseError } from "../../parsers/errors.js";
import {
  planReconcile,
  type JobBooking,
  type PlanOptions,
  type ReconcilePlan,
  type ServerFeature,
  type SlurmAction,
  type SlurmState,
} from "./reconcile-plan.js";
import { parseResources } from "./sacctmgr-parse.js";
import {
  parseConfigValue,
  parseLicenses,
  parseReservation,
  parseSlurmVersion,
  type SlurmReservation,
  type SlurmVersion,
} from "./scontrol-parse.js";
import {
  DEFAULT_BINARIES,
  runCommand,
  slurmArgv,
  type CommandRunner,
  type SlurmBinaries,
} from "./slurm-commands.js";
import { parseJobs, SQUEUE_FORMAT } from "./squeue-parse.js";

export interface SlurmReconcilerOptions {
  binaries?: Partial<SlurmBinaries>;
  /** bound on every single Slurm call */
  timeoutMs?: number;
  run?: CommandRunner;
}

export interface ActionFailure {
  action: SlurmAction;
  error: SlurmCommandError;
}

export interface ExecutionReport {
  applied: SlurmAction[];
  failed: ActionFailure[];
}

/** Reads Slurm's license state and applies reconcile plans, one bounded command at a time. */
export class SlurmReconciler {
  private readonly bin: SlurmBinaries;
  private readonly timeoutMs: number;
  private readonly run: CommandRunner;

  constructor(options: SlurmReconcilerOptions = {}) {
    this.bin = { ...DEFAULT_BINARIES, ...options.binaries };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.run = options.run ?? runCommand;
  }

  private async stdout(argv: readonly string[]): Promise<string> {
    return (await this.run(argv, this.timeoutMs)).stdout;
  }

  async version(): Promise<SlurmVersion> {
    return parseSlurmVersion(await this.stdout(slurmArgv.version(this.bin)));
  }

  /** This cluster's name in accounting (ClusterName in slurm.conf). */
  async clusterName(): Promise<string> {
    const name = parseConfigValue(await this.stdout(slurmArgv.showConfig(this.bin)), "ClusterName");
    if (name === undefined) throw new ParseError("scontrol show config has no ClusterName");
    return name;
  }

  async reservation(name: string): Promise<SlurmReservation | undefined> {
    try {
      return parseReservation(await this.stdout(slurmArgv.showReservation(this.bin, name)));
    } catch (error) {
      // scontrol exits 1 and prints "Reservation NAME not found" when there is none
      if (error instanceof SlurmCommandError && /not found/i.test(error.stderr)) return undefined;
      throw error;
    }
  }

  /** Everything the plan needs from Slurm; any failed or unreadable call fails the whole read. */
  async readState(reservationName: string): Promise<SlurmState> {
    const version = await this.version();
    const resources = parseResources(await this.stdout(slurmArgv.showResources(this.bin)));
    const licenses = parseLicenses(await this.stdout(slurmArgv.showLicenses(this.bin)));
    const jobs = parseJobs(await this.stdout(slurmArgv.listJobs(this.bin, SQUEUE_FORMAT)));
    const reservation = await this.reservation(reservationName);
    return { version, resources, licenses, jobs, reservation };
  }

  /**
   * Applies the plan's actions in order. A failed action does not stop the others; licenses
   * whose resource could not be created are left out of the reservation (Slurm would reject
   * the whole reservation for one unknown license). A failed reservation update is retried
   * as delete + create.
   */
  async execute(plan: ReconcilePlan): Promise<ExecutionReport> {
    const report: ExecutionReport = { applied: [], failed: [] };
    const missing = new Set<string>();
    for (const planned of plan.actions) {
      const action = withoutMissing(planned, missing);
      if (action === undefined) continue;
      try {
        await this.apply(action);
        report.applied.push(action);
      } catch (error) {
        if (!(error instanceof SlurmCommandError)) throw error;
        if (action.kind === "update-reservation") {
          const recreated = await this.recreateReservation(action, report);
          if (recreated) continue;
        }
        if (action.kind === "add-resource") missing.add(action.license);
        report.failed.push({ action, error });
      }
    }
    return report;
  }

  private async recreateReservation(
    action: Extract<SlurmAction, { kind: "update-reservation" }>,
    report: ExecutionReport,
  ): Promise<boolean> {
    const remove: SlurmAction = { kind: "delete-reservation", reservation: action.reservation };
    const create: SlurmAction = { ...action, kind: "create-reservation" };
    try {
      await this.apply(remove);
      report.applied.push(remove);
    } catch (error) {
      if (!(error instanceof SlurmCommandError)) throw error;
      // it may already be gone: creating it is what matters
    }
    try {
      await this.apply(create);
      report.applied.push(create);
      return true;
    } catch (error) {
      if (!(error instanceof SlurmCommandError)) throw error;
      report.failed.push({ action: create, error });
      return true;
    }
  }

  private async apply(action: SlurmAction): Promise<void> {
    await this.run(argvFor(this.bin, action), this.timeoutMs);
  }
}

export function argvFor(bin: SlurmBinaries, action: SlurmAction): string[] {
  switch (action.kind) {
    case "add-resource":
      return slurmArgv.addResource(bin, action);
    case "add-cluster":
      return slurmArgv.addCluster(bin, action);
    case "set-count":
      return slurmArgv.setCount(bin, action);
    case "set-lastconsumed":
      return slurmArgv.setLastConsumed(bin, action);
    case "create-reservation":
      return slurmArgv.createReservation(bin, action);
    case "update-reservation":
      return slurmArgv.updateReservation(bin, action);
    case "delete-reservation":
      return slurmArgv.deleteReservation(bin, action.reservation);
  }
}

function withoutMissing(
  action: SlurmAction,
  missing: ReadonlySet<string>,
): SlurmAction | undefined {
  if (action.kind !== "create-reservation" && action.kind !== "update-reservation") return action;
  const licenses = action.licenses.filter((license) => !missing.has(license.name));
  if (licenses.length === action.licenses.length) return action;
  if (licenses.length === 0) return undefined;
  return { ...action, licenses };
}

export interface SlurmReconcileResult {
  plan: ReconcilePlan;
  report: ExecutionReport;
}

/**
 * One Slurm step of an agent cycle: read Slurm, plan against the license servers' usage and
 * the API's bookings, apply. `options.cluster` falls back to Slurm's own ClusterName.
 */
export async function reconcileSlurm(
  reconciler: SlurmReconciler,
  features: readonly ServerFeature[],
  bookings: readonly JobBooking[],
  options: Omit<PlanOptions, "cluster"> & { cluster?: string },
): Promise<SlurmReconcileResult> {
  const cluster = options.cluster ?? (await reconciler.clusterName());
  const state = await reconciler.readState(options.reservationName);
  const plan = planReconcile(features, bookings, state, { ...options, cluster });
  const report = await reconciler.execute(plan);
  return { plan, report };
}
