import { execa } from "execa";
import { SlurmCommandError } from "./errors.js";
import type { ReservedLicense } from "./scontrol-parse.js";

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs one command (argv, never a shell). Swappable so the reconciler can be driven without Slurm. */
export type CommandRunner = (argv: readonly string[], timeoutMs: number) => Promise<CommandResult>;

/**
 * Runs a command in its own process group and kills the whole group when it passes the
 * timeout (a blocked sacctmgr may have children). Any failure is a SlurmCommandError that
 * names the command and carries stderr.
 */
export const runCommand: CommandRunner = async (argv, timeoutMs) => {
  const [file, ...args] = argv;
  if (file === undefined)
    throw new SlurmCommandError(argv, { stderr: "", reason: "empty command" });
  const child = execa(file, args, {
    detached: true,
    reject: false,
    stdin: "ignore",
    stripFinalNewline: false,
    env: { LC_ALL: "C" },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  try {
    const result = await child;
    const stdout = String(result.stdout ?? "");
    const stderr = String(result.stderr ?? "");
    if (timedOut) throw new SlurmCommandError(argv, { stderr, timedOut: true });
    if (result.failed) {
      const reason =
        result.exitCode === undefined ? (result.originalMessage ?? result.shortMessage) : undefined;
      throw new SlurmCommandError(argv, {
        exitCode: result.exitCode,
        stderr: stderr || stdout,
        ...(reason ? { reason } : {}),
      });
    }
    return { stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
};

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Where the Slurm tools live; absolute paths in deployment, fakes in tests. */
export interface SlurmBinaries {
  scontrol: string;
  sacctmgr: string;
  squeue: string;
}

export const DEFAULT_BINARIES: SlurmBinaries = {
  scontrol: "scontrol",
  sacctmgr: "sacctmgr",
  squeue: "squeue",
};

/** Argument lists for every Slurm call lmkeeper makes. Pure, so each is checked in a unit test. */
export const slurmArgv = {
  version: (bin: SlurmBinaries) => [bin.scontrol, "--version"],
  showLicenses: (bin: SlurmBinaries) => [bin.scontrol, "-o", "show", "lic"],
  showConfig: (bin: SlurmBinaries) => [bin.scontrol, "show", "config"],
  showResources: (bin: SlurmBinaries) => [bin.sacctmgr, "-P", "show", "resource", "withclusters"],
  showReservation: (bin: SlurmBinaries, name: string) => [
    bin.scontrol,
    "-o",
    "show",
    "reservation",
    name,
  ],
  // --array: one line per array element, so each running element shows its own job id
  listJobs: (bin: SlurmBinaries, format: string) => [
    bin.squeue,
    "--noheader",
    "--all",
    "--array",
    `--format=${format}`,
  ],
  addResource: (
    bin: SlurmBinaries,
    r: { name: string; server: string; serverType: string; count: number; cluster: string },
  ) => [
    bin.sacctmgr,
    "-i",
    "add",
    "resource",
    `name=${r.name}`,
    `server=${r.server}`,
    "type=license",
    `servertype=${r.serverType}`,
    `count=${r.count}`,
    `cluster=${r.cluster}`,
    "percentallowed=100",
  ],
  addCluster: (bin: SlurmBinaries, r: { name: string; server: string; cluster: string }) => [
    bin.sacctmgr,
    "-i",
    "add",
    "resource",
    `name=${r.name}`,
    `server=${r.server}`,
    `cluster=${r.cluster}`,
    "percentallowed=100",
  ],
  setCount: (bin: SlurmBinaries, r: { name: string; server: string; count: number }) => [
    bin.sacctmgr,
    "-i",
    "modify",
    "resource",
    "where",
    `name=${r.name}`,
    `server=${r.server}`,
    "set",
    `count=${r.count}`,
  ],
  setLastConsumed: (
    bin: SlurmBinaries,
    r: { name: string; server: string; lastConsumed: number },
  ) => [
    bin.sacctmgr,
    "-i",
    "modify",
    "resource",
    "where",
    `name=${r.name}`,
    `server=${r.server}`,
    "set",
    `lastconsumed=${r.lastConsumed}`,
  ],
  createReservation: (
    bin: SlurmBinaries,
    r: { reservation: string; user: string; minutes: number; licenses: readonly ReservedLicense[] },
  ) => [
    bin.scontrol,
    "create",
    "reservation",
    `reservationname=${r.reservation}`,
    `user=${r.user}`,
    "starttime=now",
    `duration=${r.minutes}`,
    "flags=license_only",
    `licenses=${licenseList(r.licenses)}`,
  ],
  // the end time moves on from now: `duration=` would count from the original start
  updateReservation: (
    bin: SlurmBinaries,
    r: { reservation: string; minutes: number; licenses: readonly ReservedLicense[] },
  ) => [
    bin.scontrol,
    "update",
    `reservationname=${r.reservation}`,
    `endtime=now+${r.minutes}minutes`,
    `licenses=${licenseList(r.licenses)}`,
  ],
  deleteReservation: (bin: SlurmBinaries, reservation: string) => [
    bin.scontrol,
    "delete",
    `reservationname=${reservation}`,
  ],
};

function licenseList(licenses: readonly ReservedLicense[]): string {
  return licenses.map((license) => `${license.name}:${license.count}`).join(",");
}
